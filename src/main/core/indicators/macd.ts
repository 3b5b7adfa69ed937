import { Ema } from './ema'
import { Sma } from './sma'
import { resolveConvention, requireInteger, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

/**
 * Moving Average Convergence/Divergence: macd = EMA(fast) - EMA(slow), signal = EMA(signal)
 * of macd, histogram = macd - signal. If `fast > slow` the two are swapped (as TA-Lib does).
 *
 * - talib (TA_MACD): the slow EMA is seeded with the SMA of bars 0..slow-1 and the fast EMA
 *   with the SMA of the `fast` bars ending at the same bar (slow-1), so both start together;
 *   the signal EMA is seeded with the SMA of the first `signal` macd values. All three
 *   outputs start at bar slow + signal - 2. Smoothing factors are 2 / (n + 1) for every
 *   period (the fixed 0.15 / 0.075 are TA-Lib's separate MACDFIX). With an unstable period
 *   U (TA-Lib's EMA unstable period), the first U macd values are skipped before seeding the
 *   signal and the signal EMA runs U more bars: first output at slow + signal - 2 + 2U.
 * - tulip (ti_macd): every EMA is seeded with its first input; output from bar slow - 1,
 *   where the signal starts equal to macd (histogram 0). For exactly 12/26 Tulip uses the
 *   fixed factors 0.15 and 0.075 instead of 2/13 and 2/27; this is reproduced.
 */
export class Macd implements StreamingIndicator {
  readonly fastPeriod: number
  readonly slowPeriod: number
  readonly signalPeriod: number
  private readonly conv: ResolvedConvention
  private readonly fastAlpha: number
  private readonly slowAlpha: number
  private readonly seedFast: Sma
  private readonly slowEma: Ema
  private readonly signalEma: Ema
  private count = 0
  private fast = NaN
  private line = NaN
  private sig = NaN
  private hist = NaN

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9, options: ConventionOptions = {}) {
    requireInteger('macd', 'fastPeriod', fastPeriod, 1)
    requireInteger('macd', 'slowPeriod', slowPeriod, 1)
    this.signalPeriod = requireInteger('macd', 'signalPeriod', signalPeriod, 1)
    this.fastPeriod = Math.min(fastPeriod, slowPeriod)
    this.slowPeriod = Math.max(fastPeriod, slowPeriod)
    this.conv = resolveConvention('macd', options)
    const tulipFixed = this.conv.convention === 'tulip' && this.fastPeriod === 12 && this.slowPeriod === 26
    this.fastAlpha = tulipFixed ? 0.15 : 2 / (this.fastPeriod + 1)
    this.slowAlpha = tulipFixed ? 0.075 : 2 / (this.slowPeriod + 1)
    this.seedFast = new Sma(this.fastPeriod)
    const convention = this.conv.convention
    this.slowEma = new Ema(this.slowPeriod, { convention, alpha: this.slowAlpha })
    this.signalEma = new Ema(this.signalPeriod, { convention, unstablePeriod: this.conv.unstablePeriod })
  }

  /** The macd line (same as `macd`). */
  get value(): number {
    return this.line
  }

  get macd(): number {
    return this.line
  }

  get signal(): number {
    return this.sig
  }

  get histogram(): number {
    return this.hist
  }

  get ready(): boolean {
    return this.signalEma.ready
  }

  update(x: number): number {
    const n = ++this.count
    const slowStart = this.slowPeriod
    const slow = this.slowEma.update(x)
    if (this.conv.convention === 'talib') {
      if (n <= slowStart) {
        this.seedFast.update(x)
        if (n === slowStart) this.fast = this.seedFast.value
      } else {
        this.fast = (x - this.fast) * this.fastAlpha + this.fast
      }
    } else {
      this.fast = n === 1 ? x : (x - this.fast) * this.fastAlpha + this.fast
    }
    if (n < slowStart) return this.line
    const line = this.fast - slow
    // TA-Lib drops the first U macd values before seeding the signal (see class comment).
    const skip = this.conv.convention === 'talib' ? this.conv.unstablePeriod : 0
    if (n - slowStart >= skip) this.signalEma.update(line)
    if (this.signalEma.ready) {
      this.line = line
      this.sig = this.signalEma.value
      this.hist = line - this.sig
    }
    return this.line
  }

  reset(): void {
    this.seedFast.reset()
    this.slowEma.reset()
    this.signalEma.reset()
    this.count = 0
    this.fast = NaN
    this.line = NaN
    this.sig = NaN
    this.hist = NaN
  }
}
