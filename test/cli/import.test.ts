import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MarketStore } from '../../src/main/core/store'
import { defaultMarket } from '../../src/shared/market'
import { runCli } from '../support/run-cli'
import { sharedDataPath } from '../support/shared-data'

const dir = mkdtempSync(join(tmpdir(), 'tc-cli-import-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KRAKEN = sharedDataPath('freqtrade', 'at-c9ae5e1', 'kraken', 'BCHEUR.csv')
const KRAKEN_Q2 = sharedDataPath('freqtrade', 'at-c9ae5e1', 'kraken', 'incremental_q2', 'BCHEUR.csv')
const BTC_PERP = sharedDataPath('nautilus_trader', 'btc-perp-20211231-20220201_1m.csv')
const TARDIS_TRADES = sharedDataPath('nautilus_trader', 'tardis-at-8a2858d', 'trades.csv')

function seriesState(store: string, id: string) {
  const s = MarketStore.open(store, { readonly: true })
  try {
    const info = s.getSeries(id)!
    return { rows: info.rows, fingerprint: info.fingerprint, lastTime: info.lastTime, imports: s.seriesImports(id).length }
  } finally {
    s.close()
  }
}

describe('theorycraft import and data', () => {
  it('imports the Kraken day-1 file, appends day 2 incrementally, and lists and shows the series', () => {
    const store = join(dir, 'kraken.sqlite')
    const first = runCli(['import', KRAKEN, '--store', store], env)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('format   kraken-trades-csv (kraken), trades BCHEUR, 148 lines')
    expect(first.stdout).toContain('rows     148 read, 148 accepted, 0 dropped')
    expect(first.stdout).toContain('range    2023-01-01T00:03:56.000Z .. 2023-01-01T23:19:47.000Z')
    expect(first.stdout).toMatch(/^series {3}BCHEUR-trades \(new\): trades BCHEUR, 148 rows, /m)

    const second = runCli(['import', KRAKEN_Q2, '--store', store, '--append'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(
      'append   486 new row(s) appended (2023-01-02T00:48:56.000Z .. 2023-01-02T23:17:03.000Z); overlap with the stored rows: 0 identical, 0 conflicting (not written)'
    )
    expect(second.stdout).toMatch(/^series {3}BCHEUR-trades: trades BCHEUR, 634 rows, 2023-01-01T00:03:56.000Z \.\. 2023-01-02T23:17:03.000Z, sha256:[0-9a-f]{64}$/m)

    // Day 2 again: it all overlaps and matches; nothing is written.
    const again = runCli(['import', KRAKEN_Q2, '--store', store, '--series', 'BCHEUR-trades', '--append'], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('append   0 new row(s) appended; overlap with the stored rows: 486 identical, 0 conflicting (not written)')

    // Without --append an existing series is refused.
    const clash = runCli(['import', KRAKEN, '--store', store], env)
    expect(clash.code).toBe(1)
    expect(clash.stderr).toMatch(/series BCHEUR-trades already exists .*add --append/)

    const list = runCli(['data', 'list', '--store', store], env)
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/^BCHEUR-trades\ttrades BCHEUR, 634 rows, /)
    const show = runCli(['data', 'show', 'BCHEUR-trades', '--store', store], env)
    expect(show.code).toBe(0)
    expect(show.stdout).toContain(`source   ${KRAKEN}`)
    expect(show.stdout).toMatch(/1\. \S+ import .*kraken\/BCHEUR\.csv: 148 row\(s\) stored; quality keep-gaps: 0 error\(s\)/)
    expect(show.stdout).toMatch(/2\. \S+ append .*incremental_q2\/BCHEUR\.csv: 486 row\(s\) stored, 0 identical, 0 conflicting/)
    expect(show.stdout).toMatch(/3\. \S+ append .*: 0 row\(s\) stored, 486 identical, 0 conflicting/)
    const json = JSON.parse(runCli(['data', 'show', 'BCHEUR-trades', '--store', store, '--json'], env).stdout)
    expect(json).toMatchObject({ id: 'BCHEUR-trades', kind: 'trades', rows: 634, chunks: 1, firstTime: 1672531436000, lastTime: 1672701423000 })
  })

  it('a file rejected under policy reject leaves the stored series unchanged; under keep-gaps its bad rows are dropped and reported', () => {
    const store = join(dir, 'reject.sqlite')
    expect(runCli(['import', KRAKEN, '--store', store, '--series', 'bch'], env).code).toBe(0)
    const before = seriesState(store, 'bch')
    const bytesBefore = readFileSync(store)
    // Day 2 with two damaged lines: a price that is not a number, a negative amount.
    const lines = readFileSync(KRAKEN_Q2, 'utf8').trimEnd().split('\n')
    expect([lines[4], lines[6]]).toEqual(['1672621574,89.680000,0.15038625', '1672621591,89.500000,0.00000463'])
    lines[4] = '1672621574,89.68O000,0.15038625'
    lines[6] = '1672621591,89.500000,-0.00000463'
    const damaged = join(dir, 'BCHEUR-damaged.csv')
    writeFileSync(damaged, `${lines.join('\n')}\n`)

    const rejected = runCli(['import', damaged, '--store', store, '--series', 'bch', '--append', '--policy', 'reject'], env)
    expect(rejected.code).toBe(1)
    expect(rejected.stdout).toContain('quality  policy reject: 2 error(s), 0 warning(s)')
    expect(rejected.stdout).toContain('line 5: not-a-number: price is not a number: "89.68O000"')
    expect(rejected.stdout).toContain('line 7: negative-volume: amount -0.00000463 is negative')
    expect(rejected.stderr).toContain('rejected under policy reject: 2 row error(s); nothing was stored')
    expect(seriesState(store, 'bch')).toEqual(before)
    expect(readFileSync(store).equals(bytesBefore)).toBe(true)

    const kept = runCli(['import', damaged, '--store', store, '--series', 'bch', '--append'], env)
    expect(kept.code).toBe(0)
    expect(kept.stdout).toContain('rows     486 read, 484 accepted, 2 dropped')
    expect(kept.stdout).toContain('line 5: not-a-number')
    expect(kept.stdout).toContain('append   484 new row(s) appended')
    expect(seriesState(store, 'bch')).toMatchObject({ rows: 148 + 484, imports: 2 })
  })

  it('backtest --series gives the same result and fingerprint as --data on the same file', () => {
    const store = join(dir, 'perp.sqlite')
    const imported = runCli(['import', BTC_PERP, '--store', store, '--symbol', 'BTC/USD'], env)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/^series {3}BTC-USD-1m \(new\): bars BTC\/USD 1m, 45031 rows/m)
    const common = ['--engine', 'sma-cross', '--param', 'fast=20', '--param', 'slow=60', '--fee', '0.001', '--no-journal', '--quiet']
    const fromFile = join(dir, 'file.json')
    const fromStore = join(dir, 'store.json')
    expect(runCli(['backtest', '--data', BTC_PERP, '--symbol', 'BTC/USD', ...common, '--json', fromFile], env).code).toBe(0)
    const r = runCli(['backtest', '--series', 'BTC-USD-1m', '--store', store, ...common, '--json', fromStore], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const a = JSON.parse(readFileSync(fromFile, 'utf8'))
    const b = JSON.parse(readFileSync(fromStore, 'utf8'))
    expect(b.fills.length).toBeGreaterThan(100)
    expect(b.finalEquity).toBe(a.finalEquity)
    expect(b.journalHash).toBe(a.journalHash)
    expect(b.manifest.dataFingerprint).toBe(a.manifest.dataFingerprint)
    expect(b.manifest.dataQuality).toEqual(a.manifest.dataQuality)
    expect(b.manifest).toMatchObject({ store, series: 'BTC-USD-1m', dataImports: [{ action: 'import', file: BTC_PERP, rowsAppended: 45_031 }], instrument: null })
    expect(b.manifest.data).toBeUndefined()

    // A range read from the store runs the same as the range applied to the whole file.
    const range = ['--from', '2022-01-10', '--to', '2022-01-20']
    const rangeFile = join(dir, 'range-file.json')
    const rangeStore = join(dir, 'range-store.json')
    expect(runCli(['backtest', '--data', BTC_PERP, '--symbol', 'BTC/USD', ...common, ...range, '--json', rangeFile], env).code).toBe(0)
    expect(runCli(['backtest', '--series', 'BTC-USD-1m', '--store', store, ...common, ...range, '--json', rangeStore], env).code).toBe(0)
    const ra = JSON.parse(readFileSync(rangeFile, 'utf8'))
    const rb = JSON.parse(readFileSync(rangeStore, 'utf8'))
    expect(rb.finalEquity).toBe(ra.finalEquity)
    expect(rb.price.ts).toEqual(ra.price.ts)
    expect(rb.price.ts.length).toBe(10 * 1440)

    // A stored instrument supplies the market: its fees and steps apply unless flags override them.
    const s = MarketStore.open(store)
    s.putInstrument({ ...defaultMarket('BTC/USD', 'bench'), precision: { price: 0.5, amount: 0.001 }, taker: 0.002, maker: 0.001 })
    s.close()
    const noFee = common.filter((x) => x !== '--fee' && x !== '0.001')
    const withInstrument = join(dir, 'instrument.json')
    const byFlags = join(dir, 'flags.json')
    expect(runCli(['backtest', '--series', 'BTC-USD-1m', '--store', store, ...noFee, '--json', withInstrument], env).code).toBe(0)
    expect(runCli(['backtest', '--data', BTC_PERP, '--symbol', 'BTC/USD', ...noFee, '--fee', '0.002', '--price-step', '0.5', '--amount-step', '0.001', '--json', byFlags], env).code).toBe(0)
    const ri = JSON.parse(readFileSync(withInstrument, 'utf8'))
    expect(ri.manifest.instrument).toMatchObject({ symbol: 'BTC/USD', venue: 'bench', taker: 0.002 })
    for (const f of ri.fills) expect(f.fee).toBeCloseTo(f.price * f.amount * 0.002, 8)
    expect(ri.finalEquity).toBe(JSON.parse(readFileSync(byFlags, 'utf8')).finalEquity)
  })

  it('backtest --series on stored trades builds bars of --timeframe like --data does', () => {
    const store = join(dir, 'tardis.sqlite')
    expect(runCli(['import', TARDIS_TRADES, '--store', store, '--symbol', 'BTC/USDT'], env).code).toBe(0)
    const common = ['--engine', 'sma-cross', '--param', 'fast=5', '--param', 'slow=15', '--timeframe', '1m', '--no-journal', '--quiet']
    const a = join(dir, 'tardis-file.json')
    const b = join(dir, 'tardis-store.json')
    expect(runCli(['backtest', '--data', TARDIS_TRADES, '--symbol', 'BTC/USDT', ...common, '--json', a], env).code).toBe(0)
    expect(runCli(['backtest', '--series', 'BTC-USDT-trades', '--store', store, ...common, '--json', b], env).code).toBe(0)
    const ra = JSON.parse(readFileSync(a, 'utf8'))
    const rb = JSON.parse(readFileSync(b, 'utf8'))
    expect(rb.fills.length).toBeGreaterThan(0)
    expect(rb.finalEquity).toBe(ra.finalEquity)
    expect(rb.manifest.dataFingerprint).toBe(ra.manifest.dataFingerprint)
  })

  it('explains bad usage and missing series, and deletes a series', () => {
    const store = join(dir, 'usage.sqlite')
    expect(runCli(['import', '--store', store], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('give the FILE to import') })
    const missing = runCli(['backtest', '--series', 'nope', '--store', store, '--engine', 'sma-cross', '--no-journal'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/market-data store .*usage\.sqlite: no such file/)
    expect(runCli(['backtest', '--series', 'x', '--data', KRAKEN, '--engine', 'sma-cross'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('either --data FILE or --series ID') })
    expect(runCli(['backtest', '--series', 'x', '--policy', 'drop', '--engine', 'sma-cross'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--policy applies to --data files') })
    // A file that cannot be read creates no store.
    const unreadable = runCli(['import', sharedDataPath('backtrader', 'ticksample.csv'), '--store', store], env)
    expect(unreadable).toMatchObject({ code: 1, stderr: expect.stringContaining('option timeframe: cannot be detected') })
    expect(existsSync(store)).toBe(false)
    expect(runCli(['data', 'list', '--store', store], env)).toMatchObject({ code: 0, stdout: expect.stringContaining('no series (no market-data store at') })

    expect(runCli(['import', KRAKEN, '--store', store, '--series', 'day1'], env).code).toBe(0)
    const unknown = runCli(['backtest', '--series', 'nope', '--store', store, '--engine', 'sma-cross', '--no-journal'], env)
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no series "nope"') })
    expect(runCli(['data', 'show', 'nope', '--store', store], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('no series "nope"') })
    expect(runCli(['data', 'delete', 'day1', '--store', store], env)).toMatchObject({ code: 0, stdout: 'deleted day1 (148 rows)\n' })
    expect(runCli(['data', 'list', '--store', store], env).stdout).toBe('no series\n')
  })

  it('prints help for import, data and the --series flag of backtest', () => {
    const top = runCli(['--help'], env)
    expect(top.stdout).toMatch(/^ {2}import {5}/m)
    expect(top.stdout).toMatch(/^ {2}data {7}/m)
    const imp = runCli(['import', '--help'], env)
    expect(imp.code).toBe(0)
    for (const flag of ['--symbol', '--timeframe', '--format', '--timezone', '--stamp', '--policy', '--store', '--series', '--append']) expect(imp.stdout).toContain(flag)
    expect(imp.stdout).toContain('kraken-trades-csv')
    const data = runCli(['data', '--help'], env)
    expect(data.code).toBe(0)
    expect(data.stdout).toMatch(/data list .*data show ID .*data delete ID/s)
    expect(runCli(['backtest', '--help'], env).stdout).toContain('--series ID')
  })
})
