// A complete user engine: long while the close is above a rising EMA, flat otherwise.
// Run it:  npx theorycraft backtest --data resources/sample/BTC-USDT-1m-synthetic.csv \
//            --engine examples/engines/ema-momentum.ts --param period=50
import { defineEngine, Ema } from 'theorycraft'

export default defineEngine({
  name: 'ema-momentum',
  description: 'Long while the close is above a rising EMA; flat otherwise',
  params: {
    period: { type: 'integer', default: 30, min: 2, description: 'EMA period in bars' },
    fraction: { type: 'number', default: 0.5, min: 0, max: 1, description: 'share of equity to invest' }
  },
  subscription: { market: { types: ['bar'] } },
  create(params) {
    const ema = new Ema(Number(params.period))
    let previous = NaN
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !event.closed) return
        const value = ema.update(event.close)
        const rising = value > previous
        previous = value
        const held = ctx.position(event.symbol).amount
        if (held === 0 && rising && event.close > value) {
          ctx.createOrder(event.symbol, 'market', 'buy', 0, undefined, { cost: ctx.equity() * Number(params.fraction) })
          ctx.log(`enter: close ${event.close} above rising EMA ${value.toFixed(2)}`)
        } else if (held > 0 && (!rising || event.close < value)) {
          ctx.createOrder(event.symbol, 'market', 'sell', held)
          ctx.log(`exit: close ${event.close}, EMA ${value.toFixed(2)}`)
        }
      },
      onBroker(event, ctx) {
        if (event.type === 'OrderFilled') ctx.metric('fill-price', event.price)
      }
    }
  }
})
