import type { BrokerEvent, FillEvent, OrderSubmitted } from '../../../shared/broker-events'
import type { Market } from '../../../shared/market'
import type { MarketEvent } from '../../../shared/market-events'
import { OrderRequestSchema, type BalanceView, type OrderRequest } from '../../../shared/orders'
import type { Broker } from '../../core/broker/broker'
import { OrderRequestError } from '../../core/broker/simulated-broker'
import { floorToStep, stepDecimals } from '../../core/broker/numbers'
import { clean } from '../../core/decimal-rounding'
import { canTransition, isFinalStatus, type OrderAction } from '../../core/orders/order-state-machine'
import { OrderTracker } from '../../core/orders/order-tracker'
import { Backoff, leaveRetriesToAdapter, RequestGate, realSleep, type BackoffOptions, type Sleep } from './backoff'
import { LiveAccount } from './live-account'
import { createRedactor, describeError, redactingLogger, type Redactor } from './secrets'
import { classifyError, num, str, type ClassifiedError, type TradeApi, type VenueOrder, type VenueTrade } from './venue-api'

/**
 * The live Broker: real orders at a venue through ccxt.
 *
 * Threading and ordering contract (one JS thread; the kernel is synchronous, the venue is not):
 * 1. `submit` and `cancel` are synchronous. `submit` appends `OrderSubmitted` to `outbox` at
 *    once (the kernel journals it in the same step) and only queues the network call. Queued
 *    calls leave on the next turn of the event loop, after `beforeSend()` has returned: the host
 *    flushes the journal there, so the intent is durable before the venue hears of it. If
 *    `beforeSend` throws, nothing is sent and the order is rejected.
 * 2. Everything the venue says (REST responses, websocket reports, polls, balances) is queued in
 *    arrival order, stamped with the host's `now()`. Nothing async touches `outbox`, the order
 *    tracker or the account.
 * 3. `nextWakeTs()` is the arrival time of the oldest queued report; the kernel's `wake(now)` (or
 *    the host's `pump(now)`) turns queued reports up to `now` into BrokerEvents, in arrival
 *    order, through the shared OrderTracker. `onReport` tells the host a report is waiting (it
 *    then calls `kernel.advanceTo(now)`).
 * 4. Fills come from venue trades, applied once per trade id (repeats, and the same trade from
 *    REST and from the stream, change nothing). A fill is `OrderFilled` when it completes the
 *    order's amount. A final venue status (cancelled, expired, rejected) is emitted only after
 *    every fill the venue counted for the order has been applied, so late or reordered reports
 *    never produce an impossible transition; missing trades are fetched by polling.
 * 5. An ambiguous submission (timeout, dropped connection, 5XX, unreadable answer) leaves the
 *    order `submitted` and "unknown": it is resolved by querying the venue for our client order
 *    id, never by sending again blindly. Only after `resubmitAfterNotFound` answers of "no such
 *    order", the last of them asked once the venue can no longer accept the original request
 *    (`requestExpiryMs` after it was sent: a request held up on the way may still land until
 *    then), is it sent again, under the same client order id. 429/418 mean "not processed": the
 *    same request goes again once Retry-After has passed, and no request of this broker leaves
 *    before then.
 * 6. Unknown stays unknown: a balance the venue has not reported reads as NaN, an order whose
 *    fate is open stays open, a failed poll changes nothing.
 * 7. Ids: an order's `orderId` in every event is its client order id, which the venue stores
 *    verbatim (it goes as `newClientOrderId`, so ccxt adds no broker prefix). A client id used
 *    twice in a session is denied (`OrderDenied`, rule `duplicate-client-order-id`). Events about
 *    an order carry its journaled `OrderSubmitted`'s seq as `cause`.
 * 8. Balances are the venue's (`BalanceUpdated` on each change); a fill moves them at once and a
 *    debounced `fetchBalance` replaces them with the venue's figures. A spot position is the base
 *    balance (`PositionChanged` when it changes).
 * Every log line, event reason and error passes through the redactor.
 */

export interface VenueBrokerOptions {
  exchange: TradeApi
  /** markets as the venue publishes them (precision, limits, fees) */
  markets: readonly Market[]
  /** the account currency (the quote currency of the markets traded) */
  currency: string
  /** the host clock */
  now: () => number
  sleep?: Sleep
  backoff?: BackoffOptions
  redact?: Redactor
  log?: (line: string) => void
  /** runs right before queued orders and cancels are sent (the host flushes the journal here) */
  beforeSend?: () => void
  /** a venue report has been queued: the host should pump (e.g. `kernel.advanceTo(now())`) */
  onReport?: () => void
  /** queries of an ambiguous submission answering "no such order" before it is sent again (default 3; 0: never resend) */
  resubmitAfterNotFound?: number
  /**
   * how long after it was sent a request can still take effect at the venue (default: the
   * exchange's `recvWindow` option, which Binance enforces on signed requests, plus 1 s for clock
   * differences; 61 000 ms when it has none)
   */
  requestExpiryMs?: number
  /** order and trade polling (default 2000 ms): always for orders with missing fills, for every open order while the stream is down */
  pollIntervalMs?: number
  /** balance refresh: after fills (debounced by `balanceDebounceMs`, default 250) and every `balanceIntervalMs` (default 30 000) */
  balanceDebounceMs?: number
  balanceIntervalMs?: number
  /** watch the private order and trade streams when the exchange has them (default true) */
  useStreams?: boolean
  /** stop() closes the exchange (default true) */
  ownsExchange?: boolean
  /**
   * the venue's request gate, shared with the market source on the same venue (a 429/418 bans the
   * IP, not one client); default: a gate of this broker's own
   */
  gate?: RequestGate
}

type Phase = 'queued' | 'sending' | 'unknown' | 'live' | 'final'

interface PendingFinal {
  type: 'OrderCancelled' | 'OrderExpired' | 'OrderRejected'
  reason: string
}

/** One order's venue side. Fields above the line belong to the network side, below to `pump`. */
interface LiveOrder {
  readonly clientOrderId: string
  readonly request: OrderRequest
  readonly market: Market | undefined
  submitted: OrderSubmitted
  phase: Phase
  venueId: string | undefined
  /** a venue report (REST or stream) has named this order */
  seenAtVenue: boolean
  cancelWanted: boolean
  // ---- pump side
  /** base amount the fills complete; undefined for a cost-sized order until its final report */
  amount: number | undefined
  venueFilled: number
  applied: number
  readonly tradeIds: Set<string>
  /** trades that came before the amount was known */
  held: VenueTrade[]
  pendingFinal: PendingFinal | null
  /** the venue reported more filled than we have trades for, since this time */
  missingSince: number | null
}

