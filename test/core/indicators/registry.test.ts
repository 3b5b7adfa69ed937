import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  Adx,
  Atr,
  BollingerBands,
  Ema,
  Highest,
  INDICATORS,
  IndicatorError,
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
  createIndicator,
  describeIndicator,
  type ConventionOptions,
  type IndicatorBar,
  type StreamingIndicator
} from '../../../src/main/core/indicators'
import { loadMinuteBars, loadTalibReference } from './reference-data'

const series = loadTalibReference()
const bars: IndicatorBar[] = series.close.map((close, i) => ({
  open: series.open[i],
  high: series.high[i],
  low: series.low[i],
  close,
  volume: series.volume[i],
  time: series.time[i]
}))

const defaults = (name: string) => Object.fromEntries(describeIndicator(name).params.map((p) => [p.name, p.default]))

function caught(fn: () => unknown): IndicatorError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(IndicatorError)
    return e as IndicatorError
  }
  throw new Error('expected an IndicatorError')
}

describe('indicator registry', () => {
  it('lists the 15 indicators with consistent params and outputs', () => {
    expect(INDICATORS.map((d) => d.name)).toEqual(['sma', 'ema', 'wma', 'rsi', 'tr', 'atr', 'stddev', 'bbands', 'macd', 'stoch', 'adx', 'obv', 'vwap', 'highest', 'lowest'])
    for (const d of INDICATORS) {
      expect(d.outputs.length, d.name).toBeGreaterThan(0)
      for (const p of d.params) {
        expect(p.default, `${d.name}.${p.name}`).toBeGreaterThanOrEqual(p.min)
        if (p.integer) expect(Number.isInteger(p.default), `${d.name}.${p.name}`).toBe(true)
      }
    }
  })

  const optionSets: ConventionOptions[] = [{}, { convention: 'tulip' }, { convention: 'talib', unstablePeriod: 2 }, { convention: 'tulip', unstablePeriod: 3 }]

  for (const d of INDICATORS) {
    it(`${d.name}: outputs named as described, ready exactly at the described warm-up`, () => {
      const paramSets = [defaults(d.name), ...(d.params.some((p) => p.name === 'period') ? [{ ...defaults(d.name), period: 3 }] : [])]
      for (const params of paramSets) {
        for (const options of optionSets) {
          const ind = createIndicator(d.name, params, options)
          expect(ind.outputs).toEqual(d.outputs.map((o) => o.name))
          const warmup = d.warmup(params, options)
          bars.forEach((bar, i) => {
            const out = ind.update(bar)
            expect(Object.keys(out), d.name).toEqual(ind.outputs)
            expect(ind.ready, `${d.name} ${JSON.stringify(params)} ${JSON.stringify(options)} bar ${i}`).toBe(i >= warmup)
            // The primary output is a number exactly when ready (adxr comes later by design).
            expect(Number.isNaN(out[ind.outputs[0]]), `${d.name} primary at bar ${i}`).toBe(i < warmup)
          })
        }
      }
    })
  }

  it('gives the same numbers as the classes it wraps', () => {
    const pairs: [string, Record<string, number>, ConventionOptions, StreamingIndicator, (b: IndicatorBar) => Record<string, number>][] = []
    const ema = new Ema(10, { convention: 'tulip' })
    pairs.push(['ema', { period: 10 }, { convention: 'tulip' }, ema, (b) => ({ ema: ema.update(b.close) })])
    const macd = new Macd(8, 21, 5)
    pairs.push(['macd', { fast: 8, slow: 21, signal: 5 }, {}, macd, (b) => (macd.update(b.close), { macd: macd.macd, signal: macd.signal, histogram: macd.histogram })])
    const adx = new Adx(10, { convention: 'tulip' })
    pairs.push([
      'adx',
      { period: 10 },
      { convention: 'tulip' },
      adx,
      (b) => (
        adx.update(b.high, b.low, b.close),
        { adx: adx.adx, adxr: adx.adxr, plusDI: adx.plusDI, minusDI: adx.minusDI, dx: adx.dx, plusDM: adx.plusDM, minusDM: adx.minusDM }
      )
    ])
    const bb = new BollingerBands(10, 1.5)
    pairs.push(['bbands', { period: 10, multiplier: 1.5 }, {}, bb, (b) => (bb.update(b.close), { middle: bb.middle, upper: bb.upper, lower: bb.lower })])
    const st = new Stochastic(14, 3, 5)
    pairs.push(['stoch', { fastK: 14, slowK: 3, slowD: 5 }, {}, st, (b) => (st.update(b.high, b.low, b.close), { k: st.k, d: st.d })])
    for (const [name, params, options, , step] of pairs) {
      const ind = createIndicator(name, params, options)
      for (const bar of bars) expect(ind.update(bar)).toEqual(step(bar))
    }
  })

  it('reset() restores the initial state of every indicator', () => {
    for (const d of INDICATORS) {
      for (const options of [{}, { convention: 'tulip' as const }]) {
        const ind = createIndicator(d.name, { ...defaults(d.name), ...(d.name === 'vwap' ? { sessionMs: 7 * 86_400_000 } : {}) }, options)
        const first = bars.map((b) => ind.update(b))
        ind.reset()
        expect(ind.ready, d.name).toBe(false)
        expect(bars.map((b) => ind.update(b)), d.name).toEqual(first)
      }
    }
  })

  it('rejects unknown names, unknown or invalid params and bad bars with typed errors', () => {
    let e = caught(() => createIndicator('kama'))
    expect([e.kind, e.indicator]).toEqual(['unknown-indicator', 'kama'])
    expect(e.message).toContain('known: sma, ema')

    e = caught(() => createIndicator('sma', { length: 5 }))
    expect([e.kind, e.indicator, e.field]).toEqual(['bad-param', 'sma', 'length'])
    expect(e.message).toContain('accepted: period')
    e = caught(() => createIndicator('obv', { period: 5 }))
    expect([e.kind, e.field]).toEqual(['bad-param', 'period'])
    for (const bad of [0, 2.5, NaN, Infinity, -3]) {
      e = caught(() => createIndicator('rsi', { period: bad }))
      expect([e.kind, e.indicator, e.field]).toEqual(['bad-param', 'rsi', 'period'])
    }
    e = caught(() => createIndicator('bbands', { multiplier: -1 }))
    expect([e.kind, e.field]).toEqual(['bad-param', 'multiplier'])
    e = caught(() => createIndicator('ema', {}, { convention: 'metastock' as never }))
    expect([e.kind, e.field]).toEqual(['bad-param', 'convention'])
    e = caught(() => createIndicator('ema', {}, { unstablePeriod: -1 }))
    expect([e.kind, e.field]).toEqual(['bad-param', 'unstablePeriod'])

    const atr = createIndicator('atr')
    e = caught(() => atr.update({ ...bars[0], high: NaN }))
    expect([e.kind, e.indicator, e.field]).toEqual(['bad-input', 'atr', 'high'])
    // Fields an indicator does not read are not checked.
    expect(() => atr.update({ ...bars[0], volume: NaN, open: NaN })).not.toThrow()
    e = caught(() => createIndicator('obv').update({ ...bars[0], volume: -5 }))
    expect([e.kind, e.field]).toEqual(['bad-input', 'volume'])
    e = caught(() => createIndicator('vwap', { sessionMs: 86_400_000 }).update({ ...bars[0], time: undefined }))
    expect([e.kind, e.indicator, e.field]).toEqual(['bad-input', 'vwap', 'time'])
  })

  it('validates class constructor parameters too', () => {
    const cases: [() => unknown, string, string][] = [
      [() => new Sma(0), 'sma', 'period'],
      [() => new Wma(1.5), 'wma', 'period'],
      [() => new StdDev(-1), 'stddev', 'period'],
      [() => new Ema(3, { unstablePeriod: 0.5 }), 'ema', 'unstablePeriod'],
      [() => new Ema(3, { alpha: 1.5 }), 'ema', 'alpha'],
      [() => new Rsi(0), 'rsi', 'period'],
      [() => new Atr(NaN), 'atr', 'period'],
      [() => new TrueRange({ convention: 'x' as never }), 'tr', 'convention'],
      [() => new BollingerBands(20, NaN), 'bbands', 'multiplier'],
      [() => new Macd(12, 26, 0), 'macd', 'signalPeriod'],
      [() => new Stochastic(5, 0, 3), 'stoch', 'slowK'],
      [() => new Adx(0), 'adx', 'period'],
      [() => new Obv({ unstablePeriod: -2 }), 'obv', 'unstablePeriod'],
      [() => new Vwap({ sessionMs: -1 }), 'vwap', 'sessionMs'],
      [() => new Highest(0), 'highest', 'period'],
      [() => new Lowest(0.5), 'lowest', 'period']
    ]
    for (const [make, indicator, field] of cases) {
      const e = caught(make)
      expect([e.kind, e.indicator, e.field]).toEqual(['bad-param', indicator, field])
    }
  })
})

