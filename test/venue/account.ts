import { div, floorTo, fmt, mul, parseDec, toNumber, ZERO, min, type Dec } from './decimal'
import type { VenueMarket } from './exchange-info'
import type { VenueBook } from './venue-book'
import { E, VenueError } from './venue-error'

/**
 * The emulated venue's one account and its matching engine. Orders match against the replayed
 * book as a taker (walking the levels) and, while they rest, as a maker against the replay: a
 * capture trade that prints through the order's price, or a book update that crosses it, fills
 * it at its own price. The account's orders never show in the public streams (the replay does not
 * know them) and liquidity they take is remembered per level until the capture updates that level.
 */

export type Side = 'BUY' | 'SELL'
export type OrderType = 'LIMIT' | 'LIMIT_MAKER' | 'MARKET' | 'STOP_LOSS' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT' | 'TAKE_PROFIT_LIMIT'
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED'
export type TimeInForce = 'GTC' | 'IOC' | 'FOK'
/** how the order reached the venue: REST, the WebSocket API, or neither (`placeExternalOrder`) */
export type OrderSource = 'rest' | 'ws-api' | 'external'

interface Order {
  orderId: number
  clientOrderId: string
  market: VenueMarket
  side: Side
  type: OrderType
  timeInForce: TimeInForce
  price: Dec
  stopPrice: Dec
  origQty: Dec
  origQuoteOrderQty: Dec
  executedQty: Dec
  cumQuote: Dec
  status: OrderStatus
  time: number
  updateTime: number
  workingTime: number
  /** on the book (limit) or triggered; false for a stop that has not triggered */
  working: boolean
  /** funds this order still holds: quote asset for buys, base asset for sells */
  locked: Dec
  source: OrderSource
}

interface Fill {
  tradeId: number
  order: Order
  price: Dec
  qty: Dec
  quoteQty: Dec
  commission: Dec
  commissionAsset: string
  isMaker: boolean
  time: number
}

/** An order as the ledger shows it (numbers, Binance's field names). */
export interface LedgerOrder {
  orderId: number
  clientOrderId: string
  /** unified symbol, e.g. BTC/USDT */
  symbol: string
  side: Side
  type: OrderType
  timeInForce: TimeInForce
  price: number
  stopPrice: number
  origQty: number
  origQuoteOrderQty: number
  executedQty: number
  cummulativeQuoteQty: number
  status: OrderStatus
  time: number
  updateTime: number
  source: OrderSource
}

export interface LedgerFill {
  tradeId: number
  orderId: number
  clientOrderId: string
  symbol: string
  side: Side
  price: number
  qty: number
  quoteQty: number
  commission: number
  commissionAsset: string
  isMaker: boolean
  time: number
}

export interface VenueLedger {
  orders: LedgerOrder[]
  fills: LedgerFill[]
  balances: Record<string, { free: number; locked: number }>
}

/** What an order placement asks for, as Binance's parameter strings. */
export type Params = Record<string, string | undefined>

export interface AccountOptions {
  fees: { maker: number; taker: number }
  clock: () => number
  /** user data events (executionReport, outboundAccountPosition, balanceUpdate) */
  emit: (event: Record<string, unknown>) => void
}

const ORDER_TYPES = new Set<string>(['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'])
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/

export class Account {
  private readonly balances = new Map<string, { free: Dec; locked: Dec }>()
  private readonly orders: Order[] = []
  private readonly byId = new Map<number, Order>()
  private readonly open = new Set<Order>()
  private readonly fills: Fill[] = []
  private readonly lastPrice = new Map<string, Dec>()
  private nextOrderId = 8_000_000_001
  private nextTradeId = 9_000_000_001
  private nextGeneratedId = 1
  private nextEventId = 1
  private touched = new Set<string>()
  private readonly maker: Dec
  private readonly taker: Dec

  constructor(
    private readonly markets: Map<string, VenueMarket>,
    private readonly books: Map<string, VenueBook>,
    private readonly options: AccountOptions
  ) {
    this.maker = rate(options.fees.maker)
    this.taker = rate(options.fees.taker)
  }

