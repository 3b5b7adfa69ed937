import type { MarketEvent } from '../../../shared/events'
import { createIndicator, type IndicatorInstance } from '../indicators/registry'
import type { ConventionOptions } from '../indicators/types'
import type { SourceStage } from './stored-source'

export interface IndicatorLayer {
  /** name of the layer in the events, e.g. `ema20` */
  name: string
  /** registry name: sma, ema, rsi, atr, bbands, macd, … */
  indicator: string
  params?: Record<string, number>
  options?: ConventionOptions
  symbol: string
  timeframe: string
}

/**
 * Computes an indicator layer on closed bars and emits its values as an `indicator` event right
 * after the bar they were computed from (same `ts`). Nothing is emitted during warm-up.
 */
export class IndicatorStage implements SourceStage {
  private readonly instance: IndicatorInstance

  constructor(private readonly layer: IndicatorLayer) {
    this.instance = createIndicator(layer.indicator, layer.params ?? {}, layer.options ?? {})
  }

  process(event: MarketEvent, emit: (derived: MarketEvent) => void): void {
    if (event.type !== 'bar' || !event.closed || event.symbol !== this.layer.symbol || event.timeframe !== this.layer.timeframe) return
    const values = this.instance.update({
      open: event.open,
      high: event.high,
      low: event.low,
      close: event.close,
      volume: Number.isNaN(event.volume) ? 0 : event.volume,
      time: event.openTime
    })
    if (!this.instance.ready) return
    emit({ type: 'indicator', seq: 0, ts: event.ts, symbol: event.symbol, timeframe: event.timeframe, name: this.layer.name, values })
  }

  finish(): void {}
}
