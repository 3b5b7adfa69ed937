import { requireInteger, type StreamingIndicator } from './types'

/**
 * Rolling maximum / minimum over the last `period` values with a monotonic deque:
 * amortised O(1) per update, O(period) memory. First value at bar `period - 1`
 * (TA-Lib MAX / MIN, Tulip max / min).
 */
class RollingExtremum implements StreamingIndicator {
  readonly period: number
  // +1 keeps maxima, -1 minima: one monomorphic loop serves both.
  private readonly sign: number
  // Circular deque of (bar index, value); values are monotonic from head to tail.
  private readonly at: Float64Array
  private readonly vals: Float64Array
  private head = 0
  private size = 0
  private count = 0
  private current = NaN

  protected constructor(name: string, period: number, sign: 1 | -1) {
    this.period = requireInteger(name, 'period', period, 1)
    this.sign = sign
    this.at = new Float64Array(period)
    this.vals = new Float64Array(period)
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.period
  }

  update(x: number): number {
    const cap = this.period
    const index = this.count++
    // Drop the head if it slid out of the window.
    if (this.size > 0 && this.at[this.head] <= index - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1
      this.size--
    }
    // Drop from the tail every older value that is not more extreme than the new one.
    const key = this.sign * x
    while (this.size > 0) {
      let tail = this.head + this.size - 1
      if (tail >= cap) tail -= cap
      if (this.sign * this.vals[tail] > key) break
      this.size--
    }
    let slot = this.head + this.size
    if (slot >= cap) slot -= cap
    this.at[slot] = index
    this.vals[slot] = x
    this.size++
    this.current = this.count >= cap ? this.vals[this.head] : NaN
    return this.current
  }

  reset(): void {
    this.head = 0
    this.size = 0
    this.count = 0
    this.current = NaN
  }
}

export class Highest extends RollingExtremum {
  constructor(period: number) {
    super('highest', period, 1)
  }
}

export class Lowest extends RollingExtremum {
  constructor(period: number) {
    super('lowest', period, -1)
  }
}
