// freqtrade's test strategy (StrategyTestV3, freqtrade 4d3740d) as a theorycraft engine: the same
// TA-Lib indicators and entry/exit conditions, the ROI table and the stop-loss, expressed as
// orders our simulated broker fills by its documented bar rules. It reproduces freqtrade's
// `test_backtest_one` (docs/dev/published-results.md §4):
//
//   npx theorycraft backtest --data ../shared/data/freqtrade/at-4d3740d/UNITTEST_BTC-5m.json \
//     --symbol UNITTEST/BTC --from 2018-01-29T12:10:00Z --engine examples/engines/freqtrade-sample-strategy.ts \
//     --param exitSignal=false --fee 0.0025 --cash 1000 --amount-step 1e-12 --price-step 1e-12
//
// How freqtrade's backtesting rules map onto ours:
// - A signal computed on a closed candle enters at the next candle's open: a market order,
//   sized so that amount × open = `stake` (the fee is paid on top, as freqtrade does).
// - The ROI table ("minutes in trade: profit ratio") becomes one resting limit sell at
//   freqtrade's ROI exit price, open × (1 + roi + fee) / (1 − fee), replaced before each candle
//   whose duration reaches a new step. A limit the candle opens above fills at the open, as
//   freqtrade exits at the open when a new step makes the whole candle profitable.
// - The stop-loss is a resting stop-market sell at open × (1 − stoploss), submitted before the
//   ROI order so that, as in freqtrade, the stop wins when one candle reaches both.
// - Both exits are reduce-only (the default margin account lets them rest side by side; the
//   one that fills first leaves the other nothing to reduce).
// - freqtrade ignores signals of the first `startup` candles after the data start.
// Where the two differ (entry candle, gaps through a resting order, ROI trigger threshold),
// docs/dev/published-results.md §4 lists it.
import { Adx, defineEngine, Rsi, Stochastic, type BarEvent, type EngineContext } from 'theorycraft'

interface Params {
  [key: string]: string | number | boolean
  stake: number
  roi: string
  stoploss: number
  exitSignal: boolean
  startup: number
  buyRsi: number
  buyPlusDi: number
  sellRsi: number
  sellMinusDi: number
}

type Ctx = EngineContext<Params>

/** One ROI step: from `minutes` in the trade on, exit at a profit ratio of `ratio`. */
interface RoiStep {
  minutes: number
  ratio: number
}

/** Parses freqtrade's minimal_roi table written as "0:0.04,20:0.02,30:0.01,40:0". */
function parseRoi(text: string): RoiStep[] {
  const steps = text.split(',').map((part, i) => {
    const [m, r, extra] = part.split(':')
    const minutes = Number(m)
    const ratio = Number(r)
    if (extra !== undefined || m.trim() === '' || !Number.isInteger(minutes) || minutes < 0 || !Number.isFinite(ratio)) {
      throw new Error(`roi: entry ${i + 1} "${part}" is not minutes:ratio (e.g. "0:0.04,20:0.02,40:0")`)
    }
    return { minutes, ratio }
  })
  return steps.sort((a, b) => a.minutes - b.minutes)
}

/** The step in force after `minutes` in the trade (the last one whose minutes ≤ it), if any. */
function roiStepAt(steps: readonly RoiStep[], minutes: number): RoiStep | undefined {
  let found: RoiStep | undefined
  for (const s of steps) if (s.minutes <= minutes) found = s
  return found
}

/** The price rounded up to the market's tick: a sell never rests below the level asked for. */
function ceilToTick(ctx: Ctx, symbol: string, price: number): number {
  const rounded = ctx.priceToPrecision(symbol, price)
  const tick = ctx.market(symbol)?.precision.price
  if (tick !== undefined && rounded < price * (1 - 1e-9)) return ctx.priceToPrecision(symbol, rounded + tick)
  return rounded
}

interface OpenTrade {
  openRate: number
  amount: number
  /** open time of the candle whose open filled the entry */
  openTime: number
  /** the ROI step the resting limit belongs to */
  roiStep: RoiStep | undefined
  roiOrder: string
  exiting: boolean
}

