/**
 * Drawdown at each sample: equity / running peak - 1 (0 at a new high, negative below it).
 * The running peak starts at `initialPeak` when given (the initial equity), so a loss on the
 * first bar already counts.
 */
export function drawdownSeries(equity: ArrayLike<number>, initialPeak = -Infinity): Float64Array {
  const dd = new Float64Array(equity.length)
  let peak = initialPeak
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] >= peak) peak = equity[i]
    dd[i] = peak > 0 ? equity[i] / peak - 1 : 0
  }
  return dd
}

/** A stretch below a peak: from the last sample at the peak to the first sample back at it. */
export interface DrawdownPeriod {
  /** Last sample at the peak before the fall (0 when the first sample is already below the initial peak). */
  peakIndex: number
  /** Sample with the lowest drawdown of the period (the first one on a tie). */
  troughIndex: number
  /** First sample whose equity is back at or above the peak; null if it never recovered. */
  recoveryIndex: number | null
  /** Drawdown at the trough, < 0. */
  depth: number
}

/** The drawdown periods of a drawdown series, in time order. */
export function drawdownPeriods(dd: ArrayLike<number>): DrawdownPeriod[] {
  const periods: DrawdownPeriod[] = []
  let current: DrawdownPeriod | null = null
  for (let i = 0; i < dd.length; i++) {
    if (dd[i] < 0) {
      if (current === null) {
        current = { peakIndex: Math.max(0, i - 1), troughIndex: i, recoveryIndex: null, depth: dd[i] }
        periods.push(current)
      } else if (dd[i] < current.depth) {
        current.troughIndex = i
        current.depth = dd[i]
      }
    } else if (current !== null) {
      current.recoveryIndex = i
      current = null
    }
  }
  return periods
}
