import { WorkstationError, type BrokerSettings, type CommandParams, type PushPayload } from '../../shared/api'
import { resolveParams, type ParamValues } from '../../shared/engine-params'
import type { MarketEvent } from '../../shared/market-events'
import { loadMarkets, marketsFromCcxt } from '../adapters/ccxt/exchange'
import { LiveMarketSource } from '../adapters/ccxt/live-market-source'
import type { WatchApi } from '../adapters/ccxt/venue-api'
import { SimulatedBroker } from '../core/broker/simulated-broker'
import { VirtualClock } from '../core/clock'
import type { EngineDefinition } from '../core/engine/engine'
import { Journal } from '../core/journal/journal'
import type { JournalAppender } from '../core/journal/appender'
import { Kernel } from '../core/kernel/kernel'
import { OrderBook } from '../core/market/order-book'
import { RiskGate } from '../core/risk/risk-gate'
import { APP_VERSION } from './app-version'
import { brokerConfig, DEFAULT_BROKER_SETTINGS } from './broker-settings'
import { loadEngine } from './engine-loader'
import { toApiError } from './errors'
import type { ReplayFeed } from './replay-feed'
import { ReplayViews, type View } from './replay-views'
import { SessionControls } from './session-controls'

/** What a paper session needs from a ccxt.pro exchange: public streams and the market list. */
export type PaperExchange = WatchApi & { loadMarkets(reload?: boolean): Promise<Record<string, unknown>> }

export interface PaperSpec {
  sessionId: string
  venue: string
  symbol: string
  engine?: string
  params?: ParamValues
  broker?: BrokerSettings
  /** null: no journal (tests of the session alone) */
  journalPath: string | null
}

type Status = PushPayload<'session.state'>['status']

/** How often views go to the host; the batcher enforces the per-topic rate. */
const VIEW_INTERVAL_MS = 50
const BAR_TIMEFRAME = '1m'
const SEED = 1

/**
 * The live book as the views see it: the source hands out whole top-of-book snapshots only while
 * its feed is healthy, so the book is replaced by each one and invalidated on any other status.
 */
class PaperFeed implements ReplayFeed<never> {
  readonly barTimeframe = BAR_TIMEFRAME
  readonly book: OrderBook

  constructor(readonly symbol: string) {
    this.book = new OrderBook(symbol)
  }

  see(events: readonly MarketEvent[]): void {
    for (const e of events) {
      if (e.type === 'book' && e.symbol === this.symbol) this.book.apply(e)
      else if (e.type === 'status' && e.symbol === this.symbol && e.status !== 'ok') this.book.invalidate(e.reason || e.status)
    }
  }

  next(): Promise<null> {
    return Promise.resolve(null)
  }
  timeOf(): number {
    return 0
  }
  apply(): number {
    return 0
  }
  finish(): void {}
  progress(): number {
    return 0
  }
}

/**
 * One paper session in the host process: live market data from ccxt (book, trades, 1m bars built
 * from trades) into a kernel whose virtual clock follows the venue's event times, with the
 * unchanged simulated broker, an optional engine, the journal (market events included), and the
 * same view pushes, manual orders, engine controls and kill switch as a replay session.
 */
export class PaperSession {
  status: Status = 'running'
  private ended = false
  private readonly viewTimer: ReturnType<typeof setInterval>
  private readonly views: ReplayViews
  private readonly controls: SessionControls

  private constructor(
    private readonly spec: PaperSpec,
    private readonly feed: PaperFeed,
    readonly kernel: Kernel,
    private readonly source: LiveMarketSource,
    private readonly journal: { db: Journal; appender: JournalAppender } | null,
    viewsFor: (session: PaperSession) => ReplayViews,
    private readonly post: (views: View[]) => void
  ) {
    this.views = viewsFor(this)
    this.controls = new SessionControls({
      sessionId: spec.sessionId,
      kernel,
      views: this.views,
      journal,
      requireLive: () => this.requireLive(),
      checkOrder: (p) => {
        if (p.symbol !== spec.symbol) throw new WorkstationError('ValidationError', `order.create: symbol: this paper session trades ${spec.symbol}, not ${p.symbol}`)
      }
    })
    this.viewTimer = setInterval(() => this.sendViews(), VIEW_INTERVAL_MS)
  }

