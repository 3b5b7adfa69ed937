import { describe, expect, it } from 'vitest'
import { Harness, MINUTE, bar, order } from './harness'

// Bar i opens at i minutes and closes (is emitted) at i + 1 minutes. Orders are submitted at the
// close of bar 0 (t = 1 min), so with no latency bar 1 is the first bar they may use.
const T1 = MINUTE

function afterBar0(config: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  return new Harness(config).market(bar(0, 100, 101, 99, 100.5))
}

describe('bar fills: market orders', () => {
  it('fill at the next bar open, stamped with that bar open time', () => {
    const h = afterBar0()
    const id = h.submit(order({ side: 'buy', amount: 1 }), T1)
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted'])
    h.market(bar(1, 101, 103, 100, 102))
    const [fill] = h.fills(id)
    expect(fill).toMatchObject({ type: 'OrderFilled', price: 101, amount: 1, liquidity: 'taker', tradeTs: MINUTE, ts: 2 * MINUTE, filled: 1, remaining: 0 })
    // the fill is followed by the position and the two spot balances
    const after = h.events.slice(h.events.indexOf(fill!) + 1).map((e) => e.type)
    expect(after).toEqual(['PositionChanged', 'BalanceUpdated', 'BalanceUpdated'])
    // cash 10000 − 101 = 9899; marked at the close 102: equity 9899 + 102 = 10001
    expect(h.broker.account.balance('USDT')).toEqual({ currency: 'USDT', free: 9899, used: 0, total: 9899 })
    expect(h.broker.account.balance('BTC')).toEqual({ currency: 'BTC', free: 1, used: 0, total: 1 })
    expect(h.broker.account.equity()).toBeCloseTo(10_001, 9)
    expect(h.broker.lookAhead).toBe(false)
  })

  it("'same-close' fills at the close of the bar current at submission and is flagged look-ahead", () => {
    const h = afterBar0({ barFill: 'same-close' })
    expect(h.broker.lookAhead).toBe(true)
    const id = h.submit(order({ side: 'buy', amount: 2 }), T1)
    // bar 0 closed at 100.5: fill 2 @ 100.5 at arrival, tradeTs = bar 0 close time
    expect(h.fills(id)).toMatchObject([{ price: 100.5, amount: 2, tradeTs: MINUTE, ts: T1 }])
    expect(h.broker.account.cashBalance()).toBeCloseTo(10_000 - 201, 9)
  })

  it('an order whose arrival is after a bar open waits for the next bar (latency)', () => {
    const h = afterBar0({ latencyMs: 500 })
    const id = h.submit(order({ side: 'buy', amount: 1 }), T1)
    expect(h.types(id)).toEqual(['OrderSubmitted'])
    h.market(bar(1, 101, 103, 100, 102)) // opens at 60 000 < arrival 60 500: not eligible
    // acknowledged on arrival at 60 500 ms, not at submission
    expect(h.of(id).map((e) => [e.type, e.ts])).toEqual([
      ['OrderSubmitted', T1],
      ['OrderAccepted', T1 + 500]
    ])
    h.market(bar(2, 104, 105, 103, 104))
    expect(h.fills(id)).toMatchObject([{ price: 104, tradeTs: 2 * MINUTE, ts: 3 * MINUTE }])
  })
})

