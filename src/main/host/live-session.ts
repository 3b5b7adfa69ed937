import { WorkstationError, type CommandParams, type LiveRisk, type PushPayload, type Reconciliation, type VenueProfile } from '../../shared/api'
import { resolveParams, type ParamValues } from '../../shared/engine-params'
import type { Market } from '../../shared/market'
import type { MarketEvent } from '../../shared/market-events'
import { loadMarkets, marketsFromCcxt } from '../adapters/ccxt/exchange'
import { LiveMarketSource } from '../adapters/ccxt/live-market-source'
import { fetchVenueSnapshot, journalSnapshot, reconcile } from '../adapters/ccxt/reconcile'
import { describeError, type Redactor } from '../adapters/ccxt/secrets'
import { RequestGate } from '../adapters/ccxt/backoff'
import { classifyError, type TradeApi, type VenueOrder, type WatchApi } from '../adapters/ccxt/venue-api'
import { VenueBroker } from '../adapters/ccxt/venue-broker'
import { floorToStep } from '../core/broker/numbers'
import type { Clock } from '../core/clock'
import type { EngineDefinition } from '../core/engine/engine'
import type { JournalAppender } from '../core/journal/appender'
import { Journal, type JournalRecord } from '../core/journal/journal'
import { Kernel } from '../core/kernel/kernel'
import { isFinalStatus } from '../core/orders/order-state-machine'
import type { RiskLimits } from '../core/risk/risk-gate'
import { APP_VERSION } from './app-version'
import { DEFAULT_BROKER_SETTINGS } from './broker-settings'
import { loadEngine } from './engine-loader'
import { DeadMan } from './live-dead-man'
import { LiveReconciliation, type ReconcileActions } from './live-reconciliation'
import { ArmableRiskGate, GuardedBroker, rebuild, ResumableSink } from './live-resume'
import { PaperFeed } from './paper-session'
import { ReplayViews, type View } from './replay-views'
import { SessionControls } from './session-controls'

/** What a live session needs from a ccxt.pro exchange with keys: public and private streams, trading, markets. */
export type LiveExchange = WatchApi & TradeApi & { loadMarkets(reload?: boolean): Promise<Record<string, unknown>> }

/** What `session.resume` reads back from the journal's session config. */
export interface LiveConfig {
  venue: string
  profileId: string
  sandbox: boolean
  symbol: string
  engine: string | null
  params: ParamValues
  risk: LiveRisk
  markets: Market[]
  seed: number
  /** for `journal.replay`: the simulated broker a replay of this session uses */
  broker: typeof DEFAULT_BROKER_SETTINGS
}

export interface LiveSpec {
  sessionId: string
  profile: VenueProfile
  symbol: string
  engine?: string
  params?: ParamValues
  risk: LiveRisk
  journalPath: string
}

export interface LiveHooks {
  post(views: View[]): void
  reconciliation(r: Reconciliation): void
  /** the host's log; lines are redacted before they get here */
  log(level: 'info' | 'warn' | 'error', line: string): void
  /** hides the session's keys (and signatures) in every line, reason and error */
  redact: Redactor
}

type Status = PushPayload<'session.state'>['status']

const VIEW_INTERVAL_MS = 50
/** the journal is committed at least this often (and before every order leaves for the venue) */
const FLUSH_INTERVAL_MS = 25
/** timers of engines and the dead-man are checked this often */
const TICK_MS = 100
const BAR_TIMEFRAME = '1m'
const SEED = 1
/** client order ids the host gives the orders it places (ticket, kill switch, reconciliation's flatten) */
const OUR_IDS = /^(manual|kill|flatten)-\d+-\d+$/

/**
 * The host's wall clock, never going back; while a session is rebuilt from its journal, the
 * journal's event times instead. Venue times do not move it: a venue clock ahead of ours would
 * otherwise stamp our orders in the venue's future.
 */
class LiveClock implements Clock {
  private t = 0
  wall = true
  now(): number {
    if (this.wall) this.t = Math.max(this.t, Date.now())
    return this.t
  }
  advance(to: number): void {
    if (!this.wall && to > this.t) this.t = to
  }
}