type Report =
  | { kind: 'order'; at: number; order: VenueOrder; cid: string | undefined }
  | { kind: 'trade'; at: number; trade: VenueTrade; cid: string | undefined }
  | { kind: 'rejected'; at: number; cid: string; reason: string }
  | { kind: 'cancel-rejected'; at: number; cid: string; reason: string }
  | { kind: 'balance'; at: number; balances: BalanceView[] }

export interface VenueBrokerCounters {
  sent: number
  resent: number
  ambiguous: number
  rateLimited: number
  duplicateFills: number
  /** trades for an order that was already final, or for no order of ours */
  strayTrades: number
  malformed: number
  /** venue orders with client ids this broker did not place */
  foreignOrders: number
}

const STOPPED = Symbol('stopped')
const MAX_ORPHANS = 1000
/** cancelAllOrders requests per symbol that end in a network error or a 429 before it gives up */
const CANCEL_ALL_TRIES = 5

const FINAL_ACTIONS: Record<PendingFinal['type'], OrderAction> = { OrderCancelled: 'cancel', OrderExpired: 'expire', OrderRejected: 'reject' }

export class VenueBroker implements Broker {
  readonly outbox: BrokerEvent[] = []
  readonly account: LiveAccount
  readonly lookAhead = false
  readonly counters: VenueBrokerCounters = { sent: 0, resent: 0, ambiguous: 0, rateLimited: 0, duplicateFills: 0, strayTrades: 0, malformed: 0, foreignOrders: 0 }

  private readonly api: TradeApi
  private readonly tracker = new OrderTracker()
  private readonly markets = new Map<string, Market>()
  private readonly orders = new Map<string, LiveOrder>()
  private readonly byVenueId = new Map<string, LiveOrder>()
  /** trades naming a venue order id we cannot place yet (its order report has not come) */
  private readonly orphans = new Map<string, VenueTrade[]>()
  private readonly foreign = new Map<string, VenueOrder>()
  private inbox: Report[] = []
  private sendQueue: Array<{ kind: 'order' | 'cancel'; order: LiveOrder }> = []
  private sendScheduled = false
  private readonly gate: RequestGate
  private readonly sleep: Sleep
  private readonly redact: Redactor
  private readonly log: (line: string) => void
  /** streams and polling run */
  private running = false
  /** stop() was called: nothing more is sent */
  private closed = false
  private streamsDown = false
  private lastTs = 0
  private lastArrival = 0
  private seed: number
  private debounceTimer: ReturnType<typeof setTimeout> | null = null
  private halt: () => void = () => {}
  private readonly stopped = new Promise<typeof STOPPED>((resolve) => (this.halt = () => resolve(STOPPED)))
  private balanceTimer: ReturnType<typeof setTimeout> | null = null
  private tasks = new Set<Promise<unknown>>()
  /** host time each order's last placement request left */
  private readonly lastSent = new Map<string, number>()

  constructor(private readonly opts: VenueBrokerOptions) {
    this.api = opts.exchange
    for (const m of opts.markets) this.markets.set(m.symbol, m)
    this.account = new LiveAccount(opts.currency, opts.markets, this.tracker)
    this.sleep = opts.sleep ?? realSleep
    this.gate = opts.gate ?? new RequestGate(opts.now, this.sleep)
    this.redact = opts.redact ?? createRedactor()
    this.log = redactingLogger(this.redact, opts.log)
    this.seed = opts.backoff?.seed ?? 1
    // the private streams reconnect on this broker's backoff, not on ccxt's own on top of it
    leaveRetriesToAdapter(this.api)
  }

  // ---- Broker (synchronous, called by the kernel) -----------------------------------------

  market(symbol: string): Market | undefined {
    return this.markets.get(symbol)
  }

  submit(order: OrderRequest, now: number, cause: number): void {
    const parsed = OrderRequestSchema.safeParse(order)
    if (!parsed.success) {
      // like the simulated broker: a request that cannot be journaled is refused outright
      const issue = parsed.error.issues[0]
      throw new OrderRequestError(issue?.path.join('.') || '(order)', issue?.message ?? 'invalid')
    }
    const cid = order.clientOrderId
    if (this.orders.has(cid)) {
      // the venue identifies orders by this id: a second order under it could never be told apart
      this.emit({ type: 'OrderDenied', seq: 0, ts: this.stampTs(now), cause, clientOrderId: cid, symbol: order.symbol, owner: order.owner, rule: 'duplicate-client-order-id', reason: `client order id ${cid} was already used in this session` })
      return
    }
    const market = this.markets.get(order.symbol)
    const request: OrderRequest = { ...parsed.data }
    if (market !== undefined && request.amount > 0) request.amount = floorToStep(request.amount, market.precision.amount)
    const submitted: OrderSubmitted = { type: 'OrderSubmitted', seq: 0, ts: this.stampTs(now), cause, orderId: cid, order: request }
    const lo = this.newLiveOrder(request, submitted)
    this.orders.set(cid, lo)
    this.emit(submitted)
    this.queueSend('order', lo)
  }

  cancel(clientOrderId: string, now: number, _cause: number): void {
    const lo = this.orders.get(clientOrderId)
    const view = this.tracker.get(clientOrderId)
    if (lo === undefined || view === undefined) {
      this.enqueue({ kind: 'cancel-rejected', at: now, cid: clientOrderId, reason: `no order ${clientOrderId} in this session` })
      return
    }
    if (isFinalStatus(view.status) || lo.cancelWanted) return
    lo.cancelWanted = true
    // an order still being placed or resolved is cancelled once its fate is known
    if (lo.phase === 'live') this.queueSend('cancel', lo)
  }

  /** Cancels every open order at the venue for the symbol(s), including orders this session did not place. */
  cancelAllOrders(symbol?: string): Promise<void> {
    for (const lo of this.orders.values()) if ((symbol === undefined || lo.request.symbol === symbol) && !this.isFinal(lo)) lo.cancelWanted = true
    return this.track(this.cancelAllAtVenue(symbol))
  }

  onMarket(event: MarketEvent): void {
    switch (event.type) {
      case 'trade':
        this.account.setMark(event.symbol, event.price)
        break
      case 'quote':
        this.account.setMark(event.symbol, (event.bid + event.ask) / 2)
        break
      case 'bar':
        this.account.setMark(event.symbol, event.close)
        break
      case 'book': {
        const bid = event.bids[0]?.[0]
        const ask = event.asks[0]?.[0]
        if (bid !== undefined && ask !== undefined) this.account.setMark(event.symbol, (bid + ask) / 2)
        break
      }
      default:
        break
    }
  }

