import { requireInteger, type StreamingIndicator } from './types'

/**
 * Linearly weighted moving average: weights 1..period, newest value heaviest.
 * First value at bar `period - 1` (same in TA-Lib and Tulip).
 */
export class Wma implements StreamingIndicator {
  readonly period: number
  private readonly window: Float64Array
  private readonly divisor: number
  private next = 0
  private count = 0
  private sum = 0
  private weighted = 0
  private current = NaN

  constructor(period: number) {
    this.period = requireInteger('wma', 'period', period, 1)
    this.window = new Float64Array(period)
    this.divisor = (period * (period + 1)) / 2
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count === this.period
  }

  update(x: number): number {
    const period = this.period
    if (this.count < period) {
      this.count++
      this.weighted += this.count * x
      this.sum += x
    } else {
      // Every weight drops by one (oldest falls to 0), the new value enters with weight `period`.
      this.weighted += period * x - this.sum
      this.sum += x - this.window[this.next]
    }
    this.window[this.next] = x
    if (++this.next === period) {
      this.next = 0
      if (this.count === period) this.resum()
    }
    this.current = this.count === period ? this.weighted / this.divisor : NaN
    return this.current
  }

  reset(): void {
    this.window.fill(0)
    this.next = 0
    this.count = 0
    this.sum = 0
    this.weighted = 0
    this.current = NaN
  }

  /** Exact sums once per lap (oldest value is at `next`, which is 0 here) to stop drift. */
  private resum(): void {
    let s = 0
    let w = 0
    for (let i = 0; i < this.period; i++) {
      s += this.window[i]
      w += (i + 1) * this.window[i]
    }
    this.sum = s
    this.weighted = w
  }
}
