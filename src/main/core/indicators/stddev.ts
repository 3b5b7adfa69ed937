import { requireInteger, type StreamingIndicator } from './types'

/**
 * Rolling population standard deviation (divide by `period`, as TA-Lib's STDDEV/BBANDS and
 * Tulip's stddev/bbands). First value at bar `period - 1`.
 *
 * Keeps a running mean and sum of squared deviations (Welford's update for a sliding
 * window) instead of sum-of-squares minus squared-mean, which loses all precision for
 * prices far from zero with a small spread; both are recomputed exactly once per lap.
 * A window of identical values (a flat market) is detected and gives exactly 0: the
 * square root would otherwise turn a rounding residue of ~1e-17 into ~1e-9.
 */
export class StdDev implements StreamingIndicator {
  readonly period: number
  private readonly window: Float64Array
  private next = 0
  private count = 0
  private avg = 0
  private m2 = 0
  private last = NaN
  private run = 0
  private current = NaN

  constructor(period: number) {
    this.period = requireInteger('stddev', 'period', period, 1)
    this.window = new Float64Array(period)
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count === this.period
  }

  /** Mean of the window (the SMA); NaN until ready. */
  get mean(): number {
    return this.count === this.period ? this.avg : NaN
  }

  update(x: number): number {
    const period = this.period
    if (this.count < period) {
      const n = ++this.count
      const delta = x - this.avg
      this.avg += delta / n
      this.m2 += delta * (x - this.avg)
    } else {
      const old = this.window[this.next]
      const oldAvg = this.avg
      this.avg = oldAvg + (x - old) / period
      this.m2 += (x - old) * (x - this.avg + old - oldAvg)
    }
    this.window[this.next] = x
    this.run = x === this.last ? this.run + 1 : 1
    this.last = x
    if (this.run >= period) {
      this.avg = x
      this.m2 = 0
    }
    if (++this.next === period) {
      this.next = 0
      if (this.count === period) this.recompute()
    }
    this.current = this.count === period ? Math.sqrt(this.m2 > 0 ? this.m2 / period : 0) : NaN
    return this.current
  }

  reset(): void {
    this.window.fill(0)
    this.next = 0
    this.count = 0
    this.avg = 0
    this.m2 = 0
    this.last = NaN
    this.run = 0
    this.current = NaN
  }

  private recompute(): void {
    const w = this.window
    let s = 0
    for (let i = 0; i < w.length; i++) s += w[i]
    const mean = s / w.length
    let m2 = 0
    for (let i = 0; i < w.length; i++) {
      const d = w[i] - mean
      m2 += d * d
    }
    this.avg = mean
    this.m2 = m2
  }
}
