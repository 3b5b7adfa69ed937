import type { Market, Side } from '../../../shared/market'
import type { BalanceView, OrderRequest, OrderView, PositionView } from '../../../shared/orders'
import type { OrderTracker } from '../orders/order-tracker'
import type { AccountView } from './broker'
import { clean } from '../decimal-rounding'
import { floorToStep, lessOrClose, stepDecimals } from './numbers'

export interface AccountSettings {
  currency: string
  initialCash: number
  markets: readonly Market[]
  type: 'spot' | 'margin'
  leverage: number
  /** null rates: the market's own maker/taker; perUnit/min/maxRate: the per-unit fee (config.ts) */
  fees: { maker: number | null; taker: number | null; fixed: number; perUnit?: number; min?: number; maxRate?: number | null }
}

interface PositionState {
  amount: number
  entryPrice: number
  realizedPnl: number
  fees: number
}

const FLAT: Readonly<PositionState> = { amount: 0, entryPrice: 0, realizedPnl: 0, fees: 0 }

/** What the account keeps per symbol: the last mark and, once it has traded, its position. */
interface SymbolState {
  readonly symbol: string
  /** NaN until the first mark: a number field is written in place, where one that starts undefined boxes every mark */
  mark: number
  position: PositionState | null
}

/** The symbol's mark, or `fallback` while it has none. */
function markOr(st: SymbolState | undefined, fallback: number): number {
  const mark = st === undefined ? NaN : st.mark
  return mark === mark ? mark : fallback
}

/**
 * One simulated account in one currency: cash, a signed position per symbol (average-cost
 * entry price, realized P&L gross of fees, fees kept apart) and the last mark per symbol.
 * Orders come from the tracker the broker feeds; open orders that reached the venue reserve
 * funds (`used`).
 */
export class Account implements AccountView {
  readonly currency: string
  readonly type: 'spot' | 'margin'
  readonly leverage: number
  private cash: number
  private feesTotal = 0
  private readonly markets = new Map<string, Market>()
  private readonly amountDecimals = new Map<string, number>()
  private readonly symbols = new Map<string, SymbolState>()
  /** symbols that have traded, in the order of their first fill (equity sums in this order) */
  private readonly traded: SymbolState[] = []
  /** the last symbol looked up: a backtest asks about one symbol event after event */
  private recent: SymbolState | null = null
  private readonly fees: AccountSettings['fees']

  constructor(
    settings: AccountSettings,
    private readonly orders: OrderTracker
  ) {
    this.currency = settings.currency
    this.type = settings.type
    this.leverage = settings.type === 'margin' ? settings.leverage : 1
    this.cash = settings.initialCash
    this.fees = settings.fees
    for (const m of settings.markets) {
      this.markets.set(m.symbol, m)
      this.amountDecimals.set(m.symbol, stepDecimals(m.precision.amount))
    }
  }

  market(symbol: string): Market | undefined {
    return this.markets.get(symbol)
  }

  feeRate(symbol: string, liquidity: 'maker' | 'taker'): number {
    const m = this.markets.get(symbol)
    const configured = liquidity === 'maker' ? this.fees.maker : this.fees.taker
    return configured ?? (m === undefined ? 0 : liquidity === 'maker' ? m.maker : m.taker)
  }

  get fixedFee(): number {
    return this.fees.fixed
  }

  /**
   * The per-unit part of one fill's fee: perUnit × amount, raised to `min` when below it, else
   * capped at maxRate × the fill's value (the minimum wins over the cap, as in Interactive
   * Brokers' fixed pricing and LEAN's model of it).
   */
  unitFee(price: number, amount: number): number {
    const perUnit = this.fees.perUnit ?? 0
    const min = this.fees.min ?? 0
    if (perUnit === 0 && min === 0) return 0
    const fee = perUnit * amount
    if (fee < min) return min
    const maxRate = this.fees.maxRate ?? null
    return maxRate !== null && fee > maxRate * price * amount ? maxRate * price * amount : fee
  }

