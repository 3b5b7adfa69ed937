import { StdDev } from './stddev'
import { requireFinite, requireInteger, type StreamingIndicator } from './types'

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle ± multiplier × population
 * standard deviation of the same window (TA-Lib BBANDS with MA type SMA, Tulip bbands).
 * First value at bar `period - 1`. `update` returns the middle band.
 */
export class BollingerBands implements StreamingIndicator {
  readonly period: number
  readonly multiplier: number
  private readonly sd: StdDev
  private mid = NaN
  private up = NaN
  private low = NaN

  constructor(period = 20, multiplier = 2) {
    this.period = requireInteger('bbands', 'period', period, 1)
    this.multiplier = requireFinite('bbands', 'multiplier', multiplier, 0)
    this.sd = new StdDev(period)
  }

  get value(): number {
    return this.mid
  }

  get middle(): number {
    return this.mid
  }

  get upper(): number {
    return this.up
  }

  get lower(): number {
    return this.low
  }

  /** The standard deviation the bands were drawn with. */
  get stddev(): number {
    return this.sd.value
  }

  get ready(): boolean {
    return this.sd.ready
  }

  update(x: number): number {
    const sd = this.sd.update(x)
    this.mid = this.sd.mean
    const width = this.multiplier * sd
    this.up = this.mid + width
    this.low = this.mid - width
    return this.mid
  }

  reset(): void {
    this.sd.reset()
    this.mid = NaN
    this.up = NaN
    this.low = NaN
  }
}
