import { drawdownSeries } from './drawdown'

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

export interface EquityChart {
  ts: number[]
  equity: number[]
  drawdown: number[]
}

/** The drawdown of equity `e` under running peak `peak`, as drawdownSeries computes it. */
function drawdownAt(e: number, peak: number): number {
  return peak > 0 ? e / peak - 1 : 0
}

/**
 * Chart series of an equity curve and its drawdown, `drawdownSeries(equity, initialPeak)`: every
 * sample up to `limit`; else, per bucket, the samples with the lowest and the highest equity and
 * the deepest drawdown, plus the first and the last sample, in time order (at most `limit` + 2).
 * Beyond the limit the drawdown is computed on the way, not stored (8 MB per million samples).
 */
export function equityChart(ts: Float64Array, equity: Float64Array, initialPeak: number, limit = CHART_POINTS): EquityChart {
  const n = equity.length
  if (n <= limit) return { ts: toArray(ts), equity: toArray(equity), drawdown: toArray(drawdownSeries(equity, initialPeak)) }
  const buckets = Math.max(1, Math.floor(limit / 3))
  const size = Math.ceil(n / buckets)
  const kept = new Int32Array(3 * buckets + 2)
  const keptDrawdown = new Float64Array(kept.length)
  let k = 0
  const keep = (i: number, dd: number): void => {
    if (k > 0 && i <= kept[k - 1]) return
    kept[k] = i
    keptDrawdown[k++] = dd
  }
  let peak = initialPeak
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size)
    let e = equity[start]
    if (e >= peak) peak = e
    let lo = start
    let hi = start
    let deep = start
    let loEquity = e
    let hiEquity = e
    let loDd = drawdownAt(e, peak)
    let hiDd = loDd
    let deepDd = loDd
    if (start === 0) keep(0, loDd)
    let i = start + 1
    // While the peak stays, the drawdown never decreases with the equity: only a new lowest
    // equity can be a new deepest drawdown, and the drawdown is needed only where one is kept.
    for (; i < end; i++) {
      e = equity[i]
      if (e >= peak) break
      if (e < loEquity) {
        lo = i
        loEquity = e
        loDd = drawdownAt(e, peak)
        if (loDd < deepDd) {
          deep = i
          deepDd = loDd
        }
      } else if (e > hiEquity) {
        hi = i
        hiEquity = e
        hiDd = drawdownAt(e, peak)
      }
    }
    for (; i < end; i++) {
      e = equity[i]
      if (e >= peak) peak = e
      const dd = drawdownAt(e, peak)
      if (e < loEquity) {
        lo = i
        loEquity = e
        loDd = dd
      }
      if (e > hiEquity) {
        hi = i
        hiEquity = e
        hiDd = dd
      }
      if (dd < deepDd) {
        deep = i
        deepDd = dd
      }
    }
    const a = Math.min(lo, hi, deep)
    const c = Math.max(lo, hi, deep)
    const b = lo + hi + deep - a - c
    keep(a, a === lo ? loDd : a === hi ? hiDd : deepDd)
    keep(b, b === lo ? loDd : b === hi ? hiDd : deepDd)
    keep(c, c === lo ? loDd : c === hi ? hiDd : deepDd)
  }
  keep(n - 1, drawdownAt(equity[n - 1], peak))
  const indices = kept.subarray(0, k)
  return { ts: pick(ts, indices), equity: pick(equity, indices), drawdown: toArray(keptDrawdown.subarray(0, k)) }
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
  // Highest high and lowest low through a two-slot array, the comparison choosing the slot: a
  // branch per new extreme mispredicts on a random walk and took twice as long.
  const pair = new Float64Array(2)
  for (let b = 0; b < count; b++) {
    const start = b * size
    const end = Math.min(n, start + size)
    let h = high[start]
    let l = low[start]
    for (let i = start + 1; i < end; i++) {
      pair[0] = h
      pair[1] = high[i]
      h = pair[+(high[i] > h)]
      pair[0] = l
      pair[1] = low[i]
      l = pair[+(low[i] < l)]
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
