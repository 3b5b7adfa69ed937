import { describe, expect, it } from 'vitest'
import { defaultMarket } from '../../src/shared/market'
import { runBacktest } from '../../src/main/core/backtest/run-backtest'
import { BUILT_IN_ENGINES } from '../../src/main/core/engines/registry'
import { reportForView } from '../../src/main/host/report-for-view'
import { randomWalkBars } from '../support/random-walk-bars'

const bars = (count: number) => randomWalkBars(count, 8)

// breakout moves its resting stops as the channels move: many orders, few of them filled
const { report } = runBacktest({
  bars: [bars(3_000)],
  markets: [defaultMarket('BTC/USDT')],
  engines: [{ id: 'brk', definition: BUILT_IN_ENGINES.get('breakout')!, params: {} }],
  broker: { currency: 'USDT', initialCash: 10_000, accountType: 'margin', leverage: 2 }
})
const filled = (report.orders as { filled: number }[]).filter((o) => o.filled > 0)
const all = { fills: report.fills.length, trades: report.trades.length }

describe('the report the app keeps', () => {
  it('is the report itself while orders, fills and trades are within the limits', () => {
    expect(reportForView(report, { orders: report.orders.length, ...all })).toBe(report)
  })

  it('keeps the filled orders past the limit, counts the others and says so', () => {
    expect(filled.length).toBeGreaterThan(5)
    expect(report.orders.length).toBeGreaterThan(3 * filled.length)
    const view = reportForView(report, { orders: filled.length + 1, ...all })
    expect(view.orders).toEqual(filled)
    expect(view.ordersOmitted).toBe(report.orders.length - filled.length)
    expect(view.warnings.at(-1)).toMatch(new RegExp(`^${view.ordersOmitted!.toLocaleString('en-US')} of ${report.orders.length.toLocaleString('en-US')} orders are not in this report`))
    // the rest of the report is untouched
    expect(view.trades).toBe(report.trades)
    expect(view.fills).toBe(report.fills)
    expect(view.stats).toBe(report.stats)
    expect(report.warnings.length).toBe(view.warnings.length - 1)
  })

  it('keeps the latest filled orders when even those are too many', () => {
    const view = reportForView(report, { orders: 3, ...all })
    expect(view.orders).toEqual(filled.slice(-3))
    expect(view.ordersOmitted).toBe(report.orders.length - 3)
  })

  it('keeps the latest fills and trades past their limits, with the statistics of all of them', () => {
    expect(all.fills).toBeGreaterThan(10)
    expect(all.trades).toBeGreaterThan(5)
    const view = reportForView(report, { orders: report.orders.length, fills: 4, trades: 2 })
    expect(view.fills).toEqual(report.fills.slice(-4))
    expect(view.fillsOmitted).toBe(all.fills - 4)
    expect(view.trades).toEqual(report.trades.slice(-2))
    expect(view.tradesOmitted).toBe(all.trades - 2)
    expect(view.stats).toBe(report.stats)
    expect(view.stats.tradeCount).toBe(all.trades)
    expect(view.orders).toBe(report.orders)
    expect(view.warnings.slice(-2)).toEqual([
      `the first ${all.fills - 4} of ${all.fills} fills are not in this report; the session's journal has them all`,
      `the trade table lists the last 2 of ${all.trades} trades; the statistics count them all`
    ])
    expect(report.warnings).not.toContain(view.warnings.at(-1))
  })
})
