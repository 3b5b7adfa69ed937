import { describe, expect, it } from 'vitest'
import { buildReport } from '../../../src/main/core/report/build-report'
import { CHART_POINTS, equityChart } from '../../../src/main/core/report/downsample'
import { computeStatistics } from '../../../src/main/core/report/statistics'

const MINUTE = 60_000
const lowest = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b))
const highest = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b))
const T0 = Date.UTC(2024, 0, 1)

/**
 * 250,000 one-minute samples of a saw-tooth equity (period 1,000, ±5) with one crash and one
 * spike whose positions and sizes are known: the lowest equity is 50 at sample 123,457 and the
 * highest 200 at sample 200,001.
 */
function longRun(n = 250_000) {
  const ts = new Float64Array(n)
  const equity = new Float64Array(n)
  const open = new Float64Array(n)
  const high = new Float64Array(n)
  const low = new Float64Array(n)
  const close = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    ts[i] = T0 + (i + 1) * MINUTE
    equity[i] = 100 + Math.abs((i % 1000) - 500) / 100
    close[i] = 1000 + (i % 7)
    open[i] = close[i] - 1
    high[i] = close[i] + 2
    low[i] = close[i] - 3
  }
  equity[123_457] = 50
  equity[200_001] = 200
  high[77_777] = 5000
  low[222_222] = 1
  return { ts, equity, price: { symbol: 'X/USDT', ts: Float64Array.from(ts, (t) => t - MINUTE), open, high, low, close } }
}

describe('chart series of a run longer than CHART_POINTS samples', () => {
  const run = longRun()
  const n = run.ts.length
  const report = buildReport({ manifest: {}, fills: [], equity: { ts: run.ts, equity: run.equity }, initialEquity: 100, price: run.price })

  it('computes every statistic on the full series', () => {
    const full = computeStatistics({ equity: { ts: run.ts, equity: run.equity }, initialEquity: 100, trades: [], openTrades: [], benchmarkClose: run.price.close })
    expect(report.stats).toEqual(full)
    expect(report.stats.samples).toBe(n)
    // crash from the spike-free peak 105 to 50: 50 / 105 - 1
    expect(report.stats.maxDrawdown).toBeCloseTo(50 / 105 - 1, 12)
  })

  it('keeps the equity curve within the limit, with its first, last, lowest and highest samples', () => {
    const { ts, equity } = report.equity
    expect(ts.length).toBeLessThanOrEqual(CHART_POINTS + 2)
    expect(ts.length).toBeGreaterThan(CHART_POINTS / 2)
    expect(report.drawdown).toHaveLength(ts.length)
    expect(ts[0]).toBe(run.ts[0])
    expect(ts[ts.length - 1]).toBe(run.ts[n - 1])
    expect(equity[equity.length - 1]).toBe(report.finalEquity)
    expect(equity[ts.indexOf(run.ts[123_457])]).toBe(50)
    expect(equity[ts.indexOf(run.ts[200_001])]).toBe(200)
    expect(lowest(report.drawdown)).toBe(report.stats.maxDrawdown)
    expect(ts).toContain(report.stats.maxDrawdownTroughTs)
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1])
  })

  it('turns the price series into candles that keep the first open, the extremes and the last close', () => {
    const p = report.price!
    expect(p.ts.length).toBeLessThanOrEqual(CHART_POINTS)
    expect([p.open, p.high, p.low, p.close].every((c) => c!.length === p.ts.length)).toBe(true)
    expect(p.ts[0]).toBe(run.price.ts[0])
    expect(p.open![0]).toBe(run.price.open[0])
    expect(p.close[p.close.length - 1]).toBe(run.price.close[n - 1])
    expect(highest(p.high!)).toBe(5000)
    expect(lowest(p.low!)).toBe(1)
  })

  it('keeps the lowest and highest close of a close-only price series', () => {
    const close = Float64Array.from(run.price.close)
    close[99_999] = 0.5
    close[150_000] = 9999
    const r = buildReport({ manifest: {}, fills: [], equity: { ts: run.ts, equity: run.equity }, initialEquity: 100, price: { ts: run.price.ts, close } })
    expect(r.price!.ts.length).toBeLessThanOrEqual(CHART_POINTS + 2)
    expect(r.price!.open).toBeUndefined()
    expect(lowest(r.price!.close)).toBe(0.5)
    expect(highest(r.price!.close)).toBe(9999)
    expect(r.price!.close[r.price!.ts.indexOf(run.price.ts[150_000])]).toBe(9999)
  })

  it('keeps every sample up to the limit', () => {
    const m = CHART_POINTS
    const r = buildReport({ manifest: {}, fills: [], equity: { ts: run.ts.subarray(0, m), equity: run.equity.subarray(0, m) }, initialEquity: 100, price: { ts: run.price.ts.subarray(0, m), close: run.price.close.subarray(0, m) } })
    expect(r.equity.equity).toEqual(Array.from(run.equity.subarray(0, m)))
    expect(r.price!.close).toEqual(Array.from(run.price.close.subarray(0, m)))
  })
})

describe('equity chart of a few samples with a small limit', () => {
  const ts = Float64Array.from([1, 2, 3, 4, 5, 6])

  it('keeps every sample and its drawdown up to the limit', () => {
    const equity = Float64Array.from([100, 90, 95, 120, 80, 85])
    expect(equityChart(ts, equity, 100, 6)).toEqual({
      ts: [1, 2, 3, 4, 5, 6],
      equity: [100, 90, 95, 120, 80, 85],
      drawdown: [0, 90 / 100 - 1, 95 / 100 - 1, 0, 80 / 120 - 1, 85 / 120 - 1]
    })
  })

  it('beyond it keeps the first, lowest, highest, deepest and last samples, across a new peak', () => {
    // one bucket (limit 3): lowest 80 and deepest drawdown at sample 4 (under the new peak 120 of sample 3)
    const equity = Float64Array.from([100, 90, 95, 120, 80, 85])
    expect(equityChart(ts, equity, 100, 3)).toEqual({ ts: [1, 4, 5, 6], equity: [100, 120, 80, 85], drawdown: [0, 0, 80 / 120 - 1, 85 / 120 - 1] })
  })

  it('of two samples whose drawdowns round to the same number, the first is the deepest', () => {
    const [e1, e2] = [100.00000000000004, 100.00000000000003]
    expect(e2 / 199.99 - 1).toBe(e1 / 199.99 - 1)
    // lowest equity: sample 3 (e2); deepest drawdown: sample 1 (e1, first of the two)
    const equity = Float64Array.from([199.99, e1, 150, e2, 150])
    const d = e1 / 199.99 - 1
    expect(equityChart(ts.subarray(0, 5), equity, 199.99, 1)).toEqual({ ts: [1, 2, 4, 5], equity: [199.99, e1, e2, 150], drawdown: [0, d, d, 150 / 199.99 - 1] })
  })
})