  // ---------------------------------------------------------------- balances

  private bal(asset: string): { free: Dec; locked: Dec } {
    let b = this.balances.get(asset)
    if (!b) {
      b = { free: ZERO, locked: ZERO }
      this.balances.set(asset, b)
    }
    return b
  }

  private change(asset: string, free: Dec, locked: Dec = ZERO): void {
    const b = this.bal(asset)
    b.free += free
    b.locked += locked
    this.touched.add(asset)
  }

  /** Sets an asset's free balance, as a deposit or withdrawal would (a balanceUpdate event). */
  setBalance(asset: string, amount: Dec): void {
    const b = this.bal(asset)
    const delta = amount - b.free
    b.free = amount
    const now = this.options.clock()
    this.options.emit({ e: 'balanceUpdate', E: now, a: asset, d: fmt(delta), T: now })
    this.touched.add(asset)
    this.flush()
  }

  seedBalance(asset: string, amount: Dec): void {
    this.bal(asset).free = amount
  }

  private flush(): void {
    if (this.touched.size === 0) return
    const now = this.options.clock()
    const B = [...this.touched].sort().map((a) => ({ a, f: fmt(this.bal(a).free), l: fmt(this.bal(a).locked) }))
    this.touched = new Set()
    this.options.emit({ e: 'outboundAccountPosition', E: now, u: now, B })
  }