/**
 * One live session in the host process: live market data (LiveMarketSource) and real orders at
 * the venue (VenueBroker) through one ccxt client with the profile's keys, a kernel on the wall
 * clock, the risk gate with the live limits, the journal (flushed before every order leaves),
 * the same view pushes and controls as paper, and a kill switch that cancels at the venue.
 * Loss and drawdown limits fire the kill switch on the first market event past them; the
 * dead-man fires it when the market streams have been disconnected longer than `deadManMs`.
 * A resumed session is rebuilt from its journal, then reconciled with the venue, and stays
 * HALTED with its venue broker stopped until every difference has the user's choice.
 */
export class LiveSession {
  status: Status = 'running'
  reconciliation: LiveReconciliation | null = null
  private ended = false
  private readonly timers: Array<ReturnType<typeof setInterval>> = []
  private views!: ReplayViews
  private controls!: SessionControls
  private deadMan!: DeadMan
  private advanceScheduled = false
  private manualCount = 0
  private brokerStarted = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  /** the trading state to return to once reconciliation is resolved */
  private resumeState: 'ACTIVE' | 'REDUCING' | 'HALTED' = 'ACTIVE'

  private constructor(
    readonly spec: LiveSpec,
    private readonly exchange: LiveExchange,
    private readonly hooks: LiveHooks,
    private readonly markets: Market[],
    private readonly feed: PaperFeed,
    readonly kernel: Kernel,
    readonly broker: VenueBroker,
    private readonly guarded: GuardedBroker,
    private readonly risk: ArmableRiskGate,
    private readonly clock: LiveClock,
    private readonly sink: ResumableSink,
    private readonly journal: { db: Journal; appender: JournalAppender },
    private readonly source: LiveMarketSource
  ) {}

  /**
   * Opens a new live session, or (with `resume`) rebuilds a journaled one and reconciles it with
   * the venue. The exchange is the session's; it is closed when the session stops.
   */
  static async open(spec: LiveSpec, exchange: LiveExchange, hooks: LiveHooks, resume?: { records: Iterable<JournalRecord>; config: LiveConfig }): Promise<LiveSession> {
    const redact = hooks.redact
    let markets: Market[]
    try {
      markets = marketsFromCcxt(await loadMarkets(exchange, 3, redact), spec.profile.exchange).filter((m) => m.symbol === spec.symbol)
    } catch (err) {
      throw new WorkstationError('Unavailable', `venue ${spec.profile.id} (${spec.profile.exchange}): ${describeError(err, redact)}`)
    }
    if (markets.length === 0) throw new WorkstationError('NotFound', `${spec.profile.exchange} has no spot market ${spec.symbol}`)
    let engine: { definition: EngineDefinition<ParamValues>; values: ParamValues } | null = null
    if (spec.engine !== undefined) {
      const definition = await loadEngine(spec.engine)
      engine = { definition, values: resolveParams(definition.params, spec.params ?? {}) }
    }
    const db = Journal.open(spec.journalPath)
    let appender: JournalAppender
    try {
      if (resume === undefined) {
        const config: LiveConfig = {
          venue: spec.profile.exchange,
          profileId: spec.profile.id,
          sandbox: spec.profile.sandbox,
          symbol: spec.symbol,
          engine: spec.engine ?? null,
          params: spec.params ?? {},
          risk: spec.risk,
          markets,
          seed: SEED,
          broker: DEFAULT_BROKER_SETTINGS
        }
        db.createSession({
          id: spec.sessionId,
          mode: 'live',
          config,
          engines: engine ? [{ name: engine.definition.name, version: APP_VERSION }] : [],
          appVersion: APP_VERSION,
          dataFingerprint: `live:${spec.profile.exchange}:${spec.symbol}`,
          startedAt: Date.now()
        })
      }
      appender = db.appender(spec.sessionId, { batchSize: 256 })
    } catch (err) {
      db.close()
      throw err
    }
    const journal = { db, appender }
    const { maxLoss, maxDrawdown, deadManMs: _deadMan, flattenOnKill: _flatten, ...limits } = spec.risk
    const risk = new ArmableRiskGate({ ...(limits as RiskLimits), maxLoss, maxDrawdown })
    const clock = new LiveClock()
    const sink = new ResumableSink()
    // one gate for the venue: after a 429/418 the venue bans the IP, not one client
    const gate = new RequestGate(() => Date.now())
    let session: LiveSession | undefined
    const log = (line: string) => session?.systemLine('warn', line)
    const broker = new VenueBroker({
      exchange,
      markets,
      currency: markets[0].quote,
      now: () => Date.now(),
      redact,
      log,
      // the intent is on disk before the venue hears of it
      beforeSend: () => journal.appender.flush(),
      onReport: () => session?.scheduleAdvance(),
      ownsExchange: false,
      gate
    })
    const guarded = new GuardedBroker(broker)
    const kernel = new Kernel({
      clock,
      broker: guarded,
      risk,
      journal: sink,
      journalMarket: true,
      seed: resume?.config.seed ?? SEED,
      observer: (event) => session?.observe(event),
      measureLatency: true,
      hrtime: () => performance.now()
    })
    const source = new LiveMarketSource({
      exchange,
      symbols: [spec.symbol],
      bars: [BAR_TIMEFRAME],
      now: () => Date.now(),
      onBatch: (batch) => session?.receive(batch),
      log,
      redact,
      ownsExchange: false,
      gate
    })
    const feed = new PaperFeed(spec.symbol)
    session = new LiveSession(spec, exchange, hooks, markets, feed, kernel, broker, guarded, risk, clock, sink, journal, source)
    session.wire()
    if (resume === undefined) sink.attach(appender, 0)
    else {
      // the journal's events are remade without being journaled again
      clock.wall = false
      sink.collectAfter(appender.lastSeq)
    }
    try {
      if (engine !== null) kernel.addEngine(engine.definition.name, engine.definition, engine.values)
      if (resume !== undefined) await session.rebuildFrom(resume.records)
      else {
        risk.armed = true
        session.startBroker()
      }
    } catch (err) {
      // a resume that failed leaves the journal's session resumable
      await session.stop(resume !== undefined)
      if (err instanceof WorkstationError) throw err
      throw new WorkstationError('EngineError', `live session ${spec.sessionId}: ${describeError(err, redact)}`)
    }
    session.systemLine('info', `LIVE trading ${spec.symbol} on ${spec.profile.exchange}${spec.profile.sandbox ? ' (sandbox)' : ''}: real orders at the venue`)
    source.start()
    return session
  }

