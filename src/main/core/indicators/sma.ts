import { requireInteger, type StreamingIndicator } from './types'

/**
 * Simple moving average over the last `period` values. First value at bar `period - 1`
 * (same in TA-Lib and Tulip).
 */
export class Sma implements StreamingIndicator {
  readonly period: number
  private readonly window: Float64Array
  private next = 0
  private count = 0
  private sum = 0
  private current = NaN

  constructor(period: number) {
    this.period = requireInteger('sma', 'period', period, 1)
    this.window = new Float64Array(period)
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
      this.sum += x
    } else {
      this.sum += x - this.window[this.next]
    }
    this.window[this.next] = x
    if (++this.next === period) {
      this.next = 0
      // Re-add the window once per lap so rounding from add/subtract cannot drift (amortised O(1)).
      if (this.count === period) this.sum = sumOf(this.window)
    }
    this.current = this.count === period ? this.sum / period : NaN
    return this.current
  }

  reset(): void {
    this.window.fill(0)
    this.next = 0
    this.count = 0
    this.sum = 0
    this.current = NaN
  }
}

export function sumOf(values: Float64Array): number {
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i]
  return s
}
