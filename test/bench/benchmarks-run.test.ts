import { afterEach, describe, expect, it, vi } from 'vitest'
import { cliBenchmark } from '../../bench/cli-backtest.bench'
import { kernelBenchmark } from '../../bench/kernel-backtest.bench'
import { storeBenchmark } from '../../bench/store.bench'

/** What a benchmark printed, line by line. */
function printed(spy: ReturnType<typeof vi.spyOn>): string {
  return spy.mock.calls.map((args: unknown[]) => args.join(' ')).join('\n')
}

afterEach(() => {
  vi.restoreAllMocks()
})

// The benchmarks are not tests; these runs on a few thousand bars keep their code working
// (an engine that asks its context for something new broke one once) and check what they compare.
describe('benchmarks, on small inputs', () => {
  it('kernel: runs with and without the journal to the same hash, and prints every figure', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    kernelBenchmark(5_000)
    const out = printed(log)
    expect(out).toContain('bars                 5,000')
    expect(out).toMatch(/same hash: true/)
    for (const label of ['bars/s', 'peak RSS', 'baseline plain loop', 'engines alone', 'indicator arithmetic']) expect(out).toContain(label)
  })

  it('store: imports, reads and backtests the stored series, and prints every figure', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await storeBenchmark(5_000)
    const out = printed(log)
    expect(out).toContain('market-data store: 5,000 one-minute bars')
    for (const label of ['import into the store', 'read bars from the store', 'backtest from the store', 'first run', 'same backtest from memory', 'baseline: plain loop']) {
      expect(out).toContain(label)
    }
    expect(out).toMatch(/sma-cross 20\/100 long-short, [1-9]\d* fills/)
  })

  it('cli: runs the command line with and without a journal and prints the baselines', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    cliBenchmark(5_000)
    const out = printed(log)
    for (const label of ['--no-journal', 'with the journal', 'baseline node start', 'baseline plain read']) expect(out).toContain(label)
  })
})