  /** The fee of one fill: rate × value + fixed + the per-unit part. */
  fee(symbol: string, liquidity: 'maker' | 'taker', price: number, amount: number): number {
    return this.feeRate(symbol, liquidity) * price * amount + this.fees.fixed + this.unitFee(price, amount)
  }

  /**
   * The largest amount (floored to `step`) whose value and taker fees fit in `cost`:
   * cost / (price × (1 + taker) + perUnit); when that amount's per-unit fee is raised to the
   * minimum, (cost − min) / (price × (1 + taker)); when it is capped, cost / (price × (1 + taker + maxRate)).
   */
  affordable(symbol: string, cost: number, price: number, step: number): number {
    const unit = price * (1 + this.feeRate(symbol, 'taker'))
    const perUnit = this.fees.perUnit ?? 0
    const min = this.fees.min ?? 0
    const amount = floorToStep(cost / (unit + perUnit), step)
    if (perUnit === 0 && min === 0) return amount
    if (perUnit * amount < min) return Math.min(amount, floorToStep(Math.max(0, cost - min) / unit, step))
    const maxRate = this.fees.maxRate ?? null
    if (maxRate !== null && perUnit > maxRate * price) return floorToStep(cost / (price * (1 + this.feeRate(symbol, 'taker') + maxRate)), step)
    return amount
  }

  /** Cash in the account currency (negative on a leveraged margin long). */
  cashBalance(): number {
    return this.cash
  }

  /** Fees paid, for one symbol or in total. */
  feesPaid(symbol?: string): number {
    return symbol === undefined ? this.feesTotal : (this.state(symbol)?.position?.fees ?? 0)
  }

  setMark(symbol: string, price: number): void {
    if (price > 0 && Number.isFinite(price)) this.stateOf(symbol).mark = price
  }

  lastPrice(symbol: string): number | undefined {
    const mark = markOr(this.state(symbol), NaN)
    return mark === mark ? mark : undefined
  }

  /** The signed position amount (what `position(symbol).amount` says, without building the view). */
  positionAmount(symbol: string): number {
    return this.state(symbol)?.position?.amount ?? 0
  }

  /** Books one execution: cash moves by the notional and the fee; the position by average cost. */
  applyFill(symbol: string, side: Side, price: number, amount: number, fee: number): void {
    const decimals = this.amountDecimals.get(symbol) ?? 12
    const signed = side === 'buy' ? amount : -amount
    this.cash -= signed * price + fee
    this.feesTotal += fee
    const st = this.stateOf(symbol)
    if (st.position === null) {
      st.position = { ...FLAT }
      this.traded.push(st)
    }
    const p = st.position
    p.fees += fee
    if (p.amount === 0 || Math.sign(p.amount) === Math.sign(signed)) {
      const size = Math.abs(p.amount)
      p.entryPrice = (size * p.entryPrice + amount * price) / (size + amount)
      p.amount = clean(p.amount + signed, decimals)
    } else {
      const closing = Math.min(amount, Math.abs(p.amount))
      p.realizedPnl += closing * (price - p.entryPrice) * Math.sign(p.amount)
      p.amount = clean(p.amount + signed, decimals)
      if (p.amount === 0) p.entryPrice = 0
      else if (Math.sign(p.amount) === Math.sign(signed)) p.entryPrice = price // flipped: the rest opened at this price
    }
  }

  position(symbol: string): PositionView {
    const st = this.state(symbol)
    const p = st?.position ?? FLAT
    const mark = markOr(st, p.entryPrice)
    return {
      symbol,
      amount: p.amount,
      entryPrice: p.entryPrice,
      realizedPnl: p.realizedPnl,
      unrealizedPnl: p.amount === 0 ? 0 : p.amount * (mark - p.entryPrice),
      markPrice: mark
    }
  }

