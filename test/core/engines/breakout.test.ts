import { describe, expect, it } from 'vitest'
import { backtest, loadBars } from './engine-harness'

describe('breakout on real daily bars (NVDA 1999-2014)', () => {
  it('enters on the bar that reaches the prior channel high, at the level or at a gapped open, and exits on the exit channel', async () => {
    const bars = await loadBars('backtrader/nvda-1999-2014.txt', 'NVDA')
    const { report } = backtest(bars, 'breakout', { entry: 20, exit: 10, sizing: 'fixed', size: 50 })
    expect(report.fills.length).toBeGreaterThan(20)
    const index = new Map<number, number>()
    for (let i = 0; i < bars.length; i++) index.set(bars.openTime[i], i)
    const highest = (end: number, n: number) => Math.max(...Array.from(bars.high.subarray(end - n + 1, end + 1)))
    const lowest = (end: number, n: number) => Math.min(...Array.from(bars.low.subarray(end - n + 1, end + 1)))
    let position = 0
    for (const f of report.fills) {
      const i = index.get(f.ts)!
      if (position === 0) {
        // Entry: the buy stop was placed at the close of bar i-1 at the 20-bar high ending there.
        const level = highest(i - 1, 20)
        expect(f.side).toBe('buy')
        expect(bars.high[i]).toBeGreaterThanOrEqual(level)
        expect(f.price).toBe(bars.open[i] >= level ? bars.open[i] : level)
      } else {
        // Exit: a sell stop at the lowest low of the 10 bars before; a gap down fills at the open.
        const level = lowest(i - 1, 10)
        expect(f.side).toBe('sell')
        expect(bars.low[i]).toBeLessThanOrEqual(level)
        expect(f.price).toBe(bars.open[i] <= level ? bars.open[i] : level)
      }
      position += f.side === 'buy' ? f.amount : -f.amount
      expect([0, 50]).toContain(position)
    }
    expect(report.fills.some((f) => f.price === bars.open[index.get(f.ts)!])).toBe(true)
  })
})
