import type { Market, Side } from '../../../shared/market'
import type { BalanceView, OrderView, PositionView } from '../../../shared/orders'
import type { AccountView } from '../../core/broker/broker'
import type { OrderTracker } from '../../core/orders/order-tracker'

/**
 * A venue account as the venue reports it. Balances are the venue's (`fetchBalance`), adjusted
 * by each fill until the next report replaces them; a currency the venue has not reported is
 * unknown, and unknown reads as NaN, never as 0: a missing report is not "flat". A spot
 * position is the base currency's balance; its entry price and realized P&L come from the fills
 * this session saw (average cost), so holdings from before the session have entry price 0 until
 * a fill prices them.
 */
export class LiveAccount implements AccountView {
  private readonly balancesByCurrency = new Map<string, BalanceView>()
  private readonly marks = new Map<string, number>()
  private readonly costs = new Map<string, { amount: number; entryPrice: number; realizedPnl: number }>()
  private readonly markets = new Map<string, Market>()

  constructor(
    readonly currency: string,
    markets: readonly Market[],
    private readonly orders: OrderTracker
  ) {
    for (const m of markets) this.markets.set(m.symbol, m)
  }

  /** True once the venue has reported this currency. */
  knows(currency: string): boolean {
    return this.balancesByCurrency.has(currency)
  }

  /** The venue's report for one currency; returns true when it changed what the account holds. */
  setBalance(b: BalanceView): boolean {
    const old = this.balancesByCurrency.get(b.currency)
    if (old !== undefined && old.free === b.free && old.used === b.used && old.total === b.total) return false
    this.balancesByCurrency.set(b.currency, { ...b })
    return true
  }

  /**
   * Books one fill on the balances the venue last reported (a currency never reported stays
   * unknown) and on the session's average-cost record. Returns the currencies it changed.
   */
  applyFill(symbol: string, side: Side, price: number, amount: number, fee: { cost: number; currency: string }): string[] {
    const m = this.markets.get(symbol)
    const changed: string[] = []
    const signed = side === 'buy' ? amount : -amount
    if (m !== undefined) {
      if (this.shift(m.base, signed)) changed.push(m.base)
      if (this.shift(m.quote, -signed * price)) changed.push(m.quote)
    }
    if (fee.cost !== 0 && this.shift(fee.currency, -fee.cost) && !changed.includes(fee.currency)) changed.push(fee.currency)
    const c = this.costs.get(symbol) ?? { amount: 0, entryPrice: 0, realizedPnl: 0 }
    if (c.amount === 0 || Math.sign(c.amount) === Math.sign(signed)) {
      const size = Math.abs(c.amount)
      c.entryPrice = (size * c.entryPrice + amount * price) / (size + amount)
      c.amount += signed
    } else {
      const closing = Math.min(amount, Math.abs(c.amount))
      c.realizedPnl += closing * (price - c.entryPrice) * Math.sign(c.amount)
      c.amount += signed
      if (Math.abs(c.amount) < 1e-12) c.amount = 0
      if (c.amount === 0) c.entryPrice = 0
      else if (Math.sign(c.amount) === Math.sign(signed)) c.entryPrice = price
    }
    this.costs.set(symbol, c)
    return changed
  }

  private shift(currency: string, delta: number): boolean {
    const b = this.balancesByCurrency.get(currency)
    if (b === undefined || delta === 0) return false
    this.balancesByCurrency.set(currency, { currency, free: b.free + delta, used: b.used, total: b.total + delta })
    return true
  }

  setMark(symbol: string, price: number): void {
    if (price > 0 && Number.isFinite(price)) this.marks.set(symbol, price)
  }

  lastPrice(symbol: string): number | undefined {
    return this.marks.get(symbol)
  }

  position(symbol: string): PositionView {
    const m = this.markets.get(symbol)
    const base = m === undefined ? undefined : this.balancesByCurrency.get(m.base)
    const c = this.costs.get(symbol)
    const amount = base === undefined ? NaN : base.total
    const entryPrice = c === undefined || c.amount === 0 ? 0 : c.entryPrice
    const mark = this.marks.get(symbol) ?? entryPrice
    return {
      symbol,
      amount,
      entryPrice,
      realizedPnl: c?.realizedPnl ?? 0,
      unrealizedPnl: entryPrice === 0 || !(amount !== 0) ? 0 : amount * (mark - entryPrice),
      markPrice: mark
    }
  }

  /** Every market whose base currency the venue reported or that traded this session. */
  positions(): PositionView[] {
    const out: PositionView[] = []
    for (const m of this.markets.values()) if (this.balancesByCurrency.has(m.base) || this.costs.has(m.symbol)) out.push(this.position(m.symbol))
    return out
  }

  balance(currency: string): BalanceView {
    return this.balancesByCurrency.get(currency) ?? { currency, free: NaN, used: NaN, total: NaN }
  }

  balances(): BalanceView[] {
    return [...this.balancesByCurrency.values()]
  }

  /** Account currency plus every market's base marked at the last price; NaN while any of them is unknown. */
  equity(): number {
    let equity = this.balance(this.currency).total
    for (const m of this.markets.values()) {
      if (m.quote !== this.currency) continue
      const b = this.balancesByCurrency.get(m.base)
      if (b === undefined) return NaN
      if (b.total === 0) continue
      const mark = this.marks.get(m.symbol)
      if (mark === undefined) return NaN
      equity += b.total * mark
    }
    return equity
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
}
