import type { ParamValues } from '../../../../shared/engine-params'
import type { OrderView, Side } from '../../../../shared/events'
import { defineEngine, type EngineContext } from '../../engine/engine'
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

/** One resting stop per purpose, moved only when its level changes. */
class RestingStop {
  private clientOrderId = ''

  constructor(
    private readonly side: Side,
    private readonly reduceOnly: boolean
  ) {}

  place(ctx: EngineContext<ParamValues>, symbol: string, amount: number, level: number): void {
    const open = this.open(ctx)
    // The level decides; an equity-sized amount drifting with the price alone does not move the stop.
    if (open && open.stopPrice === level) return
    if (open) ctx.cancelOrder(open.clientOrderId)
    this.clientOrderId = amount > 0 ? ctx.createOrder(symbol, 'stop-market', this.side, amount, level, { reduceOnly: this.reduceOnly }) : ''
  }

  withdraw(ctx: EngineContext<ParamValues>): void {
    const open = this.open(ctx)
    if (open) ctx.cancelOrder(open.clientOrderId)
    this.clientOrderId = ''
  }

  private open(ctx: EngineContext<ParamValues>): OrderView | undefined {
    if (this.clientOrderId === '') return undefined
    const order = ctx.order(this.clientOrderId)
    return order && (order.status === 'submitted' || order.status === 'accepted') ? order : undefined
  }
}

/**
 * The amount of an entry stop at `level`: fixed, or a fraction of the equity sized at the level
 * with room for the taker fee, so that a fill at the level stays within equity × size (sized at
 * the close instead, a buy stop above it would ask for more than the equity and be refused).
 */
function entryAmount(ctx: EngineContext<ParamValues>, symbol: string, params: Params, level: number): number {
  if (params.sizing === 'fixed') return params.size
  const taker = ctx.market(symbol)?.taker ?? 0
  return ctx.amountToPrecision(symbol, (ctx.equity() * params.size) / (level * (1 + taker)))
}

/**
 * Channel breakout with resting stop orders. After each closed bar it keeps a buy stop at the
 * highest high of the last `entry` bars (and, long-short, a sell stop at the lowest low); an
 * open long is protected by a sell stop at the lowest low of the last `exit` bars (a short by a
 * buy stop at the highest high). A stop is only moved when its level changes. Stops that the
 * market gaps through fill at the open, not at the stop price.
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
    const longEntry = new RestingStop('buy', false)
    const shortEntry = new RestingStop('sell', false)
    const longExit = new RestingStop('sell', true)
    const shortExit = new RestingStop('buy', true)
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !stream.accepts(event)) return
        const hi = entryHigh.update(event.high)
        const lo = entryLow.update(event.low)
        const exitHi = exitHigh.update(event.high)
        const exitLo = exitLow.update(event.low)
        if (Number.isNaN(hi) || Number.isNaN(exitLo)) return
        const symbol = event.symbol
        const held = ctx.position(symbol).amount
        if (held !== 0) {
          longEntry.withdraw(ctx)
          shortEntry.withdraw(ctx)
          if (held > 0) longExit.place(ctx, symbol, held, exitLo)
          else shortExit.place(ctx, symbol, -held, exitHi)
          return
        }
        longExit.withdraw(ctx)
        shortExit.withdraw(ctx)
        longEntry.place(ctx, symbol, entryAmount(ctx, symbol, params, hi), hi)
        if (params.mode === 'long-short') shortEntry.place(ctx, symbol, entryAmount(ctx, symbol, params, lo), lo)
      }
    }
  }
})
