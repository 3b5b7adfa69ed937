import { fmt, parseDec, ZERO, type Dec } from './decimal'

/** A level as Binance prints it: [price, quantity] strings. */
export type RawLevel = [string, string]

/**
 * One side of the venue's book: quantities by price, plus a sorted price list (best first) kept
 * up to date by binary insertion; diffs touch a handful of levels, depth requests read hundreds.
 */
class Side {
  readonly qty = new Map<Dec, Dec>()
  /** best first: descending for bids, ascending for asks */
  readonly prices: Dec[] = []
  /**
   * What the account's taker orders have taken from a level since the capture last set it: the
   * replay does not know about our orders, so without this two market orders in a row would both
   * fill against the same displayed quantity.
   */
  readonly consumed = new Map<Dec, Dec>()

  constructor(private readonly descending: boolean) {}

  private before(a: Dec, b: Dec): boolean {
    return this.descending ? a > b : a < b
  }

  private indexOf(price: Dec): number {
    let lo = 0
    let hi = this.prices.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.before(this.prices[mid], price)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  set(price: Dec, quantity: Dec): void {
    this.consumed.delete(price)
    const had = this.qty.has(price)
    if (quantity === ZERO) {
      if (!had) return
      this.qty.delete(price)
      this.prices.splice(this.indexOf(price), 1)
      return
    }
    this.qty.set(price, quantity)
    if (!had) this.prices.splice(this.indexOf(price), 0, price)
  }

  clear(): void {
    this.qty.clear()
    this.consumed.clear()
    this.prices.length = 0
  }

  /** Quantity still available to the account's taker orders at `price`. */
  available(price: Dec): Dec {
    const q = this.qty.get(price) ?? ZERO
    const c = this.consumed.get(price) ?? ZERO
    return q > c ? q - c : ZERO
  }

  consume(price: Dec, amount: Dec): void {
    this.consumed.set(price, (this.consumed.get(price) ?? ZERO) + amount)
  }

  levels(limit: number): RawLevel[] {
    const n = Math.min(limit, this.prices.length)
    const out: RawLevel[] = new Array(n)
    for (let i = 0; i < n; i++) {
      const p = this.prices[i]
      out[i] = [fmt(p), fmt(this.qty.get(p) as Dec)]
    }
    return out
  }
}

export class VenueBook {
  readonly bids = new Side(true)
  readonly asks = new Side(false)
  lastUpdateId = 0

  /** Replaces the book with a REST-style snapshot. */
  load(snapshot: { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] }): void {
    this.bids.clear()
    this.asks.clear()
    for (const [p, q] of snapshot.bids) this.bids.set(dec(p), dec(q))
    for (const [p, q] of snapshot.asks) this.asks.set(dec(p), dec(q))
    this.lastUpdateId = snapshot.lastUpdateId
  }

  /** Applies a depthUpdate's absolute quantities (0 removes the level). */
  apply(u: number, bids: RawLevel[], asks: RawLevel[]): void {
    for (const [p, q] of bids) this.bids.set(dec(p), dec(q))
    for (const [p, q] of asks) this.asks.set(dec(p), dec(q))
    this.lastUpdateId = u
  }

  bestBid(): Dec | undefined {
    return this.bids.prices[0]
  }

  bestAsk(): Dec | undefined {
    return this.asks.prices[0]
  }

  depth(limit: number): { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] } {
    return { lastUpdateId: this.lastUpdateId, bids: this.bids.levels(limit), asks: this.asks.levels(limit) }
  }
}

function dec(s: string): Dec {
  const d = parseDec(s)
  if (d === null) throw new Error(`emulated venue: bad decimal in the capture: ${JSON.stringify(s)}`)
  return d
}
