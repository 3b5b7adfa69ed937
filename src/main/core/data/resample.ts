import { BarAggregator, type AggregatedBar, type AggregatorOptions } from './bar-aggregator'
import { BarSeriesBuilder, type BarSeries, type QuoteSeries, type TradeSeries } from './bar-series'
import { TimeframeError } from './errors'
import { parseTimeframe, timeframeDivides } from './timeframe'

/*
 * Batch resampling, built on the streaming BarAggregator so that a backtest over resampled series
 * and a live multi-timeframe feed produce the same bars. Bars are calendar-aligned (UTC unless a
 * timezone is given): weeks open Monday 00:00, months on the 1st. Only intervals with input get a bar.
 */

function collect(symbol: string, timeframe: string): { builder: BarSeriesBuilder; onBar: (b: AggregatedBar) => void } {
  const tf = parseTimeframe(timeframe)
  const builder = new BarSeriesBuilder(symbol, tf.text, tf.ms)
  const onBar = (b: AggregatedBar): void => builder.push(b.openTime, b.closeTime, b.open, b.high, b.low, b.close, b.volume, b.synthetic)
  return { builder, onBar }
}

/** Trades → bars: O first price, H max, L min, C last price, V sum of amounts. */
export function tradesToBars(trades: TradeSeries, timeframe: string, options: AggregatorOptions = {}): BarSeries {
  const { builder, onBar } = collect(trades.symbol, timeframe)
  const agg = new BarAggregator(timeframe, onBar, options)
  const { ts, price, amount } = trades
  for (let i = 0; i < trades.length; i++) agg.pushTrade(ts[i], price[i], amount[i])
  agg.flush()
  return builder.build()
}

/** Quotes → bars of the mid price; volume is the number of quote updates (tick volume). */
export function quotesToBars(quotes: QuoteSeries, timeframe: string, options: AggregatorOptions = {}): BarSeries {
  const { builder, onBar } = collect(quotes.symbol, timeframe)
  const agg = new BarAggregator(timeframe, onBar, options)
  const { ts, bid, ask } = quotes
  for (let i = 0; i < quotes.length; i++) agg.pushTrade(ts[i], (bid[i] + ask[i]) / 2, 1)
  agg.flush()
  return builder.build()
}

/**
 * Bars → a higher timeframe (O first open, H max, L min, C last close, V sum). The target must be
 * a whole multiple of the source on the calendar (1m → 5m, 1h → 1d, 1d → 1w, 1d → 1M, 1M → 3M…).
 */
export function resampleBars(bars: BarSeries, timeframe: string, options: AggregatorOptions = {}): BarSeries {
  const target = parseTimeframe(timeframe)
  if (bars.timeframe && !timeframeDivides(bars.timeframe, target)) {
    throw new TimeframeError(`cannot resample ${bars.timeframe} bars to ${target.text}: not a whole multiple on the calendar`)
  }
  const { builder, onBar } = collect(bars.symbol, timeframe)
  const agg = new BarAggregator(timeframe, onBar, options)
  const { openTime, closeTime, open, high, low, close, volume, synthetic } = bars
  for (let i = 0; i < bars.length; i++) {
    agg.pushBar(openTime[i], closeTime[i], open[i], high[i], low[i], close[i], volume[i], synthetic ? synthetic[i] === 1 : false)
  }
  agg.flush()
  return builder.build()
}
