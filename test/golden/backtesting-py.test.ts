import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

/*
 * backtesting.py (kernc/backtesting.py) SmaCross 10/20 on its input file GOOG.csv, as in its
 * README and its v0.5.0 Quick Start (docs/dev/published-results.md §1). Only the figures that do
 * not depend on position sizing are asserted: our equity-fraction orders are sized when the
 * engine decides, backtesting.py's when they fill, so equity and trade figures differ until the
 * broker can size at fill time (§1.3, §5 of that page).
 */

const dir = mkdtempSync(join(tmpdir(), 'tc-golden-btpy-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DAY = 86_400_000

describe('backtesting.py SmaCross(10, 20) on GOOG.csv', () => {
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
