import type { BookEvent } from '../../../shared/market-events'

/**
 * `waiting`: no snapshot yet; `ok`: in sync; `resyncing`: a sequence gap was seen, the book keeps
 * its last levels for display but is not fresh until the next snapshot.
 */
export type OrderBookStatus = 'waiting' | 'ok' | 'resyncing'

/**
 * What one diff did: `applied`; `stale` (not newer than the book, dropped as Binance prescribes);
 * `gap` (it does not continue the book, which is now resyncing); `buffered` (the book is waiting
 * for a snapshot: the diff is kept and replayed against the snapshot when it comes).
 */
export type DiffOutcome = 'applied' | 'stale' | 'gap' | 'buffered'

/**
 * How diffs chain. `spot`: the first kept diff has U ≤ lastUpdateId+1 ≤ u, later ones U = previous
 * u + 1. `futures` (USDⓈ-M): the first kept diff has U ≤ lastUpdateId ≤ u, later ones pu =
 * previous u. `auto`: futures rules for diffs that carry a pu, spot rules for the others.
 */
export type Sequencing = 'spot' | 'futures' | 'auto'

/** One diff's update ids: U (first), u (final) and, on futures, pu (the previous diff's u). */
export interface DiffIds {
  first: number
  final: number
  previousFinal?: number
}

export interface BookCounters {
  snapshots: number
  applied: number
  stale: number
  gaps: number
  buffered: number
  /** buffered diffs dropped because the buffer was full */
  overflow: number
  /** updates after which the best bid was at or above the best ask */
  crossed: number
}

interface BufferedDiff {
  ids: DiffIds
  bids: readonly Level[]
  asks: readonly Level[]
  ts: number
}

export interface BookLevels {
  bids: Array<[number, number]>
  asks: Array<[number, number]>
}

type Level = readonly [number | string, number | string]

/**
 * One side of the book in parallel typed arrays, sorted so that the best price is the last
 * element: most updates touch the top, so inserting and deleting there moves little memory.
 */
class BookSide {
  prices = new Float64Array(256)
  sizes = new Float64Array(256)
  length = 0

  /** bids: ascending (best = highest, at the end); asks: descending (best = lowest, at the end). */
  constructor(private readonly ascending: boolean) {}

  clear(): void {
    this.length = 0
  }

  best(): number {
    return this.length > 0 ? this.prices[this.length - 1] : NaN
  }

  bestSize(): number {
    return this.length > 0 ? this.sizes[this.length - 1] : NaN
  }

  /** Sets the absolute size at `price`; 0 removes the level. */
  set(price: number, size: number): void {
    const i = this.search(price)
    const found = i < this.length && this.prices[i] === price
    if (size > 0) {
      if (found) {
        this.sizes[i] = size
        return
      }
      if (this.length === this.prices.length) this.grow()
      this.prices.copyWithin(i + 1, i, this.length)
      this.sizes.copyWithin(i + 1, i, this.length)
      this.prices[i] = price
      this.sizes[i] = size
      this.length++
    } else if (found) {
      this.prices.copyWithin(i, i + 1, this.length)
      this.sizes.copyWithin(i, i + 1, this.length)
      this.length--
    }
  }

  /** Up to `n` levels, best first. */
  top(n: number): Array<[number, number]> {
    const count = Math.min(n, this.length)
    const out: Array<[number, number]> = new Array(count)
    for (let k = 0; k < count; k++) {
      const i = this.length - 1 - k
      out[k] = [this.prices[i], this.sizes[i]]
    }
    return out
  }

  /** Up to `n` levels, best first, packed as price, size, price, size… (cheap to post between threads). */
  topPacked(n: number): Float64Array {
    const count = Math.min(n, this.length)
    const out = new Float64Array(count * 2)
    for (let k = 0; k < count; k++) {
      const i = this.length - 1 - k
      out[2 * k] = this.prices[i]
      out[2 * k + 1] = this.sizes[i]
    }
    return out
  }

