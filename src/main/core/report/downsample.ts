/**
 * Chart series of very long runs are thinned for the report (README.md, "Statistics", "Chart
 * series"): up to `CHART_POINTS` samples are kept as they are; beyond, each bucket of
 * consecutive samples keeps its extremes, so peaks, troughs and the deepest drawdown still show.
 * Statistics are always computed on the full series, before thinning.
 */
export const CHART_POINTS = 100_000

/** A typed or plain column copied into a plain array (JSON), faster than `Array.from`. */
export function toArray(xs: ArrayLike<number>): number[] {
  const out = new Array<number>(xs.length)
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]
  return out
}

/** `xs` at the given indices. */
export function pick(xs: ArrayLike<number>, indices: Int32Array): number[] {
  const out = new Array<number>(indices.length)
  for (let i = 0; i < indices.length; i++) out[i] = xs[indices[i]]
  return out
}

/**
 * The samples of an equity curve that its chart keeps: all of them up to `limit`; else, per
 * bucket, the samples with the lowest and the highest equity and the deepest drawdown, plus the
 * first and the last sample, in time order (at most `limit` + 2 indices).
 */
export function equityChartIndices(equity: ArrayLike<number>, drawdown: ArrayLike<number>, limit = CHART_POINTS): Int32Array | null {
  const n = equity.length
  if (n <= limit) return null
  const buckets = Math.max(1, Math.floor(limit / 3))
  const size = Math.ceil(n / buckets)
  const out = new Int32Array(3 * buckets + 2)
  let k = 0
  out[k++] = 0
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size)
    let lo = start
    let hi = start
    let deep = start
    for (let i = start + 1; i < end; i++) {
      if (equity[i] < equity[lo]) lo = i
      if (equity[i] > equity[hi]) hi = i
      if (drawdown[i] < drawdown[deep]) deep = i
    }
    const a = Math.min(lo, hi, deep)
    const c = Math.max(lo, hi, deep)
    const b = lo + hi + deep - a - c
    if (a > out[k - 1]) out[k++] = a
    if (b > out[k - 1]) out[k++] = b
    if (c > out[k - 1]) out[k++] = c
  }
  if (out[k - 1] !== n - 1) out[k++] = n - 1
  return out.subarray(0, k)
}

export interface ChartPrice {
  ts: number[]
  close: number[]
  open?: number[]
  high?: number[]
  low?: number[]
}

/**
 * Price chart series: all samples up to `limit`; beyond, candles of consecutive samples (first
 * time and open, highest high, lowest low, last close) when OHLC is given, else the samples
 * with the lowest and highest close of each bucket plus the first and the last one.
 */
export function chartPrice(
  price: { ts: ArrayLike<number>; close: ArrayLike<number>; open?: ArrayLike<number>; high?: ArrayLike<number>; low?: ArrayLike<number> },
  limit = CHART_POINTS
): ChartPrice {
  const { ts, close, open, high, low } = price
  const n = ts.length
  const ohlc = open !== undefined && high !== undefined && low !== undefined
  if (n <= limit) {
    const out: ChartPrice = { ts: toArray(ts), close: toArray(close) }
    if (ohlc) {
      out.open = toArray(open)
      out.high = toArray(high)
      out.low = toArray(low)
    }
    return out
  }
  if (!ohlc) {
    const indices = closeChartIndices(close, limit)
    return { ts: pick(ts, indices), close: pick(close, indices) }
  }
  const size = Math.ceil(n / limit)
  const count = Math.ceil(n / size)
  const out = { ts: new Array<number>(count), open: new Array<number>(count), high: new Array<number>(count), low: new Array<number>(count), close: new Array<number>(count) }
  for (let b = 0; b < count; b++) {
    const start = b * size
    const end = Math.min(n, start + size)
    let h = high[start]
    let l = low[start]
    for (let i = start + 1; i < end; i++) {
      if (high[i] > h) h = high[i]
      if (low[i] < l) l = low[i]
    }
    out.ts[b] = ts[start]
    out.open[b] = open[start]
    out.high[b] = h
    out.low[b] = l
    out.close[b] = close[end - 1]
  }
  return out
}

function closeChartIndices(close: ArrayLike<number>, limit: number): Int32Array {
  const n = close.length
  const buckets = Math.max(1, Math.floor(limit / 2))
  const size = Math.ceil(n / buckets)
  const out = new Int32Array(2 * buckets + 2)
  let k = 0
  out[k++] = 0
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size)
    let lo = start
    let hi = start
    for (let i = start + 1; i < end; i++) {
      if (close[i] < close[lo]) lo = i
      if (close[i] > close[hi]) hi = i
    }
    const a = Math.min(lo, hi)
    const b = Math.max(lo, hi)
    if (a > out[k - 1]) out[k++] = a
    if (b > out[k - 1]) out[k++] = b
  }
  if (out[k - 1] !== n - 1) out[k++] = n - 1
  return out.subarray(0, k)
}
