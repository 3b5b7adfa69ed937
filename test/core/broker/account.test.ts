import { describe, expect, it } from 'vitest'
import { Account } from '../../../src/main/core/broker/account'
import { OrderTracker } from '../../../src/main/core/orders/order-tracker'
import { Harness, MINUTE, bar, market, order } from './harness'

function account(type: 'spot' | 'margin' = 'margin'): Account {
  return new Account(
    { currency: 'USDT', initialCash: 10_000, markets: [market()], type, leverage: 1, fees: { maker: null, taker: null, fixed: 0 } },
    new OrderTracker()
  )
}

describe('account: average cost, realized and unrealized P&L', () => {
  it('adds at the average cost, realizes on reduction, and opens the rest at the fill price on a flip', () => {
    const a = account()
    a.applyFill('BTC/USDT', 'buy', 100, 2, 0)
    a.applyFill('BTC/USDT', 'buy', 103, 1, 0)
    // (2 × 100 + 1 × 103) / 3 = 101
    expect(a.position('BTC/USDT')).toMatchObject({ amount: 3, entryPrice: 101, realizedPnl: 0 })
    a.applyFill('BTC/USDT', 'sell', 105, 5, 0)
    // closes 3 at 105: 3 × (105 − 101) = 12; the other 2 open a short at 105
    expect(a.position('BTC/USDT')).toMatchObject({ amount: -2, entryPrice: 105, realizedPnl: 12 })
    a.setMark('BTC/USDT', 104)
    // short 2 from 105 marked at 104: −2 × (104 − 105) = +2
    expect(a.position('BTC/USDT')).toMatchObject({ unrealizedPnl: 2, markPrice: 104 })
    // cash 10000 − 200 − 103 + 525 = 10222; equity 10222 − 2 × 104 = 10014 = 10000 + 12 + 2
    expect(a.cashBalance()).toBe(10_222)
    expect(a.equity()).toBe(10_014)
  })

  it('marks a position with no market price yet at its entry price', () => {
    const a = account()
    a.applyFill('BTC/USDT', 'buy', 100, 1, 0.5)
    expect(a.position('BTC/USDT')).toMatchObject({ markPrice: 100, unrealizedPnl: 0 })
    // 10000 − 100 − 0.5 + 1 × 100
    expect(a.equity()).toBe(9999.5)
    expect(a.feesPaid('BTC/USDT')).toBe(0.5)
  })

  it('reports a flat, never-traded symbol as zero', () => {
    expect(account().position('ETH/USDT')).toEqual({
      symbol: 'ETH/USDT',
      amount: 0,
      entryPrice: 0,
      realizedPnl: 0,
      unrealizedPnl: 0,
      markPrice: 0
    })
  })
})

