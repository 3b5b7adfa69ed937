import { kernelBenchmark } from './kernel-backtest.bench'

// `npm run bench`: prints figures beside a baseline measured in the same run. Not a test.
const which = process.argv[2] ?? 'all'
if (which === 'all' || which === 'kernel') kernelBenchmark()