export default defineEngine<Params>({
  name: 'freqtrade-sample-strategy',
  description: "freqtrade's StrategyTestV3: RSI / fast stochastic / ADX / ±DI entries, ROI table and stop-loss exits",
  params: {
    stake: { type: 'number', default: 0.001, min: 0, description: 'quote currency per trade, before fees (freqtrade stake_amount)' },
    roi: { type: 'string', default: '0:0.04,20:0.02,30:0.01,40:0', description: 'minimal_roi as minutes:ratio pairs' },
    stoploss: { type: 'number', default: 0.1, min: 0, max: 1, description: 'stop-loss as a fraction below the entry price' },
    exitSignal: { type: 'boolean', default: true, description: 'exit at the next open on the strategy exit signal (use_exit_signal)' },
    startup: { type: 'integer', default: 20, min: 0, description: 'candles whose signals are ignored (startup_candle_count)' },
    buyRsi: { type: 'number', default: 35, description: 'entry: RSI below this' },
    buyPlusDi: { type: 'number', default: 0.5, description: 'entry: +DI above this' },
    sellRsi: { type: 'number', default: 74, description: 'exit signal: RSI crossing above this' },
    sellMinusDi: { type: 'number', default: 0.5, description: 'exit signal: -DI above this with ADX above 70' }
  },
  subscription: { market: { types: ['bar'] }, broker: { types: ['OrderFilled'] } },
  create(params) {
    const roi = parseRoi(params.roi)
    const rsi = new Rsi(14)
    // TA-Lib STOCHF(5, 3, SMA): fast %K unsmoothed (SMA of 1), fast %D = SMA(3) of it
    const stochFast = new Stochastic(5, 1, 3)
    const adx = new Adx(14)
    let symbol = ''
    let bars = 0
    let prevRsi = NaN
    let prevFastD = NaN
    let entryOrder = ''
    let trade: OpenTrade | null = null

    const feeRate = (ctx: Ctx) => ctx.market(symbol)?.taker ?? 0

    function placeRoi(ctx: Ctx, t: OpenTrade, nextOpen: number): void {
      const step = roiStepAt(roi, Math.floor((nextOpen - t.openTime) / 60_000))
      if (step === t.roiStep) return
      if (t.roiOrder !== '') ctx.cancelOrder(t.roiOrder)
      t.roiStep = step
      t.roiOrder = ''
      if (step === undefined) return
      const fee = feeRate(ctx)
      // freqtrade's ROI exit price: what the trade's open value plus `ratio` of the open rate
      // brings back after the exit fee
      const price = ceilToTick(ctx, symbol, (t.openRate * (1 + step.ratio + fee)) / (1 - fee))
      t.roiOrder = ctx.createOrder(symbol, 'limit', 'sell', t.amount, price, { reduceOnly: true })
    }

    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !event.closed) return
        if (symbol === '') symbol = event.symbol
        if (event.symbol !== symbol) return
        const bar: BarEvent = event
        const r = rsi.update(bar.close)
        stochFast.update(bar.high, bar.low, bar.close)
        const fastD = stochFast.d
        const adxValue = adx.update(bar.high, bar.low, bar.close)
        const plusDi = adx.plusDI
        const minusDi = adx.minusDI
        // comparisons with a NaN (indicator still warming up) are false, as in pandas
        const enter =
          (r < params.buyRsi && fastD < 35 && adxValue > 30 && plusDi > params.buyPlusDi) || (adxValue > 65 && plusDi > params.buyPlusDi)
        const crossedUp = (now: number, before: number, level: number) => now > level && before <= level
        const exit =
          ((crossedUp(r, prevRsi, params.sellRsi) || crossedUp(fastD, prevFastD, 70)) && adxValue > 10 && minusDi > 0) ||
          (adxValue > 70 && minusDi > params.sellMinusDi)
        prevRsi = r
        prevFastD = fastD
        const usable = bars++ >= params.startup

        // The entry filled at this candle's open (fills come before the candle reaches engines).
        if (entryOrder !== '') {
          const o = ctx.order(entryOrder)
          if (o?.status === 'filled' && o.average !== null) {
            trade = { openRate: o.average, amount: o.filled, openTime: bar.openTime, roiStep: undefined, roiOrder: '', exiting: false }
            entryOrder = ''
            const stop = ceilToTick(ctx, symbol, o.average * (1 - params.stoploss))
            ctx.createOrder(symbol, 'stop-market', 'sell', trade.amount, undefined, { stopPrice: stop, reduceOnly: true })
          } else if (o === undefined || ['cancelled', 'rejected', 'expired'].includes(o.status)) {
            entryOrder = ''
          }
        }

        if (trade !== null && ctx.position(symbol).amount <= 0) {
          // an exit filled during this candle: withdraw the other one
          ctx.cancelAllOrders(symbol)
          trade = null
        }

        if (trade !== null) {
          if (trade.exiting) return
          if (params.exitSignal && exit && !enter) {
            ctx.cancelAllOrders(symbol)
            ctx.createOrder(symbol, 'market', 'sell', trade.amount, undefined, { reduceOnly: true })
            trade.exiting = true
            ctx.log(`exit signal: RSI ${r.toFixed(2)}, fast %D ${fastD.toFixed(2)}, ADX ${adxValue.toFixed(2)}`)
            return
          }
          placeRoi(ctx, trade, bar.closeTime)
          return
        }

        if (entryOrder === '' && usable && enter && !exit) {
          entryOrder = ctx.createOrder(symbol, 'market', 'buy', 0, undefined, { cost: params.stake * (1 + feeRate(ctx)) })
          ctx.log(`entry signal: RSI ${r.toFixed(2)}, fast %D ${fastD.toFixed(2)}, ADX ${adxValue.toFixed(2)}, +DI ${plusDi.toFixed(2)}`)
        }
      },
      onBroker(event, ctx) {
        if (event.type !== 'OrderFilled' || event.side !== 'buy') return
        // The ROI prices assume the market's taker rate; say so if the broker charged another.
        const charged = event.fee.cost / (event.price * event.amount)
        if (Math.abs(charged - feeRate(ctx)) > 1e-9) ctx.log(`entry fee rate ${charged} differs from the market's taker rate ${feeRate(ctx)} used for ROI prices`, 'warn')
      }
    }
  }
})
