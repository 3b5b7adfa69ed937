import { describe, expect, it } from 'vitest'
import { drawdownPeriods, drawdownProfile, drawdownSeries } from '../../../src/main/core/report/drawdown'
import { computeStatistics, inferPeriodsPerYear } from '../../../src/main/core/report/statistics'
import { ReportInputError, type EquityCurve, type Trade } from '../../../src/main/core/report/types'
import { readBacktestingPyCsv, readBacktraderIntradayTimes } from './shared-data'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1) // a Monday

function daily(equity: number[], start = T0): EquityCurve {
  return { ts: Float64Array.from(equity, (_, i) => start + i * DAY), equity: Float64Array.from(equity) }
}

/** JSON.stringify would silently turn NaN and Infinity into null: check the values themselves. */
function allFiniteOrNull(o: object): boolean {
  return Object.values(o).every((v) => typeof v !== 'number' || Number.isFinite(v))
}

function trade(pnl: number, returnPct: number, durationDays: number, entryDay = 0): Trade {
  return {
    symbol: 'X', side: 'long', entryTs: T0 + entryDay * DAY, entryPrice: 100, exitTs: T0 + (entryDay + durationDays) * DAY,
    exitPrice: 100, amount: 1, pnl, grossPnl: pnl, fees: 0, returnPct, durationMs: durationDays * DAY
  }
}

describe('drawdown', () => {
  it('is equity over the running peak minus 1, the peak starting at the initial equity', () => {
    const dd = drawdownSeries([95, 100, 98, 110], 100)
    expect(Array.from(dd)).toEqual([95 / 100 - 1, 0, 98 / 100 - 1, 0])
    expect(drawdownPeriods(dd)).toEqual([
      { peakIndex: 0, troughIndex: 0, recoveryIndex: 1, depth: 95 / 100 - 1 },
      { peakIndex: 1, troughIndex: 2, recoveryIndex: 3, depth: 98 / 100 - 1 }
    ])
  })

  it('leaves a period that never recovers open', () => {
    const dd = drawdownSeries([100, 120, 90, 100])
    expect(drawdownPeriods(dd)).toEqual([{ peakIndex: 1, troughIndex: 2, recoveryIndex: null, depth: -0.25 }])
  })

  it('profile: the peak, the deepest period and the longest one, without storing the series', () => {
    const ts = Float64Array.from({ length: 10 }, (_, d) => T0 + d * DAY)
    // 110 (day 1) -> 99 -> back on day 5; 120 (5) -> 96 -> back on 7; 120 (7) -> 114 -> back on 9
    expect(drawdownProfile(Float64Array.from([100, 110, 99, 105, 108, 120, 96, 120, 114, 126]), 100, ts)).toEqual({
      peak: 126,
      deepest: { peakIndex: 5, troughIndex: 6, recoveryIndex: 7, depth: 96 / 120 - 1 },
      longest: 4 * DAY
    })
    // 120 (day 1) -> 90, never back: lasts to the last sample (day 3)
    expect(drawdownProfile(Float64Array.from([100, 120, 90, 100]), 100, ts.subarray(0, 4))).toEqual({
      peak: 120,
      deepest: { peakIndex: 1, troughIndex: 2, recoveryIndex: null, depth: -0.25 },
      longest: 2 * DAY
    })
  })

  it('profile: of two equities whose drawdowns round to the same number, the first is the trough', () => {
    const [e1, e2] = [100.00000000000004, 100.00000000000003]
    expect(e2).toBeLessThan(e1)
    expect(e2 / 199.99 - 1).toBe(e1 / 199.99 - 1)
    const p = drawdownProfile(Float64Array.from([199.99, e1, 150, e2]), 199.99, Float64Array.from([0, 1, 2, 3]))
    expect(p.deepest).toEqual({ peakIndex: 0, troughIndex: 1, recoveryIndex: null, depth: e1 / 199.99 - 1 })
  })
})

