import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

/*
 * NautilusTrader's acceptance tests (tests/acceptance_tests/test_backtest.py at nautilus_trader
 * a95c8042, the commit of the shared files) on btc-perp-20211231-20220201_1m.csv
 * (docs/dev/published-results.md §5):
 * - TestBacktestAcceptanceTestsBTCUSDTEmaCrossTWAP::test_run_ema_cross_with_trade_ticks_from_bar_data:
 *   EMACross(10, 20), trade size 0.001, on the first 10 000 rows turned into quotes (bid = ask):
 *   902 orders, USDT 9 999 954.94313300;
 * - ::test_run_ema_cross_with_minute_trade_bars: the same strategy through a TWAP execution
 *   algorithm, trade size 0.01, on the same 10 000 rows as bars: USDT 9 999 549.43133000 (its
 *   2 255 orders count the TWAP slices, which all fill at the same price);
 * - test_correct_account_balance_from_issue_2632: buy 10 on the first bar, sell 10 on the
 *   eleventh, taker 0.05 %: balance 999 768.115 after the buy, 1 000 245.875 at the end.
 * Nautilus fills these market orders at the quote that ends the decision bar (here its close:
 * bid = ask = the bar's prices), hence `--fill same-close`; the file's times are bar closes,
 * hence `--stamp close`; `--to` keeps the rows the tests slice ([:10_000], the first 15 for
 * issue 2632). Nautilus keeps money in fixed point (8 decimals for USDT); our floating-point sums
 * land within 1e-7 of it.
 */

const dir = mkdtempSync(join(tmpdir(), 'tc-golden-nautilus-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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
  trades: unknown[]
  openTrade: unknown
  orders: { id: string; status: string; reduceOnly: boolean }[]
  fills: Fill[]
  equity: { ts: number[] }
}

const DATA = sharedDataPath('nautilus_trader/btc-perp-20211231-20220201_1m.csv')

function backtest(name: string, args: string[]): Report {
  const json = join(dir, name)
  const r = runCli(
    [
      'backtest',
      '--data',
      DATA,
      '--symbol',
      'BTC/USDT',
      '--stamp',
      'close',
      '--fill',
      'same-close',
      '--no-journal',
      '--quiet',
      '--json',
      json,
      ...args
    ],
    env
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(readFileSync(json, 'utf8'))
}

/** TestInstrumentProvider.btcusdt_binance(): price 0.01, size 0.000001, maker and taker 0.1 %; 10 000 000 USDT. */
function emaCross(size: string, name: string): Report {
  return backtest(name, [
    // read_csv_bars(...)[:10_000]: the 10 000th row is stamped 2022-01-07 21:40:00
    '--to',
    '2022-01-07T21:40:00Z',
    '--engine',
    'examples/engines/nautilus-ema-cross.ts',
    '--param',
    `size=${size}`,
    // on_stop closes what is open, at the last quote
    '--close-at-end',
    'close',
    '--fee',
    '0.001',
    '--cash',
    '10000000',
    '--amount-step',
    '0.000001',
    '--price-step',
    '0.01'
  ])
}

function closes(): Map<number, number> {
  const rows = readFileSync(DATA, 'utf8').trim().split('\n').slice(1)
  return new Map(rows.map((line) => {
    const f = line.split(',')
    return [Date.parse(`${f[0].replace(' ', 'T')}Z`), Number(f[4])]
  }))
}

describe('NautilusTrader EMACross(10, 20) on btc-perp 1m, rows [:10 000]', () => {
  let small: Report
  let large: Report
  beforeAll(() => {
    small = emaCross('0.001', 'ema-0.001.json')
    large = emaCross('0.01', 'ema-0.01.json')
  })

  it('sees the 10 000 bars of the test (fast_ema.count == 10_000)', () => {
    expect(small.equity.ts.length).toBe(10_000)
    expect(small.equity.ts[0]).toBe(Date.UTC(2021, 11, 31, 23, 1))
    expect(small.equity.ts.at(-1)).toBe(Date.UTC(2022, 0, 7, 21, 40))
  })

  it('sends the published 902 orders, all filled, and ends flat', () => {
    // orders_total_count() == 902: the first entry, 450 reversals of two orders, the close on stop
    expect(small.orders.length).toBe(902)
    expect(small.orders.every((o) => o.status === 'filled')).toBe(true)
    expect(small.orders.filter((o) => o.reduceOnly).length).toBe(451)
    expect(small.fills.length).toBe(902)
    expect(small.openTrade).toBeNull()
  })

  it('fills every order at the close of its decision bar', () => {
    const close = closes()
    for (const f of small.fills) {
      expect(f.amount).toBe(0.001)
      expect(f.price).toBe(close.get(f.ts))
    }
  })

  it('ends with the published USDT balance 9 999 954.94313300', () => {
    expect(Math.abs(small.finalEquity - 9_999_954.943133)).toBeLessThan(1e-7)
    // commissions: 0.1 % of each fill's value (by hand from the fills: 41.115867 USDT)
    const fees = small.fills.reduce((s, f) => s + f.fee, 0)
    expect(Math.abs(fees - 41.115867)).toBeLessThan(1e-8)
  })

  it('with trade size 0.01 ends with the TWAP test balance 9 999 549.43133000', () => {
    // the TWAP slices of an order all fill at the same book price (no data arrives between
    // them), so the run equals one order of 0.01 per decision
    expect(Math.abs(large.finalEquity - 9_999_549.43133)).toBeLessThan(1e-6)
    expect(large.orders.length).toBe(902)
  })
})

describe('NautilusTrader test_correct_account_balance_from_issue_2632', () => {
  let report: Report
  beforeAll(() => {
    report = backtest('issue-2632.json', [
      // ticks[:60] of four per bar: the first 15 rows
      '--to',
      '2021-12-31T23:15:00Z',
      '--engine',
      'examples/engines/nautilus-bar-entry-exit.ts',
      '--param',
      'entryBar=0',
      '--param',
      'exitBar=10',
      '--param',
      'size=10',
      // the test's BTCUSDT-PERP: price 0.1, size 0.001, taker 0.05 %
      '--fee',
      '0.0005',
      '--cash',
      '1000000',
      '--amount-step',
      '0.001',
      '--price-step',
      '0.1'
    ])
  })

  it('buys 10 at the first bar close, 46 377.0, paying 231.885 (balance 999 768.115)', () => {
    const buy = report.fills[0]
    expect(buy).toMatchObject({ side: 'buy', amount: 10, price: 46377, ts: Date.UTC(2021, 11, 31, 23, 1) })
    expect(buy.fee).toBeCloseTo(231.885, 9)
    expect(1_000_000 - buy.fee).toBeCloseTo(999_768.115, 9)
  })

  it('sells 10 at the eleventh bar close, 46 448.0', () => {
    expect(report.fills.length).toBe(2)
    expect(report.orders.length).toBe(2)
    expect(report.fills[1]).toMatchObject({ side: 'sell', amount: 10, price: 46448, ts: Date.UTC(2021, 11, 31, 23, 11) })
  })

  it('ends with the published balance 1 000 245.875 USDT', () => {
    expect(report.finalEquity).toBeCloseTo(1_000_245.875, 9)
    expect(report.openTrade).toBeNull()
  })
})
