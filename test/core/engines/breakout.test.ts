import { describe, expect, it } from 'vitest'
import { resolve } from 'node:path'
import { defaultMarket } from '../../../src/shared/market'
import { runBacktest } from '../../../src/main/core/backtest/run-backtest'
import { importFile } from '../../../src/main/core/data/import-file'
import { BUILT_IN_ENGINES } from '../../../src/main/core/engines/registry'
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

  it('with equity sizing, sizes each entry stop at its level, so a margin account takes every one', async () => {
    // the app's sample: cents for prices, 1e-8 for amounts; sized at the close, every stop above it was refused
    const result = await importFile(resolve(__dirname, '../../../resources/sample/BTC-USDT-1m-synthetic.csv'), { symbol: 'BTC/USDT' })
    if (result.kind !== 'bars') throw new Error('the sample did not import as bars')
    const { report } = runBacktest({
      bars: [result.series],
      markets: [defaultMarket('BTC/USDT')],
      engines: [{ id: 'brk', definition: BUILT_IN_ENGINES.get('breakout')!, params: { sizing: 'equity', size: 1 } }],
      broker: { currency: 'USDT', initialCash: 10_000, accountType: 'margin', leverage: 1 }
    })
    const orders = report.orders as { status: string; side: string; stopPrice: number; amount: number; filled: number }[]
    expect(orders.filter((o) => o.status === 'rejected')).toEqual([])
    const entries = orders.filter((o) => o.side === 'buy' && o.filled > 0)
    expect(entries.length).toBeGreaterThan(50)
    expect(report.fills.length).toBe(2 * entries.length)
    for (const o of entries) expect(o.amount * o.stopPrice).toBeGreaterThan(0.5 * 10_000)
  })
})
