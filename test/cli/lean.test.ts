import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

const dir = mkdtempSync(join(tmpdir(), 'tc-cli-lean-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SPY = sharedDataPath('lean/Data/equity/usa/minute/spy')

describe('backtest on LEAN data', () => {
  it('help lists the LEAN and per-unit fee flags and the buy-and-hold engine', () => {
    const r = runCli(['backtest', '--help'], env)
    expect(r.code).toBe(0)
    for (const flag of ['--adjust raw|adjusted', '--session regular|extended', '--fee-per-unit N', '--fee-min N', '--fee-max-rate F', 'buy-and-hold']) expect(r.stdout).toContain(flag)
  })

  it('raw prices and extended hours: the first bar of the file (04:00) decides, the 04:01 open fills (no quotes)', () => {
    const json = join(dir, 'raw.json')
    const r = runCli(
      ['backtest', '--data', join(SPY, '20131007_trade.zip'), '--engine', 'buy-and-hold', '--param', 'sizing=fixed', '--param', 'size=10', '--adjust', 'raw', '--session', 'extended', '--no-journal', '--quiet', '--json', json],
      env
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    // one trade zip, no quotes: the order fills at the next bar's open, the file's second row
    // (14460000,1672500,…: 04:01 New York, open 167.25)
    expect(report.fills).toHaveLength(1)
    expect(report.fills[0]).toMatchObject({ symbol: 'SPY', amount: 10, price: 167.25, ts: Date.parse('2013-10-07T08:01:00Z') })
  })

  it('a broken LEAN zip fails with its path; bad flag values are usage errors', () => {
    const folder = join(dir, 'Data/equity/usa/minute/spy')
    mkdirSync(folder, { recursive: true })
    copyFileSync(join(SPY, '20131007_trade.zip'), join(folder, '20131007_trade.zip'))
    writeFileSync(join(folder, '20131007_quote.zip'), readFileSync(join(SPY, '20131007_quote.zip')).subarray(0, 3000))
    const broken = runCli(['backtest', '--data', folder, '--engine', 'buy-and-hold', '--no-journal'], env)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain(`${join(folder, '20131007_quote.zip')}: broken zip: no end-of-central-directory record (the file is truncated)`)
    const adjust = runCli(['backtest', '--data', SPY, '--engine', 'buy-and-hold', '--adjust', 'split', '--no-journal'], env)
    expect(adjust.code).toBe(2)
    expect(adjust.stderr).toContain('--adjust must be one of raw, adjusted')
    const cap = runCli(['backtest', '--data', SPY, '--engine', 'buy-and-hold', '--fee-max-rate', '2', '--no-journal'], env)
    expect(cap.code).toBe(2)
    expect(cap.stderr).toContain('--fee-max-rate must be a fraction in (0, 1]')
  })
})
