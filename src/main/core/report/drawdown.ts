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

/** Of an equity curve: its peak and the periods that the statistics report. */
export interface DrawdownProfile {
  /** Highest of the initial peak and every sample. */
  peak: number
  /** The deepest period (the first one on a tie); null without a drawdown. */
  deepest: DrawdownPeriod | null
  /** Duration of the longest period, peak to recovery (or to the last sample), in the units of `ts`. */
  longest: number
}

/**
 * `drawdownPeriods(drawdownSeries(equity, initialPeak))` reduced to the deepest and the longest
 * period, in one pass that stores neither the series nor the periods (a long random walk has
 * thousands). A sample is below the peak exactly when its drawdown is < 0, and under one peak
 * the drawdown never decreases with the equity: the drawdown is computed only where it can set a
 * new trough, and a sample above the trough of an open period, still below the peak, is skipped
 * with two comparisons. Same values, compared in the same order.
 */
export function drawdownProfile(equity: Float64Array, initialPeak: number, ts: Float64Array): DrawdownProfile {
  let peak = initialPeak
  let deepest: DrawdownPeriod | null = null
  let longest = 0
  let open = false
  let peakIndex = 0
  let troughIndex = 0
  // equity at the trough of the open period; Infinity when none is open
  let troughEquity = Infinity
  let depth = 0
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]
    if (e >= troughEquity && e < peak) continue
    if (e >= peak) peak = e
    if (e < peak && peak > 0) {
      if (!open) {
        open = true
        peakIndex = Math.max(0, i - 1)
        troughIndex = i
        troughEquity = e
        depth = e / peak - 1
      } else if (e < troughEquity) {
        const dd = e / peak - 1
        if (dd < depth) {
          troughIndex = i
          troughEquity = e
          depth = dd
        }
      }
    } else if (open) {
      open = false
      troughEquity = Infinity
      if (deepest === null || depth < deepest.depth) deepest = { peakIndex, troughIndex, recoveryIndex: i, depth }
      longest = Math.max(longest, ts[i] - ts[peakIndex])
    }
  }
  if (open) {
    if (deepest === null || depth < deepest.depth) deepest = { peakIndex, troughIndex, recoveryIndex: null, depth }
    longest = Math.max(longest, ts[ts.length - 1] - ts[peakIndex])
  }
  return { peak, deepest, longest }
}
