import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

/*
 * QuantConnect LEAN's BasicTemplateAlgorithm (Algorithm.CSharp/BasicTemplateAlgorithm.cs, commit
 * 2486390) on its own input, Data/equity/usa/minute/spy (docs/dev/published-results.md §3): SPY
 * minute bars 2013-10-07 .. 2013-10-11, cash 100 000, SetHoldings(SPY, 1) on the first data.
 * Published: Total Orders 1, End Equity 101691.92, Net Profit 1.692 %, Total Fees $3.44.
 * LEAN's rules as our flags: regular hours and adjusted prices (the reader's defaults), the
 * market order filled at the ask of the quote ending the same minute (fill rule 7.4), whole
 * shares, 0.25 % free-cash buffer (size 0.9975), Interactive Brokers' fee (0.005 a share, min
 * 1, max 1 %), the position marked at the last regular-hours trade close.
 */

const dir = mkdtempSync(join(tmpdir(), 'tc-golden-lean-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** the factor file's 20131219 row (price factor × split factor 1), the first on or after the run's dates */
const FACTOR = 0.8646266

describe('LEAN BasicTemplateAlgorithm (SPY minute, 2013-10-07 .. 11)', () => {
  it('1 order of 688 shares at the adjusted ask 167.45, fee 3.44, end equity 101691.92, net profit 1.692 %', () => {
    const json = join(dir, 'lean.json')
    const r = runCli(
      [
        'backtest',
        '--data',
        sharedDataPath('lean/Data/equity/usa/minute/spy'),
        '--engine',
        'buy-and-hold',
        '--param',
        'size=0.9975',
        '--cash',
        '100000',
        '--amount-step',
        '1',
        '--fee-per-unit',
        '0.005',
        '--fee-min',
        '1',
        '--fee-max-rate',
        '0.01',
        '--no-journal',
        '--json',
        json
      ],
      env
    )
    // no data-quality findings: the overnight gaps of regular-hours data are not missing bars
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8'))

    expect(report.orders.length).toBe(1)
    expect(report.fills.length).toBe(1)
    const [fill] = report.fills
    expect(fill).toMatchObject({ symbol: 'SPY', side: 'buy', amount: 688 })
    // the 09:30 bar's quote: ask close 1674500 deci-cents = 167.45, adjusted
    expect(fill.price).toBeCloseTo(167.45 * FACTOR, 9)
    // filled at 09:31 New York (13:31 UTC), the end of the first regular-hours minute
    expect(fill.ts).toBe(Date.parse('2013-10-07T13:31:00Z'))
    expect(fill.fee).toBeCloseTo(3.44, 9)

    // 100000 − 3.44 + 688 × (170.30 − 167.45) × 0.8646266 = 101691.9198…
    expect(report.finalEquity.toFixed(2)).toBe('101691.92')
    expect(report.finalEquity).toBeCloseTo(100_000 - 3.44 + 688 * (170.3 - 167.45) * FACTOR, 6)
    expect((report.stats.totalReturn * 100).toFixed(3)).toBe('1.692')
    // Total Fees $3.44: the fills' fees (the position is still open, so no trade carries them yet)
    expect(report.fills.reduce((sum: number, f: { fee: number }) => sum + f.fee, 0)).toBeCloseTo(3.44, 9)
    expect(report.openTrade).toMatchObject({ amount: 688 })
    expect(report.manifest.dataQuality).toMatchObject({ sessions: 'us-equity-regular', errors: 0, warnings: 0, missingBars: 0 })
  })
})
