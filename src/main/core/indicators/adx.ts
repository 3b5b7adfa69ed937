import { trueRange } from './atr'
import { resolveConvention, requireInteger, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

/**
 * Wilder's directional movement system: +DM/-DM, +DI/-DI, DX, ADX and ADXR.
 *
 * One-bar movements: up = high - previous high, down = previous low - low; +DM = up when
 * up > 0 and up > down, -DM = down when down > 0 and down > up. On a tie (up == down > 0)
 * TA-Lib counts neither, Tulip counts both; the convention picks which.
 *
 * +DM, -DM and the true range are summed over the first `period - 1` movements, then
 * smoothed as s = s - s / period + today's value (Wilder); DI = 100 × DM / TR,
 * DX = 100 × |+DI - -DI| / (+DI + -DI), ADX = mean of the first `period` DX values, then
 * adx = (adx × (period - 1) + dx) / period; ADXR = (adx + adx `period - 1` bars ago) / 2.
 *
 * First values (bar index; never before bar 1, the first bar has no movement),
 * TA-Lib vs Tulip:
 *   +DM/-DM  period - 1         | period - 1     (the raw sum of period - 1 movements)
 *   DI, DX   period             | period - 1     (Tulip also reports the raw-sum bar)
 *   ADX      2 × period - 1     | 2 × period - 2
 *   ADXR     3 × period - 2     | 3 × period - 3
 * From bar `period` on the DM/DI/DX values are identical in both conventions.
 *
 * Degenerate bars follow TA-Lib in both conventions: DI is 0 when the smoothed true range
 * is 0; when DX is undefined (zero true range or +DI + -DI = 0) the `dx` output repeats the
 * previous DX (0 at first), the initial ADX average counts it as 0 and later ADX values are
 * left unchanged. `update` returns the ADX.
 */
export class Adx implements StreamingIndicator {
  readonly period: number
  private readonly conv: ResolvedConvention
  private readonly dmStart: number
  private readonly diStart: number
  private readonly adxStart: number
  private readonly adxrStart: number
  private readonly history: Float64Array
  private count = 0
  private prevHigh = NaN
  private prevLow = NaN
  private prevClose = NaN
  private sumPlusDM = 0
  private sumMinusDM = 0
  private sumTR = 0
  private dxSum = 0
  private adxState = NaN
  private lastDx = 0
  private out = { plusDM: NaN, minusDM: NaN, plusDI: NaN, minusDI: NaN, dx: NaN, adx: NaN, adxr: NaN }

  constructor(period = 14, options: ConventionOptions = {}) {
    this.period = requireInteger('adx', 'period', period, 1)
    this.conv = resolveConvention('adx', options)
    // Bar indices at which each output first exists (before the unstable period).
    const talib = this.conv.convention === 'talib'
    this.dmStart = Math.max(period - 1, 1)
    this.diStart = talib ? period : Math.max(period - 1, 1)
    this.adxStart = this.diStart + period - 1
    this.adxrStart = this.adxStart + period - 1
    this.history = new Float64Array(period)
  }

  get value(): number {
    return this.out.adx
  }

  get adx(): number {
    return this.out.adx
  }

  get adxr(): number {
    return this.out.adxr
  }

  get dx(): number {
    return this.out.dx
  }

  get plusDI(): number {
    return this.out.plusDI
  }

  get minusDI(): number {
    return this.out.minusDI
  }

  /** Wilder-smoothed +DM (a running sum over about `period` bars, not an average). */
  get plusDM(): number {
    return this.out.plusDM
  }

  get minusDM(): number {
    return this.out.minusDM
  }

  get ready(): boolean {
    return this.count > this.adxStart + this.conv.unstablePeriod
  }

  update(high: number, low: number, close: number): number {
    const bar = this.count++
    if (bar > 0) this.accumulate(high, low, bar)
    this.prevHigh = high
    this.prevLow = low
    this.prevClose = close
    return this.out.adx
  }

  reset(): void {
    this.count = 0
    this.prevHigh = NaN
    this.prevLow = NaN
    this.prevClose = NaN
    this.sumPlusDM = 0
    this.sumMinusDM = 0
    this.sumTR = 0
    this.dxSum = 0
    this.adxState = NaN
    this.lastDx = 0
    this.history.fill(0)
    this.out = { plusDM: NaN, minusDM: NaN, plusDI: NaN, minusDI: NaN, dx: NaN, adx: NaN, adxr: NaN }
  }

  private accumulate(high: number, low: number, bar: number): void {
    const period = this.period
    let up = high - this.prevHigh
    let down = this.prevLow - low
    if (up < 0) up = 0
    if (down < 0) down = 0
    if (up > down) down = 0
    else if (down > up) up = 0
    else if (this.conv.convention === 'talib') up = down = 0
    const tr = trueRange(high, low, this.prevClose)

    if (bar < period) {
      this.sumPlusDM += up
      this.sumMinusDM += down
      this.sumTR += tr
    } else {
      this.sumPlusDM = this.sumPlusDM - this.sumPlusDM / period + up
      this.sumMinusDM = this.sumMinusDM - this.sumMinusDM / period + down
      this.sumTR = this.sumTR - this.sumTR / period + tr
    }
    if (bar < this.dmStart) return

    const shown = this.conv.unstablePeriod
    const out = this.out
    if (bar >= this.dmStart + shown) {
      out.plusDM = this.sumPlusDM
      out.minusDM = this.sumMinusDM
    }
    if (bar < this.diStart) return

    const plusDI = this.sumTR === 0 ? 0 : (100 * this.sumPlusDM) / this.sumTR
    const minusDI = this.sumTR === 0 ? 0 : (100 * this.sumMinusDM) / this.sumTR
    const diSum = plusDI + minusDI
    const defined = this.sumTR !== 0 && diSum !== 0
    const dx = defined ? (100 * Math.abs(plusDI - minusDI)) / diSum : this.lastDx
    this.lastDx = dx
    if (bar >= this.diStart + shown) {
      out.plusDI = plusDI
      out.minusDI = minusDI
      out.dx = dx
    }

    if (bar < this.adxStart) {
      if (defined) this.dxSum += dx
      return
    }
    if (bar === this.adxStart) {
      if (defined) this.dxSum += dx
      this.adxState = this.dxSum / period
    } else if (defined) {
      this.adxState = (this.adxState * (period - 1) + dx) / period
    }
    // Ring of the last `period` ADX values; the slot being overwritten is `period` bars old,
    // so the value `period - 1` bars back sits one slot ahead.
    const slot = (bar - this.adxStart) % period
    this.history[slot] = this.adxState
    if (bar >= this.adxStart + shown) out.adx = this.adxState
    if (bar >= this.adxrStart + shown) {
      const back = period === 1 ? slot : (slot + 1) % period
      out.adxr = (this.adxState + this.history[back]) / 2
    }
  }
}
