import type { JournalEvent, Market, MarketEvent } from '../../../shared/events'
import { resolveParams, type ParamValues } from '../../../shared/engine-params'
import type { SimulatedBrokerConfig } from '../broker/config'
import { SimulatedBroker } from '../broker/simulated-broker'
import { VirtualClock } from '../clock'
import type { BarSeries, QuoteSeries, TradeSeries } from '../data/bar-series'
import type { EngineDefinition } from '../engine/engine'
import { HashOnlyJournal } from '../journal/hash-only'
import { Kernel, type EngineStatus, type JournalSink } from '../kernel/kernel'
import { barCursor, quoteCursor, tradeCursor, type SeriesCursor } from '../market/series-cursor'
import { StoredSource, type SourceStage } from '../market/stored-source'
import { buildReport } from '../report/build-report'
import type { BacktestReport, Fill } from '../report/types'
import { RiskGate, type RiskLimits } from '../risk/risk-gate'

export interface BacktestEngineSpec {
  id: string
  definition: EngineDefinition<ParamValues>
  /** raw values (strings from the CLI are parsed against the engine's parameter specs) */
  params: Record<string, unknown>
}

export interface BacktestConfig {
  bars?: BarSeries[]
  trades?: TradeSeries[]
  quotes?: QuoteSeries[]
  markets: Market[]
  engines: BacktestEngineSpec[]
  broker: Omit<SimulatedBrokerConfig, 'markets'>
  risk?: RiskLimits
  seed?: number
  from?: number
  to?: number
  /** extra MarketSource stages: resampling, indicator layers */
  stages?: SourceStage[]
  /**
   * End of data: leave open positions open and mark them to the last price (`none`), or close
   * them at the last bar's `close` or `open` with fees, counting them as closed trades
   */
  closeAtEnd?: 'none' | 'close' | 'open'
  /** bars to sample equity on when they are built by a stage (trades resampled to bars) */
  sampleBars?: { symbol: string; timeframe: string }
  /** journal to write; the journal hash is reported either way */
  journal?: (JournalSink & { readonly hash: string }) | null
  journalMarket?: boolean
  /** what the report records about the run (data fingerprint, app version, data quality…) */
  manifest?: Record<string, unknown>
  warnings?: string[]
  onProgress?: (done: number, total: number) => void
}

export interface BacktestResult {
  report: BacktestReport
  engines: EngineStatus[]
  events: number
}

/**
 * Runs engines over stored data with the simulated broker in virtual time. The equity curve is
 * sampled at every closed bar of the first bar series (or at every event of the first trade or
 * quote series when there are no bars).
 */
