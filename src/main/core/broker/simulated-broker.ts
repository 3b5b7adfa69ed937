import type { BrokerEvent } from '../../../shared/broker-events'
import { OrderTypeSchema, SideSchema, TimeInForceSchema, type Market, type Side } from '../../../shared/market'
import type { BarEvent, BookEvent, MarketEvent, QuoteEvent, TradeEvent } from '../../../shared/market-events'
import { OrderRequestSchema, type OrderRequest } from '../../../shared/orders'
import { isFinalStatus } from '../orders/order-state-machine'
import { OrderTracker, type OrderHandle } from '../orders/order-tracker'
import { Account } from './account'
import { LocalBook, type BookSide } from './book'
import type { Broker } from './broker'
import { BrokerConfigError, resolveBrokerConfig, type ResolvedBrokerConfig, type SimulatedBrokerConfig } from './config'
import { clean } from '../decimal-rounding'
import { floorToStep, isStepMultiple, stepDecimals } from './numbers'

export { BrokerConfigError, SimulatedBrokerConfigSchema } from './config'
export type { ResolvedBrokerConfig, SimulatedBrokerConfig, SlippageModel } from './config'

/** An order request that does not satisfy `OrderRequestSchema`; it cannot be journaled, so it is refused outright. */
export class OrderRequestError extends Error {
  readonly type = 'OrderRequestError'
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`order request: ${field}: ${message}`)
    this.name = 'OrderRequestError'
  }
}

type Liquidity = 'maker' | 'taker'

const ORDER_TYPES: ReadonlySet<unknown> = new Set(OrderTypeSchema.options)
const SIDES: ReadonlySet<unknown> = new Set(SideSchema.options)
const TIMES_IN_FORCE: ReadonlySet<unknown> = new Set(TimeInForceSchema.options)

const isText = (x: unknown, max = Infinity): x is string => typeof x === 'string' && x.length >= 1 && x.length <= max
const isPositiveOrNull = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x) && x > 0)

/**
 * `OrderRequestSchema.parse` for the plain, valid requests the kernel builds, without zod's
 * cost per order: the same checks, and a copy with the schema's keys in the schema's order (the
 * journal hashes its JSON). Anything unusual returns null, and zod decides (and explains).
 */
function plainOrderRequest(o: OrderRequest): OrderRequest | null {
  if (typeof o !== 'object' || o === null || Object.getPrototypeOf(o) !== Object.prototype) return null
  let hasFraction = false
  for (const key in o) {
    switch (key) {
      case 'clientOrderId':
      case 'owner':
      case 'symbol':
      case 'type':
      case 'side':
      case 'amount':
      case 'price':
      case 'stopPrice':
      case 'timeInForce':
      case 'postOnly':
      case 'reduceOnly':
      case 'cost':
        break
      case 'equityFraction':
        hasFraction = true
        break
      default:
        return null
    }
  }
  const { clientOrderId, owner, symbol, type, side, amount, price, stopPrice, timeInForce, postOnly, reduceOnly, cost } = o
  if (!isText(clientOrderId, 64) || !isText(owner) || !isText(symbol)) return null
  if (!ORDER_TYPES.has(type) || !SIDES.has(side) || !TIMES_IN_FORCE.has(timeInForce)) return null
  if (!(typeof amount === 'number' && Number.isFinite(amount) && amount >= 0)) return null
  if (!isPositiveOrNull(price) || !isPositiveOrNull(stopPrice) || !isPositiveOrNull(cost)) return null
  if (typeof postOnly !== 'boolean' || typeof reduceOnly !== 'boolean') return null
  const request: OrderRequest = { clientOrderId, owner, symbol, type, side, amount, price, stopPrice, timeInForce, postOnly, reduceOnly, cost }
  if (hasFraction) {
    const fraction = o.equityFraction
    if (fraction !== undefined && !(isPositiveOrNull(fraction) && (fraction === null || fraction <= 100))) return null
    request.equityFraction = fraction
  }
  return request
}

interface SimOrder {
  readonly id: string
  /** as submitted, with the amount rounded down to the market's step */
  readonly request: OrderRequest
  readonly market: Market | undefined
  readonly arrival: number
  /** the last closed bar at submission (barFill 'same-close') */
  readonly submitBar: BarEvent | undefined
  phase: 'in-flight' | 'working' | 'done'
  /** stop orders: the stop price has been reached */
  triggered: boolean
  /** bars with an earlier openTime are never used for this order */
  eligibleFrom: number
  /** the order has had its first eligible event (after which a limit fill is a maker fill) */
  seen: boolean
  filled: number
  remaining: number
  /** the tracker's record of it (set as it is submitted): its events update it without a lookup */
  tracked: OrderHandle | null
}

/** Per symbol: the bar stream that fills orders, its last closed bar, and the working orders. */
interface SymbolVenue {
  readonly symbol: string
  /** the bar timeframe that fills orders (the first one seen) */
  fillTimeframe: string | undefined
  lastBar: BarEvent | undefined
  /** a usable quote has been seen: from then on market orders fill on quotes only */
  quoted: boolean
  /** a bar has been seen: from then on quotes no longer mark the symbol */
  barFed: boolean
  /** working orders in arrival order; orders that are done are dropped lazily */
  working: SimOrder[]
  /** the venue of the current bar, refilled bar after bar (no budget to keep apart: no partial fills) */
  barVenue: Venue | undefined
}

