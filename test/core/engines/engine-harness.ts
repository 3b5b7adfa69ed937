import { defaultMarket } from '../../../src/shared/market'
import { runBacktest } from '../../../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../../../src/main/core/data/bar-series'
import { importFile } from '../../../src/main/core/data/import-file'
import { BUILT_IN_ENGINES } from '../../../src/main/core/engines/registry'
import { sharedDataPath } from '../../support/shared-data'

export async function loadBars(relative: string, symbol: string): Promise<BarSeries> {
  const result = await importFile(sharedDataPath(relative), { symbol })
  if (result.kind !== 'bars') throw new Error(`${relative} did not import as bars`)
  return result.series
}

/** A backtest of one built-in engine over one bar series, margin account, whole-unit amounts. */
export function backtest(bars: BarSeries, engine: string, params: Record<string, unknown>, broker: Record<string, unknown> = {}) {
  const market = { ...defaultMarket(bars.symbol), quote: 'USD', precision: { price: 1e-4, amount: 1 } }
  return runBacktest({
    bars: [bars],
    markets: [market],
    engines: [{ id: engine, definition: BUILT_IN_ENGINES.get(engine)!, params }],
    broker: { currency: 'USD', initialCash: 100_000, accountType: 'margin', leverage: 1, ...broker }
  })
}

/** Plain SMA over an array, NaN during warm-up: the independent reference for the tests. */
export function smaOf(values: ArrayLike<number>, period: number): number[] {
  const out: number[] = []
  for (let i = 0; i < values.length; i++) {
    if (i < period - 1) {
      out.push(NaN)
      continue
    }
    let s = 0
    for (let k = i - period + 1; k <= i; k++) s += values[k]
    out.push(s / period)
  }
  return out
}