describe('vwap sessions on one-minute bars', () => {
  it('restarts at each UTC day and equals a fresh VWAP started at the first bar of that day', () => {
    const m = loadMinuteBars()
    const DAY = 86_400_000
    const daily = createIndicator('vwap', { sessionMs: DAY })
    let fresh = new Vwap()
    let sessions = 0
    m.close.forEach((c, i) => {
      if (i === 0 || Math.floor(m.time[i] / DAY) !== Math.floor(m.time[i - 1] / DAY)) {
        fresh = new Vwap()
        sessions++
      }
      const bar = { open: m.open[i], high: m.high[i], low: m.low[i], close: c, volume: m.volume[i], time: m.time[i] }
      expect(daily.update(bar).vwap).toBe(fresh.update(m.high[i], m.low[i], c, m.volume[i]))
    })
    expect(sessions).toBe(41)
  })

  it('shifts the boundary with sessionOffsetMs and reports NaN while the session has no volume', () => {
    const HOUR = 3_600_000
    const vwap = new Vwap({ sessionMs: 24 * HOUR, sessionOffsetMs: 13.5 * HOUR })
    const t0 = Date.UTC(2024, 0, 2, 13, 0)
    expect(vwap.update(11, 9, 10, 100, t0)).toBe(10)
    // 13:30 UTC starts a new session; a zero-volume bar there has no VWAP yet.
    expect(vwap.update(21, 19, 20, 0, t0 + 30 * 60_000)).toBeNaN()
    expect(vwap.ready).toBe(false)
    expect(vwap.update(31, 29, 30, 50, t0 + 31 * 60_000)).toBe(30)
    expect(vwap.update(41, 39, 40, 150, t0 + 32 * 60_000)).toBe((30 * 50 + 40 * 150) / 200)
  })
})

describe('README', () => {
  it('documents every registry indicator', () => {
    const here = path.dirname(fileURLToPath(import.meta.url))
    const readme = readFileSync(path.resolve(here, '../../../src/main/core/indicators/README.md'), 'utf8')
    for (const d of INDICATORS) expect(readme, d.name).toContain(`| \`${d.name}\``)
  })
})
