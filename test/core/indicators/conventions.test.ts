import { describe, expect, it } from 'vitest'
import { Adx, Atr, Ema, Highest, Lowest, Macd, Obv, Rsi, StdDev, Stochastic, TrueRange, Wma } from '../../../src/main/core/indicators'

/* Small series worked out by hand, one per place where the conventions (or edge rules) differ. */

const feed = (values: number[], update: (x: number) => number) => values.map((x) => update(x))

describe('convention differences, by hand', () => {
  it('EMA(3): TA-Lib seeds with the SMA of the first 3 values, Tulip with the first value', () => {
    const talib = new Ema(3)
    expect(feed([1, 2, 3, 4], (x) => talib.update(x))).toEqual([NaN, NaN, 2, 3])
    const tulip = new Ema(3, { convention: 'tulip' })
    expect(feed([1, 2, 3, 4], (x) => tulip.update(x))).toEqual([1, 1.5, 2.25, 3.125])
  })

  it('an unstable period only delays the first value', () => {
    const ema = new Ema(3, { unstablePeriod: 2 })
    expect(feed([1, 2, 3, 4, 5, 6], (x) => ema.update(x))).toEqual([NaN, NaN, NaN, NaN, 4, 5])
    expect(ema.raw).toBe(5)
  })

  it('OBV: TA-Lib starts from the first volume, Tulip from 0', () => {
    const closes = [10, 11, 11, 9]
    const volumes = [100, 200, 300, 400]
    const talib = new Obv()
    expect(closes.map((c, i) => talib.update(c, volumes[i]))).toEqual([100, 300, 300, -100])
    const tulip = new Obv({ convention: 'tulip' })
    expect(closes.map((c, i) => tulip.update(c, volumes[i]))).toEqual([0, 200, 200, -200])
  })

  const hlc: [number, number, number][] = [
    [10, 8, 9],
    [12, 9, 11],
    [11, 10, 10.5]
  ]

  it('TR: TA-Lib has none for the first bar, Tulip uses high - low', () => {
    const talib = new TrueRange()
    expect(hlc.map(([h, l, c]) => talib.update(h, l, c))).toEqual([NaN, 3, 1])
    expect(talib.raw).toBe(1)
    const tulip = new TrueRange({ convention: 'tulip' })
    expect(hlc.map(([h, l, c]) => tulip.update(h, l, c))).toEqual([2, 3, 1])
  })

  it('ATR(2): TA-Lib averages TR of bars 1..2, Tulip of bars 0..1, then Wilder', () => {
    const talib = new Atr(2)
    expect(hlc.map(([h, l, c]) => talib.update(h, l, c))).toEqual([NaN, NaN, 2])
    const tulip = new Atr(2, { convention: 'tulip' })
    expect(hlc.map(([h, l, c]) => tulip.update(h, l, c))).toEqual([NaN, 2.5, 1.75])
  })

  it('DM on a tie (up move = down move): TA-Lib counts neither, Tulip both', () => {
    const talib = new Adx(1)
    talib.update(10, 8, 9)
    talib.update(11, 7, 9)
    expect([talib.plusDM, talib.minusDM]).toEqual([0, 0])
    const tulip = new Adx(1, { convention: 'tulip' })
    tulip.update(10, 8, 9)
    tulip.update(11, 7, 9)
    expect([tulip.plusDM, tulip.minusDM]).toEqual([1, 1])
  })

  it('ADX(2): DI, DX and ADX one bar earlier under Tulip', () => {
    // Bars: up 2 (bar 1), down 1 (bar 2), flat (bar 3 repeats bar 2).
    const bars: [number, number, number][] = [
      [10, 9, 9.5],
      [12, 10, 11],
      [11, 9, 10],
      [11, 9, 10]
    ]
    const talib = new Adx(2)
    const tulip = new Adx(2, { convention: 'tulip' })
    const rows = bars.map(([h, l, c]) => [talib.update(h, l, c), talib.dx, tulip.update(h, l, c), tulip.dx])
    // Tulip bar 1: +DM = 2, -DM = 0 (raw sums of 1 movement) -> DX 100.
    expect(rows[1][3]).toBe(100)
    expect(rows[1][1]).toBeNaN()
    // Bar 2: +DM = 2 - 1 + 0 = 1, -DM = 0 - 0 + 1 = 1 -> DX 0 in both; Tulip's ADX = (100 + 0) / 2.
    expect([rows[2][1], rows[2][3], rows[2][2]]).toEqual([0, 0, 50])
    // Bar 3: +DM = 0.5, -DM = 0.5 -> DX 0; TA-Lib's first ADX = (0 + 0) / 2, Tulip (50 + 0) / 2.
    expect([rows[3][0], rows[3][2]]).toEqual([0, 25])
  })

  it('an undefined DX (no movement at all) repeats the last DX and leaves the ADX unchanged', () => {
    const adx = new Adx(1)
    adx.update(10, 9, 9.5)
    expect([adx.update(10, 9, 9.5), adx.dx]).toEqual([0, 0])
    expect([adx.update(11, 9, 10), adx.dx]).toEqual([100, 100])
    expect([adx.update(11, 9, 10), adx.dx, adx.plusDI, adx.minusDI]).toEqual([100, 100, 0, 0])
  })

  it('RSI of a flat window is 0 (TA-Lib), in both conventions', () => {
    for (const convention of ['talib', 'tulip'] as const) {
      const rsi = new Rsi(2, { convention })
      expect(feed([5, 5, 5, 6], (x) => rsi.update(x))).toEqual([NaN, NaN, 0, 100])
    }
  })
})

describe('window edge cases, by hand', () => {
  it('StdDev is the population deviation and exactly 0 on a flat window', () => {
    const sd = new StdDev(3)
    expect(feed([1, 2, 3, 4], (x) => sd.update(x))).toEqual([NaN, NaN, Math.sqrt(2 / 3), Math.sqrt(2 / 3)])
    const flat = new StdDev(3)
    expect(feed([3600.1, 3600.3, 3600.1, 3600.1, 3600.1, 3600.1], (x) => flat.update(x)).slice(4)).toEqual([0, 0])
    expect(flat.mean).toBe(3600.1)
  })

  it('WMA weights the newest value most', () => {
    const wma = new Wma(3)
    expect(feed([1, 2, 3, 4], (x) => wma.update(x))).toEqual([NaN, NaN, 14 / 6, 20 / 6])
  })

  it('Highest / Lowest slide over the window', () => {
    const hi = new Highest(3)
    const lo = new Lowest(3)
    const xs = [1, 3, 2, 1, 0, 5, 5, 4]
    expect(feed(xs, (x) => hi.update(x))).toEqual([NaN, NaN, 3, 3, 2, 5, 5, 5])
    expect(feed(xs, (x) => lo.update(x))).toEqual([NaN, NaN, 1, 1, 0, 0, 0, 4])
  })

  it('Stochastic fast %K is 0 when the range is 0', () => {
    const st = new Stochastic(2, 1, 1)
    st.update(5, 5, 5)
    expect(st.update(5, 5, 5)).toBe(0)
    expect(st.update(6, 4, 6)).toBe(100)
  })

  it('MACD swaps fast and slow when given in the wrong order', () => {
    const a = new Macd(3, 5, 2)
    const b = new Macd(5, 3, 2)
    const xs = [1, 2, 4, 3, 5, 6, 5, 7]
    expect(feed(xs, (x) => b.update(x))).toEqual(feed(xs, (x) => a.update(x)))
    expect([b.fastPeriod, b.slowPeriod]).toEqual([3, 5])
  })
})