  /** Every symbol that has traded, flat or not. */
  positions(): PositionView[] {
    return this.traded.map((st) => this.position(st.symbol))
  }

  equity(): number {
    let equity = this.cash
    const traded = this.traded
    for (let i = 0; i < traded.length; i++) {
      const p = traded[i].position!
      equity += p.amount * markOr(traded[i], p.entryPrice)
    }
    return equity
  }

  balance(currency: string): BalanceView {
    if (this.type === 'margin') {
      if (currency !== this.currency) return { currency, free: 0, used: 0, total: 0 }
      const total = this.equity()
      const used = (this.grossExposure() + this.openOrderExposure()) / this.leverage
      return { currency, free: total - used, used, total }
    }
    if (currency === this.currency) {
      const used = this.reservedQuote()
      return { currency, free: this.cash - used, used, total: this.cash }
    }
    let total = 0
    let used = 0
    for (const m of this.markets.values()) {
      if (m.base !== currency) continue
      total += this.state(m.symbol)?.position?.amount ?? 0
      used += this.reservedBase(m.symbol)
    }
    return { currency, free: total - used, used, total }
  }

  balances(): BalanceView[] {
    if (this.type === 'margin') return [this.balance(this.currency)]
    const currencies = new Set<string>([this.currency])
    for (const m of this.markets.values()) currencies.add(m.base)
    return [...currencies].map((c) => this.balance(c))
  }

  order(clientOrderId: string): OrderView | undefined {
    return this.orders.get(clientOrderId)
  }

  openOrders(owner?: string, symbol?: string): OrderView[] {
    return this.orders.openOrders(owner, symbol)
  }

  allOrders(): Iterable<OrderView> {
    return this.orders.all()
  }

  /**
   * Can the account take this order now (at the venue, before it is accepted)? `refPrice` is the
   * price the order is costed at: its limit, its stop, or the last price; when unknown the check
   * waits for the fill. Returns a reason, or null.
   */
  checkOrder(order: OrderRequest, refPrice: number | undefined): string | null {
    if (this.type === 'spot' && order.side === 'buy' && order.cost !== null) {
      const need = order.cost + this.fees.fixed
      const free = this.cash - this.reservedQuote()
      return lessOrClose(need, free) ? null : `insufficient balance: needs ${fmt(need)} ${this.currency}, ${fmt(free)} free`
    }
    if (refPrice === undefined) return null
    const m = this.markets.get(order.symbol)
    const amount = order.cost !== null ? order.cost / (refPrice * (1 + this.feeRate(order.symbol, 'taker'))) : order.amount
    if (this.type === 'margin') return this.checkMargin(order.symbol, order.side, amount, refPrice)
    if (order.side === 'buy') {
      const need = amount * refPrice * (1 + this.maxRate(order.symbol)) + this.fees.fixed + this.unitFee(refPrice, amount)
      const free = this.cash - this.reservedQuote()
      return lessOrClose(need, free) ? null : `insufficient balance: needs ${fmt(need)} ${this.currency}, ${fmt(free)} free`
    }
    const free = this.positionAmount(order.symbol) - this.reservedBase(order.symbol)
    return lessOrClose(amount, free) ? null : `insufficient balance: needs ${fmt(amount)} ${m?.base ?? order.symbol}, ${fmt(free)} free`
  }

  /** Can this fill be paid for, leaving other open orders their reservations? Returns a reason, or null. */
  checkFill(orderId: string, symbol: string, side: Side, price: number, amount: number, rate: number): string | null {
    if (this.type === 'margin') return this.checkMargin(symbol, side, amount, price)
    if (side === 'buy') {
      const need = amount * price * (1 + rate) + this.fees.fixed + this.unitFee(price, amount)
      const free = this.cash - this.reservedQuote(orderId)
      return lessOrClose(need, free) ? null : `needs ${fmt(need)} ${this.currency}, ${fmt(free)} free`
    }
    const free = this.positionAmount(symbol) - this.reservedBase(symbol, orderId)
    return lessOrClose(amount, free) ? null : `needs ${fmt(amount)} ${this.markets.get(symbol)?.base ?? symbol}, ${fmt(free)} free`
  }