  accountJson(): Record<string, unknown> {
    const rateText = (r: Dec): string => fmt(r)
    return {
      makerCommission: Number(this.maker / 10_000n),
      takerCommission: Number(this.taker / 10_000n),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: rateText(this.maker), taker: rateText(this.taker), buyer: '0.00000000', seller: '0.00000000' },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: this.options.clock(),
      accountType: 'SPOT',
      balances: [...this.balances.keys()].sort().map((asset) => ({ asset, free: fmt(this.bal(asset).free), locked: fmt(this.bal(asset).locked) })),
      permissions: ['SPOT'],
      uid: 354937868
    }
  }

  // ---------------------------------------------------------------- orders

  private market(params: Params): VenueMarket {
    const id = params.symbol
    if (id === undefined || id === '') throw E.mandatory('symbol')
    const m = this.markets.get(id)
    if (!m) throw E.badSymbol()
    return m
  }

  private generatedId(): string {
    // Binance generates 22 characters; a counter keeps runs repeatable
    return `emu${String(this.nextGeneratedId++).padStart(19, '0')}`
  }

  /** POST /api/v3/order (and the WS-API's order.place): returns the order and the fills it made now. */
  place(params: Params, source: OrderSource): { order: Order; fills: Fill[] } {
    const market = this.market(params)
    const side = params.side
    if (side === undefined) throw E.mandatory('side')
    if (side !== 'BUY' && side !== 'SELL') throw E.badSide()
    const type = params.type
    if (type === undefined) throw E.mandatory('type')
    if (!ORDER_TYPES.has(type)) throw E.badOrderType()
    const t = type as OrderType
    const isLimit = t === 'LIMIT' || t === 'LIMIT_MAKER' || t === 'STOP_LOSS_LIMIT' || t === 'TAKE_PROFIT_LIMIT'
    const isStop = t.startsWith('STOP') || t.startsWith('TAKE')
    const num = (name: string, required: boolean): Dec => {
      const v = params[name]
      if (v === undefined || v === '') {
        if (required) throw E.mandatory(name)
        return ZERO
      }
      const d = parseDec(v)
      if (d === null) throw E.illegalChars(name)
      return d
    }
    let timeInForce: TimeInForce = 'GTC'
    if (t === 'LIMIT' || t === 'STOP_LOSS_LIMIT' || t === 'TAKE_PROFIT_LIMIT') {
      const tif = params.timeInForce
      if (tif === undefined) throw E.mandatory('timeInForce')
      if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') throw E.badTimeInForce()
      timeInForce = tif
    } else if (params.timeInForce !== undefined && t !== 'MARKET') {
      throw E.notRequired('timeInForce')
    }
    const price = isLimit ? num('price', true) : ZERO
    if (!isLimit && params.price !== undefined) throw E.notRequired('price')
    const stopPrice = isStop ? num('stopPrice', true) : ZERO
    let qty = ZERO
    let quoteQty = ZERO
    if (t === 'MARKET') {
      if (params.quantity !== undefined && params.quoteOrderQty !== undefined) throw E.notRequired('quoteOrderQty')
      if (params.quoteOrderQty !== undefined) quoteQty = num('quoteOrderQty', true)
      else qty = num('quantity', true)
    } else {
      qty = num('quantity', true)
    }
    // filters, in the order Binance checks them
    for (const p of isLimit ? [price] : []) {
      if (p < market.minPrice || p > market.maxPrice || (p - market.minPrice) % market.tickSize !== ZERO) throw E.filter('PRICE_FILTER')
    }
    if (isStop && (stopPrice < market.minPrice || stopPrice > market.maxPrice || (stopPrice - market.minPrice) % market.tickSize !== ZERO)) {
      throw E.filter('PRICE_FILTER')
    }
    if (quoteQty === ZERO && (qty < market.minQty || qty > market.maxQty || (qty - market.minQty) % market.stepSize !== ZERO)) throw E.filter('LOT_SIZE')
    const refPrice = isLimit ? price : (this.lastPrice.get(market.id) ?? this.midPrice(market) ?? ZERO)
    const notional = quoteQty > ZERO ? quoteQty : mul(refPrice, qty)
    if (refPrice > ZERO && notional < market.minNotional) throw E.filter('NOTIONAL')
    // client order id: unique among open orders, as on Binance
    let clientOrderId = params.newClientOrderId
    if (clientOrderId !== undefined && clientOrderId !== '') {
      if (!CLIENT_ID.test(clientOrderId)) throw E.illegalChars('newClientOrderId')
      for (const o of this.open) if (o.clientOrderId === clientOrderId) throw E.duplicateOrder()
    } else {
      clientOrderId = this.generatedId()
    }
    const book = this.books.get(market.id) as VenueBook
    if (t === 'LIMIT_MAKER') {
      const best = side === 'BUY' ? book.bestAsk() : book.bestBid()
      if (best !== undefined && (side === 'BUY' ? price >= best : price <= best)) throw E.wouldTake()
    }
    if (isStop) {
      const last = this.lastPrice.get(market.id)
      if (last !== undefined && this.stopTriggered(side, t, stopPrice, last)) throw new VenueError(400, -2010, 'Stop price would trigger immediately.')
    }
    // funds: limit-style orders lock what they may spend; market orders are checked against the book
    const base = this.bal(market.base)
    const quote = this.bal(market.quote)
    let lock = ZERO
    if (side === 'SELL') {
      if (base.free < qty) throw E.insufficientBalance()
      lock = t === 'MARKET' ? ZERO : qty
    } else if (isLimit) {
      lock = mul(price, qty)
      if (quote.free < lock) throw E.insufficientBalance()
    } else if (t === 'MARKET') {
      const cost = quoteQty > ZERO ? quoteQty : this.walkCost(book, qty)
      if (quote.free < cost) throw E.insufficientBalance()
    }
    const now = this.options.clock()
    const order: Order = {
      orderId: this.nextOrderId++,
      clientOrderId,
      market,
      side,
      type: t,
      timeInForce,
      price,
      stopPrice,
      origQty: qty,
      origQuoteOrderQty: quoteQty,
      executedQty: ZERO,
      cumQuote: ZERO,
      status: 'NEW',
      time: now,
      updateTime: now,
      workingTime: isStop ? -1 : now,
      working: !isStop,
      locked: lock,
      source
    }
    if (lock > ZERO) this.change(side === 'SELL' ? market.base : market.quote, -lock, lock)
    this.orders.push(order)
    this.byId.set(order.orderId, order)
    this.open.add(order)
    this.report(order, 'NEW')
    const before = this.fills.length
    if (!isStop) this.execute(order, book, now)
    this.flush()
    return { order, fills: this.fills.slice(before).filter((f) => f.order === order) }
  }

  /** The taker phase of a working order, then rest / expire what is left. */
  private execute(order: Order, book: VenueBook, now: number): void {
    const byQuote = order.origQuoteOrderQty > ZERO
    const limited = order.type !== 'MARKET' && order.type !== 'STOP_LOSS' && order.type !== 'TAKE_PROFIT'
    const opposite = order.side === 'BUY' ? book.asks : book.bids
    // plan first: FOK needs the whole quantity, and an order bought by quote amount learns its quantity
    const plan: Array<[Dec, Dec]> = []
    let leftQty = order.origQty - order.executedQty
    let leftQuote = order.origQuoteOrderQty - order.cumQuote
    let total = ZERO
    for (const level of opposite.prices) {
      if (limited && (order.side === 'BUY' ? level > order.price : level < order.price)) break
      const available = opposite.available(level)
      if (available === ZERO) continue
      let take: Dec
      if (byQuote) {
        take = min(available, floorTo(div(leftQuote, level), order.market.stepSize))
        if (take === ZERO) break
        leftQuote -= mul(level, take)
      } else {
        take = min(available, leftQty)
        leftQty -= take
      }
      plan.push([level, take])
      total += take
      if (!byQuote && leftQty === ZERO) break
    }
    if (order.timeInForce === 'FOK' && total < order.origQty) {
      this.finish(order, 'EXPIRED', now)
      return
    }
    // Binance reports what a quote-amount order bought as its origQty
    if (byQuote) order.origQty = total
    for (const [level, take] of plan) {
      opposite.consume(level, take)
      this.trade(order, level, take, false, now)
    }
    if (order.status === 'FILLED') return
    if (byQuote || !limited || order.timeInForce !== 'GTC') this.finish(order, 'EXPIRED', now)
  }

  /** Quote needed to buy `qty` by walking the asks (what is missing from the book is priced at the last level). */
  private walkCost(book: VenueBook, qty: Dec): Dec {
    let left = qty
    let cost = ZERO
    let last = ZERO
    for (const level of book.asks.prices) {
      const take = min(left, book.asks.available(level))
      cost += mul(level, take)
      left -= take
      last = level
      if (left === ZERO) break
    }
    return cost + mul(last, left)
  }

  private midPrice(market: VenueMarket): Dec | undefined {
    const book = this.books.get(market.id)
    const b = book?.bestBid()
    const a = book?.bestAsk()
    return b !== undefined && a !== undefined ? (a + b) / 2n : (a ?? b)
  }

  /** One execution: balances, the fill, the order's state and its executionReport. */
  private trade(order: Order, price: Dec, qty: Dec, isMaker: boolean, now: number): void {
    const m = order.market
    const quoteQty = mul(price, qty)
    const feeRate = isMaker ? this.maker : this.taker
    let commission: Dec
    let commissionAsset: string
    if (order.side === 'BUY') {
      commission = mul(qty, feeRate)
      commissionAsset = m.base
      if (order.locked > ZERO) {
        const release = order.executedQty + qty === order.origQty ? order.locked : min(order.locked, mul(order.price, qty))
        order.locked -= release
        this.change(m.quote, release - quoteQty, -release)
      } else {
        this.change(m.quote, -quoteQty)
      }
      this.change(m.base, qty - commission)
    } else {
      commission = mul(quoteQty, feeRate)
      commissionAsset = m.quote
      if (order.locked > ZERO) {
        const release = min(order.locked, qty)
        order.locked -= release
        this.change(m.base, release - qty, -release)
      } else {
        this.change(m.base, -qty)
      }
      this.change(m.quote, quoteQty - commission)
    }
    order.executedQty += qty
    order.cumQuote += quoteQty
    order.updateTime = now
    const done = order.executedQty === order.origQty
    order.status = done ? 'FILLED' : 'PARTIALLY_FILLED'
    const fill: Fill = { tradeId: this.nextTradeId++, order, price, qty, quoteQty, commission, commissionAsset, isMaker, time: now }
    this.fills.push(fill)
    if (done) this.close(order)
    this.report(order, 'TRADE', fill)
  }

  private close(order: Order): void {
    this.open.delete(order)
    order.working = false
    if (order.locked > ZERO) {
      this.change(order.side === 'BUY' ? order.market.quote : order.market.base, order.locked, -order.locked)
      order.locked = ZERO
    }
  }

  private finish(order: Order, status: 'CANCELED' | 'EXPIRED', now: number, cancelId?: string): void {
    order.status = status
    order.updateTime = now
    this.close(order)
    this.report(order, status, undefined, cancelId)
  }

  /** Finds an order by orderId or origClientOrderId (the newest with that id). */
  private find(params: Params, market: VenueMarket, missing: () => VenueError): Order {
    const id = params.orderId
    const cid = params.origClientOrderId
    if ((id === undefined || id === '') && (cid === undefined || cid === '')) throw E.mandatory('orderId')
    let order: Order | undefined
    if (id !== undefined && id !== '') {
      if (!/^\d+$/.test(id)) throw E.illegalChars('orderId')
      order = this.byId.get(Number(id))
      if (order && cid !== undefined && cid !== '' && order.clientOrderId !== cid) order = undefined
    } else {
      for (let i = this.orders.length - 1; i >= 0; i--) {
        if (this.orders[i].clientOrderId === cid && this.orders[i].market === market) {
          order = this.orders[i]
          break
        }
      }
    }
    if (!order || order.market !== market) throw missing()
    return order
  }

  cancel(params: Params): Record<string, unknown> {
    const market = this.market(params)
    const order = this.find(params, market, E.unknownOrder)
    if (!this.open.has(order)) throw E.unknownOrder()
    const cancelId = params.newClientOrderId || this.generatedId()
    this.finish(order, 'CANCELED', this.options.clock(), cancelId)
    this.flush()
    return this.cancelJson(order, cancelId)
  }

  cancelAll(params: Params): Record<string, unknown>[] {
    const market = this.market(params)
    const mine = [...this.open].filter((o) => o.market === market)
    if (mine.length === 0) throw E.unknownOrder()
    const now = this.options.clock()
    const out = mine.map((order) => {
      const cancelId = this.generatedId()
      this.finish(order, 'CANCELED', now, cancelId)
      return this.cancelJson(order, cancelId)
    })
    this.flush()
    return out
  }

  query(params: Params): Record<string, unknown> {
    const market = this.market(params)
    return this.orderJson(this.find(params, market, E.noSuchOrder))
  }

  openOrders(params: Params): Record<string, unknown>[] {
    const id = params.symbol
    const market = id !== undefined && id !== '' ? this.market(params) : undefined
    return this.orders.filter((o) => this.open.has(o) && (market === undefined || o.market === market)).map((o) => this.orderJson(o))
  }

  allOrders(params: Params): Record<string, unknown>[] {
    const market = this.market(params)
    const fromId = num(params.orderId)
    const start = num(params.startTime)
    const end = num(params.endTime)
    const limit = Math.min(num(params.limit) ?? 500, 1000)
    const list = this.orders.filter(
      (o) => o.market === market && (fromId === undefined || o.orderId >= fromId) && (start === undefined || o.time >= start) && (end === undefined || o.time <= end)
    )
    // Binance returns the newest `limit` orders, oldest first, unless told where to start
    const chosen = fromId !== undefined || start !== undefined ? list.slice(0, limit) : list.slice(-limit)
    return chosen.map((o) => this.orderJson(o))
  }

  myTrades(params: Params): Record<string, unknown>[] {
    const market = this.market(params)
    const orderId = num(params.orderId)
    const fromId = num(params.fromId)
    const start = num(params.startTime)
    const end = num(params.endTime)
    const limit = Math.min(num(params.limit) ?? 500, 1000)
    const list = this.fills.filter(
      (f) =>
        f.order.market === market &&
        (orderId === undefined || f.order.orderId === orderId) &&
        (fromId === undefined || f.tradeId >= fromId) &&
        (start === undefined || f.time >= start) &&
        (end === undefined || f.time <= end)
    )
    const chosen = fromId !== undefined || start !== undefined ? list.slice(0, limit) : list.slice(-limit)
    return chosen.map((f) => ({
      symbol: market.id,
      id: f.tradeId,
      orderId: f.order.orderId,
      orderListId: -1,
      price: fmt(f.price),
      qty: fmt(f.qty),
      quoteQty: fmt(f.quoteQty),
      commission: fmt(f.commission),
      commissionAsset: f.commissionAsset,
      time: f.time,
      isBuyer: f.order.side === 'BUY',
      isMaker: f.isMaker,
      isBestMatch: true
    }))
  }

  // ---------------------------------------------------------------- the replay drives resting orders

  /** A capture trade: stops trigger on its price; resting limits it prints through fill as makers. */
  onTrade(marketId: string, price: Dec, qty: Dec, buyerIsMaker: boolean): void {
    const market = this.markets.get(marketId)
    if (!market) return
    this.lastPrice.set(marketId, price)
    const now = this.options.clock()
    const book = this.books.get(marketId) as VenueBook
    for (const o of [...this.open]) {
      if (o.market !== market || o.working || !this.stopTriggered(o.side, o.type, o.stopPrice, price)) continue
      o.working = true
      o.workingTime = now
      o.updateTime = now
      if (o.side === 'BUY' && (o.type === 'STOP_LOSS' || o.type === 'TAKE_PROFIT') && this.bal(market.quote).free < this.walkCost(book, o.origQty)) {
        this.finish(o, 'EXPIRED', now)
        continue
      }
      this.execute(o, book, now)
    }
    let left = qty
    for (const o of this.resting(market)) {
      if (left === ZERO) break
      const through = o.side === 'BUY' ? price < o.price || (price === o.price && buyerIsMaker) : price > o.price || (price === o.price && !buyerIsMaker)
      if (!through) continue
      const take = min(left, o.origQty - o.executedQty)
      left -= take
      this.trade(o, o.price, take, true, now)
    }
    this.flush()
  }

  /** After a capture diff: resting limits that the opposite side now crosses fill at their price. */
  onBookUpdate(marketId: string): void {
    const market = this.markets.get(marketId)
    if (!market || this.open.size === 0) return
    const book = this.books.get(marketId) as VenueBook
    const now = this.options.clock()
    for (const o of this.resting(market)) {
      const opposite = o.side === 'BUY' ? book.asks : book.bids
      for (const level of opposite.prices) {
        if (o.side === 'BUY' ? level > o.price : level < o.price) break
        const left = o.origQty - o.executedQty
        if (left === ZERO) break
        const take = min(left, opposite.available(level))
        if (take === ZERO) continue
        opposite.consume(level, take)
        this.trade(o, o.price, take, true, now)
      }
    }
    this.flush()
  }

  /** Working limit orders of a market, best price first, then oldest first. */
  private resting(market: VenueMarket): Order[] {
    const list = [...this.open].filter((o) => o.market === market && o.working && o.price > ZERO)
    return list.sort((a, b) => {
      if (a.side !== b.side) return a.side === 'BUY' ? -1 : 1
      if (a.price !== b.price) return (a.side === 'BUY' ? a.price > b.price : a.price < b.price) ? -1 : 1
      return a.orderId - b.orderId
    })
  }

  private stopTriggered(side: Side, type: OrderType, stop: Dec, last: Dec): boolean {
    const lossSide = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT'
    if (side === 'BUY') return lossSide ? last >= stop : last <= stop
    return lossSide ? last <= stop : last >= stop
  }

  // ---------------------------------------------------------------- JSON shapes

  private report(order: Order, x: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED', fill?: Fill, cancelId?: string): void {
    const now = this.options.clock()
    this.options.emit({
      e: 'executionReport',
      E: now,
      s: order.market.id,
      c: cancelId ?? order.clientOrderId,
      S: order.side,
      o: order.type,
      f: order.timeInForce,
      q: fmt(order.origQty),
      p: fmt(order.price),
      P: fmt(order.stopPrice),
      F: '0.00000000',
      g: -1,
      C: cancelId !== undefined ? order.clientOrderId : '',
      x,
      X: order.status,
      r: 'NONE',
      i: order.orderId,
      l: fill ? fmt(fill.qty) : '0.00000000',
      z: fmt(order.executedQty),
      L: fill ? fmt(fill.price) : '0.00000000',
      n: fill ? fmt(fill.commission) : '0',
      N: fill ? fill.commissionAsset : null,
      T: fill ? fill.time : order.updateTime,
      t: fill ? fill.tradeId : -1,
      I: this.nextEventId++,
      w: order.working && this.open.has(order),
      m: fill ? fill.isMaker : false,
      M: false,
      O: order.time,
      Z: fmt(order.cumQuote),
      Y: fill ? fmt(fill.quoteQty) : '0.00000000',
      Q: fmt(order.origQuoteOrderQty),
      W: order.workingTime,
      V: 'EXPIRE_MAKER'
    })
  }

  orderJson(o: Order): Record<string, unknown> {
    return {
      symbol: o.market.id,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: fmt(o.stopPrice),
      icebergQty: '0.00000000',
      time: o.time,
      updateTime: o.updateTime,
      isWorking: o.working,
      workingTime: o.workingTime,
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      selfTradePreventionMode: 'EXPIRE_MAKER'
    }
  }

  /** The POST /api/v3/order response for newOrderRespType ACK, RESULT or FULL. */
  placeJson(o: Order, fills: Fill[], respType: string | undefined): Record<string, unknown> {
    const ack = { symbol: o.market.id, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time }
    if (respType === 'ACK') return ack
    const result = {
      ...ack,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      workingTime: o.workingTime,
      selfTradePreventionMode: 'EXPIRE_MAKER'
    }
    // Binance's default for MARKET and LIMIT orders is FULL
    if (respType === 'RESULT') return result
    return {
      ...result,
      fills: fills.map((f) => ({ price: fmt(f.price), qty: fmt(f.qty), commission: fmt(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId }))
    }
  }

  private cancelJson(o: Order, cancelId: string): Record<string, unknown> {
    return {
      symbol: o.market.id,
      origClientOrderId: o.clientOrderId,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: cancelId,
      transactTime: o.updateTime,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      origQuoteOrderQty: fmt(o.origQuoteOrderQty),
      cummulativeQuoteQty: fmt(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: fmt(o.stopPrice),
      selfTradePreventionMode: 'EXPIRE_MAKER'
    }
  }

  ledger(): VenueLedger {
    const balances: VenueLedger['balances'] = {}
    for (const [asset, b] of [...this.balances].sort((x, y) => (x[0] < y[0] ? -1 : 1))) balances[asset] = { free: toNumber(b.free), locked: toNumber(b.locked) }
    return {
      orders: this.orders.map((o) => ({
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        symbol: o.market.symbol,
        side: o.side,
        type: o.type,
        timeInForce: o.timeInForce,
        price: toNumber(o.price),
        stopPrice: toNumber(o.stopPrice),
        origQty: toNumber(o.origQty),
        origQuoteOrderQty: toNumber(o.origQuoteOrderQty),
        executedQty: toNumber(o.executedQty),
        cummulativeQuoteQty: toNumber(o.cumQuote),
        status: o.status,
        time: o.time,
        updateTime: o.updateTime,
        source: o.source
      })),
      fills: this.fills.map((f) => ({
        tradeId: f.tradeId,
        orderId: f.order.orderId,
        clientOrderId: f.order.clientOrderId,
        symbol: f.order.market.symbol,
        side: f.order.side,
        price: toNumber(f.price),
        qty: toNumber(f.qty),
        quoteQty: toNumber(f.quoteQty),
        commission: toNumber(f.commission),
        commissionAsset: f.commissionAsset,
        isMaker: f.isMaker,
        time: f.time
      })),
      balances
    }
  }
}

function rate(r: number): Dec {
  if (!(r >= 0 && r < 1)) throw new Error(`emulated venue: a fee rate must be in [0, 1), got ${r}`)
  return BigInt(Math.round(r * 1e8))
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined
  if (!/^\d+$/.test(v)) throw E.illegalChars('limit')
  return Number(v)
}
