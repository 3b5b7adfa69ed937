import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveParams, type ParamValues } from '../src/shared/engine-params'
import type { BarEvent, OrderView } from '../src/shared/events'
import { defaultMarket } from '../src/shared/market'
import { runBacktest, type BacktestEngineSpec, type BacktestResult } from '../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../src/main/core/data/bar-series'
import type { EngineContext } from '../src/main/core/engine/engine'
import { BUILT_IN_ENGINES } from '../src/main/core/engines/registry'
import { Journal } from '../src/main/core/journal/journal'
import { backtestAppender } from '../src/main/host/journal-writer'
import { Highest, Lowest } from '../src/main/core/indicators/highest-lowest'
import { Rsi } from '../src/main/core/indicators/rsi'
import { Sma } from '../src/main/core/indicators/sma'
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

/**
 * The limit of any kernel running these three engines: only their indicator updates (SMA 50 and
 * 200, RSI 14, highest/lowest over 1440 and 720 bars), straight from the columns — no bar objects,
 * no context, no orders. Returns seconds.
 */
function indicatorArithmetic(bars: BarSeries): number {
  const t0 = performance.now()
  const fast = new Sma(50)
  const slow = new Sma(200)
  const rsi = new Rsi(14)
  const channel = [new Highest(1440), new Lowest(1440), new Highest(720), new Lowest(720)] as const
  const { close, high, low } = bars
  let sink = 0
  for (let i = 0; i < bars.length; i++) {
    sink += fast.update(close[i]) - slow.update(close[i]) + rsi.update(close[i])
    sink += channel[0].update(high[i]) - channel[1].update(low[i]) + channel[2].update(high[i]) - channel[3].update(low[i])
  }
  const seconds = (performance.now() - t0) / 1000
  // reading the sum keeps the loop's work from being optimised away
  if (sink === Infinity) throw new Error('bench: indicator arithmetic overflowed')
  return seconds
}

/**
 * The engines' own share: their handlers over the same bars, built beforehand, with a context
 * that only remembers resting orders and never fills (so positions stay flat). No kernel.
 */
function enginesAlone(bars: BarSeries): number {
  const events: BarEvent[] = []
  for (let i = 0; i < bars.length; i++) {
    events.push({
      type: 'bar', seq: i + 1, ts: bars.closeTime[i], symbol: bars.symbol, timeframe: bars.timeframe, openTime: bars.openTime[i],
      closeTime: bars.closeTime[i], open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i], volume: bars.volume[i], closed: true
    })
  }
  const orders = new Map<string, OrderView>()
  let n = 0
  const ctx = {
    position: (symbol: string) => ({ symbol, amount: 0, entryPrice: 0, realizedPnl: 0, unrealizedPnl: 0, markPrice: 0 }),
    equity: () => 1_000_000,
    market: (symbol: string) => defaultMarket(symbol),
    amountToPrecision: (_symbol: string, amount: number) => amount,
    createOrder: (symbol: string, type: string, side: string, amount: number, price?: number) => {
      const id = `o${++n}`
      orders.set(id, { clientOrderId: id, symbol, type, side, amount, stopPrice: price ?? null, status: 'accepted' } as OrderView)
      return id
    },
    order: (id: string) => orders.get(id),
    cancelOrder: (id: string) => void orders.delete(id)
  } as unknown as EngineContext<ParamValues>
  const engines = ENGINES.map((e) => e.definition.create(resolveParams(e.definition.params, e.params)))
  const t0 = performance.now()
  for (const event of events) for (const engine of engines) engine.onMarket!(event, ctx)
  return (performance.now() - t0) / 1000
}

/**
 * Engines that trade occasionally, as real ones do on one-minute bars: a slow crossover, RSI
 * reversion at the default levels and a day-long breakout channel with resting stops.
 */
const ENGINES: BacktestEngineSpec[] = [
  { id: 'sma', definition: BUILT_IN_ENGINES.get('sma-cross')!, params: { fast: 50, slow: 200, mode: 'long-short', size: 0.3 } },
  { id: 'rsi', definition: BUILT_IN_ENGINES.get('rsi-reversion')!, params: { size: 0.3 } },
  { id: 'brk', definition: BUILT_IN_ENGINES.get('breakout')!, params: { entry: 1440, exit: 720, size: 0.3 } }
]