describe('computeStatistics on a 10-day equity curve', () => {
  // Equity at 10 daily closes, 2024-01-01 (Mon) .. 2024-01-10, initial equity 100:
  //   100, 110, 99, 105, 108, 120, 96, 120, 114, 126
  // Returns r_i = E_i / E_{i-1} - 1:
  //   0.1, -0.1, 6/99, 3/105, 12/108, -0.2, 0.25, -0.05, 12/114
  //   sum = 0.305551758183337, mean = 0.0339501953537041
  //   sum of squared deviations = 0.142541890654124, sample variance (/8) = 0.0178177363317655
  //   sample std = 0.133483093805041
  // 2 of 10 samples fall on Sat/Sun (0.2 > 0.6 * 2/7), so periods per year = 365.
  //   volatility = 0.133483093805041 * sqrt(365) = 2.55019092640029
  //   Sharpe = 0.0339501953537041 / 0.133483093805041 * sqrt(365) = 4.85917394490678
  //   downside: squares of the negative returns 0.01 + 0.04 + 0.0025 = 0.0525, / 9 -> sqrt = 0.0763762615825973
  //   Sortino = 0.0339501953537041 / 0.0763762615825973 * sqrt(365) = 8.49239748140272
  // Drawdowns: 110 (day 1) -> 99 (-10%) -> back to 120 on day 5: 4 days;
  //   120 (day 5) -> 96 (-20%) -> 120 on day 7: 2 days; 120 (day 7) -> 114 (-5%) -> 126 on day 9: 2 days.
  //   Max drawdown -0.2 (peak day 5, trough day 6, recovery day 7); longest drawdown 4 days.
  // Total return 126/100 - 1 = 0.26; CAGR = 1.26^(365.25/9) - 1 = 11839.5340038497; Calmar = CAGR / 0.2.
  const equity = [100, 110, 99, 105, 108, 120, 96, 120, 114, 126]
  const s = computeStatistics({ equity: daily(equity), initialEquity: 100, trades: [] })

  it('return, CAGR and drawdown', () => {
    expect(s.totalReturn).toBeCloseTo(0.26, 14)
    expect(s.cagr! / 11839.5340038497 - 1).toBeCloseTo(0, 11)
    expect(s.maxDrawdown).toBeCloseTo(-0.2, 14)
    expect(s.maxDrawdownPeakTs).toBe(T0 + 5 * DAY)
    expect(s.maxDrawdownTroughTs).toBe(T0 + 6 * DAY)
    expect(s.maxDrawdownRecoveryTs).toBe(T0 + 7 * DAY)
    expect(s.maxDrawdownDurationMs).toBe(4 * DAY)
    expect(s.maxDrawdownDurationDays).toBe(4)
    expect(s.peakEquity).toBe(126)
    expect(s.durationMs).toBe(9 * DAY)
  })

  it('volatility, Sharpe, Sortino, Calmar', () => {
    expect(s.periodsPerYear).toBe(365)
    expect(s.periodsPerYearSource).toBe('inferred')
    expect(s.volatility).toBeCloseTo(2.55019092640029, 12)
    expect(s.sharpe).toBeCloseTo(4.85917394490678, 12)
    expect(s.sortino).toBeCloseTo(8.49239748140272, 12)
    expect(s.calmar! / (11839.5340038497 / 0.2) - 1).toBeCloseTo(0, 11)
    expect(s.nonFinite).toEqual({})
  })

  it('gives the same statistics when the caller passes the drawdown series in', () => {
    const curve = daily(equity)
    expect(computeStatistics({ equity: curve, initialEquity: 100, trades: [], drawdown: drawdownSeries(curve.equity, 100) })).toEqual(s)
  })

  it('uses given periods per year and de-annualises the risk-free rate by compounding', () => {
    const g = computeStatistics({ equity: daily(equity), initialEquity: 100, trades: [], periodsPerYear: 252, riskFreeRate: 0.05 })
    const rf = 1.05 ** (1 / 252) - 1 // 0.000193629...
    expect(g.periodsPerYearSource).toBe('given')
    expect(g.volatility).toBeCloseTo(0.133483093805041 * Math.sqrt(252), 12)
    expect(g.sharpe).toBeCloseTo(((0.0339501953537041 - rf) / 0.133483093805041) * Math.sqrt(252), 12)
  })
})