  nextWakeTs(): number {
    return this.inbox.length > 0 ? this.inbox[0].at : Infinity
  }

  wake(now: number, cause: number): void {
    this.pump(now, cause)
  }

  /** Turns the venue reports that arrived up to `now` into BrokerEvents in `outbox` (arrival order). */
  pump(now: number, cause = 0): void {
    let i = 0
    const inbox = this.inbox
    while (i < inbox.length && inbox[i].at <= now) {
      const r = inbox[i++]
      try {
        this.apply(r, cause)
      } catch (err) {
        this.log(`venue broker: a ${r.kind} report could not be applied: ${describeError(err, this.redact)}`)
      }
    }
    if (i > 0) this.inbox = inbox.slice(i)
  }

  // ---- host controls ----------------------------------------------------------------------

  /** Starts the private streams, polling and the first balance fetch. */
  start(): void {
    if (this.running) return
    this.running = true
    if (this.opts.useStreams !== false) {
      if (this.api.watchOrders !== undefined) this.track(this.streamLoop('orders'))
      if (this.api.watchMyTrades !== undefined) this.track(this.streamLoop('trades'))
      if (this.api.watchOrders === undefined || this.api.watchMyTrades === undefined) this.streamsDown = true
    } else this.streamsDown = true
    this.track(this.pollLoop())
    this.track(this.refreshBalance())
    this.scheduleBalance(this.opts.balanceIntervalMs ?? 30_000)
  }

  async stop(): Promise<void> {
    this.running = false
    this.closed = true
    this.halt()
    if (this.debounceTimer !== null) clearTimeout(this.debounceTimer)
    if (this.balanceTimer !== null) clearTimeout(this.balanceTimer)
    if (this.opts.ownsExchange !== false) {
      try {
        await this.api.close?.()
      } catch (err) {
        this.log(`venue broker: closing the exchange failed: ${describeError(err, this.redact)}`)
      }
    }
    await Promise.allSettled([...this.tasks])
  }

  /** Fetches balances now; the result is queued like any other report. */
  async refreshBalance(): Promise<void> {
    try {
      if (!(await this.ready())) return
      const raw = await this.api.fetchBalance()
      this.enqueue({ kind: 'balance', at: this.opts.now(), balances: parseBalances(raw) })
    } catch (err) {
      const c = classifyError(err)
      if (c.kind === 'rate-limited') this.block(c)
      if (c.kind !== 'closed') this.log(`venue broker: fetchBalance failed (balances stay as last reported): ${describeError(err, this.redact)}`)
    }
  }

  /** Client ids of orders whose fate at the venue is not known yet. */
  unresolved(): string[] {
    return [...this.orders.values()].filter((o) => o.phase === 'unknown' || o.phase === 'sending').map((o) => o.clientOrderId)
  }

  /** Venue orders seen in reports that this session did not place (for reconciliation). */
  foreignOrders(): VenueOrder[] {
    return [...this.foreign.values()]
  }

  /** Venue reports waiting for `pump`. */
  get queued(): number {
    return this.inbox.length
  }

  // ---- resume after a restart (the host rebuilds the session from its journal) -------------

  /**
   * A journaled event of this session, re-applied to the order, fill and balance records and put
   * in the outbox for the kernel to sequence again. Nothing is sent: what the venue did meanwhile
   * is found by reconciliation. A submitted order whose fate was never journaled stays unresolved
   * until `resyncOrder`.
   */
  restoreEvent(event: BrokerEvent): void {
    if (event.type === 'OrderSubmitted') {
      const r = event.order
      this.orders.set(r.clientOrderId, { ...this.newLiveOrder(r, event), phase: 'unknown' })
    }
    const lo = 'clientOrderId' in event ? this.orders.get(event.clientOrderId) : undefined
    if (lo !== undefined) {
      if (event.type === 'OrderAccepted') {
        lo.phase = 'live'
        lo.seenAtVenue = true
      } else if (event.type === 'OrderFilled' || event.type === 'OrderPartiallyFilled') {
        lo.tradeIds.add(event.tradeId)
        lo.applied = event.filled
        lo.venueFilled = Math.max(lo.venueFilled, event.filled)
        lo.seenAtVenue = true
        if (event.type === 'OrderFilled') lo.phase = 'final'
        this.account.applyFill(event.symbol, event.side, event.price, event.amount, event.fee)
      } else if (event.type === 'OrderCancelled' || event.type === 'OrderExpired' || event.type === 'OrderRejected') lo.phase = 'final'
    }
    if (event.type === 'BalanceUpdated') this.account.setBalance({ currency: event.currency, free: event.free, used: event.used, total: event.total })
    this.lastTs = Math.max(this.lastTs, event.ts)
    this.emit(event)
  }

  /** Asks the venue for one of this session's orders and its trades; what it says arrives as reports. */
  async resyncOrder(clientOrderId: string): Promise<void> {
    const lo = this.orders.get(clientOrderId)
    if (lo === undefined) return
    await this.queryOrder(lo)
    if (lo.seenAtVenue && lo.phase === 'unknown') {
      lo.phase = 'live'
      if (lo.cancelWanted && !this.isFinal(lo)) this.queueSend('cancel', lo)
    }
    try {
      if (!(await this.ready())) return
      // by the venue's order id when known: the journal's times come from another clock than the venue's
      if (lo.venueId !== undefined) {
        for (const t of await this.api.fetchMyTrades(lo.request.symbol, undefined, undefined, { orderId: lo.venueId })) this.noteTrade(t, undefined)
      } else await this.fetchTradesSince(lo.request.symbol, lo.submitted.ts - 60_000)
    } catch (err) {
      this.log(`venue broker: fetchMyTrades for ${clientOrderId} failed: ${describeError(err, this.redact)}`)
    }
  }

  /** An order the journal has as sent that the venue says it never received (a crash before it left): rejected here, never resent. */
  markNeverPlaced(clientOrderId: string, reason: string): void {
    const lo = this.orders.get(clientOrderId)
    if (lo === undefined || this.isFinal(lo)) return
    lo.phase = 'final'
    this.enqueue({ kind: 'rejected', at: this.opts.now(), cid: clientOrderId, reason })
  }