  get sessionId(): string {
    return this.spec.sessionId
  }

  get datasetId(): string {
    return `live:${this.spec.profile.exchange}:${this.spec.symbol}`
  }

  /** How often the dead-man has fired. */
  get deadManFired(): number {
    return this.deadMan.fired
  }

  state(): PushPayload<'session.state'> {
    return { sessionId: this.spec.sessionId, mode: 'live', status: this.status, clock: this.kernel.now(), speed: 1, tradingState: this.kernel.tradingState, progress: 0 }
  }

  // ---- commands --------------------------------------------------------------------------

  engineControl(p: Omit<CommandParams<'engine.control'>, 'sessionId'>): { state: string } {
    this.requireLive()
    return this.controls.engineControl(p)
  }

  /** The order ticket; the order is on disk when this returns (the venue hears of it right after). */
  createOrder(p: Omit<CommandParams<'order.create'>, 'sessionId'>): { clientOrderId: string; denied: string | null } {
    this.requireLive()
    this.checkSymbol(p.symbol)
    // ids carry the journal's seq, so no id repeats one from before a restart
    const clientOrderId = `manual-${this.sink.journalSeq(this.kernel.seq)}-${++this.manualCount}`
    const result = this.kernel.submitManualOrder(p.symbol, p.type, p.side, p.amount, p.price, { clientOrderId, stopPrice: p.stopPrice, timeInForce: p.timeInForce })
    this.settle()
    this.journal.appender.flush()
    return result
  }

  cancelOrder(clientOrderId: string): { ok: boolean } {
    const r = this.controls.cancelOrder(clientOrderId)
    this.journal.appender.flush()
    return r
  }

  /** The session's own open orders (the kill switch, unlike this, also cancels orders others placed on the account). */
  cancelAll(symbol: string | undefined): { ok: boolean } {
    const r = this.controls.cancelAll(symbol)
    this.journal.appender.flush()
    return r
  }

  /** Halts, cancels every open order at the venue (tracked or not), optionally flattens. */
  killSwitch(p: { flatten: boolean; reason: string; by: string; pressedAt: number }): { cancelled: number } {
    const r = this.controls.killSwitch(p)
    void this.broker.cancelAllOrders(this.spec.symbol)
    return r
  }

  reconcileView(): Reconciliation {
    if (this.reconciliation === null) return { sessionId: this.sessionId, status: 'resolved', items: [], unchecked: [], errors: [] }
    return this.reconciliation.view()
  }