describe('trade statistics', () => {
  // P&L 10, -5, 20, -10, 5 with returns 10%, -5%, 20%, -10%, 5%:
  //   win rate 3/5; gross profit 35, gross loss 15, profit factor 35/15
  //   expectancy = 20/5 = 4; expectancy % = 0.2/5 = 0.04
  //   deviations from 4: 6, -9, 16, -14, 1 -> squares sum 570, sample variance 142.5, std 11.9373363863133
  //   SQN = sqrt(5) * 4 / 11.9373363863133 = 0.749268649265355
  //   geometric average trade = (1.1 * 0.95 * 1.2 * 0.9 * 1.05)^(1/5) - 1 = 1.18503^(1/5) - 1 = 0.0345366218871734
  const trades = [trade(10, 0.1, 1), trade(-5, -0.05, 2), trade(20, 0.2, 3), trade(-10, -0.1, 4), trade(5, 0.05, 5)]
  const s = computeStatistics({ equity: daily([100, 101, 102]), initialEquity: 100, trades })

  it('win rate, profit factor, expectancy, SQN, best/worst/avg, duration', () => {
    expect(s.tradeCount).toBe(5)
    expect(s.winCount).toBe(3)
    expect(s.lossCount).toBe(2)
    expect(s.winRate).toBe(0.6)
    expect(s.grossProfit).toBe(35)
    expect(s.grossLoss).toBe(15)
    expect(s.profitFactor).toBeCloseTo(35 / 15, 14)
    expect(s.expectancy).toBe(4)
    expect(s.expectancyPct).toBeCloseTo(0.04, 14)
    expect(s.sqn).toBeCloseTo(0.749268649265355, 12)
    expect(s.bestTradePct).toBe(0.2)
    expect(s.worstTradePct).toBe(-0.1)
    expect(s.avgTradePct).toBeCloseTo(0.0345366218871734, 12)
    expect(s.avgTradeDurationMs).toBe(3 * DAY)
    expect(s.avgTradeDurationDays).toBe(3)
  })

  it('no losing trade: profit factor is +Infinity, stored as null with a flag', () => {
    const w = computeStatistics({ equity: daily([100, 110]), initialEquity: 100, trades: [trade(10, 0.1, 1), trade(0, 0, 1)] })
    expect(w.profitFactor).toBeNull()
    expect(w.nonFinite.profitFactor).toBe('Infinity')
    expect(w.winRate).toBe(0.5)
    expect(allFiniteOrNull(w)).toBe(true)
    expect(JSON.parse(JSON.stringify(w))).toEqual(w)
  })

  it('only break-even trades: profit factor undefined, no flag; one trade: no SQN', () => {
    const b = computeStatistics({ equity: daily([100, 100]), initialEquity: 100, trades: [trade(0, 0, 1)] })
    expect(b.profitFactor).toBeNull()
    expect(b.nonFinite).toEqual({})
    expect(b.sqn).toBeNull()
    expect(b.winRate).toBe(0)
  })

  it('no trades', () => {
    const n = computeStatistics({ equity: daily([100, 101, 99]), initialEquity: 100, trades: [] })
    for (const k of ['winRate', 'profitFactor', 'expectancy', 'expectancyPct', 'sqn', 'bestTradePct', 'worstTradePct', 'avgTradePct', 'avgTradeDurationMs', 'avgTradeDurationDays'] as const) {
      expect(n[k]).toBeNull()
    }
    expect(n.tradeCount).toBe(0)
    expect(n.exposure).toBe(0)
    expect(n.nonFinite).toEqual({})
  })

  it('a trade that lost everything makes the geometric average -100%', () => {
    const t = computeStatistics({ equity: daily([100, 50]), initialEquity: 100, trades: [trade(-10, -1, 1), trade(5, 0.5, 1)] })
    expect(t.avgTradePct).toBe(-1)
  })
})

