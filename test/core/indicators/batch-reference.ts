/*
 * Straightforward whole-array implementations, written from the definitions (and the
 * libraries' documented warm-up rules) without any streaming tricks: every window is
 * re-read in full. They are the "batch" side of streaming-vs-batch.test.ts.
 */
import type { Convention } from '../../../src/main/core/indicators'

const nanArray = (n: number) => new Array<number>(n).fill(NaN)
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export function smaBatch(x: readonly number[], p: number): number[] {
  return x.map((_, i) => (i >= p - 1 ? mean(x.slice(i - p + 1, i + 1)) : NaN))
}

export function wmaBatch(x: readonly number[], p: number): number[] {
  return x.map((_, i) => {
    if (i < p - 1) return NaN
    let num = 0
    for (let w = 1; w <= p; w++) num += w * x[i - p + w]
    return num / ((p * (p + 1)) / 2)
  })
}

export function stddevBatch(x: readonly number[], p: number): number[] {
  return x.map((_, i) => {
    if (i < p - 1) return NaN
    const win = x.slice(i - p + 1, i + 1)
    const m = mean(win)
    return Math.sqrt(mean(win.map((v) => (v - m) ** 2)))
  })
}

/** EMA over `x` from index `from`, seeded per convention; NaN before the seed + unstable. */
export function emaBatch(x: readonly number[], p: number, convention: Convention, unstable = 0, alpha = 2 / (p + 1), from = 0): number[] {
  const out = nanArray(x.length)
  const seedAt = convention === 'talib' ? from + p - 1 : from
  if (seedAt >= x.length) return out
  let e = convention === 'talib' ? mean(x.slice(from, from + p)) : x[from]
  for (let i = seedAt; i < x.length; i++) {
    if (i > seedAt) e = alpha * x[i] + (1 - alpha) * e
    if (i >= seedAt + unstable) out[i] = e
  }
  return out
}

export function rsiBatch(x: readonly number[], p: number, unstable = 0): number[] {
  const out = nanArray(x.length)
  const gains = x.map((v, i) => (i === 0 ? 0 : Math.max(v - x[i - 1], 0)))
  const losses = x.map((v, i) => (i === 0 ? 0 : Math.max(x[i - 1] - v, 0)))
  if (x.length <= p) return out
  let g = mean(gains.slice(1, p + 1))
  let l = mean(losses.slice(1, p + 1))
  for (let i = p; i < x.length; i++) {
    if (i > p) {
      g = (g * (p - 1) + gains[i]) / p
      l = (l * (p - 1) + losses[i]) / p
    }
    if (i >= p + unstable) out[i] = g + l === 0 ? 0 : (100 * g) / (g + l)
  }
  return out
}

export function trBatch(h: readonly number[], l: readonly number[], c: readonly number[]): number[] {
  return h.map((_, i) => (i === 0 ? h[0] - l[0] : Math.max(h[i] - l[i], Math.abs(h[i] - c[i - 1]), Math.abs(l[i] - c[i - 1]))))
}

export function atrBatch(h: readonly number[], l: readonly number[], c: readonly number[], p: number, convention: Convention, unstable = 0): number[] {
  const tr = trBatch(h, l, c)
  const out = nanArray(h.length)
  const seedAt = convention === 'talib' ? p : p - 1
  if (seedAt >= h.length) return out
  let a = mean(tr.slice(seedAt - p + 1, seedAt + 1))
  for (let i = seedAt; i < h.length; i++) {
    if (i > seedAt) a = (a * (p - 1) + tr[i]) / p
    if (i >= seedAt + unstable) out[i] = a
  }
  return out
}

export function macdBatch(x: readonly number[], fast: number, slow: number, signal: number, convention: Convention, unstable = 0) {
  const n = x.length
  const macd = nanArray(n)
  const sig = nanArray(n)
  const hist = nanArray(n)
  let line: number[]
  if (convention === 'talib') {
    // Both EMAs seeded at bar slow - 1: fast from the `fast` bars ending there.
    const fastEma = emaBatch(x, fast, 'talib', 0, 2 / (fast + 1), slow - fast)
    const slowEma = emaBatch(x, slow, 'talib')
    line = x.map((_, i) => fastEma[i] - slowEma[i])
  } else {
    const fixed = fast === 12 && slow === 26
    const fastEma = emaBatch(x, fast, 'tulip', 0, fixed ? 0.15 : 2 / (fast + 1))
    const slowEma = emaBatch(x, slow, 'tulip', 0, fixed ? 0.075 : 2 / (slow + 1))
    line = x.map((_, i) => (i >= slow - 1 ? fastEma[i] - slowEma[i] : NaN))
  }
  const from = slow - 1 + (convention === 'talib' ? unstable : 0)
  const signalEma = emaBatch(line, signal, convention, unstable, 2 / (signal + 1), from)
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(signalEma[i])) continue
    macd[i] = line[i]
    sig[i] = signalEma[i]
    hist[i] = line[i] - signalEma[i]
  }
  return { macd, signal: sig, histogram: hist }
}

