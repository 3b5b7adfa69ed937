/**
 * Parsed rows before the quality gate: growable Float64 columns plus the source line of each row,
 * so that every later finding (duplicate, out-of-order, outlier, gap) can name its line.
 */
export class RawRows {
  length = 0
  cols: Float64Array[]
  private cap: number

  constructor(readonly width: number, capacity = 4096) {
    this.cap = capacity
    this.cols = Array.from({ length: width }, () => new Float64Array(capacity))
  }

  /** Appends an uninitialised row and returns its index. */
  add(): number {
    if (this.length === this.cap) {
      this.cap *= 2
      this.cols = this.cols.map((c) => {
        const next = new Float64Array(this.cap)
        next.set(c)
        return next
      })
    }
    return this.length++
  }

  /** Reverses the row order in place (for files written newest first). */
  reverse(): void {
    const n = this.length
    for (const c of this.cols) c.subarray(0, n).reverse()
  }
}

/** Column indexes of raw bar rows. `CLOSE_TIME` is NaN unless the source states it (Binance klines). */
export const BAR = { T: 0, CLOSE_TIME: 1, O: 2, H: 3, L: 4, C: 5, V: 6, LINE: 7, WIDTH: 8 } as const
/** Column indexes of raw trade rows; SIDE is 1 buy, -1 sell, 0 unknown. */
export const TRADE = { T: 0, PRICE: 1, AMOUNT: 2, SIDE: 3, LINE: 4, WIDTH: 5 } as const
/** Column indexes of raw quote rows. */
export const QUOTE = { T: 0, BID: 1, ASK: 2, BID_SIZE: 3, ASK_SIZE: 4, LINE: 5, WIDTH: 6 } as const
