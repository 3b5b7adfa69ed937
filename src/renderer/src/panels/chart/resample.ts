import type { BarColumns } from '../../state/app-state'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** "15m" → 900000; null when the text is not a timeframe. */
export function timeframeMs(tf: string): number | null {
  const m = /^(\d+)([smhdw])$/.exec(tf.trim())
  if (!m) return null
  const n = Number(m[1])
  return n > 0 ? n * UNIT_MS[m[2]] : null
}

const CHOICES = ['1s', '5s', '15s', '1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']

/** The source timeframe and every larger standard timeframe it divides evenly. */
export function timeframeChoices(source: string): string[] {
  const base = timeframeMs(source)
  if (base === null) return [source]
  const out = [source]
  for (const tf of CHOICES) {
    const ms = timeframeMs(tf)!
    if (ms > base && ms % base === 0) out.push(tf)
  }
  return out
}

/**
 * Groups bars into buckets of `tfMs` starting at multiples of `tfMs` since the epoch (UTC):
 * open of the first, highest high, lowest low, close of the last, summed volume. Weekly buckets
 * therefore start on Thursdays (the epoch's weekday), which is stated next to the switch.
 */
export function resample(bars: BarColumns, tfMs: number): BarColumns {
  const out: BarColumns = { symbol: bars.symbol, timeframe: '', ts: [], open: [], high: [], low: [], close: [], volume: [], version: bars.version }
  let bucket = NaN
  for (let i = 0; i < bars.ts.length; i++) {
    const b = Math.floor(bars.ts[i] / tfMs) * tfMs
    if (b !== bucket) {
      bucket = b
      out.ts.push(b)
      out.open.push(bars.open[i])
      out.high.push(bars.high[i])
      out.low.push(bars.low[i])
      out.close.push(bars.close[i])
      out.volume.push(bars.volume[i])
    } else {
      const k = out.ts.length - 1
      if (bars.high[i] > out.high[k]) out.high[k] = bars.high[i]
      if (bars.low[i] < out.low[k]) out.low[k] = bars.low[i]
      out.close[k] = bars.close[i]
      out.volume[k] += bars.volume[i]
    }
  }
  return out
}

/** Simple moving average of closes; null until `period` values are in. */
export function sma(values: readonly number[], period: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length).fill(null)
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    sum += values[i]
    if (i >= period) sum -= values[i - period]
    if (i >= period - 1) out[i] = sum / period
  }
  return out
}

/** Index of the last bar whose open time is <= t (binary search); -1 before the first bar. */
export function barIndexAt(ts: readonly number[], t: number): number {
  let lo = 0
  let hi = ts.length - 1
  let ans = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (ts[mid] <= t) {
      ans = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return ans
}
