import type { BuildReportInput } from '../../../src/main/core/report/build-report'
import type { Fill } from '../../../src/main/core/report/types'
import { readBacktestingPyCsv } from './shared-data'

function sma(xs: readonly number[], n: number, i: number): number {
  let s = 0
  for (let k = i - n + 1; k <= i; k++) s += xs[k]
  return s / n
}

/**
 * A stop-and-reverse 10/30 SMA cross on the real GOOG daily bars: decided at a bar's close,
 * filled at the next bar's open, 10 shares a side, fee 0.1% of notional; equity marked at
 * every close. Stands in for the kernel's output.
 */
export function syntheticRun(symbol = 'GOOG', bars = 600): BuildReportInput {
  const all = readBacktestingPyCsv('GOOG.csv')
  const data = { ts: all.ts.slice(0, bars), open: all.open.slice(0, bars), high: all.high.slice(0, bars), low: all.low.slice(0, bars), close: all.close.slice(0, bars) }
  const n = data.ts.length
  const initialEquity = 10_000
  const size = 10
  const fills: Fill[] = []
  const equity = new Float64Array(n)
  const position = new Float64Array(n)
  let cash = initialEquity
  let pos = 0
  let want = 0
  for (let i = 0; i < n; i++) {
    if (want !== pos) {
      const amount = Math.abs(want - pos)
      const price = data.open[i]
      const fee = amount * price * 0.001
      cash -= (want - pos) * price + fee
      fills.push({ ts: data.ts[i], symbol, side: want > pos ? 'buy' : 'sell', price, amount, fee, orderId: `o${fills.length + 1}`, tradeId: `t${fills.length + 1}` })
      pos = want
    }
    equity[i] = cash + pos * data.close[i]
    position[i] = pos
    if (i >= 30) {
      const above = sma(data.close, 10, i) > sma(data.close, 30, i)
      const wasAbove = sma(data.close, 10, i - 1) > sma(data.close, 30, i - 1)
      if (above !== wasAbove) want = above ? size : -size
    }
  }
  return {
    manifest: {
      engine: 'SmaCross',
      params: { fast: 10, slow: 30, size },
      symbol,
      dataFingerprint: 'backtesting.py/GOOG.csv (first 600 daily bars)',
      appVersion: '0.1.0',
      seed: 42,
      fillRules: 'market orders fill at the next bar open; fee 0.1% of notional',
      lookAheadWarning: false
    },
    fills,
    equity: { ts: Float64Array.from(data.ts), equity },
    initialEquity,
    price: { symbol, ...data },
    position,
    journalHash: 'sha256:0f3c9d6a'
  }
}
