import { describe, expect, it } from 'vitest'
import { backtest, loadBars } from './engine-harness'

describe('grid on real 5-minute bars (backtrader 2006-min-005)', () => {
  it('fills only on grid levels and re-quotes one step away', async () => {
    const bars = await loadBars('backtrader/2006-min-005.txt', 'FESX')
    const { report } = backtest(bars, 'grid', { levels: 4, spacing: 0.002, amount: 1 }, { fees: { maker: 0.0002, taker: 0.0005 } })
    const centre = bars.close[0]
    const step = centre * 0.002
    const limitFills = report.fills.slice(1)
    expect(report.fills[0]).toMatchObject({ side: 'buy', amount: 4, price: bars.open[1] })
    expect(limitFills.length).toBeGreaterThan(10)
    for (const f of limitFills) {
      const k = (f.price - centre) / step
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6)
      // resting limits pay the maker rate
      expect(f.fee).toBeCloseTo(f.price * f.amount * 0.0002, 9)
    }
    // After a buy at level k, the next fill on the sell side is at k+1 or higher levels were sold first.
    const open = report.orders as { status: string; side: string; price: number | null }[]
    const working = open.filter((o) => o.status === 'accepted')
    expect(working.length).toBe(8)
  })
})
