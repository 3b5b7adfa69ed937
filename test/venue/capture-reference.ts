import { HftbacktestCaptureReader, type CaptureRecord } from '../../src/main/core/data/hftbacktest-capture'
import { OrderBook } from '../../src/main/core/market/order-book'
import { sharedDataPath } from '../support/shared-data'

/**
 * What the tests compare the venue against, read independently of the venue: the project's own
 * capture reader and order book over the same real capture file.
 */

export const SPOT_CAPTURE = sharedDataPath('hftbacktest/examples/spot/btcusdt_20240808.gz')

export interface Reference {
  records: CaptureRecord[]
  snapshot: { lastUpdateId: number; bids: Array<[number, number]>; asks: Array<[number, number]> }
  /** index in `records` of the snapshot */
  snapshotIndex: number
}

let cached: Promise<Reference> | undefined

export function reference(): Promise<Reference> {
  cached ??= (async () => {
    const reader = new HftbacktestCaptureReader(SPOT_CAPTURE)
    const records: CaptureRecord[] = []
    for await (const batch of reader.batches()) records.push(...batch)
    records.sort((a, b) => a.line - b.line)
    const snapshotIndex = records.findIndex((r) => r.event.type === 'book' && r.event.kind === 'snapshot')
    const snap = records[snapshotIndex].event
    if (snap.type !== 'book') throw new Error('no snapshot in the capture')
    return { records, snapshotIndex, snapshot: { lastUpdateId: snap.nonce ?? 0, bids: snap.bids, asks: snap.asks } }
  })()
  return cached
}

/** A book that follows the capture's diffs from its snapshot, to be advanced to any update id. */
export class ReferenceBook {
  readonly book = new OrderBook('BTC/USDT', 'spot')
  private next = 0
  /** the last bookTicker seen with u ≤ the book's update id */
  lastQuote: { u: number; bid: number; ask: number } | undefined

  private readonly quotes: Array<{ u: number; bid: number; ask: number }> = []

  constructor(private readonly ref: Reference) {
    this.book.applySnapshot(ref.snapshot.lastUpdateId, ref.snapshot.bids, ref.snapshot.asks, 0)
    for (const r of ref.records) if (r.event.type === 'quote') this.quotes.push({ u: r.quoteUpdateId, bid: r.event.bid, ask: r.event.ask })
    this.quotes.sort((a, b) => a.u - b.u)
  }

  /** Applies diffs in file order until the book's update id is `u` (throws if it passes it). */
  advanceTo(u: number): void {
    const recs = this.ref.records
    while (this.book.updateId < u) {
      if (this.next >= recs.length) throw new Error(`the capture never reaches update id ${u}`)
      const r = recs[this.next++]
      if (r.event.type === 'book' && r.event.kind === 'delta') this.book.apply(r.event, r.firstUpdateId)
    }
    if (this.book.updateId !== u) throw new Error(`update id ${u} is inside a diff (the book went from below it to ${this.book.updateId})`)
    // book tickers and diffs interleave in the file by arrival, not by update id: search by u
    let lo = 0
    let hi = this.quotes.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.quotes[mid].u <= u) lo = mid + 1
      else hi = mid
    }
    this.lastQuote = lo > 0 ? this.quotes[lo - 1] : undefined
  }
}

/** The capture's trades in file order, from the first one the venue replays. */
export function tradesAfterSnapshot(ref: Reference): Array<{ id: string; price: number; amount: number; side: 'buy' | 'sell' | null; ts: number }> {
  const out: Array<{ id: string; price: number; amount: number; side: 'buy' | 'sell' | null; ts: number }> = []
  // the venue starts at the first diff or book ticker newer than the snapshot (see capture-timeline.ts)
  const last = ref.snapshot.lastUpdateId
  let started = false
  for (const r of ref.records) {
    if (!started) {
      const newer = (r.event.type === 'book' && r.event.kind === 'delta' && (r.event.nonce ?? 0) > last) || (r.event.type === 'quote' && r.quoteUpdateId > last)
      if (!newer) continue
      started = true
    }
    if (r.event.type === 'trade') out.push({ id: r.event.id as string, price: r.event.price, amount: r.event.amount, side: r.event.side, ts: r.event.ts })
  }
  return out
}
