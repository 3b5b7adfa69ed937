import { resolveConvention, requireInteger, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

/**
 * Relative Strength Index with Wilder smoothing.
 *
 * Both conventions seed the average gain/loss with the simple average of the first
 * `period` changes and report the first value at bar `period`; the option is accepted for
 * uniformity. When average gain and loss are both zero (a flat window) the value is 0, as
 * TA-Lib reports it (Tulip divides 0 by 0 and yields NaN).
 */
export class Rsi implements StreamingIndicator {
  readonly period: number
  private readonly conv: ResolvedConvention
  private readonly readyAt: number
  private count = 0
  private prev = NaN
  private gain = 0
  private loss = 0
  private current = NaN

  constructor(period = 14, options: ConventionOptions = {}) {
    this.period = requireInteger('rsi', 'period', period, 1)
    this.conv = resolveConvention('rsi', options)
    this.readyAt = period + 1 + this.conv.unstablePeriod
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.readyAt
  }

  update(x: number): number {
    const n = ++this.count
    if (n === 1) {
      this.prev = x
      return this.current
    }
    const change = x - this.prev
    this.prev = x
    const up = change > 0 ? change : 0
    const down = change < 0 ? -change : 0
    const period = this.period
    if (n <= period + 1) {
      this.gain += up
      this.loss += down
      if (n === period + 1) {
        this.gain /= period
        this.loss /= period
      }
    } else {
      this.gain = (this.gain * (period - 1) + up) / period
      this.loss = (this.loss * (period - 1) + down) / period
    }
    if (n >= this.readyAt) {
      const total = this.gain + this.loss
      this.current = total === 0 ? 0 : (100 * this.gain) / total
    }
    return this.current
  }

  reset(): void {
    this.count = 0
    this.prev = NaN
    this.gain = 0
    this.loss = 0
    this.current = NaN
  }
}
