import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

/*
 * backtesting.py (kernc/backtesting.py) SmaCross on its input file GOOG.csv
 * (docs/dev/published-results.md §1). Its rules map onto ours: market orders at the next open,
 * whole units (`--amount-step 1`), entries sized at the fill from the equity left after the
 * closing order (`sizing=equity`, size 1 − 2⁻⁵²), commission as a cash fee on entry and exit
 * (`--fee`), and for `test_compute_stats` the open trade closed at the last bar's open
 * (`--close-at-end open`). Equity figures are published to the cent or to 1e-8 relative.
 */

const dir = mkdtempSync(join(tmpdir(), 'tc-golden-btpy-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DAY = 86_400_000

function backtest(extra: string[], name: string) {
  const json = join(dir, name)
  const r = runCli(
    [
      'backtest',
      '--data',
      sharedDataPath('backtesting.py/GOOG.csv'),
      '--engine',
      'sma-cross',
      '--param',
      'mode=long-short',
      '--param',
      'size=0.9999999999999998',
      '--amount-step',
      '1',
      '--cash',
      '10000',
      '--no-journal',
      '--quiet',
      '--json',
      json,
      ...extra
    ],
    env
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(readFileSync(json, 'utf8'))
}

describe('backtesting.py SmaCross(10, 20) on GOOG.csv', () => {
  it('reproduces the v0.6.6 Quick Start: SmaCross(10, 20), commission 0.2 %', () => {
    const report = backtest(['--param', 'fast=10', '--param', 'slow=20', '--fee', '0.002'], 'quick.json')
    // "Equity Final [$] 56263.52", "Equity Peak [$] 56309.06", "# Trades 93"
    expect(Math.abs(report.finalEquity - 56263.52)).toBeLessThan(0.005)
    expect(Math.abs(report.stats.peakEquity - 56309.06)).toBeLessThan(0.005)
    // the last trade is still open at the end and, as there, not counted
    expect(report.trades.length).toBe(93)
    expect(report.openTrade).not.toBeNull()
  })

  it('reproduces test_compute_stats: SmaCross(10, 30), no commission, open trade closed at the last open', () => {
    const report = backtest(['--param', 'fast=10', '--param', 'slow=30', '--close-at-end', 'open'], 'stats.json')
    // assert_allclose(rtol=1e-8) in backtesting.py's own test
    expect(report.finalEquity).toBeCloseTo(51422.98999999996, 6)
    expect(report.stats.peakEquity).toBeCloseTo(75787.44, 6)
    expect(report.trades.length).toBe(66)
    expect(report.openTrade).toBeNull()
    expect(report.stats.maxDrawdown * 100).toBeCloseTo(-47.98012705007589, 8)
    expect(report.stats.maxDrawdownDurationDays).toBe(584)
    expect(report.stats.winRate * 100).toBeCloseTo(46.9697, 3)
    expect(report.stats.sqn).toBeCloseTo(1.0766187356697705, 8)
  })

  it('has the published period and buy & hold return', () => {
    const json = join(dir, 'goog.json')
    const r = runCli(
      [
        'backtest',
        '--data',
        sharedDataPath('backtesting.py/GOOG.csv'),
        '--engine',
        'sma-cross',
        '--param',
        'fast=10',
        '--param',
        'slow=20',
        '--param',
        'mode=long-short',
        '--param',
        'sizing=equity',
        '--param',
        'size=0.9999999999999998',
        '--amount-step',
        '1',
        '--fee',
        '0.002',
        '--cash',
        '10000',
        '--no-journal',
        '--quiet',
        '--json',
        json
      ],
      env
    )
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    const ts: number[] = report.price.ts
    // Start 2004-08-19, End 2013-03-01, Duration 3116 days (bar open times; exact by construction).
    expect(new Date(ts[0]).toISOString().slice(0, 10)).toBe('2004-08-19')
    expect(new Date(ts[ts.length - 1]).toISOString().slice(0, 10)).toBe('2013-03-01')
    expect((ts[ts.length - 1] - ts[0]) / DAY).toBe(3116)
    // "Buy & Hold Return [%] 703.46" (README; v0.5.0 Quick Start): last close / first close − 1 over
    // all bars, the same definition as ours, so it agrees to the published two decimals.
    expect(Math.abs(report.stats.buyAndHoldReturn * 100 - 703.46)).toBeLessThan(0.005)
  })
})
