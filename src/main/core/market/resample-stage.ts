import type { MarketEvent } from '../../../shared/events'
import { BarAggregator } from '../data/bar-aggregator'
import type { SourceStage } from './stored-source'

/**
 * Builds higher-timeframe bars from the base stream (bars or trades of one symbol). A
 * higher-timeframe bar is emitted right after the input that completes it, stamped with its
 * close time, so an engine never sees it before it has closed.
 */
export class ResampleStage implements SourceStage {
  private readonly aggregator: BarAggregator
  private pending: MarketEvent[] = []

  constructor(
    private readonly symbol: string,
    /** the timeframe of the input bars to aggregate, or 'trades' */
    private readonly input: string,
    timeframe: string,
    timezone?: string
  ) {
    this.aggregator = new BarAggregator(
      timeframe,
      (b) =>
        this.pending.push({
          type: 'bar',
          seq: 0,
          ts: b.closeTime,
          symbol: this.symbol,
          timeframe: b.timeframe,
          openTime: b.openTime,
          closeTime: b.closeTime,
          open: b.open,
          high: b.high,
          low: b.low,
          close: b.close,
          volume: b.volume,
          closed: true
        }),
      { timezone }
    )
  }

  /** A later input proves the forming bar complete: hand that bar out before the input. */
  before(event: MarketEvent, emit: (derived: MarketEvent) => void): void {
    if (event.type === 'bar' && this.input !== 'trades' && event.symbol === this.symbol && event.timeframe === this.input && event.closed) {
      this.aggregator.advanceTo(event.openTime)
    } else if (event.type === 'trade' && this.input === 'trades' && event.symbol === this.symbol) {
      this.aggregator.advanceTo(event.ts)
    } else {
      return
    }
    this.release(emit)
  }

  process(event: MarketEvent, emit: (derived: MarketEvent) => void): void {
    if (event.type === 'bar') {
      if (this.input === 'trades' || event.symbol !== this.symbol || event.timeframe !== this.input || !event.closed) return
      this.aggregator.pushBar(event.openTime, event.closeTime, event.open, event.high, event.low, event.close, event.volume)
    } else if (event.type === 'trade') {
      if (this.input !== 'trades' || event.symbol !== this.symbol) return
      this.aggregator.pushTrade(event.ts, event.price, event.amount)
    } else {
      return
    }
    this.release(emit)
  }

  finish(emit: (derived: MarketEvent) => void): void {
    this.aggregator.flush()
    this.release(emit)
  }

  private release(emit: (derived: MarketEvent) => void): void {
    if (this.pending.length === 0) return
    const out = this.pending
    this.pending = []
    for (const e of out) emit(e)
  }
}