  async resolve(choices: Array<{ index: number; action: 'adopt' | 'cancel' | 'flatten' | 'ignore' }>): Promise<Reconciliation> {
    this.requireLive()
    const r = this.reconciliation
    if (r === null) throw new WorkstationError('ValidationError', `reconcile.resolve: session ${this.sessionId} has nothing to reconcile`)
    if (r.status === 'applying') throw new WorkstationError('ValidationError', `reconcile.resolve: session ${this.sessionId} is applying earlier choices; try again when they are done`)
    r.validate(choices)
    const applying = r.apply(choices, this.actions())
    this.pushReconciliation()
    await applying
    this.journal.appender.flush()
    if (r.done) this.finishReconciliation()
    this.pushReconciliation()
    return r.view()
  }

  /**
   * Stops streams and the broker, lets engines finish, ends the journal's session (a crash leaves
   * it running instead; so does `keepRunning`).
   */
  async stop(keepRunning = false): Promise<void> {
    if (this.ended) return
    this.ended = true
    for (const t of this.timers) clearInterval(t)
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    const failures: string[] = []
    for (const [what, fn] of [
      ['the market streams', () => this.source.stop()],
      ['the venue broker', () => this.broker.stop()]
    ] as const) {
      try {
        await fn()
      } catch (err) {
        failures.push(`${what}: ${describeError(err, this.hooks.redact)}`)
      }
    }
    try {
      this.kernel.finish()
    } catch (err) {
      failures.push(`finishing: ${describeError(err, this.hooks.redact)}`)
    }
    try {
      await this.exchange.close?.()
    } catch (err) {
      failures.push(`closing the venue connection: ${describeError(err, this.hooks.redact)}`)
    }
    for (const f of failures) this.systemLine('warn', f)
    this.status = 'stopped'
    this.systemLine('info', 'live session stopped')
    this.views.touch()
    try {
      if (keepRunning) this.journal.appender.flush()
      else this.journal.appender.close(failures.length > 0 ? 'failed' : 'completed', Date.now())
      this.journal.db.close()
    } catch (err) {
      this.systemLine('error', `closing the journal failed: ${describeError(err, this.hooks.redact)}`)
    }
    this.sendViews()
  }

  // ---- internals ---------------------------------------------------------------------------

  private wire(): void {
    this.views = new ReplayViews(this.spec.sessionId, this.kernel, this.feed, () => this.state())
    this.controls = new SessionControls({
      sessionId: this.spec.sessionId,
      kernel: this.kernel,
      views: this.views,
      journal: this.journal,
      // the order ticket is createOrder below, not the controls' (its venue-report errors are logged, not thrown)
      requireLive: () => this.requireLive()
    })
    this.deadMan = new DeadMan(
      this.spec.risk.deadManMs,
      () => Date.now(),
      (lost, since) => this.deadManFires(lost, since),
      () => {
        this.systemLine('warn', 'dead-man: the venue connection is back; cancelling open orders at the venue again')
        void this.broker.cancelAllOrders(this.spec.symbol)
      }
    )
    this.timers.push(setInterval(() => this.sendViews(), VIEW_INTERVAL_MS))
    this.timers.push(
      setInterval(() => {
        if (this.journal.appender.pending > 0) this.flush()
      }, FLUSH_INTERVAL_MS)
    )
    this.timers.push(
      setInterval(() => {
        if (this.ended) return
        this.deadMan.check()
        this.advance()
      }, TICK_MS)
    )
  }

  private observe(event: Parameters<ReplayViews['observe']>[0]): void {
    this.views.observe(event)
    // a limit fired and the profile says not to flatten: the kill switch's flatten orders are dropped
    if (event.type === 'TradingStateChanged' && event.by === 'risk-limit' && !this.spec.risk.flattenOnKill) {
      this.guarded.dropKillFlatten = true
      queueMicrotask(() => (this.guarded.dropKillFlatten = false))
    }
    if (event.type === 'TradingStateChanged' && event.state === 'HALTED' && event.by === 'risk-limit') void this.broker.cancelAllOrders(this.spec.symbol)
  }

