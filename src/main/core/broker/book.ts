import type { BookEvent } from '../../../shared/market-events'

export type BookSide = 'bids' | 'asks'

/**
 * The broker's own copy of one symbol's L2 book: price → size per side. A snapshot replaces
 * the book, a delta sets absolute sizes (size 0 deletes the level). Simulated fills consume
 * size from the levels they take until the venue next updates those levels.
 */
export class LocalBook {
  private readonly sides: Record<BookSide, Map<number, number>> = { bids: new Map(), asks: new Map() }

  apply(event: BookEvent): void {
    if (event.kind === 'snapshot') {
      this.sides.bids.clear()
      this.sides.asks.clear()
    }
    for (const [price, size] of event.bids) this.set('bids', price, size)
    for (const [price, size] of event.asks) this.set('asks', price, size)
  }

  best(side: BookSide): number | undefined {
    let best: number | undefined
    for (const price of this.sides[side].keys()) {
      if (best === undefined || (side === 'bids' ? price > best : price < best)) best = price
    }
    return best
  }

  /** Levels best first: bids descending, asks ascending. */
  levels(side: BookSide): Array<[number, number]> {
    const out = [...this.sides[side].entries()]
    out.sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]))
    return out
  }

  /** Removes `amount` from a level (a simulated fill took it). */
  consume(side: BookSide, price: number, amount: number): void {
    const size = this.sides[side].get(price)
    if (size === undefined) return
    const left = size - amount
    this.set(side, price, left <= size * 1e-12 ? 0 : left)
  }

  private set(side: BookSide, price: number, size: number): void {
    if (size > 0 && price > 0) this.sides[side].set(price, size)
    else this.sides[side].delete(price)
  }
}
