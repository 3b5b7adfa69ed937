// NautilusTrader's example strategy EMACross (nautilus_trader/examples/strategies/ema_cross.py)
// as a theorycraft engine. It reproduces the final balances of NautilusTrader's acceptance
// tests on btc-perp-20211231-20220201_1m.csv (docs/dev/published-results.md §5):
//
//   npx theorycraft backtest --data ../shared/data/nautilus_trader/btc-perp-20211231-20220201_1m.csv \
//     --symbol BTC/USDT --stamp close --to 2022-01-07T21:39:00Z --engine examples/engines/nautilus-ema-cross.ts \
//     --param size=0.001 --fill same-close --close-at-end close --fee 0.001 --cash 10000000 \
//     --amount-step 0.000001 --price-step 0.01
//
// The strategy, on every closed bar:
// - updates a fast and a slow EMA with the close (Nautilus' EMA: seeded with the first close,
//   then alpha × close + (1 − alpha) × previous, alpha = 2 / (period + 1); ready once it has
//   seen `period` closes);
// - does nothing until both are ready, nor on a bar whose open, high, low and close are equal;
// - fast ≥ slow: flat → buy `size`; short → close the short, then buy `size`;
//   fast < slow: flat → sell `size`; long → close the long, then sell `size`.
// A reversal is two orders (the close, then the new entry), as Nautilus counts them.
// Nautilus fills these market orders at the quote that ends the decision bar (its close when
// bid = ask = the bar's prices), which is what `--fill same-close` does here; it closes what is
// open when the run stops, which is `--close-at-end close`.
import { defineEngine } from 'theorycraft'

/** Nautilus' ExponentialMovingAverage (v1, Cython), to the same floating-point operations. */
class NautilusEma {
  private readonly alpha: number
  value = 0
  count = 0

  constructor(readonly period: number) {
    this.alpha = 2 / (period + 1)
  }

  get initialized(): boolean {
    return this.count >= this.period
  }

  update(x: number): void {
    if (this.count === 0) this.value = x
    this.value = this.alpha * x + (1 - this.alpha) * this.value
    this.count++
  }
}

export default defineEngine({
  name: 'nautilus-ema-cross',
  description: "NautilusTrader's EMACross example strategy: always in the market on the side of the EMA cross",
  params: {
    fast: { type: 'integer', default: 10, min: 1, description: 'fast EMA period (fast_ema_period)' },
    slow: { type: 'integer', default: 20, min: 2, description: 'slow EMA period (slow_ema_period)' },
    size: { type: 'number', default: 0.001, min: 0, description: 'base amount per entry (trade_size)' }
  },
  subscription: { market: { types: ['bar'] } },
  create(params) {
    const fastPeriod = Number(params.fast)
    const slowPeriod = Number(params.slow)
    if (fastPeriod >= slowPeriod) throw new Error(`fast (${fastPeriod}) must be less than slow (${slowPeriod})`)
    const size = Number(params.size)
    const fast = new NautilusEma(fastPeriod)
    const slow = new NautilusEma(slowPeriod)
    let timeframe: string | undefined
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !event.closed) return
        // one bar series drives the strategy (bar_type); other timeframes are ignored
        timeframe ??= event.timeframe
        if (event.timeframe !== timeframe) return
        fast.update(event.close)
        slow.update(event.close)
        if (!fast.initialized || !slow.initialized) return
        // "Bar OHLC is single price; implies no market information"
        if (event.open === event.high && event.high === event.low && event.low === event.close) return
        const step = ctx.market(event.symbol)?.precision.amount ?? 0
        const held = ctx.position(event.symbol).amount
        const long = held > step / 2
        const short = held < -step / 2
        if (fast.value >= slow.value) {
          if (short) ctx.createOrder(event.symbol, 'market', 'buy', -held, undefined, { reduceOnly: true })
          if (!long) ctx.createOrder(event.symbol, 'market', 'buy', size)
        } else {
          if (long) ctx.createOrder(event.symbol, 'market', 'sell', held, undefined, { reduceOnly: true })
          if (!short) ctx.createOrder(event.symbol, 'market', 'sell', size)
        }
      }
    }
  }
})