  /** Margin rule: after the trade, Σ |amount| × price ≤ equity × leverage; trades that shrink a position always pass. */
  private checkMargin(symbol: string, side: Side, amount: number, price: number): string | null {
    const before = this.positionAmount(symbol)
    const after = before + (side === 'buy' ? amount : -amount)
    if (Math.abs(after) <= Math.abs(before) && Math.sign(after) !== -Math.sign(before)) return null
    let gross = Math.abs(after) * price
    for (const st of this.traded) if (st.symbol !== symbol) gross += Math.abs(st.position!.amount) * markOr(st, st.position!.entryPrice)
    const limit = this.equity() * this.leverage
    return lessOrClose(gross, limit)
      ? null
      : `insufficient balance: exposure ${fmt(gross)} ${this.currency} would exceed equity × leverage = ${fmt(limit)}`
  }

  /** The symbol's state, if the account has seen the symbol (a mark or a fill). */
  private state(symbol: string): SymbolState | undefined {
    const recent = this.recent
    if (recent !== null && recent.symbol === symbol) return recent
    const st = this.symbols.get(symbol)
    if (st !== undefined) this.recent = st
    return st
  }

  private stateOf(symbol: string): SymbolState {
    let st = this.state(symbol)
    if (st === undefined) {
      st = { symbol, mark: NaN, position: null }
      this.symbols.set(symbol, st)
      this.recent = st
    }
    return st
  }

  private maxRate(symbol: string): number {
    return Math.max(this.feeRate(symbol, 'maker'), this.feeRate(symbol, 'taker'))
  }

  /** Price an open order is costed at: limit price, stop price, or the last price for a market order. */
  private refPrice(o: OrderView): number {
    if (o.type === 'limit' || o.type === 'stop-limit') return o.price ?? 0
    if (o.type === 'stop-market') return o.stopPrice ?? 0
    return this.lastPrice(o.symbol) ?? 0
  }

  private reservedQuote(exclude?: string): number {
    let used = 0
    for (const { view: o } of this.orders.openRecords()) {
      if (o.side !== 'buy' || !holds(o, exclude)) continue
      used +=
        o.cost !== null && o.filled === 0
          ? o.cost + this.fees.fixed
          : o.remaining * this.refPrice(o) * (1 + this.maxRate(o.symbol)) + this.fees.fixed + this.unitFee(this.refPrice(o), o.remaining)
    }
    return used
  }

  private reservedBase(symbol: string, exclude?: string): number {
    let used = 0
    for (const { view: o } of this.orders.openRecords()) {
      if (o.side !== 'sell' || o.symbol !== symbol || !holds(o, exclude)) continue
      const ref = this.refPrice(o)
      used +=
        o.cost !== null && o.filled === 0
          ? ref > 0
            ? o.cost / (ref * (1 + this.feeRate(symbol, 'taker')))
            : 0
          : o.remaining
    }
    return used
  }

  private grossExposure(): number {
    let gross = 0
    for (const st of this.traded) gross += Math.abs(st.position!.amount) * markOr(st, st.position!.entryPrice)
    return gross
  }

  private openOrderExposure(): number {
    let total = 0
    for (const { view: o } of this.orders.openRecords()) {
      if (holds(o)) total += o.cost !== null && o.filled === 0 ? o.cost : o.remaining * this.refPrice(o)
    }
    return total
  }
}

/** Does the venue hold this open order's funds? Not while it is in flight (`submitted`), nor when excluded. */
function holds(o: OrderView, exclude?: string): boolean {
  return o.status !== 'submitted' && o.id !== exclude
}

/** Numbers in reasons: enough digits to check by hand, no float noise. */
function fmt(x: number): string {
  return String(Number(x.toPrecision(10)))
}
