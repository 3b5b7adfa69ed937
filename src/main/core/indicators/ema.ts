import { IndicatorError } from './errors'
import { resolveConvention, requireInteger, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

export interface EmaOptions extends ConventionOptions {
  /** Override the smoothing factor (default 2 / (period + 1)); used by MACD's fixed 12/26 factors. */
  readonly alpha?: number
}

/**
 * Exponential moving average, smoothing factor 2 / (period + 1).
 *
 * - talib: seeded with the SMA of the first `period` values; first value at bar `period - 1`.
 * - tulip: seeded with the first value; first value at bar 0.
 */
export class Ema implements StreamingIndicator {
  readonly period: number
  readonly alpha: number
  private readonly conv: ResolvedConvention
  private readonly readyAt: number
  private count = 0
  private seedSum = 0
  private state = NaN
  private current = NaN

  constructor(period: number, options: EmaOptions = {}) {
    this.period = requireInteger('ema', 'period', period, 1)
    this.conv = resolveConvention('ema', options)
    this.alpha = options.alpha ?? 2 / (period + 1)
    if (!(this.alpha > 0 && this.alpha <= 1)) {
      throw new IndicatorError('bad-param', 'ema', 'alpha', `alpha must be in (0, 1], got ${String(options.alpha)}`)
    }
    this.readyAt = (this.conv.convention === 'talib' ? period : 1) + this.conv.unstablePeriod
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.readyAt
  }

  /** Smoothed value even during the unstable period (NaN before the seed). */
  get raw(): number {
    return this.state
  }

  update(x: number): number {
    const n = ++this.count
    if (this.conv.convention === 'talib' && n <= this.period) {
      this.seedSum += x
      if (n === this.period) this.state = this.seedSum / this.period
    } else if (n === 1) {
      this.state = x
    } else {
      this.state = (x - this.state) * this.alpha + this.state
    }
    this.current = n >= this.readyAt ? this.state : NaN
    return this.current
  }

  reset(): void {
    this.count = 0
    this.seedSum = 0
    this.state = NaN
    this.current = NaN
  }
}
