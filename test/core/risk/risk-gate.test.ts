import { describe, expect, it } from 'vitest'
import type { OrderRequest, OrderView, PositionView } from '../../../src/shared/events'
import type { AccountView } from '../../../src/main/core/broker/broker'
import { RiskGate } from '../../../src/main/core/risk/risk-gate'

function account(position: number, open: Partial<OrderView>[] = [], last = 100): AccountView {
  const pos: PositionView = { symbol: 'BTC/USDT', amount: position, entryPrice: 0, realizedPnl: 0, unrealizedPnl: 0, markPrice: last }
  return {
    currency: 'USDT',
    position: () => pos,
    positions: () => [pos],
    balance: (currency) => ({ currency, free: 0, used: 0, total: 0 }),
    balances: () => [],
    equity: () => 0,
    order: () => undefined,
    openOrders: () => open as OrderView[],
    allOrders: () => [],
    lastPrice: () => last
  }
}

function order(side: 'buy' | 'sell', amount: number, extra: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: 'c1', owner: 'e', symbol: 'BTC/USDT', type: 'market', side, amount, price: null, stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, cost: null, ...extra }
}

describe('risk gate', () => {
  it('HALTED denies every new order', () => {
    const gate = new RiskGate()
    gate.setState('HALTED')
    expect(gate.check(order('sell', 1), account(5), 0)?.rule).toBe('trading-state')
    expect(gate.check(order('buy', 1), account(0), 0)?.rule).toBe('trading-state')
  })

  it('REDUCING accepts only orders that shrink the position, never one that flips or grows it', () => {
    const gate = new RiskGate()
    gate.setState('REDUCING')
    expect(gate.check(order('sell', 3), account(5), 0)).toBeNull()
    expect(gate.check(order('sell', 5), account(5), 0)).toBeNull()
    expect(gate.check(order('sell', 6), account(5), 0)?.rule).toBe('trading-state')
    expect(gate.check(order('buy', 1), account(5), 0)?.rule).toBe('trading-state')
    expect(gate.check(order('buy', 1), account(0), 0)?.rule).toBe('trading-state')
    expect(gate.check(order('buy', 2), account(-2), 0)).toBeNull()
    expect(gate.check(order('buy', 0, { cost: 100 }), account(-2), 0)?.rule).toBe('trading-state')
  })

  it('checks amount, notional, position with open orders, open-order count and rate', () => {
    const gate = new RiskGate({ maxOrderAmount: 10, maxOrderNotional: 500, maxPosition: 8, maxOpenOrders: 2, maxOrdersPerSecond: 3 })
    expect(gate.check(order('buy', 11), account(0), 0)?.rule).toBe('max-order-amount')
    expect(gate.check(order('buy', 6), account(0), 0)?.rule).toBe('max-order-notional')
    expect(gate.check(order('buy', 4, { type: 'limit', price: 120 }), account(0), 0)).toBeNull()
    // 3 held + 2 open buys + 4 = 9 > 8
    expect(gate.check(order('buy', 4), account(3, [{ side: 'buy', remaining: 2 }]), 1)?.rule).toBe('max-position')
    // reducing is allowed even above the limit
    expect(gate.check(order('sell', 4), account(9), 2)).toBeNull()
    expect(gate.check(order('buy', 1), account(0, [{ side: 'buy', remaining: 1 }, { side: 'sell', remaining: 1 }]), 3)?.rule).toBe('max-open-orders')
    // passed so far at t = 0 and t = 2; the third within 1,000 ms passes, the fourth does not
    expect(gate.check(order('buy', 1), account(0), 999)).toBeNull()
    expect(gate.check(order('buy', 1), account(0), 999)?.rule).toBe('order-rate')
    // at t = 1000 the order of t = 0 has left the window
    expect(gate.check(order('buy', 1), account(0), 1000)).toBeNull()
  })

  it('never reads an unknown position as flat', () => {
    expect(new RiskGate({ maxPosition: 5 }).check(order('buy', 1), account(NaN), 0)).toMatchObject({ rule: 'max-position', reason: 'the position in BTC/USDT is not known yet' })
    const reducing = new RiskGate()
    reducing.setState('REDUCING')
    expect(reducing.check(order('sell', 1), account(NaN), 0)?.rule).toBe('trading-state')
    expect(new RiskGate().check(order('buy', 1), account(NaN), 0)).toBeNull()
  })

  it('reports a loss or drawdown breach from the equity it is fed, skipping unknown equity', () => {
    const gate = new RiskGate({ maxLoss: 100, maxDrawdown: 0.1 })
    expect(gate.watchesEquity).toBe(true)
    expect(new RiskGate({ maxOpenOrders: 1 }).watchesEquity).toBe(false)
    expect(gate.equityBreach(NaN)).toBeNull()
    expect(gate.equityBreach(1000)).toBeNull()
    expect(gate.equityBreach(900)).toBeNull()
    expect(gate.equityBreach(899)).toMatch(/^loss limit: equity 899 is 101 below the start \(1000\)/)
    const dd = new RiskGate({ maxDrawdown: 0.1 })
    dd.equityBreach(1000)
    dd.equityBreach(1200)
    expect(dd.equityBreach(1081)).toBeNull()
    expect(dd.equityBreach(1079)).toMatch(/^drawdown limit: equity 1079 is 10.08 % below its peak 1200/)
  })
})
