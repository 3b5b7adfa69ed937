import type { MarketEvent } from '../../../shared/events'
import type { BarSeries, QuoteSeries, TradeSeries } from '../data/bar-series'

/** A position in one stored series; the merge picks the cursor with the earliest next event. */
export interface SeriesCursor {
  readonly length: number
  index: number
  /** event time of the next event (Infinity when done) */
  peekTs(): number
  take(): MarketEvent
}

/** Bars are emitted when they close: `ts = closeTime`. */
export function barCursor(series: BarSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { openTime, closeTime, open, high, low, close, volume, symbol, timeframe } = series
  let start = 0
  while (start < series.length && openTime[start] < from) start++
  let end = series.length
  while (end > start && closeTime[end - 1] > to) end--
  return {
    length: end - start,
    index: start,
    peekTs() {
      return this.index < end ? closeTime[this.index] : Infinity
    },
    take(): MarketEvent {
      const i = this.index++
      return {
        type: 'bar',
        seq: 0,
        ts: closeTime[i],
        symbol,
        timeframe,
        openTime: openTime[i],
        closeTime: closeTime[i],
        open: open[i],
        high: high[i],
        low: low[i],
        close: close[i],
        volume: volume[i],
        closed: true
      }
    }
  }
}

export function tradeCursor(series: TradeSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { ts, price, amount, side, symbol } = series
  let start = 0
  while (start < series.length && ts[start] < from) start++
  let end = series.length
  while (end > start && ts[end - 1] > to) end--
  return {
    length: end - start,
    index: start,
    peekTs() {
      return this.index < end ? ts[this.index] : Infinity
    },
    take(): MarketEvent {
      const i = this.index++
      return {
        type: 'trade',
        seq: 0,
        ts: ts[i],
        symbol,
        price: price[i],
        amount: amount[i],
        side: side[i] > 0 ? 'buy' : side[i] < 0 ? 'sell' : null,
        id: null
      }
    }
  }
}

export function quoteCursor(series: QuoteSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { ts, bid, ask, bidSize, askSize, symbol } = series
  let start = 0
  while (start < series.length && ts[start] < from) start++
  let end = series.length
  while (end > start && ts[end - 1] > to) end--
  return {
    length: end - start,
    index: start,
    peekTs() {
      return this.index < end ? ts[this.index] : Infinity
    },
    take(): MarketEvent {
      const i = this.index++
      return { type: 'quote', seq: 0, ts: ts[i], symbol, bid: bid[i], ask: ask[i], bidSize: bidSize[i], askSize: askSize[i] }
    }
  }
}