  /**
   * Takes an open venue order this session did not journal into the session (reconciliation's
   * "adopt"): an OrderSubmitted under the venue's client id, then the venue's report of it.
   */
  adoptVenueOrder(o: VenueOrder, owner: string, now: number): string | null {
    const cid = str(o.clientOrderId) ?? (str(o.id) !== undefined ? `venue-${str(o.id)}` : undefined)
    const market = this.markets.get(str(o.symbol) ?? '')
    const side = o.side === 'sell' ? 'sell' : o.side === 'buy' ? 'buy' : undefined
    const amount = num(o.amount)
    if (cid === undefined || market === undefined || side === undefined || amount === undefined || this.orders.has(cid)) return null
    const price = num(o.price) ?? null
    const request: OrderRequest = {
      clientOrderId: cid,
      owner,
      symbol: market.symbol,
      type: price !== null && o.type !== 'market' ? 'limit' : 'market',
      side,
      amount,
      price: price !== null && o.type !== 'market' ? price : null,
      stopPrice: null,
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: false,
      cost: null
    }
    const submitted: OrderSubmitted = { type: 'OrderSubmitted', seq: 0, ts: this.stampTs(now), cause: 0, orderId: cid, order: request }
    this.orders.set(cid, { ...this.newLiveOrder(request, submitted), phase: 'live', seenAtVenue: true })
    this.emit(submitted)
    this.noteOrder(o, this.orders.get(cid))
    return cid
  }

  private newLiveOrder(request: OrderRequest, submitted: OrderSubmitted): LiveOrder {
    return {
      clientOrderId: request.clientOrderId,
      request,
      market: this.markets.get(request.symbol),
      submitted,
      phase: 'queued',
      venueId: undefined,
      seenAtVenue: false,
      cancelWanted: false,
      amount: request.cost !== null && request.amount === 0 ? undefined : request.amount,
      venueFilled: 0,
      applied: 0,
      tradeIds: new Set(),
      held: [],
      pendingFinal: null,
      missingSince: null
    }
  }

  // ---- sending ----------------------------------------------------------------------------

  private queueSend(kind: 'order' | 'cancel', lo: LiveOrder): void {
    this.sendQueue.push({ kind, order: lo })
    if (this.sendScheduled) return
    this.sendScheduled = true
    // after the kernel's current step, which journals what submit() put in the outbox
    setImmediate(() => this.dispatch())
  }

  private dispatch(): void {
    this.sendScheduled = false
    const queue = this.sendQueue
    this.sendQueue = []
    try {
      this.opts.beforeSend?.()
    } catch (err) {
      const why = `not sent: the journal could not be made durable (${describeError(err, this.redact)})`
      this.log(`venue broker: ${why}`)
      for (const item of queue) {
        if (item.kind === 'order') {
          item.order.phase = 'final'
          this.enqueue({ kind: 'rejected', at: this.opts.now(), cid: item.order.clientOrderId, reason: why })
        } else {
          item.order.cancelWanted = false
          this.enqueue({ kind: 'cancel-rejected', at: this.opts.now(), cid: item.order.clientOrderId, reason: why })
        }
      }
      return
    }
    for (const item of queue) this.track(item.kind === 'order' ? this.sendOrder(item.order) : this.sendCancel(item.order))
  }

  private async sendOrder(lo: LiveOrder): Promise<void> {
    lo.phase = 'sending'
    const backoff = this.newBackoff()
    const r = lo.request
    let skewRetries = 0
    for (;;) {
      if (!(await this.ready())) return
      try {
        this.counters.sent++
        this.lastSent.set(lo.clientOrderId, this.opts.now())
        const o = await this.api.createOrder(r.symbol, venueType(r), r.side, r.amount, venuePrice(r), this.orderParams(r))
        this.noteOrder(o, lo)
        lo.phase = 'live'
        break
      } catch (err) {
        const c = classifyError(err)
        const why = describeError(err, this.redact)
        if (c.kind === 'closed') return
        if (c.kind === 'rate-limited') {
          // 429/418: the venue did not take the order; the same one (same client id) goes again after Retry-After
          this.block(c, backoff)
          continue
        }
        if (c.kind === 'clock-skew' && skewRetries++ < 3) {
          await this.resyncClock()
          continue
        }
        if (c.kind === 'rejected' || c.kind === 'clock-skew') {
          lo.phase = 'final'
          this.enqueue({ kind: 'rejected', at: this.opts.now(), cid: lo.clientOrderId, reason: why })
          return
        }
        // ambiguous, duplicate id or a not-found answer to a create: the venue may hold the order
        this.counters.ambiguous++
        lo.phase = 'unknown'
        this.log(`venue broker: order ${lo.clientOrderId} is unknown after ${c.kind} (${why}); querying the venue for it`)
        const outcome = await this.resolveUnknown(lo)
        if (outcome === 'resend') {
          this.counters.resent++
          lo.phase = 'sending'
          this.log(`venue broker: order ${lo.clientOrderId} is not at the venue; sending it again under the same client order id`)
          continue
        }
        if (outcome === 'stopped') return
        break
      }
    }
    if (lo.cancelWanted && !this.isFinal(lo)) this.queueSend('cancel', lo)
  }

  /** Queries the venue for an order whose submission outcome is unknown. */
  private async resolveUnknown(lo: LiveOrder): Promise<'resolved' | 'resend' | 'stopped'> {
    const backoff = this.newBackoff()
    const limit = this.opts.resubmitAfterNotFound ?? 3
    let notFound = 0
    for (;;) {
      if (lo.seenAtVenue) return this.resolved(lo)
      if (!(await this.pause(backoff.next()))) return 'stopped'
      if (lo.seenAtVenue) return this.resolved(lo)
      if (!(await this.ready())) return 'stopped'
      try {
        const o = await this.api.fetchOrder(lo.venueId ?? '', lo.request.symbol, { clientOrderId: lo.clientOrderId })
        this.noteOrder(o, lo)
        return this.resolved(lo)
      } catch (err) {
        const c = classifyError(err)
        if (c.kind === 'closed') return 'stopped'
        if (c.kind === 'rate-limited') this.block(c, backoff)
        else if (c.kind === 'not-found') {
          if (lo.seenAtVenue) return this.resolved(lo)
          // until the venue would refuse the original request as too old, it may still land
          const expired = this.opts.now() >= (this.lastSent.get(lo.clientOrderId) ?? -Infinity) + this.requestExpiryMs()
          if (limit > 0 && ++notFound >= limit && expired) return 'resend'
        } else this.log(`venue broker: query for unknown order ${lo.clientOrderId} failed (${describeError(err, this.redact)}); still unknown`)
      }
    }
  }

