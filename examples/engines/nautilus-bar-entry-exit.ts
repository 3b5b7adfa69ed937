// The strategy of NautilusTrader's acceptance test `test_correct_account_balance_from_issue_2632`
// (tests/acceptance_tests/test_backtest.py; `BarEntryExit` in its v2 suite): a market buy of
// `size` on the bar numbered `entryBar` (counting from 0), a market sell of the same size on
// the bar numbered `exitBar`. Run as in docs/dev/published-results.md §5:
//
//   npx theorycraft backtest --data ../shared/data/nautilus_trader/btc-perp-20211231-20220201_1m.csv \
//     --symbol BTC/USDT --stamp close --to 2021-12-31T23:15:00Z --engine examples/engines/nautilus-bar-entry-exit.ts \
//     --fill same-close --fee 0.0005 --cash 1000000 --amount-step 0.001 --price-step 0.1
import { defineEngine } from 'theorycraft'

export default defineEngine({
  name: 'nautilus-bar-entry-exit',
  description: 'Buys on one bar and sells the same amount on a later bar',
  params: {
    entryBar: { type: 'integer', default: 0, min: 0, description: 'bar number (from 0) of the buy' },
    exitBar: { type: 'integer', default: 10, min: 0, description: 'bar number (from 0) of the sell' },
    size: { type: 'number', default: 10, min: 0, description: 'base amount bought and sold' }
  },
  subscription: { market: { types: ['bar'] } },
  create(params) {
    const entryBar = Number(params.entryBar)
    const exitBar = Number(params.exitBar)
    const size = Number(params.size)
    let timeframe: string | undefined
    let count = 0
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || !event.closed) return
        timeframe ??= event.timeframe
        if (event.timeframe !== timeframe) return
        if (count === entryBar) ctx.createOrder(event.symbol, 'market', 'buy', size)
        else if (count === exitBar) ctx.createOrder(event.symbol, 'market', 'sell', size)
        count++
      }
    }
  }
})