describe('edge cases', () => {
  it('flat equity: zero volatility, Sharpe and Sortino undefined, no drawdown', () => {
    const s = computeStatistics({ equity: daily([100, 100, 100]), initialEquity: 100, trades: [] })
    expect(s.volatility).toBe(0)
    expect(s.sharpe).toBeNull()
    expect(s.sortino).toBeNull()
    expect(s.maxDrawdown).toBe(0)
    expect(s.maxDrawdownPeakTs).toBeNull()
    expect(s.maxDrawdownDurationMs).toBe(0)
    expect(s.calmar).toBeNull()
    expect(s.nonFinite).toEqual({})
  })

  it('equity doubling every bar: zero volatility with a positive mean gives flagged infinities', () => {
    const s = computeStatistics({ equity: daily([100, 200, 400]), initialEquity: 100, trades: [] })
    expect(s.volatility).toBe(0)
    expect([s.sharpe, s.sortino, s.calmar]).toEqual([null, null, null])
    expect(s.nonFinite).toEqual({ sharpe: 'Infinity', sortino: 'Infinity', calmar: 'Infinity' })
  })

  it('an equity curve of length 1', () => {
    const s = computeStatistics({ equity: daily([103]), initialEquity: 100, trades: [] })
    expect(s.totalReturn).toBeCloseTo(0.03, 14)
    expect(s.cagr).toBeNull()
    expect(s.periodsPerYear).toBeNull()
    expect(s.periodsPerYearSource).toBe('none')
    expect([s.volatility, s.sharpe, s.sortino, s.calmar]).toEqual([null, null, null, null])
    expect(s.maxDrawdown).toBe(0)
    expect(s.durationMs).toBe(0)
    expect(allFiniteOrNull(s)).toBe(true)
  })

  it('a drawdown that never recovers lasts to the end', () => {
    const s = computeStatistics({ equity: daily([100, 120, 90, 100]), initialEquity: 100, trades: [] })
    expect(s.maxDrawdown).toBeCloseTo(-0.25, 14)
    expect(s.maxDrawdownRecoveryTs).toBeNull()
    expect(s.maxDrawdownDurationMs).toBe(2 * DAY)
  })

  it('a loss on the first bar counts against the initial equity', () => {
    const s = computeStatistics({ equity: daily([95, 100, 101]), initialEquity: 100, trades: [] })
    expect(s.maxDrawdown).toBeCloseTo(-0.05, 14)
    expect(s.maxDrawdownPeakTs).toBe(T0)
    expect(s.maxDrawdownDurationMs).toBe(DAY)
  })

  it('exposure from a position series, or from the trades', () => {
    const curve = daily([100, 100, 100, 100, 100])
    const p = computeStatistics({ equity: curve, initialEquity: 100, trades: [], position: Float64Array.from([0, 1, 1, 0, -1]) })
    expect(p.exposure).toBe(0.6)
    expect(p.exposureSource).toBe('position')
    // trade 1: day 0.5 -> 2 holds the closes of days 1, 2; trade 2 (open): day 1 -> 4 holds 2, 3, 4; union = 4 of 5
    const t = computeStatistics({ equity: curve, initialEquity: 100, trades: [trade(1, 0.01, 1.5, 0.5)], openTrades: [trade(1, 0.01, 3, 1)] })
    expect(t.exposure).toBe(0.8)
    expect(t.exposureSource).toBe('trades')
  })

  it('rejects bad input with the field and index', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => computeStatistics({ equity: daily([100, Number.NaN]), initialEquity: 100, trades: [] }), 'equity.equity[1]'],
      [() => computeStatistics({ equity: { ts: Float64Array.from([2, 1]), equity: Float64Array.from([1, 1]) }, initialEquity: 100, trades: [] }), 'equity.ts[1]'],
      [() => computeStatistics({ equity: daily([]), initialEquity: 100, trades: [] }), 'equity:'],
      [() => computeStatistics({ equity: daily([100]), initialEquity: 0, trades: [] }), 'initialEquity:'],
      [() => computeStatistics({ equity: daily([100]), initialEquity: 100, trades: [], periodsPerYear: 0 }), 'periodsPerYear:'],
      [() => computeStatistics({ equity: daily([100, 101]), initialEquity: 100, trades: [], position: [0] }), 'position:']
    ]
    for (const [run, where] of bad) {
      expect(run).toThrow(ReportInputError)
      expect(run).toThrow(where)
    }
  })
})

