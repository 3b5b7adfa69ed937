import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

/*
 * freqtrade's tests/optimize/test_backtesting.py `test_backtest_one` (freqtrade 4d3740d) on its
 * input file UNITTEST_BTC-5m.json, run through the example user engine
 * examples/engines/freqtrade-sample-strategy.ts (StrategyTestV3's indicators and conditions, the test
 * config's ROI table and −10 % stop, exit signals off). Rules and sources:
 * docs/dev/published-results.md §4.
 *
 * The test's market (UNITTEST/BTC) is not among freqtrade's mocked markets, so amounts and
 * prices are unrounded there; 1e-12 steps here stand for that. freqtrade compares with
 * pandas' assert_frame_equal (rtol 1e-5), so its published table is rounded (close_rate
 * 0.104969); the orders it lists carry the exact exit prices (safe_price), which we match to
 * one 1e-12 step.
 */

const dir = mkdtempSync(join(tmpdir(), 'tc-golden-ft-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Trade {
  entryTs: number
  entryPrice: number
  exitTs: number
  exitPrice: number
  amount: number
  pnl: number
  fees: number
  durationMs: number
}
interface Order {
  id: string
  type: string
  side: string
  status: string
  price: number | null
  stopPrice: number | null
  reduceOnly: boolean
}
interface Fill {
  ts: number
  side: 'buy' | 'sell'
  price: number
  amount: number
  fee: number
  orderId: string
}
interface Report {
  finalEquity: number
  trades: Trade[]
  openTrade: Trade | null
  orders: Order[]
  fills: Fill[]
}

const STEP = 1e-12
const FEE = 0.0025

function backtest(): Report {
  const json = join(dir, 'test_backtest_one.json')
  const r = runCli(
    [
      'backtest',
      '--data',
      sharedDataPath('freqtrade/at-4d3740d/UNITTEST_BTC-5m.json'),
      '--symbol',
      'UNITTEST/BTC',
      // TimeRange('date', None, 1517227800, 0): the data (and the indicators) start here
      '--from',
      '2018-01-29T12:10:00Z',
      '--engine',
      'examples/engines/freqtrade-sample-strategy.ts',
      // default_conf['use_exit_signal'] = False
      '--param',
      'exitSignal=false',
      '--fee',
      String(FEE),
      // dry_run_wallet; stake_amount 0.001 is the engine's default `stake`
      '--cash',
      '1000',
      '--amount-step',
      String(STEP),
      '--price-step',
      String(STEP),
      '--no-journal',
      '--quiet',
      '--json',
      json
    ],
    env
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(readFileSync(json, 'utf8'))
}

let report: Report
beforeAll(() => {
  report = backtest()
})

// The published rows: open/close timestamps, open_rate, close_rate (rounded, see above), the
// exit order's safe_price, amount, trade_duration (minutes), initial_stop_loss_abs.
const PUBLISHED = [
  {
    open: Date.UTC(2018, 0, 29, 18, 40),
    close: Date.UTC(2018, 0, 29, 22, 35),
    openRate: 0.104445,
    closeRate: 0.104969,
    exitOrderPrice: 0.10496853383458644,
    amount: 0.00957442,
    minutes: 235,
    stop: 0.0940005
  },
  {
    open: Date.UTC(2018, 0, 30, 3, 30),
    close: Date.UTC(2018, 0, 30, 4, 10),
    openRate: 0.10302485,
    closeRate: 0.103541,
    exitOrderPrice: 0.10354126528822055,
    amount: 0.0097064,
    minutes: 40,
    stop: 0.09272236
  }
]

describe('freqtrade test_backtest_one: StrategyTestV3 on UNITTEST_BTC-5m.json', () => {
  it('has the two published trades and nothing open', () => {
    expect(report.trades.length).toBe(2)
    expect(report.openTrade).toBeNull()
    expect(report.fills.length).toBe(4)
  })

  PUBLISHED.forEach((p, i) => {
    describe(`trade ${i + 1}`, () => {
      it('opens and closes at the published candles', () => {
        const t = report.trades[i]
        // open_timestamp / close_timestamp: the open times of the entry and exit candles
        expect(t.entryTs).toBe(p.open)
        expect(t.exitTs).toBe(p.close)
        expect(t.durationMs / 60_000).toBe(p.minutes)
      })

      it('enters at the candle open with amount = stake / open', () => {
        const t = report.trades[i]
        expect(t.entryPrice).toBeCloseTo(p.openRate, 12)
        // freqtrade's amount is unrounded (0.001 / open); the table shows it to 8 decimals
        expect(Math.abs(t.amount - 0.001 / p.openRate)).toBeLessThanOrEqual(STEP)
        expect(t.amount.toFixed(8)).toBe(p.amount.toFixed(8))
      })

      it('exits by ROI at the break-even price after fees', () => {
        const t = report.trades[i]
        expect(t.exitPrice.toFixed(6)).toBe(p.closeRate.toFixed(6))
        expect(Math.abs(t.exitPrice - p.exitOrderPrice)).toBeLessThanOrEqual(STEP)
        // the exit is the resting ROI limit, not the stop or a market order
        const sell = report.fills.filter((f) => f.side === 'sell')[i]
        const order = report.orders.find((o) => o.id === sell.orderId)!
        expect(order).toMatchObject({ type: 'limit', side: 'sell', reduceOnly: true, status: 'filled' })
      })

      it('makes profit 0 (profit_abs and profit_ratio 0.0 to 8 decimals)', () => {
        const t = report.trades[i]
        // fees: 0.25 % of the stake in, 0.25 % of the exit value out
        expect(t.fees).toBeCloseTo(FEE * 0.001 + FEE * t.amount * t.exitPrice, 15)
        expect(Math.abs(t.pnl)).toBeLessThan(1e-12)
      })

      it('was protected by the −10 % stop (initial_stop_loss_abs)', () => {
        const stops = report.orders.filter((o) => o.type === 'stop-market')
        expect(stops.length).toBe(2)
        expect(Math.abs(stops[i].stopPrice! - 0.9 * p.openRate)).toBeLessThanOrEqual(STEP)
        // published with pandas' rtol 1e-5
        expect(Math.abs(stops[i].stopPrice! / p.stop - 1)).toBeLessThan(1e-5)
        expect(stops[i].status).toBe('cancelled')
      })
    })
  })

  it('ends where it started: 1000 BTC less nothing but float noise', () => {
    expect(Math.abs(report.finalEquity - 1000)).toBeLessThan(1e-12)
  })
})
