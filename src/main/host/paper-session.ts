import { WorkstationError, type BrokerSettings, type CommandParams, type PushPayload, type Reconciliation } from '../../shared/api'
import { resolveParams, type ParamValues } from '../../shared/engine-params'
import type { MarketEvent } from '../../shared/market-events'
import { loadMarkets, marketsFromCcxt } from '../adapters/ccxt/exchange'
import { LiveMarketSource } from '../adapters/ccxt/live-market-source'
import { journalSnapshot } from '../adapters/ccxt/reconcile'
import type { WatchApi } from '../adapters/ccxt/venue-api'
import { SimulatedBroker } from '../core/broker/simulated-broker'
import { VirtualClock } from '../core/clock'
import type { EngineDefinition } from '../core/engine/engine'
import { Journal, type JournalRecord } from '../core/journal/journal'
import type { JournalAppender } from '../core/journal/appender'
import { Kernel } from '../core/kernel/kernel'
import { isFinalStatus } from '../core/orders/order-state-machine'
import { OrderBook } from '../core/market/order-book'
import { RiskGate } from '../core/risk/risk-gate'
import { APP_VERSION } from './app-version'
import { brokerConfig, DEFAULT_BROKER_SETTINGS } from './broker-settings'
import { loadEngine } from './engine-loader'
import { GuardedBroker, rebuild, ResumableSink } from './live-resume'
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
/** the journal is committed at least this often (and before an order ticket is answered) */
const FLUSH_INTERVAL_MS = 25
const BAR_TIMEFRAME = '1m'
const SEED = 1

/**
 * The live book as the views see it: the source hands out whole top-of-book snapshots only while
 * its feed is healthy, so the book is replaced by each one and invalidated on any other status.
 */
export class PaperFeed implements ReplayFeed<never> {
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
  private readonly flushTimer: ReturnType<typeof setInterval> | null
  private readonly views: ReplayViews
  private readonly controls: SessionControls
  private manualCount = 0
  /** after `resume`: what the rebuild found (always resolved; errors are differences from the journal) */
  reconciliation: Reconciliation | null = null