describe('bar fills: limit orders', () => {
  it('buy limit touched intrabar fills at the limit (maker)', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'limit', price: 99.5 }), T1)
    h.market(bar(1, 101, 102, 99, 100))
    expect(h.fills(id)).toMatchObject([{ price: 99.5, liquidity: 'maker', tradeTs: MINUTE }])
  })

  it('buy limit not touched stays open', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'limit', price: 99.5 }), T1)
    h.market(bar(1, 101, 102, 99.51, 100))
    expect(h.fills(id)).toEqual([])
    expect(h.status(id)).toBe('accepted')
    // reserved: 1 × 99.5 × (1 + 0) = 99.5
    expect(h.broker.account.balance('USDT')).toMatchObject({ used: 99.5, free: 10_000 - 99.5 })
  })

  it('buy limit below a gap-down open fills at the open (taker on its first bar)', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'limit', price: 99.5 }), T1)
    h.market(bar(1, 99, 100, 98, 99.8))
    expect(h.fills(id)).toMatchObject([{ price: 99, liquidity: 'taker' }])
  })

  it('resting buy limit gapped through on a later bar fills at that open (maker)', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'limit', price: 99.5 }), T1)
    h.market(bar(1, 101, 102, 100, 101))
    h.market(bar(2, 98, 99, 97, 98.5))
    expect(h.fills(id)).toMatchObject([{ price: 98, liquidity: 'maker', tradeTs: 2 * MINUTE }])
  })

  it('sell limit: touched at the limit, gapped through at the open', () => {
    const h = afterBar0({ accountType: 'margin' })
    const touched = h.submit(order({ type: 'limit', side: 'sell', price: 102 }), T1)
    const gapped = h.submit(order({ type: 'limit', side: 'sell', price: 100.8 }), T1)
    h.market(bar(1, 101, 102.5, 100.5, 102))
    expect(h.fills(touched)).toMatchObject([{ price: 102, liquidity: 'maker' }])
    expect(h.fills(gapped)).toMatchObject([{ price: 101, liquidity: 'taker' }])
  })
})

describe('bar fills: stop orders', () => {
  it('buy stop gapped through fills at the open, not at the stop', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-market', stopPrice: 102 }), T1)
    h.market(bar(1, 103, 104, 102.5, 103.5))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderFilled'])
    expect(h.of(id)[2]).toMatchObject({ type: 'OrderTriggered', price: 103 })
    expect(h.fills(id)).toMatchObject([{ price: 103, liquidity: 'taker' }])
  })

  it('buy stop reached intrabar fills at the stop', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-market', stopPrice: 102 }), T1)
    h.market(bar(1, 101, 102.5, 100.5, 102))
    expect(h.fills(id)).toMatchObject([{ price: 102 }])
  })

  it('buy stop not reached does not trigger', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-market', stopPrice: 102 }), T1)
    h.market(bar(1, 101, 101.99, 100.5, 101))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted'])
  })

  it('sell stop: gap down fills at the open, intrabar at the stop', () => {
    const h = afterBar0({ accountType: 'margin' })
    const gap = h.submit(order({ type: 'stop-market', side: 'sell', stopPrice: 98 }), T1)
    const intrabar = h.submit(order({ type: 'stop-market', side: 'sell', stopPrice: 96.5 }), T1)
    h.market(bar(1, 97, 98, 96, 96.2))
    expect(h.fills(gap)).toMatchObject([{ price: 97 }])
    expect(h.fills(intrabar)).toMatchObject([{ price: 96.5 }])
  })

  it('stop-limit buy triggered intrabar with the stop inside the limit fills at the stop', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-limit', stopPrice: 102, price: 102.5 }), T1)
    h.market(bar(1, 101, 103, 100, 102.8))
    expect(h.of(id)[2]).toMatchObject({ type: 'OrderTriggered', price: 102 })
    expect(h.fills(id)).toMatchObject([{ price: 102, liquidity: 'taker' }])
  })

  it('stop-limit buy triggered at a gap open inside the limit fills at the open', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-limit', stopPrice: 102, price: 104 }), T1)
    h.market(bar(1, 103, 105, 102.5, 104))
    expect(h.fills(id)).toMatchObject([{ price: 103, liquidity: 'taker' }])
  })

  it('stop-limit buy gapped above its limit rests from the next bar', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-limit', stopPrice: 102, price: 102.5 }), T1)
    // opens at 103: triggered at 103, outside the limit 102.5; the low 101 would reach the limit
    // but the path after the open is unknown, so nothing fills on this bar
    h.market(bar(1, 103, 104, 101, 103))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered'])
    expect(h.status(id)).toBe('triggered')
    h.market(bar(2, 102.4, 103, 102, 102.9))
    expect(h.fills(id)).toMatchObject([{ price: 102.4, liquidity: 'maker', tradeTs: 2 * MINUTE }])
  })

  it('a bar whose range holds both the stop and the limit: stop-limit waits, separate stop and limit both fill', () => {
    const h = afterBar0()
    // stop-limit buy: stop 104, limit 103 (below the stop)
    const stopLimit = h.submit(order({ type: 'stop-limit', stopPrice: 104, price: 103 }), T1)
    const stop = h.submit(order({ type: 'stop-market', stopPrice: 104 }), T1)
    const limit = h.submit(order({ type: 'limit', price: 96 }), T1)
    h.market(bar(1, 100, 105, 95, 100))
    // stop-limit triggered at 104 > 103: rests, no same-bar fill although the low 95 ≤ 103
    expect(h.fills(stopLimit)).toEqual([])
    expect(h.status(stopLimit)).toBe('triggered')
    expect(h.fills(stop)).toMatchObject([{ price: 104, liquidity: 'taker' }])
    expect(h.fills(limit)).toMatchObject([{ price: 96, liquidity: 'maker' }])
    // processed in submission order: the stop's fill comes before the limit's
    expect(h.fills().map((f) => f.clientOrderId)).toEqual([stop, limit])
    // next bar opens at 106 and dips to 102.9: the resting limit 103 fills at 103
    h.market(bar(2, 106, 107, 102.9, 104))
    expect(h.fills(stopLimit)).toMatchObject([{ price: 103, liquidity: 'maker' }])
    // position 3, entry (104 + 96 + 103) / 3 = 101
    expect(h.broker.account.position('BTC/USDT')).toMatchObject({ amount: 3, entryPrice: 101 })
  })
})

