import { describe, expect, it } from 'vitest'
import {
  Adx,
  Atr,
  BollingerBands,
  Ema,
  Highest,
  Lowest,
  Macd,
  Obv,
  Rsi,
  Sma,
  StdDev,
  Stochastic,
  TrueRange,
  Vwap,
  Wma,
  type Convention
} from '../../../src/main/core/indicators'
import {
  adxBatch,
  atrBatch,
  bbandsBatch,
  emaBatch,
  highestBatch,
  lowestBatch,
  macdBatch,
  obvBatch,
  rsiBatch,
  smaBatch,
  stddevBatch,
  stochBatch,
  trBatch,
  vwapBatch,
  wmaBatch
} from './batch-reference'
import { loadDailyBars, loadMinuteBars, loadTalibReference, type Series } from './reference-data'

/*
 * Feeding values one at a time must give what a plain whole-array computation gives, on
 * real data: ORCL daily 1995-2014 (5036 bars), 30889 one-minute FESX bars of Jan-Feb 2006
 * (5736 bars with high = low, 13068 unchanged closes, 41 days) and TA-Lib's 252-bar series.
 */

const SERIES: Record<string, Series> = {
  orclDaily: loadDailyBars(),
  fesxMinute: loadMinuteBars(),
  talibRef: loadTalibReference()
}
const CONVENTIONS: readonly Convention[] = ['talib', 'tulip']

/** Same NaN positions, and values equal to 1e-9 relative (1e-9 absolute near zero). */
function expectSame(actual: readonly number[], expected: readonly number[], label: string): void {
  expect(actual.length, label).toBe(expected.length)
  // One assertion per series: the first mismatching bar, if any.
  let mismatch = ''
  for (let i = 0; i < expected.length && mismatch === ''; i++) {
    const a = actual[i]
    const e = expected[i]
    const same = Number.isNaN(e) || Number.isNaN(a) ? Number.isNaN(a) && Number.isNaN(e) : Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e))
    if (!same) mismatch = `${label} bar ${i}: streaming ${a}, batch ${e}`
  }
  expect(mismatch).toBe('')
}

/** Streams a series through `update` and reads the named getters after each bar. */
function stream<T>(s: Series, ind: T, step: (ind: T, i: number) => void, read: Record<string, (ind: T) => number>): Record<string, number[]> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(read).map((k) => [k, [] as number[]]))
  for (let i = 0; i < s.close.length; i++) {
    step(ind, i)
    for (const [k, r] of Object.entries(read)) out[k].push(r(ind))
  }
  return out
}

const closes = <T extends { update(x: number): number; value: number }>(s: Series, ind: T) =>
  stream(s, ind, (x, i) => x.update(s.close[i]), { value: (x) => x.value }).value