  /** First index whose price is not before `price` in this side's order. */
  private search(price: number): number {
    let lo = 0
    let hi = this.length
    const p = this.prices
    if (this.ascending) {
      // most updates land near the top (the end), so test the end first
      if (hi > 0 && p[hi - 1] < price) return hi
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (p[mid] < price) lo = mid + 1
        else hi = mid
      }
    } else {
      if (hi > 0 && p[hi - 1] > price) return hi
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (p[mid] > price) lo = mid + 1
        else hi = mid
      }
    }
    return lo
  }

  private grow(): void {
    const prices = new Float64Array(this.prices.length * 2)
    const sizes = new Float64Array(this.sizes.length * 2)
    prices.set(this.prices)
    sizes.set(this.sizes)
    this.prices = prices
    this.sizes = sizes
  }
}

/**
 * A local L2 book for one symbol kept in sync Binance-style (ARCHITECTURE §8). Diffs that come
 * while there is no snapshot are buffered; a REST snapshot carries `lastUpdateId`, buffered and
 * later diffs up to it are dropped, the first kept diff must straddle it, and every later diff
 * must continue the previous one. Any break marks the book `resyncing` (and buffering again)
 * until the next snapshot; the book is never `fresh` then, nor while its best bid is at or above
 * its best ask.
 */
export class OrderBook {
  readonly counters: BookCounters = { snapshots: 0, applied: 0, stale: 0, gaps: 0, buffered: 0, overflow: 0, crossed: 0 }
  private readonly bidSide = new BookSide(true)
  private readonly askSide = new BookSide(false)
  private state: OrderBookStatus = 'waiting'
  private snapshotId = 0
  /** u of the last applied diff; NaN until the first diff after a snapshot */
  private lastFinal = NaN
  private lastTs = 0
  private why = 'no snapshot yet'
  private buffer: BufferedDiff[] = []

  constructor(
    readonly symbol: string,
    readonly sequencing: Sequencing = 'spot',
    /** most diffs kept while waiting for a snapshot; the oldest go first */
    private readonly maxBuffered = 10_000
  ) {}

  get status(): OrderBookStatus {
    return this.state
  }

  /** Why the book is not `ok` (empty when it is). */
  get reason(): string {
    return this.state === 'ok' ? '' : this.why
  }

  /** The update id the book reflects: the snapshot's lastUpdateId, then each applied diff's u. */
  get updateId(): number {
    return Number.isNaN(this.lastFinal) ? this.snapshotId : this.lastFinal
  }

  /** Time of the last snapshot or applied diff. */
  get ts(): number {
    return this.lastTs
  }

  get crossed(): boolean {
    return this.bidSide.length > 0 && this.askSide.length > 0 && this.bidSide.best() >= this.askSide.best()
  }

  /** In sync and not crossed: the only state in which the book may be handed out as fresh. */
  get fresh(): boolean {
    return this.state === 'ok' && !this.crossed
  }

  bestBid(): number {
    return this.bidSide.best()
  }

  bestAsk(): number {
    return this.askSide.best()
  }

  bestBidSize(): number {
    return this.bidSide.bestSize()
  }

  bestAskSize(): number {
    return this.askSide.bestSize()
  }

  get depth(): { bids: number; asks: number } {
    return { bids: this.bidSide.length, asks: this.askSide.length }
  }

  /** Top `n` levels per side, best first (`Infinity`: the whole book). */
  top(n: number): BookLevels {
    return { bids: this.bidSide.top(n), asks: this.askSide.top(n) }
  }

  /** Top `n` levels per side packed as [price, size, price, size, …], best first. */
  topPacked(n: number): { bids: Float64Array; asks: Float64Array } {
    return { bids: this.bidSide.topPacked(n), asks: this.askSide.topPacked(n) }
  }

