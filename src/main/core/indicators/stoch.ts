import { Highest, Lowest } from './highest-lowest'
import { Sma } from './sma'
import { requireInteger, type StreamingIndicator } from './types'

/**
 * Slow stochastic oscillator (TA-Lib STOCH with SMA smoothing, Tulip stoch):
 * fast %K = 100 × (close - lowest low) / (highest high - lowest low) over `fastK` bars
 * (0 when the range is 0), %K = SMA(slowK) of fast %K, %D = SMA(slowD) of %K.
 * Both outputs start at bar fastK + slowK + slowD - 3 in both libraries, so there is no
 * convention option. `update` returns %K.
 */
export class Stochastic implements StreamingIndicator {
  readonly fastKPeriod: number
  readonly slowKPeriod: number
  readonly slowDPeriod: number
  private readonly highest: Highest
  private readonly lowest: Lowest
  private readonly kSma: Sma
  private readonly dSma: Sma
  private fast = NaN
  private kValue = NaN
  private dValue = NaN

  constructor(fastKPeriod = 5, slowKPeriod = 3, slowDPeriod = 3) {
    this.fastKPeriod = requireInteger('stoch', 'fastK', fastKPeriod, 1)
    this.slowKPeriod = requireInteger('stoch', 'slowK', slowKPeriod, 1)
    this.slowDPeriod = requireInteger('stoch', 'slowD', slowDPeriod, 1)
    this.highest = new Highest(fastKPeriod)
    this.lowest = new Lowest(fastKPeriod)
    this.kSma = new Sma(slowKPeriod)
    this.dSma = new Sma(slowDPeriod)
  }

  /** %K (same as `k`). */
  get value(): number {
    return this.kValue
  }

  get k(): number {
    return this.kValue
  }

  get d(): number {
    return this.dValue
  }

  /** Unsmoothed fast %K of the last bar; NaN until `fastK` bars were seen. */
  get fastK(): number {
    return this.fast
  }

  get ready(): boolean {
    return this.dSma.ready
  }

  update(high: number, low: number, close: number): number {
    const hh = this.highest.update(high)
    const ll = this.lowest.update(low)
    if (!this.highest.ready) return this.kValue
    const range = hh - ll
    this.fast = range === 0 ? 0 : (100 * (close - ll)) / range
    const k = this.kSma.update(this.fast)
    if (!this.kSma.ready) return this.kValue
    const d = this.dSma.update(k)
    if (this.dSma.ready) {
      this.kValue = k
      this.dValue = d
    }
    return this.kValue
  }

  reset(): void {
    this.highest.reset()
    this.lowest.reset()
    this.kSma.reset()
    this.dSma.reset()
    this.fast = NaN
    this.kValue = NaN
    this.dValue = NaN
  }
}
