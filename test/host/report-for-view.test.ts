import { describe, expect, it } from 'vitest'
import { defaultMarket } from '../../src/shared/market'
import { runBacktest } from '../../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../../src/main/core/data/bar-series'
import { BUILT_IN_ENGINES } from '../../src/main/core/engines/registry'
import { createRandom } from '../../src/main/core/random'
import { reportForView } from '../../src/main/host/report-for-view'

function bars(count: number): BarSeries {
  const rand = createRandom(8)
  const col = () => new Float64Array(count)
  const s: BarSeries = { symbol: 'BTC/USDT', timeframe: '1m', timeframeMs: 60_000, length: count, openTime: col(), closeTime: col(), open: col(), high: col(), low: col(), close: col(), volume: col() }
  let price = 100
  for (let i = 0; i < count; i++) {
    const open = price
    price *= 1 + (rand() - 0.5) * 0.01
    s.openTime[i] = 1_700_000_000_000 + i * 60_000
    s.closeTime[i] = s.openTime[i] + 60_000
    s.open[i] = open
    s.close[i] = price
    s.high[i] = Math.max(open, price) * 1.001
    s.low[i] = Math.min(open, price) * 0.999
    s.volume[i] = 10
  }
  return s
}

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
