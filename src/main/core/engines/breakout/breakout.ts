import { defineEngine } from '../../engine/engine'
import { Highest, Lowest } from '../../indicators/highest-lowest'
import { BarFilter, SIZING_PARAMS, STREAM_PARAMS, type SizingParams } from '../common/target-position'

interface Params extends SizingParams {
  [key: string]: string | number | boolean
  entry: number
  exit: number
  mode: 'long-only' | 'long-short'
  symbol: string
  timeframe: string
}

/**
 * Channel breakout with resting stop orders. After each closed bar it re-places a buy stop at
 * the highest high of the last `entry` bars (and, long-short, a sell stop at the lowest low);
 * an open long is protected by a sell stop at the lowest low of the last `exit` bars.
 * Stops that the market gaps through fill at the open, not at the stop price.
 */
export default defineEngine<Params>({
  name: 'breakout',
  description: 'Donchian-style breakout using stop-market orders at the channel edges',
  params: {
    entry: { type: 'integer', default: 20, min: 1, description: 'entry channel length (bars)' },
    exit: { type: 'integer', default: 10, min: 1, description: 'exit channel length (bars)' },
    mode: { type: 'enum', values: ['long-only', 'long-short'], default: 'long-only', description: 'whether to sell short on a downside breakout' },
    ...SIZING_PARAMS,
    ...STREAM_PARAMS
  },
  subscription: { market: { types: ['bar'] }, broker: false },
  create(params) {
    const entryHigh = new Highest(params.entry)
    const entryLow = new Lowest(params.entry)
    const exitHigh = new Highest(params.exit)
    const exitLow = new Lowest(params.exit)
    const stream = new BarFilter(params.symbol, params.timeframe)
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !stream.accepts(event)) return
        const hi = entryHigh.update(event.high)
        const lo = entryLow.update(event.low)
        const exitHi = exitHigh.update(event.high)
        const exitLo = exitLow.update(event.low)
        if (Number.isNaN(hi) || Number.isNaN(exitLo)) return
        const symbol = event.symbol
        ctx.cancelAllOrders(symbol)
        const held = ctx.position(symbol).amount
        const amount = params.sizing === 'fixed' ? params.size : (ctx.equity() * params.size) / event.close
        if (held > 0) {
          ctx.createOrder(symbol, 'stop-market', 'sell', held, exitLo, { reduceOnly: true })
        } else if (held < 0) {
          ctx.createOrder(symbol, 'stop-market', 'buy', -held, exitHi, { reduceOnly: true })
        } else if (amount > 0) {
          ctx.createOrder(symbol, 'stop-market', 'buy', amount, hi)
          if (params.mode === 'long-short') ctx.createOrder(symbol, 'stop-market', 'sell', amount, lo)
        }
      }
    }
  }
})