describe('bar fills: sell-side stop-limits and stop remainders', () => {
  it('stop-limit sell: intrabar trigger inside the limit fills at the stop; a gap below the limit rests', () => {
    const h = afterBar0({ accountType: 'margin' })
    // S 98 L 97.5: low 97 reaches 98 intrabar, 98 ≥ 97.5 → fill at 98
    const inside = h.submit(order({ type: 'stop-limit', side: 'sell', stopPrice: 98, price: 97.5 }), T1)
    h.market(bar(1, 99, 99.5, 97, 97.2))
    expect(h.fills(inside)).toMatchObject([{ price: 98, liquidity: 'taker' }])
    // S 97 L 96.8: bar 2 opens at 96 ≤ 97 → triggered at 96 < 96.8 → rests; bar 3 high 96.9 ≥ 96.8 → 96.8
    const gapped = h.submit(order({ type: 'stop-limit', side: 'sell', stopPrice: 97, price: 96.8 }), 2 * MINUTE)
    h.market(bar(2, 96, 97.5, 95, 96.5))
    expect(h.of(gapped).map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered'])
    h.market(bar(3, 96.5, 96.9, 96, 96.6))
    expect(h.fills(gapped)).toMatchObject([{ price: 96.8, liquidity: 'maker' }])
  })

  it('a triggered stop that fills partly continues as a market order at the next open', () => {
    const h = afterBar0({ partialFills: { maxVolumeFraction: 0.5 } })
    const id = h.submit(order({ type: 'stop-market', stopPrice: 102, amount: 1.5 }), T1)
    // volume 2 × 0.5 = 1 per bar: 1 @ 102 (intrabar trigger), then 0.5 @ the next open 103
    h.market(bar(1, 101, 102.5, 100.5, 102, 2), bar(2, 103, 104, 102, 103, 2))
    expect(h.fills(id).map((f) => [f.price, f.amount])).toEqual([
      [102, 1],
      [103, 0.5]
    ])
  })

  it('an IOC stop-limit that triggers outside its limit expires', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'stop-limit', stopPrice: 102, price: 102.5, timeInForce: 'IOC' }), T1)
    h.market(bar(1, 103, 104, 101, 103))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderExpired'])
  })

  it('a config taker rate with no maker rate keeps the market maker rate', () => {
    const h = new Harness({ markets: [{ ...harnessMarket(), maker: 0.0002, taker: 0.0009 }], fees: { taker: 0.001 } }).market(bar(0, 100, 101, 99, 100.5))
    const taker = h.submit(order(), T1)
    const maker = h.submit(order({ type: 'limit', price: 100 }), T1)
    h.market(bar(1, 101, 102, 99, 100))
    // 0.001 × 101 = 0.101; 0.0002 × 100 = 0.02
    expect(h.fills(taker)[0]!.fee.cost).toBeCloseTo(0.101, 12)
    expect(h.fills(maker)[0]!.fee.cost).toBeCloseTo(0.02, 12)
  })
})

