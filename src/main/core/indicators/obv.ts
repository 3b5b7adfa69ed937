import { resolveConvention, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

/**
 * On-balance volume: add the bar's volume when the close rises, subtract it when the close
 * falls, keep it when unchanged. Value from the first bar; the libraries differ in where
 * the running total starts:
 * - talib (TA_OBV): the first bar's volume.
 * - tulip (ti_obv): 0.
 */
export class Obv implements StreamingIndicator {
  private readonly conv: ResolvedConvention
  private readonly readyAt: number
  private count = 0
  private prevClose = NaN
  private total = 0
  private current = NaN

  constructor(options: ConventionOptions = {}) {
    this.conv = resolveConvention('obv', options)
    this.readyAt = 1 + this.conv.unstablePeriod
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.readyAt
  }

  update(close: number, volume: number): number {
    if (++this.count === 1) {
      this.total = this.conv.convention === 'talib' ? volume : 0
    } else if (close > this.prevClose) {
      this.total += volume
    } else if (close < this.prevClose) {
      this.total -= volume
    }
    this.prevClose = close
    if (this.count >= this.readyAt) this.current = this.total
    return this.current
  }

  reset(): void {
    this.count = 0
    this.prevClose = NaN
    this.total = 0
    this.current = NaN
  }
}
