import { resolveConvention, requireInteger, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'

/**
 * True range: max(high - low, |high - previous close|, |low - previous close|).
 *
 * - talib (TRANGE): no value for the first bar (no previous close); first value at bar 1.
 * - tulip (tr): the first bar's true range is high - low; first value at bar 0.
 */
export class TrueRange implements StreamingIndicator {
  private readonly conv: ResolvedConvention
  private readonly readyAt: number
  private count = 0
  private prevClose = NaN
  private last = NaN
  private current = NaN

  constructor(options: ConventionOptions = {}) {
    this.conv = resolveConvention('tr', options)
    this.readyAt = (this.conv.convention === 'talib' ? 2 : 1) + this.conv.unstablePeriod
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.readyAt
  }

  /** True range of the last bar even before `ready` (high - low for the first bar). */
  get raw(): number {
    return this.last
  }

  update(high: number, low: number, close: number): number {
    this.count++
    this.last = trueRange(high, low, this.prevClose)
    this.prevClose = close
    this.current = this.count >= this.readyAt ? this.last : NaN
    return this.current
  }

  reset(): void {
    this.count = 0
    this.prevClose = NaN
    this.last = NaN
    this.current = NaN
  }
}

/** True range; with no previous close (NaN) it is high - low. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low
  if (prevClose === prevClose) {
    const toHigh = Math.abs(high - prevClose)
    const toLow = Math.abs(low - prevClose)
    if (toHigh > tr) tr = toHigh
    if (toLow > tr) tr = toLow
  }
  return tr
}

/**
 * Average true range with Wilder smoothing: atr = (atr × (period - 1) + tr) / period.
 *
 * - talib: seed = simple average of the true ranges of bars 1..period; first value at bar
 *   `period`.
 * - tulip: seed = simple average of bar 0's high - low and the true ranges of bars
 *   1..period-1; first value at bar `period - 1`.
 */
export class Atr implements StreamingIndicator {
  readonly period: number
  private readonly conv: ResolvedConvention
  private readonly seedEnd: number
  private readonly readyAt: number
  private count = 0
  private prevClose = NaN
  private state = 0
  private current = NaN

  constructor(period = 14, options: ConventionOptions = {}) {
    this.period = requireInteger('atr', 'period', period, 1)
    this.conv = resolveConvention('atr', options)
    this.seedEnd = this.conv.convention === 'talib' ? period + 1 : period
    this.readyAt = this.seedEnd + this.conv.unstablePeriod
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.count >= this.readyAt
  }

  update(high: number, low: number, close: number): number {
    const n = ++this.count
    const tr = trueRange(high, low, this.prevClose)
    this.prevClose = close
    const period = this.period
    if (n <= this.seedEnd) {
      // TA-Lib has no true range for the first bar; Tulip uses high - low.
      if (n > 1 || this.conv.convention === 'tulip') this.state += tr
      if (n === this.seedEnd) this.state /= period
    } else {
      this.state = (this.state * (period - 1) + tr) / period
    }
    if (n >= this.readyAt) this.current = this.state
    return this.current
  }

  reset(): void {
    this.count = 0
    this.prevClose = NaN
    this.state = 0
    this.current = NaN
  }
}
