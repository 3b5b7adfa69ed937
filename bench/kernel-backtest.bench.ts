import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultMarket } from '../src/shared/market'
import { runBacktest } from '../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../src/main/core/data/bar-series'
import { BUILT_IN_ENGINES } from '../src/main/core/engines/registry'
import { Journal } from '../src/main/core/journal/journal'
import { createRandom } from '../src/main/core/random'

/** One million synthetic one-minute bars in columns (a random walk), built in memory. */
export function syntheticMinuteBars(count: number, seed = 7): BarSeries {
  const rand = createRandom(seed)
  const cols = () => new Float64Array(count)
  const s: BarSeries = {
    symbol: 'BTC/USDT',
    timeframe: '1m',
    timeframeMs: 60_000,
    length: count,
    openTime: cols(),
    closeTime: cols(),
    open: cols(),
    high: cols(),
    low: cols(),
    close: cols(),
    volume: cols()
  }
  let price = 30_000
  const t0 = Date.UTC(2020, 0, 1)
  for (let i = 0; i < count; i++) {
    const open = price
    price *= 1 + (rand() - 0.5) * 0.004
    s.openTime[i] = t0 + i * 60_000
    s.closeTime[i] = s.openTime[i] + 60_000
    s.open[i] = open
    s.close[i] = price
    s.high[i] = Math.max(open, price) * (1 + rand() * 0.001)
    s.low[i] = Math.min(open, price) * (1 - rand() * 0.001)
    s.volume[i] = 1 + rand() * 10
  }
  return s
}

/** The ceiling: a plain loop over the same columns computing the same crossover. */
function plainCrossoverLoop(bars: BarSeries, fast: number, slow: number): number {
  const close = bars.close
  let sumF = 0
  let sumS = 0
  let prev = NaN
  let crosses = 0
  for (let i = 0; i < bars.length; i++) {
    sumF += close[i] - (i >= fast ? close[i - fast] : 0)
    sumS += close[i] - (i >= slow ? close[i - slow] : 0)
    if (i < slow - 1) continue
    const diff = sumF / fast - sumS / slow
    if ((prev < 0 && diff > 0) || (prev > 0 && diff < 0)) crosses++
    if (diff !== 0) prev = diff
  }
  return crosses
}

export function kernelBenchmark(count = 1_000_000): void {
  const bars = syntheticMinuteBars(count)
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-'))
  try {
    const rssBefore = process.memoryUsage().rss
    const journal = Journal.open(join(dir, 'journal.sqlite'))
    const sessionId = journal.createSession({ mode: 'backtest', config: {}, engines: [], appVersion: 'bench', dataFingerprint: 'synthetic', startedAt: 0 })
    const appender = journal.appender(sessionId, { batchSize: 16_384 })
    const t0 = performance.now()
    const result = runBacktest({
      bars: [bars],
      markets: [defaultMarket('BTC/USDT')],
      engines: [
        { id: 'sma', definition: BUILT_IN_ENGINES.get('sma-cross')!, params: { fast: 20, slow: 100, mode: 'long-short' } },
        { id: 'rsi', definition: BUILT_IN_ENGINES.get('rsi-reversion')!, params: { size: 0.2 } },
        { id: 'brk', definition: BUILT_IN_ENGINES.get('breakout')!, params: { entry: 240, exit: 120, size: 0.2 } }
      ],
      broker: { currency: 'USDT', initialCash: 1_000_000, accountType: 'margin', leverage: 5 },
      risk: { maxOrderNotional: 10_000_000, maxOpenOrders: 50, maxOrdersPerSecond: 100 },
      journal: appender
    })
    appender.close('completed', 0)
    const seconds = (performance.now() - t0) / 1000
    journal.close()
    const peakRssMb = process.resourceUsage().maxRSS / 1024
    const t1 = performance.now()
    const crosses = plainCrossoverLoop(bars, 20, 100)
    const plainSeconds = (performance.now() - t1) / 1000
    console.log('backtest through the kernel (3 engines, risk gate, SQLite journal on), from memory')
    console.log(`  bars                 ${count.toLocaleString('en-US')}`)
    console.log(`  time                 ${seconds.toFixed(3)} s`)
    console.log(`  bars/s               ${Math.round(count / seconds).toLocaleString('en-US')}   (target ≥ 8,000,000)`)
    console.log(`  fills                ${result.report.fills.length.toLocaleString('en-US')}, journal events ${appender.lastSeq.toLocaleString('en-US')}`)
    console.log(`  peak RSS             ${peakRssMb.toFixed(0)} MB (before the run ${(rssBefore / 2 ** 20).toFixed(0)} MB; target < 200 MB)`)
    console.log(`  baseline plain loop  ${Math.round(count / plainSeconds).toLocaleString('en-US')} bars/s (${crosses} crossovers) — the ceiling`)
    console.log(`  kernel / ceiling     ${((plainSeconds / seconds) * 100).toFixed(1)}%`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