  private constructor(
    private readonly spec: PaperSpec,
    private readonly feed: PaperFeed,
    readonly kernel: Kernel,
    private readonly source: LiveMarketSource,
    private readonly journal: { db: Journal; appender: JournalAppender } | null,
    viewsFor: (session: PaperSession) => ReplayViews,
    private readonly post: (views: View[]) => void,
    private readonly sink: ResumableSink
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
      },
      // ids carry the journal's seq, so none repeats one from before a restart
      newOrderId: () => `manual-${this.sink.journalSeq(this.kernel.seq)}-${++this.manualCount}`
    })
    this.viewTimer = setInterval(() => this.sendViews(), VIEW_INTERVAL_MS)
    this.flushTimer =
      journal === null
        ? null
        : setInterval(() => {
            if (journal.appender.pending > 0 && !journal.appender.closed) journal.appender.flush()
          }, FLUSH_INTERVAL_MS)
  }

  /**
   * Opens a new paper session, or (with `resume`) rebuilds a journaled one that never ended: its
   * journal runs through a fresh kernel and simulated broker (see live-resume.ts), then live data
   * continues it.
   */
  static async open(spec: PaperSpec, exchange: PaperExchange, post: (views: View[]) => void, resume?: { records: Iterable<JournalRecord> }): Promise<PaperSession> {
    const markets = marketsFromCcxt(await loadMarkets(exchange), spec.venue).filter((m) => m.symbol === spec.symbol)
    if (markets.length === 0) throw new WorkstationError('NotFound', `${spec.venue} has no spot market ${spec.symbol}`)
    let engine: { definition: EngineDefinition<ParamValues>; values: ParamValues } | null = null
    if (spec.engine !== undefined) {
      const definition = await loadEngine(spec.engine)
      engine = { definition, values: resolveParams(definition.params, spec.params ?? {}) }
    }
    const settings = spec.broker ?? DEFAULT_BROKER_SETTINGS
    const broker = new GuardedBroker(new SimulatedBroker({ ...brokerConfig(settings, markets[0]), markets }))
    let journal: { db: Journal; appender: JournalAppender } | null = null
    if (spec.journalPath !== null) {
      const db = Journal.open(spec.journalPath)
      try {
        if (resume === undefined)
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
      } catch (err) {
        db.close()
        throw err
      }
    }
    const sink = new ResumableSink()
    if (journal !== null && resume === undefined) sink.attach(journal.appender, 0)
    else if (journal !== null) sink.collectAfter(journal.appender.lastSeq)
    let session: PaperSession | undefined
    const feed = new PaperFeed(spec.symbol)
    const kernel = new Kernel({
      clock: new VirtualClock(0),
      broker,
      risk: new RiskGate({}),
      journal: journal === null ? null : sink,
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
    session = new PaperSession(spec, feed, kernel, source, journal, (s) => new ReplayViews(spec.sessionId, kernel, feed, () => s.state()), post, sink)
    if (engine !== null) {
      try {
        kernel.addEngine(engine.definition.name, engine.definition, engine.values)
      } catch (err) {
        // a resume that failed leaves the journal's session resumable
        await session.stop(resume !== undefined)
        throw new WorkstationError('EngineError', `engine ${engine.definition.name}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    if (resume !== undefined && journal !== null) {
      try {
        session.rebuildFrom(resume.records, broker, journal.appender)
      } catch (err) {
        await session.stop(true)
        throw new WorkstationError('DataError', `session ${spec.sessionId} could not be rebuilt from its journal: ${toApiError(err).message}`)
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

  /** The order ticket; the order is on disk when this returns. */
  createOrder(p: Omit<CommandParams<'order.create'>, 'sessionId'>): { clientOrderId: string; denied: string | null } {
    const r = this.controls.createOrder(p)
    this.journal?.appender.flush()
    return r
  }

  cancelOrder(clientOrderId: string): { ok: boolean } {
    const r = this.controls.cancelOrder(clientOrderId)
    this.journal?.appender.flush()
    return r
  }

  cancelAll(symbol: string | undefined): { ok: boolean } {
    const r = this.controls.cancelAll(symbol)
    this.journal?.appender.flush()
    return r
  }

  killSwitch(p: { flatten: boolean; reason: string; by: string; pressedAt: number }): { cancelled: number } {
    return this.controls.killSwitch(p)
  }

  /**
   * Stops the streams, lets engines finish, closes the journal and sends the last views.
   * `keepRunning`: the journal's session is left resumable (a rebuild that failed).
   */
  async stop(keepRunning = false): Promise<void> {
    if (this.ended) return
    this.ended = true
    if (this.flushTimer !== null) clearInterval(this.flushTimer)
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
      if (!keepRunning) this.journal?.appender.close(failed ? 'failed' : 'completed', Date.now())
      this.journal?.db.close()
    } catch (err) {
      this.views.system('error', `closing the journal failed: ${toApiError(err).message}`)
    }
    this.sendViews()
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Runs the journal through the fresh kernel, then checks the result against the journal's own record. */
  private rebuildFrom(records: Iterable<JournalRecord>, broker: GuardedBroker, appender: JournalAppender): void {
    const rebuilt = rebuild(records, { kernel: this.kernel, broker })
    this.sink.attach(appender, this.kernel.seq)
    this.kernel.idSeqOffset = this.sink.journalSeq(this.kernel.seq) - this.kernel.seq
    appender.flush()
    const errors = differencesFromJournal(journalSnapshot(rebuilt.events), this.kernel.broker.account)
    for (const e of errors) this.views.system('warn', `resume: ${e}`)
    this.views.system('info', `resumed from the journal: ${rebuilt.lastSeq} events rebuilt${errors.length > 0 ? `, ${errors.length} difference(s) from the journal` : ', state as journaled'}`)
    this.reconciliation = { sessionId: this.spec.sessionId, status: 'resolved', items: [], unchecked: [], errors }
  }

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

/** Where a rebuilt paper account differs from what its journal recorded (open orders, balances, positions). */
function differencesFromJournal(journal: ReturnType<typeof journalSnapshot>, account: Kernel['broker']['account']): string[] {
  const out: string[] = []
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
  const open = new Map(account.openOrders().map((o) => [o.clientOrderId, o]))
  for (const o of journal.orders.values()) {
    if (isFinalStatus(o.status)) continue
    const mine = open.get(o.clientOrderId)
    if (mine === undefined) out.push(`order ${o.clientOrderId} is open in the journal, not in the rebuilt session`)
    else if (!close(mine.filled, o.filled)) out.push(`order ${o.clientOrderId}: filled ${o.filled} in the journal, ${mine.filled} rebuilt`)
    open.delete(o.clientOrderId)
  }
  for (const id of open.keys()) out.push(`order ${id} is open in the rebuilt session, not in the journal`)
  for (const b of journal.balances) {
    const mine = account.balance(b.currency).total
    if (!close(mine, b.total)) out.push(`${b.currency} balance: ${b.total} in the journal, ${mine} rebuilt`)
  }
  for (const p of journal.positions) {
    const mine = account.position(p.symbol).amount
    if (!close(mine, p.amount)) out.push(`${p.symbol} position: ${p.amount} in the journal, ${mine} rebuilt`)
  }
  return out
}
