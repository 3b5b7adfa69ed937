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

describe('the report the app keeps', () => {
  it('is the report itself while the orders are within the limit', () => {
    expect(reportForView(report, report.orders.length)).toBe(report)
  })

  it('keeps the filled orders past the limit, counts the others and says so', () => {
    expect(filled.length).toBeGreaterThan(5)
    expect(report.orders.length).toBeGreaterThan(3 * filled.length)
    const view = reportForView(report, filled.length + 1)
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
    const view = reportForView(report, 3)
    expect(view.orders).toEqual(filled.slice(-3))
    expect(view.ordersOmitted).toBe(report.orders.length - 3)
  })
})
