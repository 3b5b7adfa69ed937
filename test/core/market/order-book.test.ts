import { describe, expect, it } from 'vitest'
import { OrderBook } from '../../../src/main/core/market/order-book'
import { createRandom } from '../../../src/main/core/random'

type L = Array<[number, number]>

function spotBook(): OrderBook {
  const book = new OrderBook('BTC/USDT', 'spot')
  book.applySnapshot(100, [[10, 1], [9, 2]], [[11, 1], [12, 3]], 1000)
  return book
}

describe('OrderBook: Binance spot synchronisation', () => {
  it('drops diffs up to the snapshot, needs the first kept diff to straddle lastUpdateId+1, then U = previous u + 1', () => {
    const book = spotBook()
    expect(book.status).toBe('ok')
    expect(book.applyDiff({ first: 95, final: 100 }, [[10, 5]], [], 1001)).toBe('stale')
    expect(book.bestBidSize()).toBe(1)
    // U=99 ≤ 101 ≤ u=102: the first kept diff; size 0 deletes the level
    expect(book.applyDiff({ first: 99, final: 102 }, [[10, 0]], [[11, 4]], 1002)).toBe('applied')
    expect([book.bestBid(), book.bestAsk(), book.bestAskSize()]).toEqual([9, 11, 4])
    expect(book.applyDiff({ first: 103, final: 105 }, [[9.5, 1]], [], 1003)).toBe('applied')
    expect(book.updateId).toBe(105)
    expect(book.ts).toBe(1003)
    // a repeat of an applied range is stale, not a gap
    expect(book.applyDiff({ first: 104, final: 105 }, [], [], 1004)).toBe('stale')
    expect(book.fresh).toBe(true)
    expect(book.counters).toMatchObject({ snapshots: 1, applied: 2, stale: 2, gaps: 0 })
  })

  it('a first diff that starts after lastUpdateId+1 is a gap', () => {
    const book = spotBook()
    expect(book.applyDiff({ first: 102, final: 104 }, [], [], 1001)).toBe('gap')
    expect(book.status).toBe('resyncing')
    expect(book.fresh).toBe(false)
    expect(book.reason).toMatch(/does not straddle/)
  })

  it('a sequence gap marks the book resyncing until a new snapshot, which replays the buffered diffs', () => {
    const book = spotBook()
    book.applyDiff({ first: 101, final: 103 }, [], [], 1001)
    // expected U = 104
    expect(book.applyDiff({ first: 107, final: 108 }, [[9, 7]], [], 1002)).toBe('gap')
    expect(book.status).toBe('resyncing')
    expect(book.fresh).toBe(false)
    // while resyncing nothing is applied; the levels shown are the last good ones
    expect(book.applyDiff({ first: 109, final: 110 }, [[8, 1]], [], 1003)).toBe('buffered')
    expect(book.top(5).bids).toEqual([[10, 1], [9, 2]])
    // the new snapshot (lastUpdateId 108) makes the gap diff stale and applies 109..110
    const applied = book.applySnapshot(108, [[10, 2]], [[11, 2]], 1004)
    expect(applied).toBe(1)
    expect(book.status).toBe('ok')
    expect(book.updateId).toBe(110)
    expect(book.top(5)).toEqual({ bids: [[10, 2], [8, 1]], asks: [[11, 2]] })
    expect(book.counters).toMatchObject({ snapshots: 2, gaps: 1, buffered: 1 })
  })

  it('diffs that arrive before the first snapshot are buffered and applied on it (the order a collector sees them in)', () => {
    const book = new OrderBook('X', 'spot')
    expect(book.status).toBe('waiting')
    expect(book.fresh).toBe(false)
    expect(book.applyDiff({ first: 90, final: 95 }, [[9, 9]], [], 1)).toBe('buffered')
    expect(book.applyDiff({ first: 96, final: 102 }, [[9, 3]], [], 2)).toBe('buffered')
    expect(book.applyDiff({ first: 103, final: 104 }, [], [[11, 0]], 3)).toBe('buffered')
    expect(book.applySnapshot(100, [[10, 1], [9, 2]], [[11, 1], [12, 3]], 4)).toBe(2)
    expect(book.top(5)).toEqual({ bids: [[10, 1], [9, 3]], asks: [[12, 3]] })
    expect(book.updateId).toBe(104)
    expect(book.counters.stale).toBe(1)
  })

  it('a buffered run that breaks after the snapshot leaves the book resyncing', () => {
    const book = new OrderBook('X', 'spot')
    book.applyDiff({ first: 101, final: 102 }, [], [], 1)
    book.applyDiff({ first: 105, final: 106 }, [], [], 2)
    expect(book.applySnapshot(100, [[10, 1]], [[11, 1]], 3)).toBe(1)
    expect(book.status).toBe('resyncing')
    expect(book.reason).toMatch(/U=105 does not follow the previous u=102/)
  })

  it('buffers at most maxBuffered diffs, dropping the oldest', () => {
    const book = new OrderBook('X', 'spot', 2)
    for (let i = 0; i < 5; i++) book.applyDiff({ first: 101 + i, final: 101 + i }, [], [], i)
    expect(book.counters.overflow).toBe(3)
    // 101..103 were dropped: the oldest kept (104) does not straddle 101
    book.applySnapshot(100, [[10, 1]], [[11, 1]], 9)
    expect(book.status).toBe('resyncing')
  })

  it('invalidate (a dropped connection) needs a snapshot to recover', () => {
    const book = spotBook()
    book.invalidate('websocket closed')
    expect(book.status).toBe('resyncing')
    expect(book.reason).toBe('websocket closed')
    expect(book.applyDiff({ first: 101, final: 101 }, [], [], 1)).toBe('buffered')
    book.applySnapshot(101, [[10, 1]], [[11, 1]], 2)
    expect(book.fresh).toBe(true)
  })
})