  private requestExpiryMs(): number {
    if (this.opts.requestExpiryMs !== undefined) return this.opts.requestExpiryMs
    const recvWindow = num((this.api as { options?: { recvWindow?: unknown } }).options?.recvWindow)
    return (recvWindow ?? 60_000) + 1000
  }

  private resolved(lo: LiveOrder): 'resolved' {
    if (lo.phase !== 'final') lo.phase = 'live'
    return 'resolved'
  }

  private async sendCancel(lo: LiveOrder): Promise<void> {
    const backoff = this.newBackoff()
    const r = lo.request
    for (;;) {
      if (!(await this.ready())) return
      try {
        const params = lo.venueId === undefined ? { clientOrderId: lo.clientOrderId } : {}
        const res = await this.api.cancelOrder(lo.venueId ?? '', r.symbol, params)
        if (isOrderLike(res)) this.noteOrder(res, lo)
        return
      } catch (err) {
        const c = classifyError(err)
        if (c.kind === 'closed') return
        if (c.kind === 'rate-limited') {
          this.block(c, backoff)
          continue
        }
        if (c.kind === 'ambiguous' || c.kind === 'clock-skew') {
          // a cancel is idempotent: sending it again cannot do harm
          if (c.kind === 'clock-skew') await this.resyncClock()
          else if (!(await this.pause(backoff.next()))) return
          continue
        }
        // refused (already filled, already cancelled, unknown): learn the order's state, then say so
        const why = describeError(err, this.redact)
        await this.queryOrder(lo)
        lo.cancelWanted = false
        this.enqueue({ kind: 'cancel-rejected', at: this.opts.now(), cid: lo.clientOrderId, reason: why })
        return
      }
    }
  }

  private async cancelAllAtVenue(symbol: string | undefined): Promise<void> {
    const symbols = symbol !== undefined ? [symbol] : [...this.markets.keys()]
    for (const s of symbols) {
      const backoff = this.newBackoff()
      let attempt = 0
      for (; attempt < CANCEL_ALL_TRIES; attempt++) {
        if (!(await this.ready())) return
        try {
          const res = await this.api.cancelAllOrders(s)
          if (Array.isArray(res)) for (const o of res) if (isOrderLike(o)) this.noteOrder(o, undefined)
          break
        } catch (err) {
          const c = classifyError(err)
          if (c.kind === 'closed') return
          if (c.kind === 'rate-limited') this.block(c, backoff)
          else if (c.kind === 'rejected' || c.kind === 'not-found') {
            // Binance answers "Unknown order sent." when nothing is open
            this.log(`venue broker: cancelAllOrders ${s}: ${describeError(err, this.redact)}`)
            break
          } else if (!(await this.pause(backoff.next()))) return
        }
      }
      // a kill switch whose cancel never arrived must not pass unnoticed
      if (attempt === CANCEL_ALL_TRIES) this.log(`venue broker: cancelAllOrders ${s}: no answer after ${CANCEL_ALL_TRIES} tries; orders may still be open at the venue`)
    }
    // what the cancels did arrives as reports; orders we track that are still open are asked for
    for (const lo of this.orders.values()) if (!this.isFinal(lo) && (symbol === undefined || lo.request.symbol === symbol) && lo.phase === 'live') await this.queryOrder(lo)
  }

  private async queryOrder(lo: LiveOrder): Promise<void> {
    try {
      if (!(await this.ready())) return
      const o = await this.api.fetchOrder(lo.venueId ?? '', lo.request.symbol, lo.venueId === undefined ? { clientOrderId: lo.clientOrderId } : {})
      this.noteOrder(o, lo)
    } catch (err) {
      const c = classifyError(err)
      if (c.kind === 'rate-limited') this.block(c)
      else if (c.kind !== 'closed') this.log(`venue broker: fetchOrder ${lo.clientOrderId} failed: ${describeError(err, this.redact)}`)
    }
  }

  private orderParams(r: OrderRequest): Record<string, unknown> {
    // our id, verbatim: with an explicit newClientOrderId ccxt adds no broker prefix
    const p: Record<string, unknown> = { newClientOrderId: r.clientOrderId }
    if (r.type === 'limit' || r.type === 'stop-limit') p.timeInForce = r.timeInForce
    if (r.stopPrice !== null) p.stopPrice = r.stopPrice
    if (r.postOnly) p.postOnly = true
    if (r.reduceOnly) p.reduceOnly = true
    if (r.cost !== null && r.amount === 0) p.cost = r.cost
    return p
  }

  private block(c: ClassifiedError, backoff?: Backoff): void {
    this.counters.rateLimited++
    const wait = c.retryAfterMs ?? backoff?.next() ?? 1000
    this.gate.blockUntil(this.opts.now() + wait)
    this.log(`venue broker: rate limited (HTTP ${c.httpStatus ?? '?'}, ${c.cls}); no request for ${wait} ms`)
  }

  private async resyncClock(): Promise<void> {
    const ex = this.api as { loadTimeDifference?: () => Promise<unknown> }
    try {
      if (!(await this.ready())) return
      await ex.loadTimeDifference?.()
    } catch (err) {
      this.log(`venue broker: measuring the clock offset failed: ${describeError(err, this.redact)}`)
    }
  }

  private newBackoff(): Backoff {
    return new Backoff({ initialMs: 100, maxMs: 5000, ...this.opts.backoff, seed: ++this.seed })
  }

  // ---- streams and polling (network side) -------------------------------------------------

  private async streamLoop(which: 'orders' | 'trades'): Promise<void> {
    const backoff = this.newBackoff()
    while (this.running) {
      try {
        if (which === 'orders') {
          const orders = await this.untilStopped(this.api.watchOrders!())
          if (orders === STOPPED) return
          for (const o of orders) this.noteOrder(o, undefined)
        } else {
          const trades = await this.untilStopped(this.api.watchMyTrades!())
          if (trades === STOPPED) return
          for (const t of trades) this.noteTrade(t, undefined)
        }
        this.streamsDown = false
        backoff.reset()
      } catch (err) {
        if (!this.running) return
        const c = classifyError(err)
        if (c.kind === 'closed') return
        this.streamsDown = true
        this.log(`venue broker: ${which} stream: ${describeError(err, this.redact)}; polling until it is back`)
        if (!(await this.pause(backoff.next()))) return
      }
    }
  }

