import { describe, expect, it } from 'vitest'
import { backtest, loadBars, smaOf } from './engine-harness'

describe('sma-cross on real daily bars (backtrader 2006-day-001)', () => {
  it('trades exactly at the crossovers, filling at the next open', async () => {
    const bars = await loadBars('backtrader/2006-day-001.txt', 'FESX')
    const fast = smaOf(bars.close, 5)
    const slow = smaOf(bars.close, 20)
    // Independent crossover list: the last non-zero difference changes sign.
    const expected: { bar: number; side: 'buy' | 'sell' }[] = []
    let prev = NaN
    for (let i = 0; i < bars.length; i++) {
      const d = fast[i] - slow[i]
      if (prev < 0 && d > 0) expected.push({ bar: i, side: 'buy' })
      if (prev > 0 && d < 0) expected.push({ bar: i, side: 'sell' })
      if (d !== 0 && !Number.isNaN(d)) prev = d
    }
    // long-only: the first signal that counts is a buy; a cross on the last bar cannot fill.
    const firstBuy = expected.findIndex((e) => e.side === 'buy')
    const tradable = expected.slice(firstBuy).filter((e) => e.bar + 1 < bars.length)
    const { report } = backtest(bars, 'sma-cross', { fast: 5, slow: 20, sizing: 'fixed', size: 10 })
    expect(report.fills.length).toBe(tradable.length)
    report.fills.forEach((f, k) => {
      const next = tradable[k].bar + 1
      expect(f.side).toBe(tradable[k].side)
      expect(f.ts).toBe(bars.openTime[next])
      expect(f.price).toBe(bars.open[next])
      expect(f.amount).toBe(10)
    })
    // P&L of each round trip is 10 × (exit open − entry open), no fees.
    for (const t of report.trades) expect(t.pnl).toBeCloseTo(10 * (t.exitPrice - t.entryPrice), 9)
    expect(report.finalEquity).toBeCloseTo(100_000 + report.trades.reduce((s, t) => s + t.pnl, 0) + (report.openTrade?.pnl ?? 0), 6)
  })

  it('long-short reverses: after the first entry the position is always ±size', async () => {
    const bars = await loadBars('backtrader/2006-day-001.txt', 'FESX')
    const { report } = backtest(bars, 'sma-cross', { fast: 5, slow: 20, mode: 'long-short', sizing: 'fixed', size: 3 })
    let position = 0
    const seen = new Set<number>()
    for (const f of report.fills) {
      position += f.side === 'buy' ? f.amount : -f.amount
      if (Math.abs(position) > 0) seen.add(Math.abs(position))
    }
    expect([...seen]).toEqual([3])
    expect(report.trades.some((t) => t.side === 'short')).toBe(true)
    expect(report.trades.some((t) => t.side === 'long')).toBe(true)
  })

  it('refuses fast >= slow with a clear error', async () => {
    const bars = await loadBars('backtrader/2006-day-001.txt', 'FESX')
    expect(() => backtest(bars, 'sma-cross', { fast: 20, slow: 20 })).toThrow(/fast \(20\) must be below slow \(20\)/)
  })
})