const NO_ORDERS: readonly SimOrder[] = Object.freeze([])

type Pending =
  | { at: number; n: number; kind: 'order'; order: SimOrder }
  | { at: number; n: number; kind: 'cancel'; clientOrderId: string }

/** Amount that may still fill on one event, per side (Infinity without a partial-fill model). */
interface Budget {
  left(side: Side): number
  use(side: Side, amount: number): void
}

/** Bars and trades have one volume that buyers and sellers share. */
function pooledBudget(volume: number): Budget {
  let left = volume
  return { left: () => left, use: (_side, amount) => void (left -= amount) }
}

/** Without a partial-fill model every event offers an unlimited amount: one shared budget, none built per event. */
const UNLIMITED: Budget = { left: () => Infinity, use: () => undefined }

/** Quotes and book levels have a size per side. */
function sidedBudget(buy: number, sell: number): Budget {
  const left: Record<Side, number> = { buy, sell }
  return { left: (side) => left[side], use: (side, amount) => void (left[side] -= amount) }
}

/** What one market event offers the orders of its symbol. */
interface Venue {
  kind: 'bar' | 'trade' | 'quote' | 'book'
  symbol: string
  ts: number
  tradeTs: number
  cause: number
  /** bar fills: slipped prices stay inside [low, high] */
  bar: BarEvent | undefined
  budget: Budget
  /** best bid/ask for spread slippage; undefined on bar and trade events */
  spread: number | undefined
}

const isStop = (type: OrderRequest['type']): boolean => type === 'stop-market' || type === 'stop-limit'

/** Is `price` at or better than `limit` for a `side` order (buy: ≤ limit, sell: ≥ limit)? */
const within = (side: Side, price: number, limit: number): boolean => (side === 'buy' ? price <= limit : price >= limit)

/** Has `price` reached a `side` stop at `stop` (buy: ≥ stop, sell: ≤ stop)? */
const through = (side: Side, price: number, stop: number): boolean => (side === 'buy' ? price >= stop : price <= stop)

/**
 * The backtest and paper-trading broker: a simulated venue that fills orders from the market
 * data the kernel feeds it, with fees, slippage, latency and partial fills as configured. The
 * rules are in README.md, "Fill, fee and accounting rules"; everything here is deterministic.
 */
export class SimulatedBroker implements Broker {
  readonly outbox: BrokerEvent[] = []
  readonly account: Account
  readonly config: ResolvedBrokerConfig
  /** true when fills may use prices the engine had not seen when it ordered (barFill 'same-close') */
  readonly lookAhead: boolean

  private readonly tracker = new OrderTracker()
  private readonly markets = new Map<string, Market>()
  /** the markets with the fee rates the configuration sets in place of the venue's */
  private readonly charged = new Map<string, Market>()
  /** orders in flight or working (done ones are dropped) */
  private readonly orders = new Map<string, SimOrder>()
  private readonly venues = new Map<string, SymbolVenue>()
  /** the last symbol looked up: market data repeats one symbol event after event */
  private recentVenue: SymbolVenue | null = null
  private pending: Pending[] = []
  private pendingCount = 0
  private orderCount = 0
  private tradeCount = 0
  private readonly topOfBook = new Map<string, { bid: number; ask: number }>()
  private readonly books = new Map<string, LocalBook>()

  constructor(config: SimulatedBrokerConfig) {
    this.config = resolveBrokerConfig(config)
    for (const m of this.config.markets) this.markets.set(m.symbol, m)
    this.account = new Account(
      {
        currency: this.config.currency,
        initialCash: this.config.initialCash,
        markets: this.config.markets,
        type: this.config.accountType,
        leverage: this.config.leverage,
        fees: this.config.fees
      },
      this.tracker
    )
    this.lookAhead = this.config.barFill === 'same-close'
    for (const m of this.config.markets) {
      this.charged.set(m.symbol, { ...m, maker: this.account.feeRate(m.symbol, 'maker'), taker: this.account.feeRate(m.symbol, 'taker') })
    }
  }

  /** The market as this broker trades it: its maker and taker rates are the ones it charges. */
  market(symbol: string): Market | undefined {
    return this.charged.get(symbol)
  }

