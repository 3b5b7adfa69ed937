import { defineEngine } from '../../engine/engine'
import { BarFilter, STREAM_PARAMS } from '../common/target-position'

interface Params {
  [key: string]: string | number | boolean
  levels: number
  spacing: number
  amount: number
  symbol: string
  timeframe: string
}

/**
 * A grid of resting limit orders around the first close: `levels` buys below and `levels`
 * sells above, `spacing` apart (a fraction of the centre price). When a buy fills, a sell is
 * placed one step above it; when a sell fills, a buy one step below. Sells need inventory, so
 * in a spot account the grid starts by buying `levels` × `amount` at market.
 */
export default defineEngine<Params>({
  name: 'grid',
  description: 'Resting limit-order grid that re-quotes one step away after each fill',
  params: {
    levels: { type: 'integer', default: 5, min: 1, max: 100, description: 'orders on each side of the centre' },
    spacing: { type: 'number', default: 0.01, min: 0.0001, max: 0.5, description: 'distance between levels, as a fraction of the centre price' },
    amount: { type: 'number', default: 1, min: 0, description: 'base amount per order' },
    ...STREAM_PARAMS
  },
  subscription: { market: { types: ['bar'] }, broker: { types: ['OrderFilled'] } },
  create(params) {
    const stream = new BarFilter(params.symbol, params.timeframe)
    let step = 0
    let symbol = ''
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !stream.accepts(event) || step !== 0) return
        symbol = event.symbol
        step = event.close * params.spacing
        ctx.createOrder(symbol, 'market', 'buy', params.amount * params.levels)
        for (let i = 1; i <= params.levels; i++) {
          ctx.createOrder(symbol, 'limit', 'buy', params.amount, ctx.priceToPrecision(symbol, event.close - i * step))
          ctx.createOrder(symbol, 'limit', 'sell', params.amount, ctx.priceToPrecision(symbol, event.close + i * step))
        }
        ctx.log(`grid placed around ${event.close} with step ${step}`)
      },
      onBroker(event, ctx) {
        if (event.type !== 'OrderFilled' || step === 0) return
        const order = ctx.order(event.clientOrderId)
        if (!order || order.type !== 'limit' || order.price === null) return
        const price = order.side === 'buy' ? order.price + step : order.price - step
        ctx.createOrder(symbol, 'limit', order.side === 'buy' ? 'sell' : 'buy', order.amount, ctx.priceToPrecision(symbol, price))
      }
    }
  }
})