describe('periods per year', () => {
  it('from the real data files: daily stock, hourly FX, monthly crypto, 5-minute index futures', () => {
    // GOOG: daily, no weekend samples -> 252
    expect(inferPeriodsPerYear(readBacktestingPyCsv('GOOG.csv').ts)).toBe(252)
    // EURUSD hourly, 24 bars per interior day, 2.2% of samples on weekends (Sunday evening) -> 252 * 24
    expect(inferPeriodsPerYear(readBacktestingPyCsv('EURUSD.csv').ts)).toBe(252 * 24)
    // BTCUSD month ends: median gap 31 days -> 12
    expect(inferPeriodsPerYear(readBacktestingPyCsv('BTCUSD.csv').ts)).toBe(12)
    // backtrader 5-minute bars 09:05..17:30: 102 bars per session day -> 252 * 102
    expect(inferPeriodsPerYear(readBacktraderIntradayTimes('2006-min-005.txt'))).toBe(252 * 102)
  })

  it('synthetic 24x7 daily, hourly and weekly series', () => {
    const series = (n: number, step: number) => Array.from({ length: n }, (_, i) => T0 + i * step)
    expect(inferPeriodsPerYear(series(30, DAY))).toBe(365)
    expect(inferPeriodsPerYear(series(24 * 10, 3_600_000))).toBe(365 * 24)
    // 10 hours of one Monday: no interior day, so 1 day / spacing; no weekend sample, so 252 days
    expect(inferPeriodsPerYear(series(10, 3_600_000))).toBe(252 * 24)
    expect(inferPeriodsPerYear(series(20, 7 * DAY))).toBe(52)
  })

  it('a first gap other than the bar size, and gaps of which no value is the majority', () => {
    const H = 3_600_000
    // one sample 2 hours before 10 days of 24x7 hourly bars: the median gap is still 1 hour
    const hourly = [T0 - 2 * H, ...Array.from({ length: 240 }, (_, i) => T0 + i * H)]
    expect(inferPeriodsPerYear(hourly)).toBe(365 * 24)
    // gaps of 1, 2 and 3 hours in turn, 12 samples a day for 10 days from a Monday: median gap 2 hours
    const mixed = Array.from({ length: 120 }, (_, i) => T0 + (Math.floor(i / 3) * 6 + [0, 1, 3][i % 3]) * H)
    expect(inferPeriodsPerYear(mixed)).toBe(365 * 12)
  })
})

describe('published reference values (backtesting.py test_compute_stats on GOOG.csv)', () => {
  it('buy & hold from the first bar after the 30-bar SMA warm-up: 522.0601851851852%', () => {
    const close = readBacktestingPyCsv('GOOG.csv').close
    const s = computeStatistics({ equity: daily([100]), initialEquity: 100, trades: [], benchmarkClose: close.slice(29) })
    expect(s.buyAndHoldReturn).toBeCloseTo(5.220601851851852, 13)
  })

  it('CAGR of 10 000 -> 51 422.99 over 2004-08-19 .. 2013-03-01 (3116 days): 21.160245705962623%', () => {
    const ts = Float64Array.from([Date.UTC(2004, 7, 19), Date.UTC(2013, 2, 1)])
    const s = computeStatistics({ equity: { ts, equity: Float64Array.from([10000, 51422.98999999996]) }, initialEquity: 10000, trades: [] })
    expect(s.totalReturn).toBeCloseTo(4.142298999999996, 13)
    expect(s.cagr).toBeCloseTo(0.21160245705962623, 13)
  })
})