  private async pollLoop(): Promise<void> {
    const every = this.opts.pollIntervalMs ?? 2000
    while (this.running) {
      if (!(await this.pause(every))) return
      const now = this.opts.now()
      const symbolsNeedingTrades = new Map<string, number>()
      const ordersNeedingTrades: LiveOrder[] = []
      const byOrder = this.orderTradesApi()
      for (const lo of this.orders.values()) {
        // orders the venue counted fills for that we have no trades of, for a whole interval
        const missing = lo.missingSince !== null && now - lo.missingSince >= every
        // without the streams, every open order is asked for
        const blind = this.streamsDown && lo.phase === 'live' && !this.isFinal(lo)
        if (!missing && !blind) continue
        if (blind) await this.queryOrder(lo)
        // an order's own trades when the venue can list them (the account's may be thousands);
        // a blind order's missing fills show in its report and are fetched on the next round
        if (missing && byOrder !== undefined && lo.venueId !== undefined) ordersNeedingTrades.push(lo)
        else if (missing || byOrder === undefined) {
          const since = lo.submitted.ts - 1000
          symbolsNeedingTrades.set(lo.request.symbol, Math.min(symbolsNeedingTrades.get(lo.request.symbol) ?? Infinity, since))
        }
      }
      for (const lo of ordersNeedingTrades) {
        try {
          if (!(await this.ready())) return
          for (const t of await byOrder!(lo.venueId as string, lo.request.symbol)) this.noteTrade(t, lo)
        } catch (err) {
          const c = classifyError(err)
          if (c.kind === 'rate-limited') this.block(c)
          else if (c.kind !== 'closed') this.log(`venue broker: fetchOrderTrades ${lo.clientOrderId} failed: ${describeError(err, this.redact)}`)
        }
      }
      for (const [symbol, since] of symbolsNeedingTrades) {
        try {
          if (!(await this.ready())) return
          await this.fetchTradesSince(symbol, since)
        } catch (err) {
          const c = classifyError(err)
          if (c.kind === 'rate-limited') this.block(c)
          else if (c.kind !== 'closed') this.log(`venue broker: fetchMyTrades ${symbol} failed: ${describeError(err, this.redact)}`)
        }
      }
    }
  }

  /** ccxt's fetchOrderTrades, when the exchange has it. */
  private orderTradesApi(): ((id: string, symbol: string) => Promise<VenueTrade[]>) | undefined {
    const api = this.api as TradeApi & { has?: Record<string, unknown>; fetchOrderTrades?: (id: string, symbol?: string) => Promise<VenueTrade[]> }
    if (typeof api.fetchOrderTrades !== 'function' || api.has?.fetchOrderTrades === false) return undefined
    return (id, symbol) => api.fetchOrderTrades!(id, symbol)
  }

