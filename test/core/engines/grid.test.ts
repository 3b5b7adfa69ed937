import { describe, expect, it } from 'vitest'
import type { OrderView } from '../../../src/shared/orders'
import { backtest, loadBars } from './engine-harness'

describe('grid on real 5-minute bars (backtrader 2006-min-005)', () => {
  it('fills resting limits on grid levels (or at a better gapped open) and re-quotes one step away', async () => {
    const bars = await loadBars('backtrader/2006-min-005.txt', 'FESX')
    const { report } = backtest(bars, 'grid', { levels: 4, spacing: 0.002, amount: 1 }, { fees: { maker: 0.0002, taker: 0.0005 } })
    const centre = bars.close[0]
    const step = centre * 0.002
    const orders = new Map((report.orders as OrderView[]).map((o) => [o.id, o]))
    const openAt = new Map<number, number>()
    for (let i = 0; i < bars.length; i++) openAt.set(bars.openTime[i], bars.open[i])
    expect(report.fills[0]).toMatchObject({ side: 'buy', amount: 4, price: bars.open[1] })
    const limitFills = report.fills.slice(1)
    expect(limitFills.length).toBeGreaterThan(10)
    for (const f of limitFills) {
      const order = orders.get(f.orderId)!
      expect(order.type).toBe('limit')
      // the limit sits on a grid level, rounded to the 0.0001 tick (each re-quote rounds once more)
      const k = Math.round((order.price! - centre) / step)
      expect(Math.abs(order.price! - (centre + k * step))).toBeLessThan(0.0001 * (Math.abs(k) + 1))
      if (f.price !== order.price) {
        // only a bar that opened through the limit fills elsewhere: at that better open
        expect(f.price).toBe(openAt.get(f.ts))
        expect(f.side === 'buy' ? f.price < order.price! : f.price > order.price!).toBe(true)
      }
      // resting limits pay the maker rate; a re-quote already crossed when it arrives takes at the open
      const maker = Math.abs(f.fee - f.price * f.amount * 0.0002) < 1e-9
      if (!maker) {
        expect(f.fee).toBeCloseTo(f.price * f.amount * 0.0005, 9)
        expect(f.price).toBe(openAt.get(f.ts))
      }
    }
    // every fill is replaced by an order one step away, so the grid keeps 2 × levels orders working
    expect([...orders.values()].filter((o) => o.status === 'accepted')).toHaveLength(8)
  })
})