describe('bar fills: IOC, FOK and partial fills by volume', () => {
  it('partial fills: at most maxVolumeFraction of each bar volume; the rest keeps working', () => {
    const h = afterBar0({ partialFills: { maxVolumeFraction: 0.1 } })
    const id = h.submit(order({ amount: 1.2 }), T1)
    // volume 5 × 0.1 = 0.5 per bar: 0.5 @ 101, 0.5 @ 102, 0.2 @ 103
    h.market(bar(1, 101, 102, 100, 101, 5), bar(2, 102, 103, 101, 102, 5), bar(3, 103, 104, 102, 103, 5))
    expect(h.fills(id).map((f) => [f.type, f.price, f.amount, f.filled, f.remaining])).toEqual([
      ['OrderPartiallyFilled', 101, 0.5, 0.5, 0.7],
      ['OrderPartiallyFilled', 102, 0.5, 1, 0.2],
      ['OrderFilled', 103, 0.2, 1.2, 0]
    ])
    // average (50.5 + 51 + 20.6) / 1.2 = 122.1 / 1.2 = 101.75
    expect(h.broker.account.order(id)?.average).toBeCloseTo(101.75, 9)
  })

  it('partial fills: orders on one bar share its volume in submission order', () => {
    const h = afterBar0({ partialFills: { maxVolumeFraction: 0.1 } })
    const a = h.submit(order({ amount: 0.4 }), T1)
    const b = h.submit(order({ amount: 0.4 }), T1)
    h.market(bar(1, 101, 102, 100, 101, 5)) // 0.5 available: a takes 0.4, b the remaining 0.1
    expect(h.fills(a)).toMatchObject([{ amount: 0.4, type: 'OrderFilled' }])
    expect(h.fills(b)).toMatchObject([{ amount: 0.1, type: 'OrderPartiallyFilled', remaining: 0.3 }])
  })

  it('IOC fills what the first eligible bar offers at its open and expires the rest', () => {
    const h = afterBar0({ partialFills: { maxVolumeFraction: 0.1 } })
    const id = h.submit(order({ type: 'limit', price: 101.5, amount: 1, timeInForce: 'IOC' }), T1)
    h.market(bar(1, 101, 102, 100, 101, 5))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderPartiallyFilled', 'OrderExpired'])
    expect(h.fills(id)).toMatchObject([{ price: 101, amount: 0.5 }])
  })

  it('IOC limit reached only after the open expires unfilled', () => {
    const h = afterBar0()
    const id = h.submit(order({ type: 'limit', price: 99.5, timeInForce: 'IOC' }), T1)
    h.market(bar(1, 101, 102, 99, 100))
    expect(h.types(id)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired'])
  })

  it('FOK fills completely or expires with nothing', () => {
    const h = afterBar0({ partialFills: { maxVolumeFraction: 0.1 } })
    const tooBig = h.submit(order({ amount: 1, timeInForce: 'FOK' }), T1)
    const fits = h.submit(order({ amount: 0.5, timeInForce: 'FOK' }), T1)
    h.market(bar(1, 101, 102, 100, 101, 5))
    expect(h.types(tooBig)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired'])
    // the expired FOK consumed no volume: the second gets the whole 0.5
    expect(h.fills(fits)).toMatchObject([{ type: 'OrderFilled', amount: 0.5 }])
  })
})

describe('bar fills: fees, slippage and cost-sized orders', () => {
  it('taker, maker and fixed fees per fill', () => {
    const h = afterBar0({ fees: { maker: 0.001, taker: 0.002, fixed: 1 } })
    const taker = h.submit(order({ amount: 2 }), T1)
    const maker = h.submit(order({ type: 'limit', price: 99.5, amount: 1 }), T1)
    h.market(bar(1, 101, 102, 99, 100))
    // taker: 0.002 × 101 × 2 + 1 = 1.404; maker: 0.001 × 99.5 × 1 + 1 = 1.0995
    expect(h.fills(taker)[0]!.fee.cost).toBeCloseTo(1.404, 12)
    expect(h.fills(taker)[0]!.fee.currency).toBe('USDT')
    expect(h.fills(maker)[0]!.fee.cost).toBeCloseTo(1.0995, 12)
    // cash 10000 − 202 − 1.404 − 99.5 − 1.0995 = 9695.9965
    expect(h.broker.account.cashBalance()).toBeCloseTo(9695.9965, 9)
    expect(h.broker.account.feesPaid()).toBeCloseTo(2.5035, 12)
  })

  it("a market's own rates apply when the config gives none", () => {
    const h = new Harness({ markets: [{ ...harnessMarket(), maker: 0.0004, taker: 0.0006 }] }).market(bar(0, 100, 101, 99, 100.5))
    const id = h.submit(order({ amount: 1 }), T1)
    h.market(bar(1, 101, 102, 100, 101))
    // 0.0006 × 101 = 0.0606
    expect(h.fills(id)[0]!.fee.cost).toBeCloseTo(0.0606, 12)
  })

  it('bps slippage moves market and stop fills against the taker, never limit fills', () => {
    const h = afterBar0({ accountType: 'margin', slippage: { kind: 'bps', bps: 10 } })
    const buy = h.submit(order({ side: 'buy' }), T1)
    const sell = h.submit(order({ side: 'sell' }), T1)
    const limit = h.submit(order({ type: 'limit', price: 99.5 }), T1)
    h.market(bar(1, 101, 102, 99, 100))
    // 101 × 1.001 = 101.101; 101 × 0.999 = 100.899; the limit fills at its price
    expect(h.fills(buy)[0]!.price).toBeCloseTo(101.101, 10)
    expect(h.fills(sell)[0]!.price).toBeCloseTo(100.899, 10)
    expect(h.fills(limit)[0]!.price).toBe(99.5)
  })

  it('slipped bar fills stay inside the bar range', () => {
    const h = afterBar0({ slippage: { kind: 'bps', bps: 10 } })
    const id = h.submit(order(), T1)
    h.market(bar(1, 101, 101.05, 100, 101)) // 101.101 > high 101.05
    expect(h.fills(id)[0]!.price).toBe(101.05)
  })

  it('a market order sized by cost buys floor(cost / (price × (1 + taker))) at the fill', () => {
    const h = new Harness({ markets: [{ ...harnessMarket(), taker: 0.002 }] }).market(bar(0, 100, 101, 99, 100.5))
    const id = h.submit(order({ amount: 0, cost: 1000 }), T1)
    h.market(bar(1, 101, 102, 100, 101))
    // 1000 / (101 × 1.002) = 1000 / 101.202 = 9.8812..., floored to the 0.001 step: 9.881
    // fee 0.002 × 101 × 9.881 = 0.002 × 997.981 = 1.995962
    const [fill] = h.fills(id)
    expect(fill).toMatchObject({ type: 'OrderFilled', amount: 9.881, price: 101, remaining: 0 })
    expect(fill!.fee.cost).toBeCloseTo(1.995962, 12)
    expect(h.broker.account.order(id)).toMatchObject({ amount: 9.881, filled: 9.881, status: 'filled' })
    expect(h.broker.account.cashBalance()).toBeCloseTo(10_000 - 997.981 - 1.995962, 9)
  })
})

function harnessMarket() {
  return new Harness().broker.config.markets[0]!
}