  /** The account's trades in `symbol` from `since` on, page by page (a venue answers at most a page per call). */
  private async fetchTradesSince(symbol: string, since: number): Promise<void> {
    const page = 1000
    let from = since
    const seen = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const trades = await this.api.fetchMyTrades(symbol, from, page)
      let fresh = 0
      let last = from
      for (const t of trades) {
        const id = str(t.id)
        if (id !== undefined && seen.has(id)) continue
        if (id !== undefined) seen.add(id)
        fresh++
        last = Math.max(last, num(t.timestamp) ?? last)
        this.noteTrade(t, undefined)
      }
      // a short page is the last; a page with nothing new cannot move on
      if (trades.length < page || fresh === 0) return
      from = last
      if (!(await this.ready())) return
    }
  }

  private scheduleBalance(ms: number): void {
    if (!this.running) return
    if (this.balanceTimer !== null) clearTimeout(this.balanceTimer)
    this.balanceTimer = setTimeout(() => {
      this.balanceTimer = null
      this.track(this.refreshBalance())
      this.scheduleBalance(this.opts.balanceIntervalMs ?? 30_000)
    }, ms)
    this.balanceTimer.unref?.()
  }

  /** A venue order report (REST answer or stream): binds ids now, queues the report for pump. */
  private noteOrder(o: VenueOrder, lo: LiveOrder | undefined): void {
    const venueId = str(o.id)
    const cid = str(o.clientOrderId)
    const target = lo ?? (cid !== undefined ? this.orders.get(cid) : undefined) ?? (venueId !== undefined ? this.byVenueId.get(venueId) : undefined)
    if (target !== undefined) {
      // a Binance cancel answer names the cancel request's own id there, and ours as origClientOrderId
      const orig = str((o.info as { origClientOrderId?: unknown } | undefined)?.origClientOrderId)
      if (cid !== undefined && cid !== target.clientOrderId && orig !== target.clientOrderId)
        this.log(`venue broker: the venue reports client order id ${cid} for our ${target.clientOrderId}`)
      target.seenAtVenue = true
      if (venueId !== undefined && target.venueId === undefined) {
        target.venueId = venueId
        this.byVenueId.set(venueId, target)
      }
    }
    const at = this.opts.now()
    this.enqueue({ kind: 'order', at, order: o, cid: target?.clientOrderId })
    // trades embedded in an order answer (Binance FULL responses) belong to that order
    if (Array.isArray(o.trades)) for (const t of o.trades) this.noteTrade({ ...t, order: t.order ?? venueId, symbol: t.symbol ?? o.symbol, timestamp: t.timestamp ?? o.timestamp }, target)
  }

  private noteTrade(t: VenueTrade, lo: LiveOrder | undefined): void {
    this.enqueue({ kind: 'trade', at: this.opts.now(), trade: t, cid: lo?.clientOrderId })
  }

  private enqueue(r: Report): void {
    // arrival order and arrival time agree even if the host clock steps back
    if (r.at < this.lastArrival) r.at = this.lastArrival
    this.lastArrival = r.at
    this.inbox.push(r)
    this.opts.onReport?.()
  }

  /** Waits for the request gate (Retry-After); false when the broker stopped meanwhile. */
  private async ready(): Promise<boolean> {
    if (this.closed) return false
    return (await this.untilStopped(this.gate.wait())) !== STOPPED && !this.closed
  }

  /** Sleeps; false when the broker stopped meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    return (await this.untilStopped(this.sleep(ms))) !== STOPPED && !this.closed
  }

  /** A watch or a sleep that stop() ends at once, whether or not the exchange is closed. */
  private untilStopped<T>(p: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([p, this.stopped])
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.catch((err: unknown) => {
      this.log(`venue broker: task failed: ${describeError(err, this.redact)}`)
    }) as Promise<T>
    this.tasks.add(tracked)
    void tracked.finally(() => this.tasks.delete(tracked))
    return tracked
  }

  // ---- pump side: reports → events ---------------------------------------------------------

  private apply(r: Report, cause: number): void {
    switch (r.kind) {
      case 'order':
        return this.applyOrder(r.order, r.cid, r.at)
      case 'trade':
        return this.applyTrade(r.trade, r.cid, r.at)
      case 'rejected': {
        const lo = this.orders.get(r.cid)
        if (lo === undefined) return
        this.orderEvent(lo, 'reject', { type: 'OrderRejected', seq: 0, ts: this.stampTs(r.at), cause: this.causeOf(lo), orderId: lo.clientOrderId, clientOrderId: lo.clientOrderId, symbol: lo.request.symbol, reason: this.redact(r.reason) })
        return
      }
      case 'cancel-rejected': {
        const lo = this.orders.get(r.cid)
        this.emit({ type: 'CancelRejected', seq: 0, ts: this.stampTs(r.at), cause: lo === undefined ? cause : this.causeOf(lo), orderId: r.cid, reason: this.redact(r.reason) })
        return
      }
      case 'balance':
        return this.applyBalances(r.balances, r.at, cause)
    }
  }

  private applyOrder(o: VenueOrder, cid: string | undefined, at: number): void {
    const venueId = str(o.id)
    const lo = (cid !== undefined ? this.orders.get(cid) : undefined) ?? (venueId !== undefined ? this.byVenueId.get(venueId) : undefined)
    if (lo === undefined) {
      if (venueId !== undefined && !this.foreign.has(venueId)) {
        this.counters.foreignOrders++
        this.log(`venue broker: venue order ${venueId} (client id ${str(o.clientOrderId) ?? '-'}) was not placed by this session; left alone`)
      }
      if (venueId !== undefined) this.foreign.set(venueId, o)
      return
    }
    if (venueId !== undefined && lo.venueId === undefined) {
      lo.venueId = venueId
      this.byVenueId.set(venueId, lo)
    }
    const filled = num(o.filled)
    if (filled !== undefined && filled > lo.venueFilled) lo.venueFilled = filled
    const status = normaliseStatus(o.status)
    if (lo.amount === undefined && status !== 'open' && status !== undefined) lo.amount = status === 'closed' ? lo.venueFilled : Infinity
    const view = this.tracker.get(lo.clientOrderId)
    if (view === undefined) return
    if (status === 'open' && view.status === 'submitted') {
      this.orderEvent(lo, 'accept', { type: 'OrderAccepted', seq: 0, ts: this.stampTs(at), cause: this.causeOf(lo), orderId: lo.clientOrderId, clientOrderId: lo.clientOrderId, symbol: lo.request.symbol })
    } else if (status === 'canceled') lo.pendingFinal ??= { type: 'OrderCancelled', reason: 'cancelled at the venue' }
    else if (status === 'expired') lo.pendingFinal ??= { type: 'OrderExpired', reason: 'expired at the venue' }
    else if (status === 'rejected') lo.pendingFinal ??= { type: 'OrderRejected', reason: 'rejected by the venue' }
    if (status !== 'open' && status !== undefined) lo.phase = 'final'
    // trades that waited for the amount can be classified now
    this.release(lo, at)
    this.settle(lo, at)
  }

  private applyTrade(t: VenueTrade, cid: string | undefined, at: number): void {
    const venueOrder = str(t.order)
    let lo = cid !== undefined ? this.orders.get(cid) : undefined
    lo ??= venueOrder !== undefined ? this.byVenueId.get(venueOrder) : undefined
    // Binance's execution reports carry our client id as `c`
    lo ??= this.orders.get(str((t.info as { c?: unknown } | undefined)?.c) ?? '')
    if (lo === undefined) {
      if (venueOrder !== undefined && !this.foreign.has(venueOrder)) {
        const list = this.orphans.get(venueOrder) ?? []
        if (list.length < MAX_ORPHANS) list.push(t)
        this.orphans.set(venueOrder, list)
        // trades of orders that never turn out to be ours must not pile up
        if (this.orphans.size > MAX_ORPHANS) this.orphans.delete(this.orphans.keys().next().value as string)
      } else this.counters.strayTrades++
      return
    }
    if (venueOrder !== undefined && lo.venueId === undefined) {
      lo.venueId = venueOrder
      this.byVenueId.set(venueOrder, lo)
    }
    this.fill(lo, t, at)
    this.settle(lo, at)
  }

  /** Trades that waited for their order's report or amount. */
  private release(lo: LiveOrder, at: number): void {
    if (lo.venueId !== undefined) {
      const orphaned = this.orphans.get(lo.venueId)
      if (orphaned !== undefined) {
        this.orphans.delete(lo.venueId)
        lo.held.push(...orphaned)
      }
    }
    if (lo.amount === undefined || lo.held.length === 0) return
    const held = lo.held
    lo.held = []
    for (const t of held) this.fill(lo, t, at)
  }

  private fill(lo: LiveOrder, t: VenueTrade, at: number): void {
    const id = str(t.id) ?? `${str(t.order) ?? lo.venueId ?? lo.clientOrderId}:${num(t.timestamp) ?? 0}:${num(t.price) ?? 0}:${num(t.amount) ?? 0}`
    if (lo.tradeIds.has(id)) {
      this.counters.duplicateFills++
      return
    }
    if (lo.amount === undefined) {
      if (!lo.held.some((h) => str(h.id) === id)) lo.held.push(t)
      return
    }
    const price = num(t.price)
    const amount = num(t.amount)
    if (price === undefined || amount === undefined || !(price > 0) || !(amount > 0)) {
      this.counters.malformed++
      this.log(`venue broker: trade ${id} of ${lo.clientOrderId} has no usable price/amount; ignored`)
      return
    }
    const view = this.tracker.get(lo.clientOrderId)
    if (view === undefined || isFinalStatus(view.status)) {
      this.counters.strayTrades++
      this.log(`venue broker: trade ${id} for ${lo.clientOrderId}, which is already ${view?.status ?? 'unknown'}; not applied`)
      return
    }
    const decimals = lo.market !== undefined ? stepDecimals(lo.market.precision.amount) + 2 : 12
    const filled = clean(lo.applied + amount, decimals)
    const target = Number.isFinite(lo.amount) ? lo.amount : Math.max(lo.venueFilled, filled)
    const remaining = Math.max(0, clean(target - filled, decimals))
    // a cancelled or expired order's last fill does not complete it
    const complete = remaining === 0 && !(lo.pendingFinal !== null && !Number.isFinite(lo.amount))
    const feeCost = num(t.fee?.cost) ?? 0
    const feeCurrency = str(t.fee?.currency) ?? lo.market?.quote ?? this.opts.currency
    const event: FillEvent = {
      type: complete ? 'OrderFilled' : 'OrderPartiallyFilled',
      seq: 0,
      ts: this.stampTs(at),
      cause: this.causeOf(lo),
      orderId: lo.clientOrderId,
      clientOrderId: lo.clientOrderId,
      symbol: lo.request.symbol,
      owner: lo.request.owner,
      tradeId: id,
      side: lo.request.side,
      price,
      amount,
      fee: { cost: feeCost, currency: feeCurrency },
      liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker',
      tradeTs: Math.max(0, Math.round(num(t.timestamp) ?? at)),
      filled,
      remaining
    }
    if (!this.orderEvent(lo, complete ? 'fill' : 'fill-partial', event)) return
    lo.tradeIds.add(id)
    lo.applied = filled
    if (lo.applied > lo.venueFilled) lo.venueFilled = lo.applied
    if (complete) lo.phase = 'final'
    for (const currency of this.account.applyFill(lo.request.symbol, lo.request.side, price, amount, { cost: feeCost, currency: feeCurrency })) this.balanceEvent(currency, at, this.causeOf(lo))
    this.positionEvent(lo.request.symbol, at, this.causeOf(lo))
    this.debounceBalance()
  }

  /** Emits a final status once every fill the venue counted has been applied. */
  private settle(lo: LiveOrder, at: number): void {
    const missing = lo.venueFilled - lo.applied > 1e-12 * Math.max(1, lo.venueFilled)
    lo.missingSince = missing ? (lo.missingSince ?? at) : null
    const pending = lo.pendingFinal
    if (pending === null || missing) return
    const view = this.tracker.get(lo.clientOrderId)
    if (view === undefined || isFinalStatus(view.status)) {
      lo.pendingFinal = null
      return
    }
    lo.pendingFinal = null
    const base = { seq: 0, ts: this.stampTs(at), cause: this.causeOf(lo), orderId: lo.clientOrderId, clientOrderId: lo.clientOrderId, symbol: lo.request.symbol }
    const event: BrokerEvent =
      pending.type === 'OrderExpired' ? { type: 'OrderExpired', ...base } : { type: pending.type, ...base, reason: pending.reason }
    this.orderEvent(lo, FINAL_ACTIONS[pending.type], event)
  }

  private applyBalances(balances: BalanceView[], at: number, cause: number): void {
    const changedBases = new Set<string>()
    for (const b of balances) {
      if (!this.account.setBalance(b)) continue
      this.emit({ type: 'BalanceUpdated', seq: 0, ts: this.stampTs(at), cause, currency: b.currency, free: b.free, used: b.used, total: b.total })
      changedBases.add(b.currency)
    }
    for (const m of this.markets.values()) if (changedBases.has(m.base)) this.positionEvent(m.symbol, at, cause)
  }

  private balanceEvent(currency: string, at: number, cause: number): void {
    const b = this.account.balance(currency)
    this.emit({ type: 'BalanceUpdated', seq: 0, ts: this.stampTs(at), cause, currency, free: b.free, used: b.used, total: b.total })
  }

  private positionEvent(symbol: string, at: number, cause: number): void {
    const p = this.account.position(symbol)
    if (!Number.isFinite(p.amount)) return
    this.emit({ type: 'PositionChanged', seq: 0, ts: this.stampTs(at), cause, symbol, amount: p.amount, entryPrice: p.entryPrice, realizedPnl: p.realizedPnl })
  }

  private debounceBalance(): void {
    if (!this.running) return
    if (this.debounceTimer !== null) clearTimeout(this.debounceTimer)
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null
      this.track(this.refreshBalance())
    }, this.opts.balanceDebounceMs ?? 250)
    this.debounceTimer.unref?.()
  }

  /** Applies an order event to the tracker, then outboxes it; a transition the table forbids is logged and dropped. */
  private orderEvent(lo: LiveOrder, action: OrderAction, event: BrokerEvent): boolean {
    const view = this.tracker.get(lo.clientOrderId)
    if (view === undefined || !canTransition(view.status, action)) {
      this.log(`venue broker: ${event.type} for ${lo.clientOrderId} is not possible from ${view?.status ?? 'unknown'}; dropped`)
      return false
    }
    this.emit(event)
    return true
  }

  private emit(event: BrokerEvent): void {
    this.tracker.apply(event)
    this.outbox.push(event)
  }

  /** The journaled OrderSubmitted's seq (set by the kernel) is the cause of the order's later events. */
  private causeOf(lo: LiveOrder): number {
    return lo.submitted.seq
  }

  private stampTs(t: number): number {
    const ts = Math.max(this.lastTs, Math.round(t))
    this.lastTs = ts
    return ts
  }

  private isFinal(lo: LiveOrder): boolean {
    const view = this.tracker.get(lo.clientOrderId)
    return view !== undefined && isFinalStatus(view.status)
  }
}