describe('OrderBook: Binance USDⓈ-M futures synchronisation', () => {
  it('first kept diff has U ≤ lastUpdateId ≤ u; later ones chain through pu', () => {
    const book = new OrderBook('BTC/USDT:USDT', 'futures')
    book.applySnapshot(100, [[10, 1]], [[11, 1]], 0)
    expect(book.applyDiff({ first: 90, final: 99, previousFinal: 89 }, [], [], 1)).toBe('stale')
    expect(book.applyDiff({ first: 95, final: 105, previousFinal: 94 }, [[10, 2]], [], 2)).toBe('applied')
    expect(book.applyDiff({ first: 106, final: 110, previousFinal: 105 }, [], [[11, 5]], 3)).toBe('applied')
    expect(book.applyDiff({ first: 111, final: 112, previousFinal: 109 }, [], [], 4)).toBe('gap')
    expect(book.reason).toMatch(/pu=109 is not the previous u=110/)
  })

  it('auto picks the futures rule for diffs with pu and the spot rule for the others', () => {
    const futures = new OrderBook('F', 'auto')
    futures.applySnapshot(100, [], [], 0)
    // U ≤ 100 ≤ u is enough on futures; on spot 101 would also be straddled here, so test u = 100
    expect(futures.applyDiff({ first: 99, final: 100, previousFinal: 98 }, [], [], 1)).toBe('applied')
    const spot = new OrderBook('S', 'auto')
    spot.applySnapshot(100, [], [], 0)
    expect(spot.applyDiff({ first: 99, final: 100 }, [], [], 1)).toBe('stale')
  })
})

describe('OrderBook: levels', () => {
  it('detects and counts a crossed book and never calls it fresh', () => {
    const book = spotBook()
    book.applyDiff({ first: 101, final: 101 }, [[11.5, 1]], [], 1)
    expect(book.crossed).toBe(true)
    expect(book.fresh).toBe(false)
    expect(book.status).toBe('ok')
    book.applyDiff({ first: 102, final: 102 }, [[11.5, 0]], [], 2)
    expect(book.crossed).toBe(false)
    expect(book.fresh).toBe(true)
    expect(book.counters.crossed).toBe(1)
  })

  it('keeps both sides sorted under random updates (checked against a map sorted on demand)', () => {
    const random = createRandom(7)
    const book = new OrderBook('X', 'spot')
    book.applySnapshot(0, [], [], 0)
    const bids = new Map<number, number>()
    const asks = new Map<number, number>()
    for (let u = 1; u <= 20_000; u++) {
      const bid = random() < 0.5
      // prices on a 0.01 grid, bids below 100, asks above
      const price = Math.round((bid ? 100 - random() * 5 : 100 + random() * 5) * 100) / 100
      const size = random() < 0.3 ? 0 : Math.round(random() * 1000) / 100
      const side = bid ? bids : asks
      if (size > 0) side.set(price, size)
      else side.delete(price)
      book.applyDiff({ first: u, final: u }, bid ? [[price, size]] : [], bid ? [] : [[price, size]], u)
    }
    const ref = (m: Map<number, number>, desc: boolean): L => [...m.entries()].sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]))
    expect(book.top(Infinity)).toEqual({ bids: ref(bids, true), asks: ref(asks, false) })
    expect(book.depth).toEqual({ bids: bids.size, asks: asks.size })
    const top = book.top(20)
    expect(top.bids).toEqual(ref(bids, true).slice(0, 20))
    const packed = book.topPacked(3)
    expect([...packed.asks]).toEqual(ref(asks, false).slice(0, 3).flat())
  })

  it('accepts string levels as Binance sends them and the snapshot event form', () => {
    const book = new OrderBook('BTC/USDT')
    book.applySnapshot(5, [['61837.63000000', '3.78826000']], [['61837.64000000', '1.54698000']], 10)
    expect([book.bestBid(), book.bestBidSize(), book.bestAsk(), book.bestAskSize()]).toEqual([61837.63, 3.78826, 61837.64, 1.54698])
    expect(book.toSnapshotEvent(11)).toEqual({
      type: 'book',
      seq: 0,
      ts: 11,
      symbol: 'BTC/USDT',
      kind: 'snapshot',
      bids: [[61837.63, 3.78826]],
      asks: [[61837.64, 1.54698]],
      nonce: 5
    })
  })
})
