import { describe, expect, it } from 'vitest'
import { backtest, loadBars } from './engine-harness'

describe('buy-and-hold on real daily bars (backtrader 2006-day-001)', () => {
  it('buys once at the second bar open with size × equity, and holds to the end', async () => {
    const bars = await loadBars('backtrader/2006-day-001.txt', 'FESX')
    const { report } = backtest(bars, 'buy-and-hold', { size: 0.5 })
    // decided on bar 0, filled at bar 1's open: floor(0.5 × 100 000 / open₁) whole units
    const amount = Math.floor(50_000 / bars.open[1])
    expect(report.fills).toMatchObject([{ side: 'buy', price: bars.open[1], amount, ts: bars.openTime[1] }])
    expect(report.orders.length).toBe(1)
    expect(report.trades).toEqual([])
    const last = bars.close[bars.length - 1]
    expect(report.finalEquity).toBeCloseTo(100_000 + amount * (last - bars.open[1]), 6)
  })

  it('sizing=fixed buys size units, once', async () => {
    const bars = await loadBars('backtrader/2006-day-001.txt', 'FESX')
    const { report } = backtest(bars, 'buy-and-hold', { sizing: 'fixed', size: 3 })
    expect(report.fills).toMatchObject([{ side: 'buy', amount: 3, price: bars.open[1] }])
    expect(report.finalEquity).toBeCloseTo(100_000 + 3 * (bars.close[bars.length - 1] - bars.open[1]), 6)
  })
})
