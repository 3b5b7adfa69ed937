import { defineEngine } from '../../engine/engine'
import { BarFilter, goTo, SIZING_PARAMS, STREAM_PARAMS, type SizingParams } from '../common/target-position'

interface Params extends SizingParams {
  [key: string]: string | number | boolean
  symbol: string
  timeframe: string
}

/**
 * Buys once, on the first closed bar, and holds to the end of the data (LEAN's
 * BasicTemplateAlgorithm: `SetHoldings(SPY, 1)` on the first data; there `size=0.9975`, LEAN's
 * 0.25 % free-cash buffer).
 */
export default defineEngine<Params>({
  name: 'buy-and-hold',
  description: 'Buys once on the first bar (size × equity at the fill, or a fixed amount) and holds to the end',
  params: {
    ...SIZING_PARAMS,
    ...STREAM_PARAMS
  },
  subscription: { market: { types: ['bar'] }, broker: false },
  create(params) {
    const stream = new BarFilter(params.symbol, params.timeframe)
    let bought = false
    return {
      onMarket(event, ctx) {
        if (bought || event.type !== 'bar' || !stream.accepts(event)) return
        bought = true
        goTo(ctx, event.symbol, 1, params)
      }
    }
  }
})
