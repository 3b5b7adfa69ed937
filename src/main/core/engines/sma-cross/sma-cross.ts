import { defineEngine } from '../../engine/engine'
import { Sma } from '../../indicators/sma'
import { BarFilter, goTo, SIZING_PARAMS, STREAM_PARAMS, type SizingParams } from '../common/target-position'

interface Params extends SizingParams {
  [key: string]: string | number | boolean
  fast: number
  slow: number
  mode: 'long-only' | 'long-short'
  symbol: string
  timeframe: string
}

/**
 * Fast/slow simple-moving-average crossover. A cross happens on the bar where the fast average
 * goes from strictly below the slow one to strictly above it (or the reverse).
 */
export default defineEngine<Params>({
  name: 'sma-cross',
  description: 'Fast/slow SMA crossover: long on a cross up; on a cross down flat (long-only) or short (long-short)',
  params: {
    fast: { type: 'integer', default: 10, min: 1, description: 'fast SMA period (bars)' },
    slow: { type: 'integer', default: 30, min: 2, description: 'slow SMA period (bars)' },
    mode: { type: 'enum', values: ['long-only', 'long-short'], default: 'long-only', description: 'long-only exits on a cross down; long-short reverses' },
    ...SIZING_PARAMS,
    ...STREAM_PARAMS
  },
  subscription: { market: { types: ['bar'] }, broker: false },
  create(params) {
    if (params.fast >= params.slow) throw new Error(`sma-cross: fast (${params.fast}) must be below slow (${params.slow})`)
    const fast = new Sma(params.fast)
    const slow = new Sma(params.slow)
    const stream = new BarFilter(params.symbol, params.timeframe)
    // a field, not a closure variable: V8 writes a number field in place but boxes each new value of a closure's
    const last = { diff: NaN }
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !stream.accepts(event)) return
        const diff = fast.update(event.close) - slow.update(event.close)
        const previous = last.diff
        if (previous < 0 && diff > 0) goTo(ctx, event.symbol, 1, params)
        else if (previous > 0 && diff < 0) goTo(ctx, event.symbol, params.mode === 'long-short' ? -1 : 0, params)
        if (diff !== 0) last.diff = diff
      }
    }
  }
})