  static async open(spec: PaperSpec, exchange: PaperExchange, post: (views: View[]) => void): Promise<PaperSession> {
    const markets = marketsFromCcxt(await loadMarkets(exchange), spec.venue).filter((m) => m.symbol === spec.symbol)
    if (markets.length === 0) throw new WorkstationError('NotFound', `${spec.venue} has no spot market ${spec.symbol}`)
    let engine: { definition: EngineDefinition<ParamValues>; values: ParamValues } | null = null
    if (spec.engine !== undefined) {
      const definition = await loadEngine(spec.engine)
      engine = { definition, values: resolveParams(definition.params, spec.params ?? {}) }
    }
    const settings = spec.broker ?? DEFAULT_BROKER_SETTINGS
    const broker = new SimulatedBroker({ ...brokerConfig(settings, markets[0]), markets })
    let journal: { db: Journal; appender: JournalAppender } | null = null
    if (spec.journalPath !== null) {
      const db = Journal.open(spec.journalPath)
      db.createSession({
        id: spec.sessionId,
        mode: 'paper',
        // markets, risk and seed too: `theorycraft replay` rebuilds the session from this alone
        config: { venue: spec.venue, symbol: spec.symbol, engine: spec.engine ?? null, params: spec.params ?? {}, broker: settings, markets, risk: {}, seed: SEED },
        engines: engine ? [{ name: engine.definition.name, version: APP_VERSION }] : [],
        appVersion: APP_VERSION,
        dataFingerprint: `live:${spec.venue}:${spec.symbol}`,
        startedAt: Date.now()
      })
      journal = { db, appender: db.appender(spec.sessionId) }
    }
    let session: PaperSession | undefined
    const feed = new PaperFeed(spec.symbol)
    const kernel = new Kernel({
      clock: new VirtualClock(0),
      broker,
      risk: new RiskGate({}),
      journal: journal?.appender ?? null,
      journalMarket: true,
      seed: SEED,
      observer: (event) => session?.views.observe(event)
    })
    const source = new LiveMarketSource({
      exchange,
      symbols: [spec.symbol],
      bars: [BAR_TIMEFRAME],
      now: () => Date.now(),
      onBatch: (batch) => session?.receive(batch),
      log: (line) => session?.views.system('warn', line)
    })
    session = new PaperSession(spec, feed, kernel, source, journal, (s) => new ReplayViews(spec.sessionId, kernel, feed, () => s.state()), post)
    if (engine !== null) {
      try {
        kernel.addEngine(engine.definition.name, engine.definition, engine.values)
      } catch (err) {
        await session.stop()
        throw new WorkstationError('EngineError', `engine ${engine.definition.name}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    session.views.system('info', `paper trading ${spec.symbol} on ${spec.venue}: live market data, simulated fills`)
    source.start()
    return session
  }

  get sessionId(): string {
    return this.spec.sessionId
  }

  get datasetId(): string {
    return `live:${this.spec.venue}:${this.spec.symbol}`
  }

  state(): PushPayload<'session.state'> {
    return { sessionId: this.spec.sessionId, mode: 'paper', status: this.status, clock: this.kernel.now(), speed: 1, tradingState: this.kernel.tradingState, progress: 0 }
  }

  // ---- commands --------------------------------------------------------------------------

  engineControl(p: Omit<CommandParams<'engine.control'>, 'sessionId'>): { state: string } {
    this.requireLive()
    return this.controls.engineControl(p)
  }

  createOrder(p: Omit<CommandParams<'order.create'>, 'sessionId'>): { clientOrderId: string; denied: string | null } {
    return this.controls.createOrder(p)
  }

  cancelOrder(clientOrderId: string): { ok: boolean } {
    return this.controls.cancelOrder(clientOrderId)
  }

  cancelAll(symbol: string | undefined): { ok: boolean } {
    return this.controls.cancelAll(symbol)
  }

  killSwitch(p: { flatten: boolean; reason: string; by: string; pressedAt: number }): { cancelled: number } {
    return this.controls.killSwitch(p)
  }

  /** Stops the streams, lets engines finish, closes the journal and sends the last views. */
  async stop(): Promise<void> {
    if (this.ended) return
    this.ended = true
    let failed = false
    try {
      await this.source.stop()
    } catch (err) {
      this.views.system('warn', `closing the venue connection failed: ${toApiError(err).message}`)
    }
    try {
      this.kernel.finish()
    } catch (err) {
      failed = true
      this.views.system('error', `finishing the session failed: ${toApiError(err).message}`)
    }
    clearInterval(this.viewTimer)
    this.status = 'stopped'
    this.views.system('info', 'paper session stopped')
    this.views.touch()
    try {
      this.journal?.appender.close(failed ? 'failed' : 'completed', Date.now())
      this.journal?.db.close()
    } catch (err) {
      this.views.system('error', `closing the journal failed: ${toApiError(err).message}`)
    }
    this.sendViews()
  }

  // ---- internals ---------------------------------------------------------------------------

  private receive(batch: MarketEvent[]): void {
    if (this.ended) return
    try {
      this.feed.see(batch)
      this.kernel.processMarketBatch(batch)
    } catch (err) {
      this.views.system('error', `paper session failed: ${toApiError(err).message}`)
      void this.stop()
    }
  }

  private requireLive(): void {
    if (this.ended) throw new WorkstationError('ValidationError', `session ${this.spec.sessionId} has ${this.status}`)
  }

  private sendViews(): void {
    const views = this.views.take()
    if (views.length > 0) this.post(views)
  }
}
