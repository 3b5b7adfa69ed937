import { describe, expect, it } from 'vitest'
import { Rsi } from '../../../src/main/core/indicators/rsi'
import { backtest, loadBars } from './engine-harness'

describe('rsi-reversion on real daily bars (ORCL 1995-2014)', () => {
  it('enters the bar after RSI closes below oversold and exits the bar after it closes above exit', async () => {
    const bars = await loadBars('backtrader/orcl-1995-2014.txt', 'ORCL')
    // Replay the rules on the closes with the (TA-Lib-verified) RSI.
    const rsi = new Rsi(14)
    const expected: { bar: number; side: 'buy' | 'sell' }[] = []
    let long = false
    for (let i = 0; i < bars.length - 1; i++) {
      const v = rsi.update(bars.close[i])
      if (Number.isNaN(v)) continue
      if (!long && v < 30) {
        expected.push({ bar: i + 1, side: 'buy' })
        long = true
      } else if (long && v > 50) {
        expected.push({ bar: i + 1, side: 'sell' })
        long = false
      }
    }
    const { report } = backtest(bars, 'rsi-reversion', { sizing: 'fixed', size: 100 })
    expect(expected.length).toBeGreaterThan(20)
    expect(report.fills.map((f) => [f.ts, f.side, f.price])).toEqual(expected.map((e) => [bars.openTime[e.bar], e.side, bars.open[e.bar]]))
  })

  it('rejects inconsistent levels', async () => {
    const bars = await loadBars('backtrader/orcl-2014.txt', 'ORCL')
    expect(() => backtest(bars, 'rsi-reversion', { oversold: 60, exit: 50 })).toThrow(/oversold < exit < overbought/)
  })
})