  /**
   * Replaces the book with a REST snapshot, then replays the buffered diffs against it. Returns
   * how many buffered diffs were applied; afterwards the book is `ok`, or `resyncing` when the
   * buffered diffs do not continue the snapshot.
   */
  applySnapshot(lastUpdateId: number, bids: readonly Level[], asks: readonly Level[], ts: number): number {
    this.bidSide.clear()
    this.askSide.clear()
    for (const [p, s] of bids) this.bidSide.set(Number(p), Number(s))
    for (const [p, s] of asks) this.askSide.set(Number(p), Number(s))
    this.snapshotId = lastUpdateId
    this.lastFinal = NaN
    this.lastTs = ts
    this.state = 'ok'
    this.why = ''
    this.counters.snapshots++
    this.countCrossed()
    const pending = this.buffer
    this.buffer = []
    let applied = 0
    for (let i = 0; i < pending.length; i++) {
      const d = pending[i]
      const outcome = this.applyDiff(d.ids, d.bids, d.asks, d.ts)
      if (outcome === 'applied') applied++
      else if (outcome === 'gap') {
        // the rest may continue from the diff that broke the chain; keep them for the next snapshot
        for (let k = i + 1; k < pending.length; k++) this.keep(pending[k])
        break
      }
    }
    return applied
  }

  /** Applies one depth diff if it continues the book (see `DiffOutcome`). */
  applyDiff(ids: DiffIds, bids: readonly Level[], asks: readonly Level[], ts: number): DiffOutcome {
    if (this.state !== 'ok') {
      this.keep({ ids, bids, asks, ts })
      this.counters.buffered++
      return 'buffered'
    }
    const { first, final } = ids
    const futures = this.sequencing === 'futures' || (this.sequencing === 'auto' && ids.previousFinal !== undefined && !Number.isNaN(ids.previousFinal))
    if (Number.isNaN(this.lastFinal)) {
      const target = futures ? this.snapshotId : this.snapshotId + 1
      if (final < target) {
        this.counters.stale++
        return 'stale'
      }
      if (first > target) return this.gap({ ids, bids, asks, ts }, `first diff U=${first} u=${final} does not straddle the snapshot's lastUpdateId ${this.snapshotId}`)
    } else if (final <= this.lastFinal) {
      // a repeat of what the book already has
      this.counters.stale++
      return 'stale'
    } else if (!futures) {
      if (first !== this.lastFinal + 1) return this.gap({ ids, bids, asks, ts }, `diff U=${first} does not follow the previous u=${this.lastFinal}`)
    } else if (ids.previousFinal !== this.lastFinal) {
      return this.gap({ ids, bids, asks, ts }, `diff pu=${String(ids.previousFinal)} is not the previous u=${this.lastFinal}`)
    }
    for (const [p, s] of bids) this.bidSide.set(Number(p), Number(s))
    for (const [p, s] of asks) this.askSide.set(Number(p), Number(s))
    this.lastFinal = final
    this.lastTs = ts
    this.counters.applied++
    this.countCrossed()
    return 'applied'
  }

  /**
   * A `book` market event: a snapshot (nonce = lastUpdateId) or a delta (nonce = u; `first` is
   * its U, which the event does not carry, and `previousFinal` its pu on futures).
   */
  apply(event: BookEvent, first?: number, previousFinal?: number): DiffOutcome {
    if (event.kind === 'snapshot') {
      this.applySnapshot(event.nonce ?? 0, event.bids, event.asks, event.ts)
      return this.state === 'ok' ? 'applied' : 'gap'
    }
    const final = event.nonce ?? NaN
    return this.applyDiff({ first: first ?? final, final, previousFinal }, event.bids, event.asks, event.ts)
  }

  /** The whole book as a snapshot event (what a consumer that saw none of the diffs needs). */
  toSnapshotEvent(ts: number): BookEvent {
    const { bids, asks } = this.top(Infinity)
    return { type: 'book', seq: 0, ts, symbol: this.symbol, kind: 'snapshot', bids, asks, nonce: this.updateId }
  }

  /** Marks the book out of sync from outside (a dropped connection); only a snapshot restores it. */
  invalidate(reason: string): void {
    if (this.state === 'waiting') return
    this.state = 'resyncing'
    this.why = reason
    this.buffer = []
  }

  private keep(diff: BufferedDiff): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift()
      this.counters.overflow++
    }
    this.buffer.push(diff)
  }

  private gap(diff: BufferedDiff, reason: string): DiffOutcome {
    this.state = 'resyncing'
    this.why = reason
    this.counters.gaps++
    this.buffer = [diff]
    return 'gap'
  }

  private countCrossed(): void {
    if (this.crossed) this.counters.crossed++
  }
}
