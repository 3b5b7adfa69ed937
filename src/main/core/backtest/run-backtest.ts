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
import { EquitySamples } from './equity-samples'

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
  const own = primary !== null && bars[0] !== undefined && bars[0].symbol === primary.symbol && bars[0].timeframe === primary.timeframe
  const account = broker.account
  // One bar series and nothing else: the curve is computed from its closes at the end.
  const deferred = own && bars.length === 1 && trades.length === 0 && quotes.length === 0 && (config.stages ?? []).length === 0 && increasing(bars[0]!.closeTime, cursors[0].index, cursors[0].index + cursors[0].length)
  const samples = new EquitySamples(cursors[0].length + 1, account, primarySymbol, own ? bars[0]! : null, own ? cursors[0].index : 0, deferred)
  const fills: Fill[] = []

  const marketObserver = (event: MarketEvent): void => {
    switch (event.type) {
      case 'bar':
        if (primary === null || event.symbol !== primary.symbol || event.timeframe !== primary.timeframe || !event.closed) return
        if (samples.counting) samples.countBar()
        else samples.add(event.ts, event.openTime, event.open, event.high, event.low, event.close)
        return
      case 'trade':
        if (primary === null && event.symbol === primarySymbol) samples.add(event.ts, event.ts, event.price, event.price, event.price, event.price)
        return
      case 'quote':
        if (primary === null && trades.length === 0 && event.symbol === primarySymbol) {
          const mid = (event.bid + event.ask) / 2
          samples.add(event.ts, event.ts, mid, mid, mid, mid)
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
    samples.afterFill(event.symbol)
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
  samples.finish()
  if (samples.length === 0) throw new Error(`backtest: no closed bar of the primary series ${primarySymbol} in the selected range`)

  const curve = samples.columns()
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
    equity: { ts: curve.ts, equity: curve.equity },
    initialEquity,
    price: { symbol: primarySymbol, ...samples.priceColumns() },
    position: curve.position,
    journalHash: journal.hash,
    warnings: [...(config.warnings ?? []), ...(broker.lookAhead ? ['look-ahead: market orders fill at the close of the bar they were decided on'] : [])]
  })
  return { report, engines: kernel.engines(), events }
}

/** Whether `xs[from, to)` strictly increases. */
function increasing(xs: ArrayLike<number>, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (!(xs[i]! > xs[i - 1]!)) return false
  return true
}
