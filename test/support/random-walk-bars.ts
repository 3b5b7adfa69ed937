import type { BarSeries } from '../../src/main/core/data/bar-series'
import { createRandom } from '../../src/main/core/random'

/** One-minute BTC/USDT bars of a seeded random walk (±0.5% per bar) from 2023-11-14, volume 10. */
export function randomWalkBars(count: number, seed: number): BarSeries {
  const rand = createRandom(seed)
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