function venueType(r: OrderRequest): string {
  return r.type === 'limit' || r.type === 'stop-limit' ? 'limit' : 'market'
}

function venuePrice(r: OrderRequest): number | undefined {
  return r.price ?? undefined
}

/** ccxt statuses, with the spellings venues use for the same thing. */
function normaliseStatus(s: string | undefined): 'open' | 'closed' | 'canceled' | 'expired' | 'rejected' | undefined {
  switch (s?.toLowerCase()) {
    case 'open':
    case 'new':
    case 'partially_filled':
      return 'open'
    case 'closed':
    case 'filled':
      return 'closed'
    case 'canceled':
    case 'cancelled':
      return 'canceled'
    case 'expired':
      return 'expired'
    case 'rejected':
      return 'rejected'
    default:
      return undefined
  }
}

function isOrderLike(x: unknown): x is VenueOrder {
  return typeof x === 'object' && x !== null && ('id' in x || 'clientOrderId' in x) && 'status' in x
}

const BALANCE_META = new Set(['info', 'free', 'used', 'total', 'timestamp', 'datetime', 'debt'])

/** ccxt's balance structure as BalanceViews; entries without finite numbers are left out (unknown, not zero). */
export function parseBalances(raw: unknown): BalanceView[] {
  const out: BalanceView[] = []
  if (typeof raw !== 'object' || raw === null) return out
  for (const [currency, v] of Object.entries(raw as Record<string, unknown>)) {
    if (BALANCE_META.has(currency) || typeof v !== 'object' || v === null) continue
    const b = v as { free?: unknown; used?: unknown; total?: unknown }
    const free = num(b.free)
    const used = num(b.used)
    const total = num(b.total) ?? (free !== undefined && used !== undefined ? free + used : undefined)
    if (total === undefined) continue
    out.push({ currency, free: free ?? total - (used ?? 0), used: used ?? 0, total })
  }
  return out
}
