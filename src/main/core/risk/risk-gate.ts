import type { OrderRequest, TradingState } from '../../../shared/events'
import type { AccountView } from '../broker/broker'

export interface RiskLimits {
  /** largest base amount of one order */
  maxOrderAmount?: number
  /** largest amount × price of one order, in the account currency */
  maxOrderNotional?: number
  /** largest absolute position per symbol, counting this order and open orders on the same side */
  maxPosition?: number
  /** most orders open at once, across the account */
  maxOpenOrders?: number
  /** most orders submitted in any 1,000 ms window (event time) */
  maxOrdersPerSecond?: number
  /** kill switch when equity falls this far below the equity at the start (account currency) */
  maxLoss?: number
  /** kill switch when equity falls this fraction below its highest value so far (0.2 = 20 %) */
  maxDrawdown?: number
}

export interface RiskDenial {
  rule: 'trading-state' | 'max-order-amount' | 'max-order-notional' | 'max-position' | 'max-open-orders' | 'order-rate'
  reason: string
}

/**
 * The pre-trade gate in front of every broker. HALTED denies every new order, REDUCING denies
 * any order that would increase exposure; cancels are never gated.
 */
export class RiskGate {
  private tradingState: TradingState = 'ACTIVE'
  private readonly recent: number[] = []
  private startEquity = NaN
  private peakEquity = -Infinity

  constructor(private readonly limits: RiskLimits = {}) {}

  get state(): TradingState {
    return this.tradingState
  }

  setState(state: TradingState): void {
    this.tradingState = state
  }

  get config(): Readonly<RiskLimits> {
    return this.limits
  }

  /** Whether the equity limits are set (the kernel then reports equity on every market event). */
  get watchesEquity(): boolean {
    return this.limits.maxLoss !== undefined || this.limits.maxDrawdown !== undefined
  }

  /**
   * Feeds the current equity; returns why the kill switch must fire when a loss or drawdown
   * limit is passed, else null. An unknown (NaN) equity is skipped, never read as a loss.
   */
  equityBreach(equity: number): string | null {
    if (Number.isNaN(equity)) return null
    if (Number.isNaN(this.startEquity)) this.startEquity = equity
    if (equity > this.peakEquity) this.peakEquity = equity
    const { maxLoss, maxDrawdown } = this.limits
    const loss = this.startEquity - equity
    if (maxLoss !== undefined && loss > maxLoss) return `loss limit: equity ${equity} is ${loss} below the start (${this.startEquity}), limit ${maxLoss}`
    const drawdown = this.peakEquity > 0 ? 1 - equity / this.peakEquity : 0
    if (maxDrawdown !== undefined && drawdown > maxDrawdown)
      return `drawdown limit: equity ${equity} is ${(drawdown * 100).toFixed(2)} % below its peak ${this.peakEquity}, limit ${(maxDrawdown * 100).toFixed(2)} %`
    return null
  }

  check(order: OrderRequest, account: AccountView, now: number): RiskDenial | null {
    const position = account.position(order.symbol).amount
    const signed = order.side === 'buy' ? order.amount : -order.amount
    if (this.tradingState === 'HALTED') return { rule: 'trading-state', reason: 'trading is HALTED: no new orders' }
    // A venue that has not reported the position yet leaves it unknown (NaN): never read as flat.
    const positionUnknown = Number.isNaN(position)
    if (positionUnknown && (this.tradingState === 'REDUCING' || this.limits.maxPosition !== undefined))
      return { rule: this.tradingState === 'REDUCING' ? 'trading-state' : 'max-position', reason: `the position in ${order.symbol} is not known yet` }
    if (this.tradingState === 'REDUCING') {
      const reduces = position !== 0 && Math.sign(signed) === -Math.sign(position) && order.amount <= Math.abs(position) + 1e-12
      if (!reduces || order.cost !== null)
        return { rule: 'trading-state', reason: 'trading is REDUCING: only orders that reduce a position are allowed' }
    }
    const { maxOrderAmount, maxOrderNotional, maxPosition, maxOpenOrders, maxOrdersPerSecond } = this.limits
    if (maxOrderAmount !== undefined && order.amount > maxOrderAmount)
      return { rule: 'max-order-amount', reason: `amount ${order.amount} exceeds the limit ${maxOrderAmount}` }
    if (maxOrderNotional !== undefined) {
      const price = order.price ?? order.stopPrice ?? account.lastPrice(order.symbol)
      const notional = order.cost ?? (price === undefined ? Infinity : order.amount * price)
      if (notional > maxOrderNotional)
        return {
          rule: 'max-order-notional',
          reason: price === undefined && order.cost === null
            ? `no price known for ${order.symbol} to check the notional limit ${maxOrderNotional}`
            : `notional ${notional} exceeds the limit ${maxOrderNotional}`
        }
    }
    if (maxPosition !== undefined) {
      let pending = 0
      for (const open of account.openOrders(undefined, order.symbol)) {
        if (open.side === order.side) pending += open.remaining
      }
      const after = Math.abs(position + signed + Math.sign(signed) * pending)
      if (after > maxPosition && after > Math.abs(position))
        return { rule: 'max-position', reason: `position would reach ${after}, above the limit ${maxPosition}` }
    }
    if (maxOpenOrders !== undefined && account.openOrders().length >= maxOpenOrders)
      return { rule: 'max-open-orders', reason: `already ${maxOpenOrders} open orders` }
    if (maxOrdersPerSecond !== undefined) {
      while (this.recent.length > 0 && this.recent[0] <= now - 1000) this.recent.shift()
      if (this.recent.length >= maxOrdersPerSecond)
        return { rule: 'order-rate', reason: `more than ${maxOrdersPerSecond} orders within one second` }
      this.recent.push(now)
    }
    return null
  }
}
