import { cliBenchmark } from './cli-backtest.bench'
import { kernelBenchmark } from './kernel-backtest.bench'
import { storeBenchmark } from './store.bench'

// `npm run bench [kernel|cli|store]`: prints figures beside baselines measured in the same run. Not a test.
const which = process.argv[2] ?? 'all'
if (which === 'all' || which === 'kernel') kernelBenchmark()
if (which === 'all' || which === 'cli') cliBenchmark()
if (which === 'all' || which === 'store') await storeBenchmark()
