import { describe, expect, it } from 'vitest'
import { BrokerConfigError } from '../../../src/main/core/broker/config'
import { OrderRequestError, SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { Harness, MINUTE, bar, market, order, trade } from './harness'

const T1 = MINUTE

/** After bar 0 (close 100.5), so the last price is 100.5. */
function ready(config: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  return new Harness(config).market(bar(0, 100, 101, 99, 100.5))
}

describe('rejections at arrival, each with its reason', () => {
  it('unknown symbol', () => {
    const h = ready()
    const id = h.submit(order({ symbol: 'ETH/USDT' }), T1)
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderRejected'])
    expect(h.reason(id)).toMatch(/^unknown symbol: ETH\/USDT/)
    expect(h.status(id)).toBe('rejected')
  })

  it('bad price: limit or stop price off the 0.01 grid', () => {
    const h = ready()
    const limit = h.submit(order({ type: 'limit', price: 99.999 }), T1)
    const stop = h.submit(order({ type: 'stop-market', stopPrice: 101.005 }), T1)
    const ok = h.submit(order({ type: 'limit', price: 99.99 }), T1)
    expect(h.reason(limit)).toMatch(/^bad price: price 99.999/)
    expect(h.reason(stop)).toMatch(/^bad price: stopPrice 101.005/)
    expect(h.status(ok)).toBe('accepted')
  })

  it('below minimum amount, including an amount that rounds down to zero', () => {
    const h = ready({ markets: [market({ limits: { amount: { min: 0.01 }, cost: { min: 0 } } })] })
    const small = h.submit(order({ amount: 0.005 }), T1)
    const zero = h.submit(order({ amount: 0.0004 }), T1)
    expect(h.reason(small)).toMatch(/^below minimum amount/)
    expect(h.reason(zero)).toMatch(/^below minimum amount/)
    // amounts are rounded down to the 0.001 step when submitted
    const submitted = h.of(zero)[0]
    expect(submitted?.type === 'OrderSubmitted' && submitted.order.amount).toBe(0)
  })

  it('amounts are rounded down to the amount step', () => {
    const h = ready()
    const id = h.submit(order({ amount: 1.23456 }), T1)
    expect(h.broker.account.order(id)?.amount).toBe(1.234)
  })

  it('below minimum notional, at the limit price or the last price', () => {
    const h = ready({ markets: [market({ limits: { amount: { min: 0 }, cost: { min: 10 } } })] })
    const limit = h.submit(order({ type: 'limit', price: 100, amount: 0.05 }), T1) // 0.05 × 100 = 5 < 10
    const mkt = h.submit(order({ amount: 0.099 }), T1) // 0.099 × 100.5 = 9.9495 < 10
    const ok = h.submit(order({ amount: 0.1 }), T1) // 10.05
    expect(h.reason(limit)).toMatch(/^below minimum notional: 5 < 10 USDT/)
    expect(h.reason(mkt)).toMatch(/^below minimum notional/)
    expect(h.status(ok)).toBe('accepted')
  })

  it('reduceOnly that would increase the position', () => {
    const h = ready({ accountType: 'margin' })
    const flat = h.submit(order({ side: 'sell', reduceOnly: true }), T1)
    expect(h.reason(flat)).toMatch(/^reduceOnly would increase the position/)
    h.submit(order({ side: 'buy', amount: 1 }), T1)
    h.market(bar(1, 101, 102, 100, 101))
    const same = h.submit(order({ side: 'buy', reduceOnly: true }), 2 * MINUTE)
    const flip = h.submit(order({ side: 'sell', amount: 2, reduceOnly: true }), 2 * MINUTE)
    const reduce = h.submit(order({ side: 'sell', amount: 0.4, reduceOnly: true }), 2 * MINUTE)
    expect(h.reason(same)).toMatch(/^reduceOnly would increase the position/)
    expect(h.reason(flip)).toMatch(/^reduceOnly would increase the position/)
    h.market(bar(2, 102, 103, 101, 102))
    expect(h.fills(reduce)).toMatchObject([{ amount: 0.4, price: 102 }])
    expect(h.broker.account.position('BTC/USDT').amount).toBe(0.6)
  })

  it('postOnly that would take liquidity', () => {
    const h = ready()
    const crossing = h.submit(order({ type: 'limit', price: 100.5, postOnly: true }), T1) // ≥ last 100.5
    const resting = h.submit(order({ type: 'limit', price: 100, postOnly: true }), T1)
    const mkt = h.submit(order({ postOnly: true }), T1)
    expect(h.reason(crossing)).toMatch(/^postOnly would take liquidity/)
    expect(h.reason(mkt)).toMatch(/^postOnly would take liquidity/)
    expect(h.status(resting)).toBe('accepted')
  })

  it('a postOnly limit that the next open would cross is cancelled rather than taking', () => {
    const h = ready()
    const id = h.submit(order({ type: 'limit', price: 100, postOnly: true }), T1)
    h.market(bar(1, 99, 100, 98, 99))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCancelled'])
    expect(h.reason(id)).toMatch(/^postOnly would take liquidity/)
  })

  it('insufficient balance (spot): buying beyond cash, selling beyond the position, and funds reserved by open orders', () => {
    const h = ready()
    const tooBig = h.submit(order({ type: 'limit', price: 101, amount: 100 }), T1) // 10 100 > 10 000
    const noCoins = h.submit(order({ side: 'sell', amount: 0.1 }), T1)
    const first = h.submit(order({ type: 'limit', price: 100, amount: 60 }), T1) // reserves 6 000
    const second = h.submit(order({ type: 'limit', price: 100, amount: 60 }), T1) // 6 000 > 4 000 free
    expect(h.reason(tooBig)).toMatch(/^insufficient balance: needs 10100 USDT, 10000 free/)
    expect(h.reason(noCoins)).toMatch(/^insufficient balance: needs 0.1 BTC, 0 free/)
    expect(h.status(first)).toBe('accepted')
    expect(h.reason(second)).toMatch(/^insufficient balance: needs 6000 USDT, 4000 free/)
    expect(h.broker.account.balance('USDT')).toEqual({ currency: 'USDT', free: 4000, used: 6000, total: 10_000 })
  })

  it('an order that can no longer be afforded at the fill is cancelled', () => {
    const h = ready()
    // 99 × 100.5 = 9949.5 ≤ 10 000 at arrival; at the next open 99 × 102 = 10 098 > 10 000
    const id = h.submit(order({ amount: 99 }), T1)
    expect(h.status(id)).toBe('accepted')
    h.market(bar(1, 102, 103, 101, 102))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCancelled'])
    expect(h.reason(id)).toMatch(/^insufficient balance at fill: needs 10098 USDT, 10000 free/)
    expect(h.broker.account.cashBalance()).toBe(10_000)
  })

  it('bad order: missing limit or stop price, cost on a limit order, amount and cost together', () => {
    const h = ready()
    const noPrice = h.submit(order({ type: 'limit' }), T1)
    const noStop = h.submit(order({ type: 'stop-limit', price: 100 }), T1)
    const costLimit = h.submit(order({ type: 'limit', price: 100, amount: 0, cost: 50 }), T1)
    const both = h.submit(order({ amount: 1, cost: 50 }), T1)
    expect(h.reason(noPrice)).toBe('bad order: a limit order needs a price')
    expect(h.reason(noStop)).toBe('bad order: a stop-limit order needs a stopPrice')
    expect(h.reason(costLimit)).toBe('bad order: cost is only for market orders')
    expect(h.reason(both)).toBe('bad order: give amount or cost, not both')
  })

  it('a client order id still open is not reused', () => {
    const h = ready()
    h.submit(order({ clientOrderId: 'dup', type: 'limit', price: 90 }), T1)
    h.submit(order({ clientOrderId: 'dup', type: 'limit', price: 91 }), T1)
    const rejected = h.events.find((e) => e.type === 'OrderRejected')
    expect(rejected).toMatchObject({ orderId: 'O2', reason: 'duplicate clientOrderId: dup is open as O1' })
    expect(h.broker.account.order('dup')).toMatchObject({ id: 'O1', status: 'accepted', price: 90 })
  })

  it('a request that breaks the order schema throws a typed error naming the field', () => {
    const h = ready()
    expect(() => h.submit(order({ amount: -1 }), T1)).toThrow(OrderRequestError)
    expect(() => h.submit(order({ amount: -1 }), T1)).toThrow(/order request: amount:/)
  })
})

describe('cancels', () => {
  it('take effect at arrival: on bar data the order is gone before the bar in which the cancel arrives', () => {
    const h = ready({ latencyMs: 1000 })
    const limit = h.submit(order({ type: 'limit', price: 90 }), T1)
    const mkt = h.submit(order({ amount: 0.5 }), T1)
    h.market(bar(1, 101, 102, 100, 101)) // both arrive at 61 000 > open 60 000: no fills yet
    h.cancel(limit, 2 * MINUTE)
    h.cancel(mkt, 2 * MINUTE)
    // the cancels arrive at 121 000, during bar 2, which is seen only at its close (180 000):
    // bar 2 is never used for these orders
    h.market(bar(2, 85, 103, 84, 102))
    expect(h.fills()).toEqual([])
    expect(h.types(limit)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCancelled'])
    expect(h.of(limit)[2]).toMatchObject({ ts: 2 * MINUTE + 1000, reason: 'cancelled on request' })
    expect(h.status(mkt)).toBe('cancelled')
  })

  it('a fill before the cancel arrives wins, and the cancel is rejected', () => {
    const h = new Harness({ latencyMs: 1000 }).market(trade(0, 100))
    const id = h.submit(order({ type: 'limit', price: 99 }), 0) // arrives at 1000
    h.market(trade(1000, 100))
    h.cancel(id, 1500) // arrives at 2500
    h.market(trade(2000, 98.5), trade(3000, 98))
    expect(h.fills(id)).toMatchObject([{ price: 99, tradeTs: 2000 }])
    expect(h.events.filter((e) => e.type === 'CancelRejected')).toMatchObject([{ orderId: 'O1', ts: 2500, reason: 'order O1 is already filled' }])
  })

  it('of an unknown order is rejected', () => {
    const h = ready()
    h.cancel('nope', T1)
    expect(h.events).toMatchObject([{ type: 'CancelRejected', orderId: '', reason: 'unknown order: no order has clientOrderId nope' }])
  })
})

describe('configuration', () => {
  const base = { currency: 'USDT', initialCash: 1000, markets: [market()] }

  it('rejects a market quoted in another currency, naming the field', () => {
    const eur = market({ symbol: 'BTC/EUR', quote: 'EUR' })
    expect(() => new SimulatedBroker({ ...base, markets: [market(), eur] })).toThrow(BrokerConfigError)
    expect(() => new SimulatedBroker({ ...base, markets: [market(), eur] })).toThrow(
      'simulated broker config: markets[1].quote: market BTC/EUR is quoted in EUR, but the account currency is USDT; one account holds one currency'
    )
  })

  it('rejects bad values with their path', () => {
    expect(() => new SimulatedBroker({ ...base, latencyMs: -5 })).toThrow(/latencyMs/)
    expect(() => new SimulatedBroker({ ...base, partialFills: { maxVolumeFraction: 0 } })).toThrow(/partialFills\.maxVolumeFraction/)
    expect(() => new SimulatedBroker({ ...base, slippage: { kind: 'bps' } as never })).toThrow(/slippage\.bps/)
  })

  it('spread slippage on bar data is a configuration error at the first taker fill', () => {
    const h = ready({ slippage: { kind: 'spread', fraction: 0.5 } })
    h.submit(order(), T1)
    expect(() => h.market(bar(1, 101, 102, 100, 101))).toThrow(BrokerConfigError)
  })
})
