import { createHash } from 'node:crypto'
import type { BarSeries, QuoteSeries, TradeSeries } from './bar-series'

/**
 * A content hash of a series: its identity and every column's bytes. Backtest manifests record
 * it, so a result can be tied to exactly the data it ran on.
 */
export function seriesFingerprint(series: BarSeries | TradeSeries | QuoteSeries): string {
  const hash = createHash('sha256')
  const columns: ArrayBufferView[] = []
  if ('openTime' in series) {
    hash.update(`bars\n${series.symbol}\n${series.timeframe}\n${series.length}\n`)
    columns.push(series.openTime, series.closeTime, series.open, series.high, series.low, series.close, series.volume)
  } else if ('price' in series) {
    hash.update(`trades\n${series.symbol}\n${series.length}\n`)
    columns.push(series.ts, series.price, series.amount, series.side)
  } else {
    hash.update(`quotes\n${series.symbol}\n${series.length}\n`)
    columns.push(series.ts, series.bid, series.ask, series.bidSize, series.askSize)
  }
  for (const c of columns) hash.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength))
  return `sha256:${hash.digest('hex')}`
}
