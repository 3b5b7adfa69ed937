/**
 * The health of one symbol's live feed, as a small state machine the market source drives and a
 * test can drive with a hand-set clock. Worst condition wins:
 * disconnected (a stream is down) > resyncing (the book is not in sync, or is crossed) >
 * stale (no update for `staleAfterMs`) > ok.
 */

export type FeedStatus = 'ok' | 'stale' | 'resyncing' | 'disconnected'

export interface FeedStatusChange {
  status: FeedStatus
  reason: string
}

export class FeedHealth {
  private lastUpdate: number
  private stale = false
  private readonly down = new Map<string, string>()
  private bookReason: string | null
  private emitted: FeedStatus | null = null

  constructor(
    readonly symbol: string,
    private readonly staleAfterMs: number,
    now: number,
    /** with a book stream the feed is not ok until its first snapshot */
    hasBook: boolean
  ) {
    this.lastUpdate = now
    this.bookReason = hasBook ? 'waiting for the order book snapshot' : null
  }

  /** Data arrived on `stream`: the feed is fresh and that stream is up. */
  data(stream: string, now: number): void {
    this.lastUpdate = now
    this.stale = false
    this.down.delete(stream)
  }

  /** A stream failed (a dropped connection, an error); it stays down until its next data. */
  streamDown(stream: string, reason: string): void {
    this.down.set(stream, reason)
  }

  /** The book is not in sync (`reason`), or is again (`null`). */
  book(reason: string | null): void {
    this.bookReason = reason
  }

  get bookInSync(): boolean {
    return this.bookReason === null
  }

  /** Marks the feed stale when nothing came for longer than the limit. */
  check(now: number): void {
    if (!this.stale && now - this.lastUpdate > this.staleAfterMs) this.stale = true
  }

  get sinceUpdate(): number {
    return this.lastUpdate
  }

  current(now: number): FeedStatusChange {
    if (this.down.size > 0) {
      const [stream, reason] = this.down.entries().next().value as [string, string]
      return { status: 'disconnected', reason: `${stream}: ${reason}` }
    }
    if (this.bookReason !== null) return { status: 'resyncing', reason: this.bookReason }
    if (this.stale) return { status: 'stale', reason: `no update for ${now - this.lastUpdate} ms (limit ${this.staleAfterMs} ms)` }
    return { status: 'ok', reason: this.emitted === null ? 'connected' : 'recovered' }
  }

  /** The status if it differs from the last one reported (which it then becomes), else null. */
  change(now: number): FeedStatusChange | null {
    const c = this.current(now)
    if (c.status === this.emitted) return null
    this.emitted = c.status
    return c
  }

  get reported(): FeedStatus | null {
    return this.emitted
  }
}
