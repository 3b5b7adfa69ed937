import { describe, expect, it } from 'vitest'
import { LocalBook } from '../../../src/main/core/broker/book'
import { Harness, book, order } from './harness'

const BIDS: Array<[number, number]> = [
  [99, 1],
  [98, 2]
]
const ASKS: Array<[number, number]> = [
  [101, 1],
  [102, 2],
  [103, 5]
]

describe('local book', () => {
  it('applies snapshots and deltas (size 0 deletes a level)', () => {
    const b = new LocalBook()
    b.apply(book(0, 'snapshot', BIDS, ASKS))
    expect([b.best('bids'), b.best('asks')]).toEqual([99, 101])
    b.apply(book(1, 'delta', [[99, 0], [98.5, 4]], [[100.5, 1]]))
    expect(b.levels('bids')).toEqual([[98.5, 4], [98, 2]])
    expect(b.levels('asks')).toEqual([[100.5, 1], [101, 1], [102, 2], [103, 5]])
    b.apply(book(2, 'snapshot', [[97, 1]], []))
    expect([b.best('bids'), b.best('asks')]).toEqual([97, undefined])
  })
})

describe('book-driven fills', () => {
  it('a market buy walks the asks, one fill per level', () => {
    const h = new Harness().market(book(0, 'snapshot', BIDS, ASKS))
    const id = h.submit(order({ amount: 2.5 }), 0)
    h.market(book(1, 'delta', [], []))
    expect(h.fills(id).map((f) => [f.type, f.price, f.amount, f.liquidity])).toEqual([
      ['OrderPartiallyFilled', 101, 1, 'taker'],
      ['OrderFilled', 102, 1.5, 'taker']
    ])
    // VWAP (101 × 1 + 102 × 1.5) / 2.5 = 254 / 2.5 = 101.6
    expect(h.broker.account.order(id)?.average).toBeCloseTo(101.6, 12)
    // the levels taken are gone from the local book: best ask 102 (0.5 left), mid (99 + 102) / 2
    expect(h.broker.account.lastPrice('BTC/USDT')).toBe(100.5)
  })

  it('a market sell walks the bids', () => {
    const h = new Harness({ accountType: 'margin' }).market(book(0, 'snapshot', BIDS, ASKS))
    const id = h.submit(order({ side: 'sell', amount: 2 }), 0)
    h.market(book(1, 'delta', [], []))
    expect(h.fills(id).map((f) => [f.price, f.amount])).toEqual([
      [99, 1],
      [98, 1]
    ])
  })

  it('a marketable limit walks up to its price, rests the remainder, and fills it as maker when crossed', () => {
    const h = new Harness().market(book(0, 'snapshot', BIDS, ASKS))
    const id = h.submit(order({ type: 'limit', price: 102, amount: 4 }), 0)
    h.market(book(1, 'delta', [], []))
    expect(h.fills(id).map((f) => [f.price, f.amount, f.liquidity])).toEqual([
      [101, 1, 'taker'],
      [102, 2, 'taker']
    ])
    expect(h.broker.account.order(id)).toMatchObject({ status: 'partially_filled', remaining: 1 })
    // a seller posts 3 @ 101.5: the best ask crosses the resting bid at 102 → 1 @ 102, maker
    h.market(book(2, 'delta', [], [[101.5, 3]]))
    expect(h.fills(id).at(-1)).toMatchObject({ type: 'OrderFilled', price: 102, amount: 1, liquidity: 'maker', tradeTs: 2 })
  })

  it('a market order larger than the book keeps working for the next update', () => {
    const h = new Harness({ initialCash: 100_000 }).market(book(0, 'snapshot', BIDS, ASKS))
    const id = h.submit(order({ amount: 10 }), 0)
    h.market(book(1, 'delta', [], []))
    expect(h.broker.account.order(id)).toMatchObject({ filled: 8, remaining: 2 })
    h.market(book(2, 'snapshot', BIDS, [[104, 5]]))
    expect(h.fills(id).at(-1)).toMatchObject({ type: 'OrderFilled', price: 104, amount: 2 })
  })

  it('IOC walks once and expires the rest; FOK needs the whole amount within its limit', () => {
    const h = new Harness().market(book(0, 'snapshot', BIDS, ASKS))
    const ioc = h.submit(order({ type: 'limit', price: 101, amount: 3, timeInForce: 'IOC' }), 0)
    const fok = h.submit(order({ type: 'limit', price: 102, amount: 3, timeInForce: 'FOK' }), 0)
    h.market(book(1, 'delta', [], []))
    expect(h.types(ioc)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderPartiallyFilled', 'OrderExpired'])
    // after the IOC took 101, only 2 lie within 102
    expect(h.types(fok)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired'])
  })

  it('stops trigger on the best price of the side they would take', () => {
    const h = new Harness().market(book(0, 'snapshot', BIDS, ASKS))
    const id = h.submit(order({ type: 'stop-market', stopPrice: 102, amount: 1 }), 0)
    h.market(book(1, 'delta', [], [[101, 0]])) // best ask 102 ≥ 102
    expect(h.of(id)[2]).toMatchObject({ type: 'OrderTriggered', price: 102 })
    expect(h.fills(id)).toMatchObject([{ price: 102, amount: 1 }])
  })
})