export function highestBatch(x: readonly number[], p: number): number[] {
  return x.map((_, i) => (i >= p - 1 ? Math.max(...x.slice(i - p + 1, i + 1)) : NaN))
}

export function lowestBatch(x: readonly number[], p: number): number[] {
  return x.map((_, i) => (i >= p - 1 ? Math.min(...x.slice(i - p + 1, i + 1)) : NaN))
}

export function stochBatch(h: readonly number[], l: readonly number[], c: readonly number[], fk: number, sk: number, sd: number) {
  const hh = highestBatch(h, fk)
  const ll = lowestBatch(l, fk)
  const fastK = c.map((v, i) => (i < fk - 1 ? NaN : hh[i] === ll[i] ? 0 : (100 * (v - ll[i])) / (hh[i] - ll[i])))
  const k = fastK.map((_, i) => (i >= fk - 1 + sk - 1 ? mean(fastK.slice(i - sk + 1, i + 1)) : NaN))
  const d = k.map((_, i) => (i >= fk + sk + sd - 3 ? mean(k.slice(i - sd + 1, i + 1)) : NaN))
  return { k: k.map((v, i) => (Number.isNaN(d[i]) ? NaN : v)), d }
}

export function bbandsBatch(x: readonly number[], p: number, k: number) {
  const mid = smaBatch(x, p)
  const sd = stddevBatch(x, p)
  return { middle: mid, upper: mid.map((m, i) => m + k * sd[i]), lower: mid.map((m, i) => m - k * sd[i]) }
}

export function obvBatch(c: readonly number[], v: readonly number[], convention: Convention): number[] {
  const out: number[] = []
  let total = convention === 'talib' ? v[0] : 0
  c.forEach((close, i) => {
    if (i > 0) total += close > c[i - 1] ? v[i] : close < c[i - 1] ? -v[i] : 0
    out.push(total)
  })
  return out
}

export function vwapBatch(h: readonly number[], l: readonly number[], c: readonly number[], v: readonly number[], sessionOf: (i: number) => number): number[] {
  return h.map((_, i) => {
    let pv = 0
    let vol = 0
    for (let j = i; j >= 0 && sessionOf(j) === sessionOf(i); j--) {
      pv += ((h[j] + l[j] + c[j]) / 3) * v[j]
      vol += v[j]
    }
    return vol === 0 ? NaN : pv / vol
  })
}

/** Wilder's directional system from the definitions (see Adx for the conventions). */
export function adxBatch(h: readonly number[], l: readonly number[], c: readonly number[], p: number, convention: Convention) {
  const n = h.length
  const talib = convention === 'talib'
  const plusDM1: number[] = [0]
  const minusDM1: number[] = [0]
  const tr = trBatch(h, l, c)
  for (let i = 1; i < n; i++) {
    const up = Math.max(h[i] - h[i - 1], 0)
    const down = Math.max(l[i - 1] - l[i], 0)
    const tie = up === down
    plusDM1.push(up > down || (tie && !talib) ? up : 0)
    minusDM1.push(down > up || (tie && !talib) ? down : 0)
  }
  // Wilder running sums: plain sum of bars 1..p-1, then s - s/p + today.
  const wilder = (xs: number[]) => {
    const out = nanArray(n)
    let s = 0
    for (let i = 1; i < n; i++) {
      s = i < p ? s + xs[i] : s - s / p + xs[i]
      out[i] = s
    }
    return out
  }
  const sPlus = wilder(plusDM1)
  const sMinus = wilder(minusDM1)
  const sTR = wilder(tr)
  const dmStart = Math.max(p - 1, 1)
  const diStart = talib ? p : Math.max(p - 1, 1)
  const plusDI = nanArray(n)
  const minusDI = nanArray(n)
  const dx = nanArray(n)
  const defined: boolean[] = new Array<boolean>(n).fill(false)
  let last = 0
  for (let i = diStart; i < n; i++) {
    plusDI[i] = sTR[i] === 0 ? 0 : (100 * sPlus[i]) / sTR[i]
    minusDI[i] = sTR[i] === 0 ? 0 : (100 * sMinus[i]) / sTR[i]
    defined[i] = sTR[i] !== 0 && plusDI[i] + minusDI[i] !== 0
    if (defined[i]) last = (100 * Math.abs(plusDI[i] - minusDI[i])) / (plusDI[i] + minusDI[i])
    dx[i] = last
  }
  const adxStart = diStart + p - 1
  const adx = nanArray(n)
  if (adxStart < n) {
    let a = 0
    for (let i = diStart; i <= adxStart; i++) a += defined[i] ? dx[i] : 0
    a /= p
    adx[adxStart] = a
    for (let i = adxStart + 1; i < n; i++) {
      if (defined[i]) a = (a * (p - 1) + dx[i]) / p
      adx[i] = a
    }
  }
  const adxr = adx.map((v, i) => (i >= adxStart + p - 1 ? (v + adx[i - p + 1]) / 2 : NaN))
  const dm = (s: number[]) => s.map((v, i) => (i >= dmStart ? v : NaN))
  return { adx, adxr, plusDI, minusDI, dx, plusDM: dm(sPlus), minusDM: dm(sMinus) }
}