export function runBacktest(config: BacktestConfig): BacktestResult {
  const seed = config.seed ?? 1
  const bars = config.bars ?? []
  const trades = config.trades ?? []
  const quotes = config.quotes ?? []
  const cursors: SeriesCursor[] = [
    ...bars.map((s) => barCursor(s, config.from, config.to)),
    ...trades.map((s) => tradeCursor(s, config.from, config.to)),
    ...quotes.map((s) => quoteCursor(s, config.from, config.to))
  ]
  if (cursors.every((c) => c.length === 0)) throw new Error('backtest: no data in the selected range')
  // Small batches: their events die young instead of being promoted to the old generation.
  const source = new StoredSource(cursors, config.stages ?? [], 256)

  const params = config.engines.map((e) => ({ ...e, values: resolveParams(e.definition.params, e.params) }))
  const broker = new SimulatedBroker({ ...config.broker, markets: config.markets })
  const journal = config.journal ?? new HashOnlyJournal(`backtest-${seed}`)

  // Sampling target: the primary bar stream, else the first trade or quote series.
  const primary = config.sampleBars ?? (bars[0] ? { symbol: bars[0].symbol, timeframe: bars[0].timeframe } : null)
  const primarySymbol = primary?.symbol ?? trades[0]?.symbol ?? quotes[0]!.symbol
  const capacity = cursors[0].length + 1
  const sampleTs = new Float64Array(capacity)
  const sampleEquity = new Float64Array(capacity)
  const samplePosition = new Float64Array(capacity)
  const own = primary !== null && bars[0] !== undefined && bars[0].symbol === primary.symbol && bars[0].timeframe === primary.timeframe
  const prices = new PriceSamples(capacity, own ? bars[0] : null, own ? cursors[0].index : 0)
  let samples = 0
  const fills: Fill[] = []
  const account = broker.account

  const marketObserver = (event: MarketEvent): void => {
    switch (event.type) {
      case 'bar':
        if (primary === null || event.symbol !== primary.symbol || event.timeframe !== primary.timeframe || !event.closed) return
        sample(event.ts, event.openTime, event.open, event.high, event.low, event.close)
        return
      case 'trade':
        if (primary === null && event.symbol === primarySymbol) sample(event.ts, event.ts, event.price, event.price, event.price, event.price)
        return
      case 'quote':
        if (primary === null && trades.length === 0 && event.symbol === primarySymbol) {
          const mid = (event.bid + event.ask) / 2
          sample(event.ts, event.ts, mid, mid, mid, mid)
        }
        return
      default:
        return
    }
  }

  const observer = (event: JournalEvent): void => {
    if (event.type !== 'OrderFilled' && event.type !== 'OrderPartiallyFilled') return
    fills.push({
      ts: event.tradeTs,
      symbol: event.symbol,
      side: event.side,
      price: event.price,
      amount: event.amount,
      fee: event.fee.cost,
      orderId: event.orderId,
      tradeId: event.tradeId
    })
    // Fills are applied before the bar is shown to engines; refresh the last sample.
    if (samples > 0) {
      sampleEquity[samples - 1] = account.equity()
      samplePosition[samples - 1] = account.positionAmount(primarySymbol)
    }
  }

  function sample(ts: number, openTime: number, o: number, h: number, l: number, c: number): void {
    if (samples > 0 && ts <= sampleTs[samples - 1]) return
    sampleTs[samples] = ts
    sampleEquity[samples] = account.equity()
    samplePosition[samples] = account.positionAmount(primarySymbol)
    prices.add(samples, openTime, o, h, l, c)
    samples++
  }

  const clock = new VirtualClock(0)
  const kernel = new Kernel({
    clock,
    broker,
    risk: new RiskGate(config.risk ?? {}),
    journal,
    journalMarket: config.journalMarket ?? false,
    seed,
    observer,
    marketObserver
  })
  for (const e of params) kernel.addEngine(e.id, e.definition, e.values)

  let events = 0
  for (let batch = source.nextBatch(); batch !== null; batch = source.nextBatch()) {
    kernel.processMarketBatch(batch)
    events += batch.length
    if (config.onProgress) {
      const p = source.progress()
      config.onProgress(p.done, p.total)
    }
  }
  const closeAtEnd = config.closeAtEnd ?? 'none'
  if (closeAtEnd !== 'none') broker.settle(closeAtEnd, clock.now(), kernel.seq)
  kernel.finish()
  if (samples === 0) throw new Error(`backtest: no closed bar of the primary series ${primarySymbol} in the selected range`)

  const initialEquity = config.broker.initialCash
  const report = buildReport({
    manifest: {
      engines: params.map((e) => ({ id: e.id, engine: e.definition.name, params: e.values })),
      seed,
      broker: { ...config.broker, markets: config.markets.map((m) => m.symbol) },
      risk: config.risk ?? {},
      lookAheadWarning: broker.lookAhead,
      closeAtEnd,
      ...config.manifest
    },
    fills,
    orders: [...account.allOrders()],
    equity: { ts: sampleTs.subarray(0, samples), equity: sampleEquity.subarray(0, samples) },
    initialEquity,
    price: { symbol: primarySymbol, ...prices.columns(samples) },
    position: samplePosition.subarray(0, samples),
    journalHash: journal.hash,
    warnings: [...(config.warnings ?? []), ...(broker.lookAhead ? ['look-ahead: market orders fill at the close of the bar they were decided on'] : [])]
  })
  return { report, engines: kernel.engines(), events }
}

interface PriceColumns {
  ts: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
}

/**
 * The price of each equity sample (bar open time and OHLC). While the samples are the bars of
 * the data's own series one after another, the same values, they are a slice of its columns and
 * nothing is copied (40 MB saved per million bars); from the first sample that is not, they are
 * copied into columns of their own.
 */
class PriceSamples {
  private copy: PriceColumns | null = null

  constructor(
    private readonly capacity: number,
    private readonly series: BarSeries | null,
    private readonly start: number
  ) {
    if (series === null) this.copy = PriceSamples.allocate(capacity)
  }

  add(k: number, openTime: number, open: number, high: number, low: number, close: number): void {
    const s = this.series
    if (this.copy === null && s !== null) {
      const j = this.start + k
      if (j < s.length && s.openTime[j] === openTime && s.open[j] === open && s.high[j] === high && s.low[j] === low && s.close[j] === close) return
      this.copy = PriceSamples.allocate(this.capacity)
      for (let i = 0; i < k; i++) this.set(i, s.openTime[this.start + i], s.open[this.start + i], s.high[this.start + i], s.low[this.start + i], s.close[this.start + i])
    }
    this.set(k, openTime, open, high, low, close)
  }

  columns(n: number): PriceColumns {
    const c = this.copy
    if (c !== null) return { ts: c.ts.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n) }
    const s = this.series!
    const end = this.start + n
    return {
      ts: s.openTime.subarray(this.start, end),
      open: s.open.subarray(this.start, end),
      high: s.high.subarray(this.start, end),
      low: s.low.subarray(this.start, end),
      close: s.close.subarray(this.start, end)
    }
  }

  private set(k: number, openTime: number, open: number, high: number, low: number, close: number): void {
    const c = this.copy!
    c.ts[k] = openTime
    c.open[k] = open
    c.high[k] = high
    c.low[k] = low
    c.close[k] = close
  }

  private static allocate(capacity: number): PriceColumns {
    const col = () => new Float64Array(capacity)
    return { ts: col(), open: col(), high: col(), low: col(), close: col() }
  }
}
