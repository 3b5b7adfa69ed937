import { describe, expect, it } from 'vitest'
import { defaultMarket } from '../../../src/shared/market'
import { EquitySamples } from '../../../src/main/core/backtest/equity-samples'
import { runBacktest, type BacktestConfig } from '../../../src/main/core/backtest/run-backtest'
import { SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { TradeSeriesBuilder } from '../../../src/main/core/data/bar-series'
import { BUILT_IN_ENGINES } from '../../../src/main/core/engines/registry'
import { randomWalkBars } from '../../support/random-walk-bars'

const bars = randomWalkBars(6_000, 21)

/**
 * The same run twice: over the bar series alone (the curve computed from its closes at the end)
 * and with an empty trade series beside it (the curve sampled bar by bar). Nothing else differs.
 */
function both(config: Omit<BacktestConfig, 'bars' | 'markets'>) {
  const base = { ...config, markets: [defaultMarket('BTC/USDT'), defaultMarket('ETH/USDT')] }
  const computed = runBacktest({ ...base, bars: [bars] }).report
  const sampled = runBacktest({ ...base, bars: [bars], trades: [new TradeSeriesBuilder('BTC/USDT').build()] }).report
  return { computed, sampled }
}

const engine = (name: string, params: Record<string, unknown> = {}) => [{ id: name, definition: BUILT_IN_ENGINES.get(name)!, params }]
const margin = { currency: 'USDT', initialCash: 10_000, accountType: 'margin' as const, leverage: 2 }

describe('equity curve of a run over one bar series', () => {
  const cases: [string, Omit<BacktestConfig, 'bars' | 'markets'>][] = [
    ['sma-cross long-short, margin, fees', { engines: engine('sma-cross', { fast: 5, slow: 20, mode: 'long-short' }), broker: { ...margin, fees: { taker: 0.001, maker: 0.0005 } } }],
    ['breakout stops, spot, latency, closed at the end', { engines: engine('breakout'), broker: { currency: 'USDT', initialCash: 10_000, accountType: 'spot', latencyMs: 90_000 }, closeAtEnd: 'close' }],
    ['grid limits, spot', { engines: engine('grid'), broker: { currency: 'USDT', initialCash: 10_000, accountType: 'spot' } }],
    ['rsi-reversion, fills at the deciding close', { engines: engine('rsi-reversion'), broker: { ...margin, barFill: 'same-close' } }],
    ['buy-and-hold from a later start', { engines: engine('buy-and-hold'), broker: margin, from: bars.openTime[1_000], to: bars.closeTime[4_000] }]
  ]
  for (const [name, config] of cases) {
    it(`is the curve sampled bar by bar: ${name}`, () => {
      const { computed, sampled } = both(config)
      expect(computed.fills.length).toBeGreaterThan(0)
      expect(computed.equity.equity.length).toBeGreaterThan(2_000)
      expect(computed.equity).toEqual(sampled.equity)
      expect(computed.drawdown).toEqual(sampled.drawdown)
      expect(computed.stats).toEqual(sampled.stats)
      expect(computed.finalEquity).toBe(sampled.finalEquity)
      expect(computed.journalHash).toBe(sampled.journalHash)
    })
  }
})

describe('equity samples', () => {
  /** Feeds both kinds the same bars, marks and fills; a fill in ETH/USDT on bar 40 ends the deferral. */
  function feed(deferred: boolean, otherFillAt: number) {
    const broker = new SimulatedBroker({ currency: 'USDT', initialCash: 1_000, accountType: 'margin', leverage: 3, markets: [defaultMarket('BTC/USDT'), defaultMarket('ETH/USDT')] })
    const account = broker.account
    const samples = new EquitySamples(bars.length + 1, account, 'BTC/USDT', bars, 0, deferred)
    for (let i = 0; i < 100; i++) {
      if (i % 7 === 3) {
        account.applyFill('BTC/USDT', i % 2 === 0 ? 'buy' : 'sell', bars.open[i]!, 0.5 + i / 100, 0.01)
        samples.afterFill('BTC/USDT')
      }
      if (i === otherFillAt) {
        account.applyFill('ETH/USDT', 'buy', 20, 1, 0)
        samples.afterFill('ETH/USDT')
      }
      account.setMark('BTC/USDT', bars.close[i]!)
      if (samples.counting) samples.countBar()
      else samples.add(bars.closeTime[i]!, bars.openTime[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!)
      if (i % 11 === 5) {
        account.applyFill('BTC/USDT', 'sell', bars.close[i]!, 0.25, 0)
        samples.afterFill('BTC/USDT')
      }
    }
    samples.finish()
    const { ts, equity, position } = samples.columns()
    return { equity: [...equity], position: [...position], ts: [...ts] }
  }

  it('computes at the end what sampling bar by bar writes, also when a fill elsewhere ends the deferral', () => {
    for (const otherFillAt of [-1, 0, 40]) {
      const sampled = feed(false, otherFillAt)
      expect(sampled.equity).toHaveLength(100)
      expect(new Set(sampled.equity).size).toBeGreaterThan(50)
      expect(feed(true, otherFillAt)).toEqual(sampled)
    }
  })
})