  /** Emits OrderSubmitted now; the order reaches the venue `latencyMs` later (see `wake`). */
  submit(order: OrderRequest, now: number, cause: number): void {
    let request = plainOrderRequest(order)
    if (request === null) {
      const parsed = OrderRequestSchema.safeParse(order)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new OrderRequestError(issue?.path.join('.') || '(order)', issue?.message ?? 'invalid')
      }
      request = { ...parsed.data }
    }
    const market = this.markets.get(order.symbol)
    if (market !== undefined) request.amount = floorToStep(request.amount, market.precision.amount)
    const o: SimOrder = {
      id: `O${++this.orderCount}`,
      request,
      market,
      arrival: now + this.config.latencyMs,
      submitBar: this.findVenue(order.symbol)?.lastBar,
      phase: 'in-flight',
      triggered: false,
      eligibleFrom: now + this.config.latencyMs,
      seen: false,
      filled: 0,
      remaining: request.amount,
      tracked: null
    }
    this.orders.set(o.id, o)
    this.emitSubmitted(o, { type: 'OrderSubmitted', seq: 0, ts: now, cause, orderId: o.id, order: request })
    this.enqueue({ at: o.arrival, n: ++this.pendingCount, kind: 'order', order: o })
  }

  /** The cancel reaches the venue `latencyMs` later; the order may fill in the meantime. */
  cancel(clientOrderId: string, now: number, _cause: number): void {
    this.enqueue({ at: now + this.config.latencyMs, n: ++this.pendingCount, kind: 'cancel', clientOrderId })
  }

  nextWakeTs(): number {
    return this.pending[0]?.at ?? Infinity
  }

  wake(now: number, cause: number): void {
    this.arriveUntil(now, cause)
  }

  onMarket(event: MarketEvent): void {
    // an order that reaches the venue at or before this event's time takes part in it
    this.arriveUntil(event.ts, event.seq)
    switch (event.type) {
      case 'bar':
        this.onBar(event)
        break
      case 'trade':
        this.onTrade(event)
        break
      case 'quote':
        this.onQuote(event)
        break
      case 'book':
        this.onBook(event)
        break
      case 'indicator':
      case 'instrument':
      case 'session':
      case 'status':
        break
    }
  }

  /**
   * End of a backtest: cancels every order still in flight or working, then closes every
   * position at the last bar's close (or open) of its symbol as a taker market fill, with fees
   * and slippage, so the last trade counts as a closed trade. Without a bar, at the mark.
   */
  settle(at: 'close' | 'open', ts: number, cause: number): void {
    for (const o of this.orders.values()) if (o.phase !== 'done') this.finish(o, 'cancel', 'end of backtest', ts, cause)
    for (const p of this.account.positions()) {
      if (p.amount === 0) continue
      const market = this.markets.get(p.symbol)
      const bar = this.findVenue(p.symbol)?.lastBar
      const request: OrderRequest = {
        clientOrderId: `settle-${p.symbol}`,
        owner: 'settlement',
        symbol: p.symbol,
        type: 'market',
        side: p.amount > 0 ? 'sell' : 'buy',
        amount: Math.abs(p.amount),
        price: null,
        stopPrice: null,
        timeInForce: 'GTC',
        postOnly: false,
        reduceOnly: true,
        cost: null
      }
      const o: SimOrder = {
        id: `O${++this.orderCount}`,
        request,
        market,
        arrival: ts,
        submitBar: bar,
        phase: 'working',
        triggered: false,
        eligibleFrom: ts,
        seen: true,
        filled: 0,
        remaining: request.amount,
        tracked: null
      }
      this.orders.set(o.id, o)
      const ref = { orderId: o.id, clientOrderId: request.clientOrderId, symbol: p.symbol }
      this.emitSubmitted(o, { type: 'OrderSubmitted', seq: 0, ts, cause, orderId: o.id, order: request })
      this.emitFor(o, { type: 'OrderAccepted', seq: 0, ts, cause, ...ref })
      const price = bar === undefined ? p.markPrice : at === 'open' ? bar.open : bar.close
      const tradeTs = bar === undefined ? ts : at === 'open' ? bar.openTime : bar.closeTime
      const venue = this.venue('bar', p.symbol, ts, tradeTs, cause, bar, Infinity, Infinity, undefined)
      this.fillAt(o, price, 'taker', true, venue, false)
    }
  }

  // ---- arrival at the venue -------------------------------------------------------------

  private enqueue(item: Pending): void {
    let i = this.pending.length
    while (i > 0 && (this.pending[i - 1]!.at > item.at || (this.pending[i - 1]!.at === item.at && this.pending[i - 1]!.n > item.n))) i--
    this.pending.splice(i, 0, item)
  }

  private arriveUntil(now: number, cause: number): void {
    while (this.pending.length > 0 && this.pending[0]!.at <= now) {
      const item = this.pending.shift()!
      if (item.kind === 'order') this.arrive(item.order, item.at, cause)
      else this.arriveCancel(item.clientOrderId, item.at, cause)
    }
  }

  private arrive(o: SimOrder, ts: number, cause: number): void {
    if (o.phase !== 'in-flight') return // cancelled while in flight
    const reason = this.validate(o)
    const { clientOrderId, symbol } = o.request
    // events written out field by field (same key order as the journal has always hashed)
    if (reason !== null) {
      this.retire(o)
      this.emitFor(o, { type: 'OrderRejected', seq: 0, ts, cause, orderId: o.id, clientOrderId, symbol, reason })
      return
    }
    o.phase = 'working'
    this.venueOf(symbol).working.push(o)
    this.emitFor(o, { type: 'OrderAccepted', seq: 0, ts, cause, orderId: o.id, clientOrderId, symbol })
    const bar = o.submitBar
    if (this.config.barFill === 'same-close' && o.request.type === 'market' && bar !== undefined) {
      // look-ahead by design: the close was already printed when the order was sent
      o.seen = true
      const venue = this.venue('bar', bar.symbol, ts, bar.closeTime, cause, bar, bar.volume, bar.volume, undefined)
      this.fillAt(o, bar.close, 'taker', true, venue, o.request.timeInForce !== 'GTC')
    }
  }

  private arriveCancel(clientOrderId: string, ts: number, cause: number): void {
    const view = this.tracker.get(clientOrderId)
    if (view === undefined) {
      this.emit({ type: 'CancelRejected', seq: 0, ts, cause, orderId: '', reason: `unknown order: no order has clientOrderId ${clientOrderId}` })
      return
    }
    const o = this.orders.get(view.id)
    if (o === undefined || o.phase === 'done') {
      this.emit({ type: 'CancelRejected', seq: 0, ts, cause, orderId: view.id, reason: `order ${view.id} is already ${view.status}` })
      return
    }
    this.finish(o, 'cancel', 'cancelled on request', ts, cause)
  }

  /** The venue's checks at arrival; returns a rejection reason or null. */
  private validate(o: SimOrder): string | null {
    const r = o.request
    const m = o.market
    if (m === undefined) return `unknown symbol: ${r.symbol} is not a configured market`
    // the tracker keeps a client id on its earlier order while that order is open
    const other = this.tracker.get(r.clientOrderId)
    if (other !== undefined && other.id !== o.id && other.status !== 'submitted' && !isFinalStatus(other.status)) {
      return `duplicate clientOrderId: ${r.clientOrderId} is open as ${other.id}`
    }
    const needsLimit = r.type === 'limit' || r.type === 'stop-limit'
    if (needsLimit && r.price === null) return `bad order: a ${r.type} order needs a price`
    if (isStop(r.type) && r.stopPrice === null) return `bad order: a ${r.type} order needs a stopPrice`
    if (r.cost !== null && r.type !== 'market') return 'bad order: cost is only for market orders'
    if (r.cost !== null && r.amount > 0) return 'bad order: give amount or cost, not both'
    const step = m.precision.price
    if (needsLimit && !isStepMultiple(r.price!, step)) return `bad price: price ${r.price} is not a positive multiple of the price step ${step}`
    if (isStop(r.type) && !isStepMultiple(r.stopPrice!, step)) {
      return `bad price: stopPrice ${r.stopPrice} is not a positive multiple of the price step ${step}`
    }
    if (r.cost === null && (r.amount <= 0 || r.amount < m.limits.amount.min)) {
      return `below minimum amount: ${r.amount} < ${Math.max(m.limits.amount.min, m.precision.amount)} ${m.base}`
    }
    const refPrice = needsLimit ? r.price! : r.type === 'stop-market' ? r.stopPrice! : this.account.lastPrice(r.symbol)
    const notional = r.cost ?? (refPrice === undefined ? undefined : r.amount * refPrice)
    if (notional !== undefined && notional < m.limits.cost.min) {
      return `below minimum notional: ${Number(notional.toPrecision(10))} < ${m.limits.cost.min} ${m.quote}`
    }
    if (r.reduceOnly) {
      const pos = this.account.position(r.symbol).amount
      const reduces = r.side === 'buy' ? pos < 0 : pos > 0
      if (!reduces || (r.cost === null && r.amount > Math.abs(pos))) {
        return `reduceOnly would increase the position: position ${pos}, ${r.side} ${r.cost === null ? r.amount : `for ${r.cost} ${m.quote}`}`
      }
    }
    if (r.postOnly) {
      if (r.type === 'market' || r.type === 'stop-market') return `postOnly would take liquidity: a ${r.type} order always takes`
      if (r.type === 'limit') {
        const opposite = this.oppositePrice(r.symbol, r.side)
        if (opposite !== undefined && within(r.side, opposite, r.price!)) {
          return `postOnly would take liquidity: ${r.side} at ${r.price} crosses ${opposite}`
        }
      }
    }
    return this.account.checkOrder(r, refPrice)
  }

  /** The price a taker on `side` would meet now: best ask/bid when quotes or a book are known, else the last price. */
  private oppositePrice(symbol: string, side: Side): number | undefined {
    const top = this.topOfBook.get(symbol)
    if (top !== undefined) return side === 'buy' ? top.ask : top.bid
    return this.account.lastPrice(symbol)
  }

  // ---- market data ------------------------------------------------------------------------

  private findVenue(symbol: string): SymbolVenue | undefined {
    const recent = this.recentVenue
    if (recent !== null && recent.symbol === symbol) return recent
    const v = this.venues.get(symbol)
    if (v !== undefined) this.recentVenue = v
    return v
  }

  private venueOf(symbol: string): SymbolVenue {
    let v = this.findVenue(symbol)
    if (v === undefined) {
      v = { symbol, fillTimeframe: undefined, lastBar: undefined, quoted: false, barFed: false, working: [], barVenue: undefined }
      this.venues.set(symbol, v)
      this.recentVenue = v
    }
    return v
  }

  /** The symbol's working orders, as a list that matching may not disturb. */
  private ordersOf(symbol: string): readonly SimOrder[] {
    const list = this.findVenue(symbol)?.working
    if (list === undefined || list.length === 0) return NO_ORDERS
    let live = 0
    for (let i = 0; i < list.length; i++) if (list[i].phase === 'working') list[live++] = list[i]
    // resting orders usually stay for many events: only shrink when one is done
    if (live !== list.length) list.length = live
    return live === 0 ? NO_ORDERS : list.slice()
  }

  private venue(
    kind: Venue['kind'],
    symbol: string,
    ts: number,
    tradeTs: number,
    cause: number,
    bar: BarEvent | undefined,
    buyVolume: number,
    sellVolume: number,
    spread: number | undefined
  ): Venue {
    const pf = this.config.partialFills
    if (pf === null) return { kind, symbol, ts, tradeTs, cause, bar, budget: UNLIMITED, spread }
    const step = this.markets.get(symbol)?.precision.amount ?? 1e-8
    const cap = (v: number): number => floorToStep(pf.maxVolumeFraction * v, step)
    const budget = kind === 'bar' || kind === 'trade' ? pooledBudget(cap(buyVolume)) : sidedBudget(cap(buyVolume), cap(sellVolume))
    return { kind, symbol, ts, tradeTs, cause, bar, budget, spread }
  }

  /**
   * The venue that `bar` offers its symbol's working orders. Without partial fills it is one
   * object per symbol, refilled: nothing keeps a venue past its event, and one object per bar
   * was most of the broker's garbage.
   */
  private barVenue(v: SymbolVenue, bar: BarEvent): Venue {
    if (this.config.partialFills !== null) return this.venue('bar', bar.symbol, bar.ts, bar.openTime, bar.seq, bar, bar.volume, bar.volume, undefined)
    const venue = (v.barVenue ??= { kind: 'bar', symbol: bar.symbol, ts: 0, tradeTs: 0, cause: 0, bar, budget: UNLIMITED, spread: undefined })
    venue.ts = bar.ts
    venue.tradeTs = bar.openTime
    venue.cause = bar.seq
    venue.bar = bar
    return venue
  }

  private onBar(bar: BarEvent): void {
    const v = this.venueOf(bar.symbol)
    v.barFed = true
    if (bar.closed) {
      if (v.fillTimeframe === undefined) v.fillTimeframe = bar.timeframe
      if (v.fillTimeframe === bar.timeframe) {
        const orders = this.ordersOf(bar.symbol)
        const venue = orders.length > 0 ? this.barVenue(v, bar) : undefined
        // indexed: for-of here built an iterator result per bar
        for (let i = 0; i < orders.length; i++) {
          const o = orders[i]!
          // with quotes in the feed a market order takes the next quote, not the next bar's open
          if (o.phase === 'working' && bar.openTime >= o.eligibleFrom && !(v.quoted && o.request.type === 'market')) this.matchBar(o, bar, venue!)
        }
        v.lastBar = bar
      }
    }
    this.account.setMark(bar.symbol, bar.close)
  }

  private matchBar(o: SimOrder, bar: BarEvent, venue: Venue): void {
    const r = o.request
    const side = r.side
    if (r.type === 'market' || (r.type === 'stop-market' && o.triggered)) {
      this.fillAt(o, bar.open, 'taker', true, venue, this.firstChance(o) && o.request.timeInForce !== 'GTC')
      return
    }
    if (isStop(r.type) && !o.triggered) {
      const stop = r.stopPrice!
      const atOpen = through(side, bar.open, stop)
      if (!atOpen && !through(side, side === 'buy' ? bar.high : bar.low, stop)) return
      const trigger = atOpen ? bar.open : stop
      this.trigger(o, trigger, venue)
      if (r.type === 'stop-market') this.fillAt(o, trigger, 'taker', true, venue, r.timeInForce !== 'GTC')
      else if (within(side, trigger, r.price!)) this.fillAt(o, trigger, 'taker', false, venue, r.timeInForce !== 'GTC')
      else this.restAfterTrigger(o, bar.closeTime, venue)
      return
    }
    const limit = r.price!
    const first = this.firstChance(o)
    if (within(side, bar.open, limit)) {
      this.limitCross(o, bar.open, first, venue)
    } else if (within(side, side === 'buy' ? bar.low : bar.high, limit)) {
      // reached after the open: the order was resting by then (IOC/FOK were gone)
      if (first && r.timeInForce !== 'GTC') this.finish(o, 'expire', '', venue.ts, venue.cause)
      else this.fillAt(o, limit, 'maker', false, venue, false)
    } else if (first && r.timeInForce !== 'GTC') {
      this.finish(o, 'expire', '', venue.ts, venue.cause)
    }
  }

  private onTrade(t: TradeEvent): void {
    const orders = this.ordersOf(t.symbol)
    if (orders.length > 0) {
      const venue = this.venue('trade', t.symbol, t.ts, t.ts, t.seq, undefined, t.amount, t.amount, undefined)
      for (let i = 0; i < orders.length; i++) {
        const o = orders[i]!
        if (o.phase === 'working' && t.ts >= o.eligibleFrom) this.matchPrint(o, t.price, venue)
      }
    }
    this.account.setMark(t.symbol, t.price)
  }

  private onQuote(q: QuoteEvent): void {
    const usable = q.bid > 0 && q.ask > 0
    const v = this.venueOf(q.symbol)
    if (usable) {
      this.topOfBook.set(q.symbol, { bid: q.bid, ask: q.ask })
      v.quoted = true
    }
    const orders = this.ordersOf(q.symbol)
    if (orders.length > 0) {
      const venue = this.venue('quote', q.symbol, q.ts, q.ts, q.seq, undefined, q.askSize, q.bidSize, usable ? q.ask - q.bid : undefined)
      for (let i = 0; i < orders.length; i++) {
        const o = orders[i]!
        const price = o.request.side === 'buy' ? q.ask : q.bid
        if (o.phase === 'working' && q.ts >= o.eligibleFrom && price > 0) this.matchPrint(o, price, venue)
      }
    }
    // a symbol fed by bars is marked at bar closes (trade prices), not at quote mids
    if (usable && !v.barFed) this.account.setMark(q.symbol, (q.bid + q.ask) / 2)
  }

  /**
   * Trade and quote events offer one price per side: the trade price, or the ask to buyers and
   * the bid to sellers. Stops trigger on it and fill at it; limits take it on their first
   * event and otherwise fill at their own price once it reaches them.
   */
  private matchPrint(o: SimOrder, price: number, venue: Venue): void {
    const r = o.request
    const side = r.side
    if (r.type === 'market' || (r.type === 'stop-market' && o.triggered)) {
      this.fillAt(o, price, 'taker', true, venue, this.firstChance(o) && o.request.timeInForce !== 'GTC')
      return
    }
    if (isStop(r.type) && !o.triggered) {
      if (!through(side, price, r.stopPrice!)) return
      this.trigger(o, price, venue)
      if (r.type === 'stop-market') this.fillAt(o, price, 'taker', true, venue, r.timeInForce !== 'GTC')
      else if (within(side, price, r.price!)) this.fillAt(o, price, 'taker', false, venue, r.timeInForce !== 'GTC')
      else this.restAfterTrigger(o, venue.ts, venue)
      return
    }
    const first = this.firstChance(o)
    if (within(side, price, r.price!)) {
      if (first) this.limitCross(o, price, true, venue)
      else this.fillAt(o, r.price!, 'maker', false, venue, false)
    } else if (first && r.timeInForce !== 'GTC') {
      this.finish(o, 'expire', '', venue.ts, venue.cause)
    }
  }

  private onBook(b: BookEvent): void {
    let book = this.books.get(b.symbol)
    if (book === undefined) {
      book = new LocalBook()
      this.books.set(b.symbol, book)
    }
    book.apply(b)
    let bid = book.best('bids')
    let ask = book.best('asks')
    const spread = bid !== undefined && ask !== undefined ? ask - bid : undefined
    const orders = this.ordersOf(b.symbol)
    if (orders.length > 0) {
      const venue = this.venue('book', b.symbol, b.ts, b.ts, b.seq, undefined, Infinity, Infinity, spread)
      for (let i = 0; i < orders.length; i++) {
        const o = orders[i]!
        if (o.phase === 'working' && b.ts >= o.eligibleFrom) this.matchBook(o, book, venue)
      }
    }
    bid = book.best('bids')
    ask = book.best('asks')
    if (bid !== undefined && ask !== undefined) {
      this.topOfBook.set(b.symbol, { bid, ask })
      this.account.setMark(b.symbol, (bid + ask) / 2)
    }
  }

  private matchBook(o: SimOrder, book: LocalBook, venue: Venue): void {
    const r = o.request
    const side = r.side
    const opposite: BookSide = side === 'buy' ? 'asks' : 'bids'
    const best = book.best(opposite)
    if (best === undefined) return
    if (r.type === 'market' || (r.type === 'stop-market' && o.triggered)) {
      this.walk(o, book, undefined, venue, this.firstChance(o) && o.request.timeInForce !== 'GTC')
      return
    }
    if (isStop(r.type) && !o.triggered) {
      if (!through(side, best, r.stopPrice!)) return
      this.trigger(o, best, venue)
      this.walk(o, book, r.type === 'stop-limit' ? r.price! : undefined, venue, r.timeInForce !== 'GTC')
      if (o.phase === 'working') o.seen = true
      return
    }
    const limit = r.price!
    const first = this.firstChance(o)
    if (first) {
      if (within(side, best, limit) && r.postOnly) {
        this.finish(o, 'cancel', `postOnly would take liquidity: ${side} at ${limit} crosses ${best}`, venue.ts, venue.cause)
        return
      }
      // marketable on arrival: take what lies within the limit, rest the remainder
      this.walk(o, book, limit, venue, r.timeInForce !== 'GTC')
      return
    }
    if (!within(side, best, limit)) return
    let available = 0
    for (const [price, size] of book.levels(opposite)) {
      if (!within(side, price, limit)) break
      available += this.levelSize(size, o)
    }
    const filled = this.fillAt(o, limit, 'maker', false, { ...venue, budget: sidedBudget(available, available) }, false)
    this.consume(book, opposite, limit, side, filled)
  }

  /** Takes book levels best first, one fill per level, up to `limit` if given. */
  private walk(o: SimOrder, book: LocalBook, limit: number | undefined, venue: Venue, onlyChance: boolean): void {
    const r = o.request
    const opposite: BookSide = r.side === 'buy' ? 'asks' : 'bids'
    const levels = book.levels(opposite).filter(([price]) => limit === undefined || within(r.side, price, limit))
    if (onlyChance && r.timeInForce === 'FOK') {
      const first = levels[0]
      if (first !== undefined && !this.sizeCostOrder(o, this.slipped(o, first[0], venue), venue)) return
      const total = levels.reduce((sum, [, size]) => sum + this.levelSize(size, o), 0)
      if (first === undefined || total < o.remaining) {
        this.finish(o, 'expire', '', venue.ts, venue.cause)
        return
      }
    }
    for (const [price, size] of levels) {
      if (o.phase !== 'working') break
      const available = this.levelSize(size, o)
      if (available <= 0) continue
      const slip = r.type === 'market' || r.type === 'stop-market'
      const filled = this.fillAt(o, price, 'taker', slip, { ...venue, budget: sidedBudget(available, available) }, false)
      book.consume(opposite, price, filled)
    }
    if (o.phase === 'working' && onlyChance) this.finish(o, 'expire', '', venue.ts, venue.cause)
    if (o.phase === 'working') o.seen = true
  }

  private levelSize(size: number, o: SimOrder): number {
    const pf = this.config.partialFills
    const step = o.market?.precision.amount ?? 1e-8
    return floorToStep(pf === null ? size : pf.maxVolumeFraction * size, step)
  }

  /** Removes a maker fill's amount from the levels that crossed the resting order. */
  private consume(book: LocalBook, opposite: BookSide, limit: number, side: Side, amount: number): void {
    let left = amount
    for (const [price, size] of book.levels(opposite)) {
      if (left <= 0 || !within(side, price, limit)) break
      const take = Math.min(size, left)
      book.consume(opposite, price, take)
      left -= take
    }
  }

  // ---- fills ------------------------------------------------------------------------------

  /** True on the order's first eligible event; marks it seen. */
  private firstChance(o: SimOrder): boolean {
    const first = !o.seen
    o.seen = true
    return first
  }

  /** A limit whose price is crossed by the first print it meets takes liquidity at that print. */
  private limitCross(o: SimOrder, price: number, first: boolean, venue: Venue): void {
    const r = o.request
    if (!first) {
      this.fillAt(o, price, 'maker', false, venue, false)
      return
    }
    if (r.postOnly) {
      this.finish(o, 'cancel', `postOnly would take liquidity: ${r.side} at ${r.price} crosses ${price}`, venue.ts, venue.cause)
      return
    }
    this.fillAt(o, price, 'taker', false, venue, r.timeInForce !== 'GTC')
  }

  private trigger(o: SimOrder, price: number, venue: Venue): void {
    o.triggered = true
    // from here the order is live at the venue: its trigger event is its one IOC/FOK chance
    o.seen = true
    const r = o.request
    this.emitFor(o, { type: 'OrderTriggered', seq: 0, ts: venue.ts, cause: venue.cause, orderId: o.id, clientOrderId: r.clientOrderId, symbol: r.symbol, price })
  }

  /** A stop-limit whose trigger print is outside its limit rests as a limit after this event. */
  private restAfterTrigger(o: SimOrder, from: number, venue: Venue): void {
    o.seen = true
    if (o.request.timeInForce !== 'GTC') {
      this.finish(o, 'expire', '', venue.ts, venue.cause)
      return
    }
    if (venue.kind === 'bar') o.eligibleFrom = from
  }

  /** Fill price after slippage: taker market/stop fills only; inside the bar's range on bar data. */
  private slipped(o: SimOrder, price: number, venue: Venue): number {
    const s = this.config.slippage
    const buy = o.request.side === 'buy'
    let px = price
    if (s.kind === 'bps') px = price * (buy ? 1 + s.bps / 10_000 : 1 - s.bps / 10_000)
    else if (s.kind === 'spread') {
      if (venue.spread === undefined) {
        throw new BrokerConfigError(
          'slippage',
          `'spread' slippage needs quote or book data, but ${o.request.symbol} order ${o.id} was filled from a ${venue.kind} event; use 'bps'`
        )
      }
      px = price + (buy ? 1 : -1) * s.fraction * venue.spread
    }
    if (venue.bar !== undefined) px = buy ? Math.min(px, venue.bar.high) : Math.max(px, venue.bar.low)
    return px
  }

  /** An order sized by cost gets its base amount at its first fill price; false if that is too small (the order is cancelled). */
  private sizeCostOrder(o: SimOrder, price: number, venue: Venue): boolean {
    const r = o.request
    if (r.cost === null || o.filled > 0 || o.remaining > 0) return true
    const m = o.market!
    // An equity-fraction order is sized from the equity at the fill, after earlier fills of this event.
    const cost = r.equityFraction != null ? r.equityFraction * this.account.equity() : r.cost
    const amount = cost > 0 ? this.account.affordable(r.symbol, cost, price, m.precision.amount) : 0
    if (amount <= 0 || amount < m.limits.amount.min) {
      this.finish(o, 'cancel', `below minimum amount at fill: ${cost} ${m.quote} buys ${amount} ${m.base} at ${price}`, venue.ts, venue.cause)
      return false
    }
    o.remaining = amount
    return true
  }

  /**
   * Fills as much of the order as the event's budget allows at `price` (slipped if `slip`).
   * `onlyChance`: IOC/FOK on their first eligible event; whatever does not fill expires.
   * Returns the amount filled.
   */
  private fillAt(o: SimOrder, price: number, liquidity: Liquidity, slip: boolean, venue: Venue, onlyChance: boolean): number {
    const r = o.request
    const px = slip ? this.slipped(o, price, venue) : price
    if (!this.sizeCostOrder(o, px, venue)) return 0
    const step = o.market!.precision.amount
    const amount = floorToStep(Math.min(o.remaining, venue.budget.left(r.side)), step)
    if (onlyChance && r.timeInForce === 'FOK' && amount < o.remaining) {
      this.finish(o, 'expire', '', venue.ts, venue.cause)
      return 0
    }
    const filled = amount > 0 ? this.execute(o, px, amount, liquidity, venue) : 0
    venue.budget.use(r.side, filled)
    if (onlyChance && o.phase === 'working') this.finish(o, 'expire', '', venue.ts, venue.cause)
    return filled
  }

  /** One execution: checks, books it, and emits the fill, position and balance events. */
  private execute(o: SimOrder, price: number, wanted: number, liquidity: Liquidity, venue: Venue): number {
    const r = o.request
    const m = o.market!
    const { ts, cause } = venue
    let amount = wanted
    let capped = false
    if (r.reduceOnly) {
      const pos = this.account.position(r.symbol).amount
      const allowed = (r.side === 'sell' ? pos > 0 : pos < 0) ? Math.abs(pos) : 0
      if (allowed <= 0) {
        this.finish(o, 'cancel', `reduceOnly would increase the position: position ${pos}`, ts, cause)
        return 0
      }
      if (amount > allowed) {
        amount = allowed
        capped = true
      }
    }
    const rate = this.account.feeRate(r.symbol, liquidity)
    const problem = this.account.checkFill(o.id, r.symbol, r.side, price, amount, rate)
    if (problem !== null) {
      this.finish(o, 'cancel', `insufficient balance at fill: ${problem}`, ts, cause)
      return 0
    }
    const fee = this.account.fee(r.symbol, liquidity, price, amount)
    this.account.applyFill(r.symbol, r.side, price, amount, fee)
    const decimals = stepDecimals(m.precision.amount)
    o.filled = clean(o.filled + amount, decimals)
    o.remaining = clean(o.remaining - amount, decimals)
    const done = o.remaining <= 0
    if (done) {
      o.remaining = 0
      this.retire(o)
    }
    this.emitFor(o, {
      type: done ? 'OrderFilled' : 'OrderPartiallyFilled',
      seq: 0,
      ts,
      cause,
      orderId: o.id,
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      owner: r.owner,
      tradeId: `T${++this.tradeCount}`,
      side: r.side,
      price,
      amount,
      fee: { cost: fee, currency: this.account.currency },
      liquidity,
      tradeTs: venue.tradeTs,
      filled: o.filled,
      remaining: o.remaining
    })
    const p = this.account.position(r.symbol)
    this.emit({ type: 'PositionChanged', seq: 0, ts, cause, symbol: r.symbol, amount: p.amount, entryPrice: p.entryPrice, realizedPnl: p.realizedPnl })
    this.emitBalance(this.account.currency, ts, cause)
    if (this.account.type === 'spot') this.emitBalance(m.base, ts, cause)
    if (capped && o.phase === 'working') this.finish(o, 'cancel', 'reduceOnly would increase the position: the rest exceeds the position', ts, cause)
    return amount
  }

  private emitBalance(currency: string, ts: number, cause: number): void {
    const b = this.account.balance(currency)
    this.emit({ type: 'BalanceUpdated', seq: 0, ts, cause, currency, free: b.free, used: b.used, total: b.total })
  }

  /** Ends an order that is in flight or working. */
  private finish(o: SimOrder, how: 'cancel' | 'expire', reason: string, ts: number, cause: number): void {
    if (o.phase === 'in-flight') this.pending = this.pending.filter((p) => p.kind !== 'order' || p.order !== o)
    this.retire(o)
    const { clientOrderId, symbol } = o.request
    if (how === 'cancel') this.emitFor(o, { type: 'OrderCancelled', seq: 0, ts, cause, orderId: o.id, clientOrderId, symbol, reason })
    else this.emitFor(o, { type: 'OrderExpired', seq: 0, ts, cause, orderId: o.id, clientOrderId, symbol })
  }

  /** The order is done: only the tracker's view of it remains (cancels of it are answered from that). */
  private retire(o: SimOrder): void {
    o.phase = 'done'
    this.orders.delete(o.id)
  }

  /** An event that changes no order (position, balance, a refused cancel). */
  private emit(event: BrokerEvent): void {
    this.outbox.push(event)
  }

  private emitSubmitted(o: SimOrder, event: Extract<BrokerEvent, { type: 'OrderSubmitted' }>): void {
    this.outbox.push(event)
    // the id was made here and never used: the tracker need not look for it
    o.tracked = this.tracker.submittedNew(o.id, event.order, event.ts)
  }

  /** An event of order `o`, after its submission. */
  private emitFor(o: SimOrder, event: BrokerEvent): void {
    this.outbox.push(event)
    this.tracker.applyTo(o.tracked!, event)
  }
}