for (const [name, s] of Object.entries(SERIES)) {
  const { high: h, low: l, close: c, volume: v } = s

  describe(`streaming equals batch on ${name}`, () => {
    it('sma, wma, stddev, highest, lowest for periods 1, 2, 14, 50', () => {
      for (const p of [1, 2, 14, 50]) {
        expectSame(closes(s, new Sma(p)), smaBatch(c, p), `sma(${p})`)
        expectSame(closes(s, new Wma(p)), wmaBatch(c, p), `wma(${p})`)
        expectSame(closes(s, new StdDev(p)), stddevBatch(c, p), `stddev(${p})`)
        expectSame(closes(s, new Highest(p)), highestBatch(c, p), `highest(${p})`)
        expectSame(closes(s, new Lowest(p)), lowestBatch(c, p), `lowest(${p})`)
      }
    })

    it('bbands (20, 2) and (5, 1.5)', () => {
      for (const [p, k] of [
        [20, 2],
        [5, 1.5]
      ]) {
        const got = stream(s, new BollingerBands(p, k), (b, i) => b.update(c[i]), { middle: (b) => b.middle, upper: (b) => b.upper, lower: (b) => b.lower })
        const want = bbandsBatch(c, p, k)
        for (const key of ['middle', 'upper', 'lower'] as const) expectSame(got[key], want[key], `bbands(${p},${k}).${key}`)
      }
    })

    it('ema, rsi, atr, tr, obv in both conventions, with and without an unstable period', () => {
      for (const convention of CONVENTIONS) {
        for (const unstablePeriod of [0, 3]) {
          const o = { convention, unstablePeriod }
          for (const p of [1, 2, 14, 30]) {
            expectSame(closes(s, new Ema(p, o)), emaBatch(c, p, convention, unstablePeriod), `ema(${p}) ${convention} U${unstablePeriod}`)
            expectSame(closes(s, new Rsi(p, o)), rsiBatch(c, p, unstablePeriod), `rsi(${p}) U${unstablePeriod}`)
            const atr = stream(s, new Atr(p, o), (a, i) => a.update(h[i], l[i], c[i]), { value: (a) => a.value }).value
            expectSame(atr, atrBatch(h, l, c, p, convention, unstablePeriod), `atr(${p}) ${convention} U${unstablePeriod}`)
          }
        }
        const tr = stream(s, new TrueRange({ convention }), (t, i) => t.update(h[i], l[i], c[i]), { value: (t) => t.value }).value
        const trWant = trBatch(h, l, c)
        if (convention === 'talib') trWant[0] = NaN
        expectSame(tr, trWant, `tr ${convention}`)
        const obv = stream(s, new Obv({ convention }), (x, i) => x.update(c[i], v[i]), { value: (x) => x.value }).value
        expectSame(obv, obvBatch(c, v, convention), `obv ${convention}`)
      }
    })

    it('macd in both conventions (12/26/9, 5/35/5, swapped 26/12/9, unstable 2)', () => {
      for (const convention of CONVENTIONS) {
        for (const [f, sl, g, u] of [
          [12, 26, 9, 0],
          [5, 35, 5, 0],
          [26, 12, 9, 0],
          [12, 26, 9, 2]
        ]) {
          const got = stream(s, new Macd(f, sl, g, { convention, unstablePeriod: u }), (m, i) => m.update(c[i]), {
            macd: (m) => m.macd,
            signal: (m) => m.signal,
            histogram: (m) => m.histogram
          })
          const want = macdBatch(c, Math.min(f, sl), Math.max(f, sl), g, convention, u)
          for (const key of ['macd', 'signal', 'histogram'] as const) expectSame(got[key], want[key], `macd(${f},${sl},${g}) U${u} ${convention}.${key}`)
        }
      }
    })

    it('stoch (5,3,3), (14,1,3), (9,3,1)', () => {
      for (const [fk, sk, sd] of [
        [5, 3, 3],
        [14, 1, 3],
        [9, 3, 1]
      ]) {
        const got = stream(s, new Stochastic(fk, sk, sd), (x, i) => x.update(h[i], l[i], c[i]), { k: (x) => x.k, d: (x) => x.d })
        const want = stochBatch(h, l, c, fk, sk, sd)
        expectSame(got.k, want.k, `stoch(${fk},${sk},${sd}).k`)
        expectSame(got.d, want.d, `stoch(${fk},${sk},${sd}).d`)
      }
    })

    it('adx and its components in both conventions, periods 1, 2, 14', () => {
      const keys = ['adx', 'adxr', 'plusDI', 'minusDI', 'dx', 'plusDM', 'minusDM'] as const
      for (const convention of CONVENTIONS) {
        for (const p of [1, 2, 14]) {
          const got = stream(s, new Adx(p, { convention }), (a, i) => a.update(h[i], l[i], c[i]), {
            adx: (a) => a.adx,
            adxr: (a) => a.adxr,
            plusDI: (a) => a.plusDI,
            minusDI: (a) => a.minusDI,
            dx: (a) => a.dx,
            plusDM: (a) => a.plusDM,
            minusDM: (a) => a.minusDM
          })
          const want = adxBatch(h, l, c, p, convention)
          for (const key of keys) expectSame(got[key], want[key], `adx(${p}) ${convention}.${key}`)
        }
      }
    })

    it('vwap cumulative and with UTC-day sessions', () => {
      const cumulative = stream(s, new Vwap(), (x, i) => x.update(h[i], l[i], c[i], v[i]), { value: (x) => x.value }).value
      expectSame(cumulative, vwapBatch(h, l, c, v, () => 0), 'vwap')
      const DAY = 86_400_000
      const daily = stream(s, new Vwap({ sessionMs: DAY }), (x, i) => x.update(h[i], l[i], c[i], v[i], s.time[i]), { value: (x) => x.value }).value
      expectSame(daily, vwapBatch(h, l, c, v, (i) => Math.floor(s.time[i] / DAY)), 'vwap daily')
    })
  })
}