  private deadManFires(lostMs: number, since: number): void {
    const reason = `dead-man: the venue connection has been lost for ${lostMs} ms (since ${new Date(since).toISOString()}, limit ${this.spec.risk.deadManMs} ms)`
    this.systemLine('error', reason)
    try {
      this.kernel.killSwitch('dead-man', reason, this.spec.risk.flattenOnKill)
    } catch (err) {
      this.systemLine('error', `dead-man: halting failed: ${describeError(err, this.hooks.redact)}`)
    }
    this.flush()
    // through REST meanwhile; again when the connection is back
    void this.broker.cancelAllOrders(this.spec.symbol)
    this.views.touch()
  }

  private receive(batch: MarketEvent[]): void {
    if (this.ended) return
    for (const e of batch) if (e.type === 'status' && e.symbol === this.spec.symbol) this.deadMan.connected(e.status !== 'disconnected')
    try {
      this.feed.see(batch)
      this.kernel.processMarketBatch(batch)
    } catch (err) {
      this.systemLine('error', `live session failed: ${describeError(err, this.hooks.redact)}; halting`)
      this.kernel.killSwitch('host', `live session failed: ${describeError(err, this.hooks.redact)}`, false)
      void this.broker.cancelAllOrders(this.spec.symbol)
    }
  }

  private scheduleAdvance(): void {
    if (this.advanceScheduled) return
    this.advanceScheduled = true
    setImmediate(() => {
      this.advanceScheduled = false
      this.advance()
    })
  }

  private advance(): void {
    if (this.ended) return
    try {
      this.kernel.advanceTo(this.clock.now())
    } catch (err) {
      this.systemLine('error', `applying venue reports failed: ${describeError(err, this.hooks.redact)}`)
    }
  }

  private settle(): void {
    this.advance()
    this.views.touch()
  }

  private flush(): void {
    try {
      this.journal.appender.flush()
    } catch (err) {
      this.systemLine('error', `the journal could not be written: ${describeError(err, this.hooks.redact)}; halting`)
      if (this.kernel.tradingState !== 'HALTED') this.kernel.killSwitch('host', 'the journal could not be written', false)
    }
  }

  private startBroker(): void {
    if (this.brokerStarted) return
    this.brokerStarted = true
    this.broker.start()
  }

  private async rebuildFrom(records: Iterable<JournalRecord>): Promise<void> {
    const rebuilt = rebuild(records, { kernel: this.kernel, broker: this.guarded, restore: (e) => this.broker.restoreEvent(e) })
    this.clock.wall = true
    this.sink.attach(this.journal.appender, this.kernel.seq)
    this.kernel.idSeqOffset = this.sink.journalSeq(this.kernel.seq) - this.kernel.seq
    this.resumeState = rebuilt.tradingState
    this.risk.armed = true
    this.systemLine('info', `resumed from the journal: ${rebuilt.lastSeq} events; reconciling with the venue`)
    this.kernel.setTradingState('HALTED', 'reconciliation', 'resumed after a restart: trading waits until every difference with the venue has a choice')
    this.journal.appender.flush()
    const journal = journalSnapshot(rebuilt.events)
    const report = await this.reconcileNow(journal)
    this.reconciliation = new LiveReconciliation(this.sessionId, report.report, report.openOrders, this.hooks.redact)
    if (this.reconciliation.done) this.finishReconciliation()
    else if (report.report.unchecked.length > 0) this.retryUnchecked(journal)
    this.pushReconciliation()
  }

  private async reconcileNow(journal: ReturnType<typeof journalSnapshot>) {
    const snapshot = await fetchVenueSnapshot(this.exchange, { symbols: [this.spec.symbol], journal, redact: this.hooks.redact, log: (l) => this.systemLine('warn', l) })
    const engineName = this.spec.engine
    const report = reconcile(journal, snapshot, {
      markets: this.markets,
      isOurs: (cid) => OUR_IDS.test(cid) || (engineName !== undefined && cid.startsWith(`${engineName}-`))
    })
    return { report, openOrders: snapshot.openOrders ?? [] }
  }

