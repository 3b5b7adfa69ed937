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

/**
 * A cursor over rows [start, end) of a series: rows whose `startTs` is before `from` and rows
 * whose `eventTs` is after `to` are left out; `make(i)` builds row i's event.
 */
function cursor(length: number, startTs: ArrayLike<number>, eventTs: ArrayLike<number>, from: number, to: number, make: (i: number) => MarketEvent): SeriesCursor {
  let start = 0
  while (start < length && startTs[start] < from) start++
  let end = length
  while (end > start && eventTs[end - 1] > to) end--
  return {
    length: end - start,
    index: start,
    peekTs() {
      return this.index < end ? eventTs[this.index] : Infinity
    },
    take() {
      return make(this.index++)
    }
  }
}

/** Bars are emitted when they close: `ts = closeTime`. */
export function barCursor(series: BarSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { openTime, closeTime, open, high, low, close, volume, symbol, timeframe } = series
  return cursor(series.length, openTime, closeTime, from, to, (i) => ({
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
  }))
}

export function tradeCursor(series: TradeSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { ts, price, amount, side, symbol } = series
  return cursor(series.length, ts, ts, from, to, (i) => ({
    type: 'trade',
    seq: 0,
    ts: ts[i],
    symbol,
    price: price[i],
    amount: amount[i],
    side: side[i] > 0 ? 'buy' : side[i] < 0 ? 'sell' : null,
    id: null
  }))
}

export function quoteCursor(series: QuoteSeries, from = -Infinity, to = Infinity): SeriesCursor {
  const { ts, bid, ask, bidSize, askSize, symbol } = series
  return cursor(series.length, ts, ts, from, to, (i) => ({ type: 'quote', seq: 0, ts: ts[i], symbol, bid: bid[i], ask: ask[i], bidSize: bidSize[i], askSize: askSize[i] }))
}