describe('account through the broker', () => {
  it('a sequence of fills with fees, including a flip from long to short (margin)', () => {
    const h = new Harness({ accountType: 'margin', fees: { maker: 0, taker: 0.001, fixed: 0 } })
    const acc = h.broker.account
    h.market(bar(0, 99, 100, 98, 100))
    h.submit(order({ side: 'buy', amount: 2 }), MINUTE)
    h.market(bar(1, 100, 101, 99, 101))
    // buy 2 @ 100: fee 0.001 × 200 = 0.2; cash 10000 − 200 − 0.2 = 9799.8
    expect(acc.cashBalance()).toBeCloseTo(9799.8, 9)
    h.submit(order({ side: 'buy', amount: 1 }), 2 * MINUTE)
    h.market(bar(2, 103, 104, 102, 103))
    // buy 1 @ 103: fee 0.103; cash 9799.8 − 103.103 = 9696.697; entry (200 + 103) / 3 = 101
    expect(acc.cashBalance()).toBeCloseTo(9696.697, 9)
    expect(acc.position('BTC/USDT')).toMatchObject({ amount: 3, entryPrice: 101 })
    h.submit(order({ side: 'sell', amount: 5 }), 3 * MINUTE)
    h.market(bar(3, 105, 106, 103, 104))
    // sell 5 @ 105: fee 0.525; realized 3 × (105 − 101) = 12; short 2 @ 105
    // cash 9696.697 + 525 − 0.525 = 10221.172; marked at 104: unrealized −2 × (104 − 105) = 2
    // equity 10221.172 − 208 = 10013.172 = 10000 + 12 + 2 − (0.2 + 0.103 + 0.525)
    expect(acc.position('BTC/USDT')).toMatchObject({ amount: -2, entryPrice: 105, realizedPnl: 12, unrealizedPnl: 2, markPrice: 104 })
    expect(acc.cashBalance()).toBeCloseTo(10_221.172, 9)
    expect(acc.equity()).toBeCloseTo(10_013.172, 9)
    expect(acc.feesPaid()).toBeCloseTo(0.828, 12)
    // margin balance: total = equity, used = |−2| × 104 / leverage 1 = 208
    const b = acc.balance('USDT')
    expect(b.total).toBeCloseTo(10_013.172, 9)
    expect(b.used).toBeCloseTo(208, 9)
    expect(b.free).toBeCloseTo(9805.172, 9)
    const change = h.events.filter((e) => e.type === 'PositionChanged').at(-1)
    expect(change).toMatchObject({ amount: -2, entryPrice: 105, realizedPnl: 12 })
    h.submit(order({ side: 'buy', amount: 2 }), 4 * MINUTE)
    h.market(bar(4, 102, 103, 101, 102))
    // buy 2 @ 102 closes the short: realized 12 + 2 × (105 − 102) = 18; fee 0.204
    // cash 10221.172 − 204 − 0.204 = 10016.968 = equity = 10000 + 18 − 1.032
    expect(acc.position('BTC/USDT')).toMatchObject({ amount: 0, entryPrice: 0, realizedPnl: 18, unrealizedPnl: 0 })
    expect(acc.equity()).toBeCloseTo(10_016.968, 9)
    expect(acc.feesPaid()).toBeCloseTo(1.032, 12)
  })

  it('margin allows a short up to equity × leverage', () => {
    const lev1 = new Harness({ accountType: 'margin', leverage: 1 }).market(bar(0, 99, 100, 98, 100))
    const small = lev1.submit(order({ type: 'limit', side: 'sell', price: 100, amount: 50 }), MINUTE) // 5 000 ≤ 10 000
    const big = lev1.submit(order({ type: 'limit', side: 'sell', price: 100, amount: 150 }), MINUTE) // 15 000 > 10 000
    expect(lev1.status(small)).toBe('accepted')
    expect(lev1.reason(big)).toBe('insufficient balance: exposure 15000 USDT would exceed equity × leverage = 10000')
    const lev2 = new Harness({ accountType: 'margin', leverage: 2 }).market(bar(0, 99, 100, 98, 100))
    const ok = lev2.submit(order({ type: 'limit', side: 'sell', price: 100, amount: 150 }), MINUTE) // 15 000 ≤ 20 000
    expect(lev2.status(ok)).toBe('accepted')
    lev2.market(bar(1, 99, 101, 98, 100))
    expect(lev2.fills(ok)).toMatchObject([{ price: 100, amount: 150, liquidity: 'maker' }])
    // short 150 @ 100: cash 10000 + 15000 = 25000, equity 25000 − 150 × 100 = 10000
    expect(lev2.broker.account.equity()).toBe(10_000)
    expect(lev2.broker.account.position('BTC/USDT').amount).toBe(-150)
  })

  it('spot is long only and reports a balance per currency', () => {
    const h = new Harness({ accountType: 'spot' }).market(bar(0, 99, 100, 98, 100))
    const short = h.submit(order({ side: 'sell', amount: 1 }), MINUTE)
    expect(h.reason(short)).toMatch(/^insufficient balance/)
    h.submit(order({ side: 'buy', amount: 2 }), MINUTE)
    h.market(bar(1, 100, 101, 99, 100))
    h.submit(order({ type: 'limit', side: 'sell', price: 110, amount: 1.5 }), 2 * MINUTE)
    // 1.5 BTC reserved by the open sell
    expect(h.broker.account.balances()).toEqual([
      { currency: 'USDT', free: 9800, used: 0, total: 9800 },
      { currency: 'BTC', free: 0.5, used: 1.5, total: 2 }
    ])
    const tooMuch = h.submit(order({ side: 'sell', amount: 0.6 }), 2 * MINUTE)
    expect(h.reason(tooMuch)).toBe('insufficient balance: needs 0.6 BTC, 0.5 free')
  })
})
