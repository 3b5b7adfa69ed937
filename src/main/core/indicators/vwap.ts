import { IndicatorError } from './errors'
import { requireFinite, requireInteger, type StreamingIndicator } from './types'

export interface VwapOptions {
  /**
   * Session length in ms. When > 0, the sums restart whenever a bar's time falls into a new
   * session, i.e. when floor((time - sessionOffsetMs) / sessionMs) changes: 86_400_000 gives
   * UTC-day sessions. 0 (default) = one cumulative VWAP from the first bar.
   */
  readonly sessionMs?: number
  /** Where sessions start, in ms after the epoch-aligned boundary (e.g. 13.5 h for 13:30 UTC). */
  readonly sessionOffsetMs?: number
}

/**
 * Volume-weighted average price of the typical price (high + low + close) / 3, cumulative
 * since the first bar or since the start of the current session. NaN while the session's
 * volume is still 0.
 */
export class Vwap implements StreamingIndicator {
  readonly sessionMs: number
  readonly sessionOffsetMs: number
  private session = NaN
  private sumPV = 0
  private sumV = 0
  private current = NaN

  constructor(options: VwapOptions = {}) {
    this.sessionMs = requireInteger('vwap', 'sessionMs', options.sessionMs ?? 0, 0)
    this.sessionOffsetMs = requireFinite('vwap', 'sessionOffsetMs', options.sessionOffsetMs ?? 0)
  }

  get value(): number {
    return this.current
  }

  get ready(): boolean {
    return this.current === this.current
  }

  /** `time` (ms since the epoch, UTC) is required only when sessions are configured. */
  update(high: number, low: number, close: number, volume: number, time?: number): number {
    if (this.sessionMs > 0) {
      if (time === undefined || !Number.isFinite(time)) {
        throw new IndicatorError('bad-input', 'vwap', 'time', `a finite bar time is required when sessionMs is set, got ${String(time)}`)
      }
      const session = Math.floor((time - this.sessionOffsetMs) / this.sessionMs)
      if (session !== this.session) {
        this.session = session
        this.sumPV = 0
        this.sumV = 0
      }
    }
    const typical = (high + low + close) / 3
    const pv = typical * volume
    this.sumPV += pv
    this.sumV += volume
    this.current = this.sumV === 0 ? NaN : this.sumPV / this.sumV
    return this.current
  }

  reset(): void {
    this.session = NaN
    this.sumPV = 0
    this.sumV = 0
    this.current = NaN
  }
}