  /** Parts of the venue state that could not be read are read again until they can be. */
  private retryUnchecked(journal: ReturnType<typeof journalSnapshot>): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.ended || this.reconciliation === null || this.reconciliation.unchecked.length === 0) return
      this.reconcileNow(journal).then(
        (r) => {
          if (this.ended || this.reconciliation === null) return
          this.reconciliation.merge(r.report, r.openOrders)
          if (this.reconciliation.done) this.finishReconciliation()
          else if (r.report.unchecked.length > 0) this.retryUnchecked(journal)
          this.pushReconciliation()
        },
        (err: unknown) => {
          // the session stays HALTED; the next read may succeed
          this.systemLine('error', `reconciling again failed: ${describeError(err, this.hooks.redact)}`)
          this.retryUnchecked(journal)
        }
      )
    }, 2000)
  }

  private finishReconciliation(): void {
    if (this.reconciliation !== null) this.reconciliation.status = 'resolved'
    this.startBroker()
    this.kernel.setTradingState(this.resumeState, 'reconciliation', this.resumeState === 'ACTIVE' ? 'every difference with the venue has a choice: trading resumes' : `reconciled; the session stays ${this.resumeState} as before the restart`)
    this.flush()
    this.views.touch()
  }

  private actions(): ReconcileActions {
    const api = this.exchange
    const symbol = this.spec.symbol
    return {
      cancelAtVenue: async (sym, venueId, cid) => {
        try {
          await api.cancelOrder(venueId ?? '', sym || symbol, venueId === null && cid !== null ? { clientOrderId: cid } : {})
        } catch (err) {
          // already gone at the venue: nothing left to cancel
          if (classifyError(err).kind !== 'not-found' && classifyError(err).kind !== 'rejected') throw new Error(describeError(err, this.hooks.redact))
        }
      },
      adoptOrder: (o: VenueOrder) => {
        this.broker.adoptVenueOrder(o, 'manual', Date.now())
      },
      resyncOrder: (cid) => this.broker.resyncOrder(cid),
      neverPlaced: (cid) => this.broker.markNeverPlaced(cid, 'the venue never received it (the app stopped before it was sent); not sent again'),
      flatten: async (sym, amount) => {
        const m = this.markets.find((x) => x.symbol === sym)
        const size = m === undefined ? Math.abs(amount) : floorToStep(Math.abs(amount), m.precision.amount)
        if (!(size > 0)) return
        const cid = `flatten-${this.sink.journalSeq(this.kernel.seq)}-${++this.manualCount}`
        const order = { clientOrderId: cid, owner: 'manual', symbol: sym, type: 'market' as const, side: amount > 0 ? ('sell' as const) : ('buy' as const), amount: Number(size.toFixed(12)), price: null, stopPrice: null, timeInForce: 'GTC' as const, postOnly: false, reduceOnly: false, cost: null }
        // past the HALTED gate on purpose, as the kill switch's flatten is
        this.broker.submit(order, this.clock.now(), 0)
        this.advance()
        const until = Date.now() + 10_000
        while (Date.now() < until) {
          if (this.ended) throw new Error(`the session stopped before the flatten order ${cid} was filled`)
          const view = this.broker.account.order(cid)
          if (view !== undefined && isFinalStatus(view.status)) {
            if (view.status !== 'filled') throw new Error(`the flatten order ${cid} ended ${view.status}`)
            return
          }
          await new Promise((r) => setTimeout(r, 20))
          this.advance()
        }
        throw new Error(`the flatten order ${cid} was not filled within 10 s`)
      },
      adoptBalances: () => this.broker.refreshBalance(),
      settle: () => {
        this.advance()
        this.flush()
      }
    }
  }

  private pushReconciliation(): void {
    if (this.reconciliation !== null) this.hooks.reconciliation(this.reconciliation.view())
  }

  private checkSymbol(symbol: string): void {
    if (symbol !== this.spec.symbol) throw new WorkstationError('ValidationError', `order.create: symbol: this live session trades ${this.spec.symbol}, not ${symbol}`)
  }

  private requireLive(): void {
    if (this.ended) throw new WorkstationError('ValidationError', `session ${this.spec.sessionId} has ${this.status}`)
  }

  private systemLine(level: 'info' | 'warn' | 'error', line: string): void {
    const text = this.hooks.redact(line)
    this.views?.system(level, text)
    this.hooks.log(level, `live ${this.spec.sessionId}: ${text}`)
  }

  private sendViews(): void {
    // an equity or position the venue has not reported yet is unknown (NaN), which no push may carry: it waits
    const views = this.views.take().flatMap((v) => {
      if (v.topic !== 'account') return [v]
      const a = v.payload as PushPayload<'account'>
      if (!Number.isFinite(a.equity)) return []
      const positions = a.positions.filter((p) => Object.values(p).every((x) => typeof x !== 'number' || Number.isFinite(x)))
      return [{ ...v, payload: { ...a, positions } }]
    })
    if (views.length > 0) this.hooks.post(views)
  }
}