function runThroughKernel(bars: BarSeries, dir: string | null): { seconds: number; cpuSeconds: number; result: BacktestResult; journalEvents: number } {
  const journal = dir === null ? null : Journal.open(join(dir, 'journal.sqlite'))
  const sessionId = journal?.createSession({ mode: 'backtest', config: {}, engines: [], appVersion: 'bench', dataFingerprint: 'synthetic', startedAt: 0 })
  // the appender the command line journals backtests through (the writer thread; without a
  // journal, the same thread extending the hash chain only, as `--no-journal` does)
  const appender = backtestAppender(journal, sessionId ?? 'bench')
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const result = runBacktest({
    bars: [bars],
    markets: [defaultMarket('BTC/USDT')],
    engines: ENGINES,
    broker: { currency: 'USDT', initialCash: 1_000_000, accountType: 'margin', leverage: 5 },
    risk: { maxOrderNotional: 10_000_000, maxOpenOrders: 50, maxOrdersPerSecond: 100 },
    journal: appender
  })
  appender.close('completed', 0)
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  journal?.close()
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, result, journalEvents: appender.lastSeq }
}

export function kernelBenchmark(count = 1_000_000): void {
  const bars = syntheticMinuteBars(count)
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-'))
  try {
    const rssBefore = process.memoryUsage().rss
    const withJournal = runThroughKernel(bars, dir)
    // Peak of the whole process so far: the bars in memory, the run and its report.
    const peakRssMb = process.resourceUsage().maxRSS / 1024
    const hashOnly = runThroughKernel(bars, null)
    const t1 = performance.now()
    const crosses = plainCrossoverLoop(bars, 50, 200)
    const plainSeconds = (performance.now() - t1) / 1000
    const enginesSeconds = enginesAlone(bars)
    const arithmeticSeconds = Math.min(indicatorArithmetic(bars), indicatorArithmetic(bars), indicatorArithmetic(bars))
    const { result, seconds } = withJournal
    const rate = (s: number) => Math.round(count / s).toLocaleString('en-US')
    console.log('backtest through the kernel (sma-cross 50/200, rsi-reversion, breakout 1440/720; risk gate; SQLite journal on, written by its thread), from memory')
    console.log(`  bars                 ${count.toLocaleString('en-US')}`)
    // CPU time includes V8's helper threads; on a busy machine it says more than the wall clock
    console.log(`  time                 ${seconds.toFixed(3)} s (CPU ${withJournal.cpuSeconds.toFixed(3)} s)`)
    console.log(`  bars/s               ${rate(seconds)}   (target ≥ 8,000,000)`)
    console.log(`  orders, fills        ${result.report.orders.length.toLocaleString('en-US')}, ${result.report.fills.length.toLocaleString('en-US')}; journal events ${withJournal.journalEvents.toLocaleString('en-US')}`)
    // a larger young generation (the bench script's semi-space flag) holds more memory while it runs
    console.log(
      `  peak RSS             ${peakRssMb.toFixed(0)} MB (before the run ${(rssBefore / 2 ** 20).toFixed(0)} MB; target < 200 MB; node ${process.execArgv.join(' ') || 'default flags'})`
    )
    console.log(`  journal off          ${rate(hashOnly.seconds)} bars/s, ${hashOnly.seconds.toFixed(3)} s (hash chain only, on its thread; same hash: ${hashOnly.result.report.journalHash === result.report.journalHash})`)
    console.log(`  baseline plain loop  ${rate(plainSeconds)} bars/s (${crosses} crossovers of 50/200) — the ceiling`)
    console.log(`  engines alone        ${rate(enginesSeconds)} bars/s (their handlers over pre-built bars, stub context, no kernel)`)
    console.log(`  indicator arithmetic ${rate(arithmeticSeconds)} bars/s (the three engines' indicator updates from the columns alone: no kernel running these engines can go faster)`)
    console.log(`  kernel / ceiling     ${((plainSeconds / seconds) * 100).toFixed(1)}%`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
