import { defineEngine } from '../../engine/engine'
import { Rsi } from '../../indicators/rsi'
import { BarFilter, goTo, SIZING_PARAMS, STREAM_PARAMS, type SizingParams } from '../common/target-position'

interface Params extends SizingParams {
  [key: string]: string | number | boolean
  period: number
  oversold: number
  overbought: number
  exit: number
  mode: 'long-only' | 'long-short'
  symbol: string
  timeframe: string
}

/**
 * Mean reversion on RSI (Wilder): buy when RSI closes below `oversold`, exit the long when it
 * closes above `exit`; in long-short mode also sell short above `overbought` and cover below `exit`.
 */
export default defineEngine<Params>({
  name: 'rsi-reversion',
  description: 'RSI mean reversion: long below oversold, out (or short) above the exit/overbought levels',
  params: {
    period: { type: 'integer', default: 14, min: 2, description: 'RSI period (bars, Wilder smoothing)' },
    oversold: { type: 'number', default: 30, min: 0, max: 100, description: 'enter long when RSI closes below this' },
    overbought: { type: 'number', default: 70, min: 0, max: 100, description: 'enter short (long-short mode) when RSI closes above this' },
    exit: { type: 'number', default: 50, min: 0, max: 100, description: 'close a long when RSI closes above this, a short when below' },
    mode: { type: 'enum', values: ['long-only', 'long-short'], default: 'long-only', description: 'whether to sell short above overbought' },
    ...SIZING_PARAMS,
    ...STREAM_PARAMS
  },
  subscription: { market: { types: ['bar'] }, broker: false },
  create(params) {
    if (!(params.oversold < params.exit && params.exit < params.overbought))
      throw new Error(`rsi-reversion: need oversold < exit < overbought, got ${params.oversold}, ${params.exit}, ${params.overbought}`)
    const rsi = new Rsi(params.period)
    const stream = new BarFilter(params.symbol, params.timeframe)
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !stream.accepts(event)) return
        const value = rsi.update(event.close)
        if (Number.isNaN(value)) return
        const held = Math.sign(ctx.position(event.symbol).amount)
        if (value < params.oversold) goTo(ctx, event.symbol, 1, params)
        else if (params.mode === 'long-short' && value > params.overbought) goTo(ctx, event.symbol, -1, params)
        else if (held > 0 && value > params.exit) goTo(ctx, event.symbol, 0, params)
        else if (held < 0 && value < params.exit) goTo(ctx, event.symbol, 0, params)
      }
    }
  }
})
