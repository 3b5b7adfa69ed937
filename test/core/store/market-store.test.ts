import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultMarket } from '../../../src/shared/market'
import { TradeSeriesBuilder, type BarSeries, type QuoteSeries, type TradeSeries } from '../../../src/main/core/data/bar-series'
import { seriesFingerprint } from '../../../src/main/core/data/fingerprint'
import { importFile } from '../../../src/main/core/data/import-file'
import type { ImportOptions, ImportResult } from '../../../src/main/core/data/import-report'
import { resampleBars } from '../../../src/main/core/data/resample'
import { MarketStore, MarketStoreError, type AnySeries } from '../../../src/main/core/store'
import { sharedDataPath } from '../../support/shared-data'

const dir = mkdtempSync(join(tmpdir(), 'tc-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let fileNo = 0
const newStorePath = () => join(dir, `store-${++fileNo}.sqlite`)

async function load(rel: string[], options: ImportOptions = {}): Promise<ImportResult> {
  return importFile(sharedDataPath(...rel), options)
}
const bars = async (rel: string[], options: ImportOptions = {}) => (await load(rel, options)).series as BarSeries
const trades = async (rel: string[], options: ImportOptions = {}) => (await load(rel, options)).series as TradeSeries
const quotes = async (rel: string[], options: ImportOptions = {}) => (await load(rel, options)).series as QuoteSeries

const BTC_PERP = ['nautilus_trader', 'btc-perp-20211231-20220201_1m.csv']
const KRAKEN = ['freqtrade', 'at-c9ae5e1', 'kraken', 'BCHEUR.csv']
const KRAKEN_Q2 = ['freqtrade', 'at-c9ae5e1', 'kraken', 'incremental_q2', 'BCHEUR.csv']

const COLUMNS = {
  bars: ['openTime', 'closeTime', 'open', 'high', 'low', 'close', 'volume', 'synthetic'],
  trades: ['ts', 'price', 'amount', 'side'],
  quotes: ['ts', 'bid', 'ask', 'bidSize', 'askSize']
} as const

/** Every column byte for byte, plus the non-column fields. */
function expectSameBits(actual: AnySeries, expected: AnySeries): void {
  const kind = 'openTime' in expected ? 'bars' : 'price' in expected ? 'trades' : 'quotes'
  const a = actual as unknown as Record<string, unknown>
  const e = expected as unknown as Record<string, unknown>
  expect(actual.length).toBe(expected.length)
  expect(actual.symbol).toBe(expected.symbol)
  if (kind === 'bars') expect([a.timeframe, a.timeframeMs]).toEqual([e.timeframe, e.timeframeMs])
  for (const name of COLUMNS[kind]) {
    const x = a[name] as ArrayBufferView | undefined
    const y = e[name] as ArrayBufferView | undefined
    expect(x === undefined, `column ${name} presence`).toBe(y === undefined)
    if (x === undefined || y === undefined) continue
    const bx = Buffer.from(x.buffer, x.byteOffset, x.byteLength)
    const by = Buffer.from(y.buffer, y.byteOffset, y.byteLength)
    expect(bx.equals(by), `column ${name} bytes`).toBe(true)
  }
}

/** A digest of everything a series is made of in the file: series rows, chunks and column blobs. */
function storeDigest(path: string): string {
  const db = new Database(path, { readonly: true })
  try {
    const hash = createHash('sha256')
    for (const table of ['series', 'series_imports', 'chunks', 'instruments']) {
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()) hash.update(JSON.stringify(row))
    }
    for (const row of db.prepare('SELECT series_id, seq, name, codec, data FROM chunk_columns ORDER BY series_id, seq, name').iterate() as Iterable<{
      series_id: string
      seq: number
      name: string
      codec: string
      data: Buffer
    }>) {
      hash.update(`${row.series_id}/${row.seq}/${row.name}/${row.codec}/`)
      hash.update(row.data)
    }
    return hash.digest('hex')
  } finally {
    db.close()
  }
}

function codecs(path: string, id: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true })
  try {
    const out: Record<string, string[]> = {}
    for (const r of db.prepare('SELECT name, codec FROM chunk_columns WHERE series_id = ? ORDER BY seq').all(id) as { name: string; codec: string }[]) {
      ;(out[r.name] ??= []).push(r.codec)
    }
    for (const k of Object.keys(out)) out[k] = [...new Set(out[k])]
    return out
  } finally {
    db.close()
  }
}

function caught(fn: () => unknown): MarketStoreError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(MarketStoreError)
    return err as MarketStoreError
  }
  throw new Error('expected a MarketStoreError')
}

/** The rows of a series with from ≤ time ≤ to, cut by hand. */
function sliceBars(s: BarSeries, from: number, to: number): BarSeries {
  let a = 0
  while (a < s.length && s.openTime[a] < from) a++
  let b = a
  while (b < s.length && s.openTime[b] <= to) b++
  const cut = <T extends Float64Array | Uint8Array>(c: T) => c.slice(a, b) as T
  const out: BarSeries = {
    ...s,
    length: b - a,
    openTime: cut(s.openTime),
    closeTime: cut(s.closeTime),
    open: cut(s.open),
    high: cut(s.high),
    low: cut(s.low),
    close: cut(s.close),
    volume: cut(s.volume)
  }
  if (s.synthetic) out.synthetic = cut(s.synthetic)
  return out
}

function concatTrades(a: TradeSeries, b: TradeSeries): TradeSeries {
  const out = new TradeSeriesBuilder(a.symbol, a.length + b.length)
  for (const s of [a, b]) for (let i = 0; i < s.length; i++) out.push(s.ts[i], s.price[i], s.amount[i], s.side[i])
  return out.build()
}

describe('market-data store: round trips', () => {
  it('gives back real bars, trades and quotes exact to the bit, with the fingerprint the file import gave', async () => {
    const path = newStorePath()
    const store = MarketStore.open(path)
    const cases: [string, AnySeries][] = [
      ['perp', await bars(BTC_PERP)],
      // No volume column: volume is NaN.
      ['fxcm', await bars(['nautilus_trader', 'fxcm', 'gbpusd-m1-bid-2012.csv'])],
      // Gaps forward-filled: the synthetic column round-trips too.
      ['ffill', await bars(['freqtrade', 'at-4d3740d', 'UNITTEST_BTC-1m.json'], { policy: 'forward-fill' })],
      ['tardis-trades', await trades(['nautilus_trader', 'tardis-at-8a2858d', 'trades.csv'])],
      ['xrp-trades', await trades(['freqtrade', 'at-4d3740d', 'XRP_ETH-trades.json.gz'])],
      ['tardis-quotes', await quotes(['nautilus_trader', 'tardis-at-8a2858d', 'quotes.csv'])],
      ['histdata-quotes', await quotes(['nautilus_trader', 'quote_tick_data.csv'])]
    ]
    expect(Number.isNaN((cases[1]![1] as BarSeries).volume[0])).toBe(true)
    expect((cases[2]![1] as BarSeries).synthetic).toBeDefined()
    for (const [id, series] of cases) {
      const info = store.importSeries(series, { id })
      expect(info.rows).toBe(series.length)
      expect(info.fingerprint).toBe(seriesFingerprint(series))
      const back = store.readSeries(id).series
      expectSameBits(back, series)
      expect(seriesFingerprint(back)).toBe(info.fingerprint)
    }
    store.close()
    // Times are delta-encoded; prices are raw float64 bytes.
    expect(codecs(path, 'perp')).toEqual({ openTime: ['delta32'], closeTime: ['delta32'], open: ['f64'], high: ['f64'], low: ['f64'], close: ['f64'], volume: ['f64'] })
    expect(codecs(path, 'tardis-trades')).toEqual({ ts: ['delta32'], price: ['f64'], amount: ['f64'], side: ['i8'] })
    // Reopened from disk: the same bits.
    const again = MarketStore.open(path, { readonly: true })
    expectSameBits(again.readBars('perp'), cases[0]![1])
    expectSameBits(again.readQuotes('histdata-quotes'), cases[6]![1])
    again.close()
  })

  it('stores monthly bars (steps beyond int32 ms) as plain float64 times, and odd float values bit for bit', async () => {
    const path = newStorePath()
    const store = MarketStore.open(path)
    const monthly = resampleBars(await bars(['backtrader', 'orcl-1995-2014.txt']), '1M')
    expect(monthly.length).toBe(240)
    store.importSeries(monthly, { id: 'orcl-1M' })
    expectSameBits(store.readBars('orcl-1M'), monthly)
    expect(codecs(path, 'orcl-1M').openTime).toEqual(['f64'])

    const odd = [5e-324, -0, Number.MAX_VALUE, Infinity, -Infinity, NaN, 0.1 + 0.2]
    const t = Float64Array.from(odd, (_, i) => 1_700_000_000_000 + i * 60_000)
    const col = () => Float64Array.from(odd)
    const s: BarSeries = {
      symbol: 'ODD',
      timeframe: '1m',
      timeframeMs: 60_000,
      length: odd.length,
      openTime: t,
      closeTime: t.map((x) => x + 60_000),
      open: col(),
      high: col(),
      low: col(),
      close: col(),
      volume: col()
    }
    store.importSeries(s, { id: 'odd' })
    const back = store.readBars('odd')
    expectSameBits(back, s)
    expect(Object.is(back.open[1], -0)).toBe(true)
    store.close()
  })
})

describe('market-data store: chunks and ranges', () => {
  it('splits a series into chunks of chunkRows and reads any range across their boundaries', async () => {
    const perp = await bars(BTC_PERP)
    expect(perp.length).toBe(45_031)
    const store = MarketStore.open(newStorePath(), { chunkRows: 1000 })
    const info = store.importSeries(perp, { id: 'perp' })
    expect(info.chunks).toBe(46)
    expect([info.firstTime, info.lastTime]).toEqual([Date.UTC(2021, 11, 31, 23, 1), Date.UTC(2022, 1, 1, 5, 31)])
    const t = perp.openTime
    const ranges: [number, number][] = [
      [t[999], t[1000]], // the last row of chunk 1 and the first of chunk 2
      [t[1000], t[1999]], // exactly chunk 2
      [t[500] + 1, t[3500] - 1], // inside chunks 1 and 4, bounds between rows
      [t[45_000], Infinity], // into the short last chunk
      [-Infinity, t[0]], // the first row only
      [t[0] - 86_400_000, t[0] - 1], // before the data: nothing
      [t[45_030] + 1, Infinity], // after: nothing
      [t[2000], t[1000]] // from > to: nothing
    ]
    const expectedLengths = [2, 1000, 2999, 31, 1, 0, 0, 0]
    ranges.forEach(([from, to], k) => {
      const got = store.readBars('perp', { from, to })
      expect(got.length, `range ${k}`).toBe(expectedLengths[k])
      expectSameBits(got, sliceBars(perp, from, to))
    })
    expectSameBits(store.readBars('perp', {}), perp)
    store.close()
  })

  it('refuses to read a series as another kind, a missing series, and NaN bounds', async () => {
    const store = MarketStore.open(newStorePath())
    store.importSeries(await trades(KRAKEN))
    expect(store.listSeries().map((s) => s.id)).toEqual(['BCHEUR-trades'])
    expect(caught(() => store.readBars('BCHEUR-trades')).code).toBe('series-mismatch')
    expect(caught(() => store.readTrades('nope')).code).toBe('unknown-series')
    expect(caught(() => store.readTrades('BCHEUR-trades', { from: NaN })).code).toBe('bad-argument')
    store.close()
  })
})

describe('market-data store: incremental append', () => {
  it('appends the Kraken second-day file after the first: every row is newer, nothing overlaps', async () => {
    const day1 = await trades(KRAKEN)
    const day2 = await trades(KRAKEN_Q2)
    expect([day1.length, day2.length]).toEqual([148, 486])
    const store = MarketStore.open(newStorePath(), { chunkRows: 100 })
    store.importSeries(day1, { id: 'bch', sourceFile: 'BCHEUR.csv' })
    expect(store.getSeries('bch')!.chunks).toBe(2) // 100 + 48
    const r = store.appendSeries('bch', day2, { sourceFile: 'incremental_q2/BCHEUR.csv' })
    expect(r).toMatchObject({ appended: 486, identical: 0, conflicts: 0, conflictSamples: [] })
    expect([r.firstAppended, r.lastAppended]).toEqual([1672620536000, 1672701423000])
    // The 48-row tail chunk was filled to 100; 634 rows = 6 full chunks + 34.
    expect(r.info).toMatchObject({ rows: 634, chunks: 7, firstTime: 1672531436000, lastTime: 1672701423000 })
    const both = concatTrades(day1, day2)
    expect(r.info.fingerprint).toBe(seriesFingerprint(both))
    expectSameBits(store.readTrades('bch'), both)

    // The same files again: everything overlaps and matches, so nothing is written.
    const before = r.info.fingerprint
    const again2 = store.appendSeries('bch', day2)
    expect(again2).toMatchObject({ appended: 0, identical: 486, conflicts: 0, firstAppended: null })
    const again1 = store.appendSeries('bch', day1)
    expect(again1).toMatchObject({ appended: 0, identical: 148, conflicts: 0 })
    expect(store.getSeries('bch')!.fingerprint).toBe(before)
    expect(store.seriesImports('bch').map((i) => [i.action, i.sourceFile, i.rowsAppended, i.rowsIdentical])).toEqual([
      ['import', 'BCHEUR.csv', 148, 0],
      ['append', 'incremental_q2/BCHEUR.csv', 486, 0],
      ['append', null, 0, 486],
      ['append', null, 0, 148]
    ])
    store.close()
  })

  it('reports overlapping rows that differ or are not stored, appends only the newer rows, and can refuse instead', async () => {
    const path = newStorePath()
    const store = MarketStore.open(path, { chunkRows: 100 })
    store.importSeries(await trades(KRAKEN), { id: 'bch' })
    store.appendSeries('bch', await trades(KRAKEN_Q2))
    const stored = store.readTrades('bch')
    // A re-download of day 2: line 10's price was revised, a fourth trade turned up in the last
    // stored second (1672701423, which holds three), and one newer trade follows.
    const lines = readFileSync(sharedDataPath(...KRAKEN_Q2), 'utf8').trimEnd().split('\n')
    expect(lines[9]).toBe('1672621591,89.450000,0.27462660')
    lines[9] = '1672621591,89.460000,0.27462660'
    lines.push('1672701423,93.200000,0.10000000', '1672701500,93.300000,0.25000000')
    const redownload = join(dir, 'BCHEUR-redownload.csv')
    writeFileSync(redownload, `${lines.join('\n')}\n`)
    const incoming = (await importFile(redownload, { symbol: 'BCHEUR' })).series as TradeSeries
    expect(incoming.length).toBe(488)

    const digest = storeDigest(path)
    const refused = caught(() => store.appendSeries('bch', incoming, { rejectConflicts: true }))
    expect(refused.code).toBe('overlap-conflict')
    expect(refused.message).toMatch(/2 overlapping row\(s\) do not match the stored data; first: row 9 at 1672621591000 \(differs\)/)
    expect(storeDigest(path)).toBe(digest)

    const r = store.appendSeries('bch', incoming)
    expect(r).toMatchObject({ appended: 1, identical: 485, conflicts: 2, firstAppended: 1672701500000, lastAppended: 1672701500000 })
    expect(r.conflictSamples).toEqual([
      {
        index: 9,
        time: 1672621591000,
        kind: 'differs',
        stored: { ts: 1672621591000, price: 89.45, amount: 0.2746266, side: 0 },
        incoming: { ts: 1672621591000, price: 89.46, amount: 0.2746266, side: 0 }
      },
      { index: 486, time: 1672701423000, kind: 'not-in-store', stored: null, incoming: { ts: 1672701423000, price: 93.2, amount: 0.1, side: 0 } }
    ])
    const after = store.readTrades('bch')
    expect(after.length).toBe(635)
    // The stored rows are untouched (line 10 keeps its old price); the one newer row is added.
    expectSameBits({ ...after, length: 634, ts: after.ts.slice(0, 634), price: after.price.slice(0, 634), amount: after.amount.slice(0, 634), side: after.side.slice(0, 634) }, stored)
    expect([after.ts[634], after.price[634], after.amount[634]]).toEqual([1672701500000, 93.3, 0.25])
    expect(store.seriesImports('bch').at(-1)).toMatchObject({ action: 'append', rowsAppended: 1, rowsIdentical: 485, rowsConflicting: 2 })
    store.close()
  })

  it('appends bars into the partly filled last chunk, and refuses another symbol or timeframe', async () => {
    const perp = await bars(BTC_PERP)
    const head = sliceBars(perp, -Infinity, perp.openTime[19_999])
    const store = MarketStore.open(newStorePath(), { chunkRows: 3000 })
    store.importSeries(head, { id: 'perp' })
    expect(store.getSeries('perp')!.chunks).toBe(7) // 6 × 3000 + 2000
    const r = store.appendSeries('perp', perp)
    expect(r).toMatchObject({ appended: 25_031, identical: 20_000, conflicts: 0 })
    expect(r.info).toMatchObject({ rows: 45_031, chunks: 16, fingerprint: seriesFingerprint(perp) })
    expectSameBits(store.readBars('perp'), perp)
    expect(caught(() => store.appendSeries('perp', { ...perp, symbol: 'ETH/USD' })).message).toMatch(/its symbol is btc-perp-20211231-20220201_1m, the new data's is ETH\/USD/)
    expect(caught(() => store.appendSeries('perp', resampleBars(perp, '5m'))).code).toBe('series-mismatch')
    expect(caught(() => store.appendSeries('perp', emptyTrades(perp.symbol))).message).toMatch(/it holds bars, the new data is trades/)
    store.close()
  })
})

function emptyTrades(symbol: string): TradeSeries {
  return new TradeSeriesBuilder(symbol).build()
}

describe('market-data store: failures leave the file unchanged', () => {
  it('an import that fails midway (bad times in its third chunk) stores nothing', async () => {
    const path = newStorePath()
    const store = MarketStore.open(path, { chunkRows: 1000 })
    store.importSeries(await trades(KRAKEN), { id: 'bch' })
    const digest = storeDigest(path)
    const perp = await bars(BTC_PERP)
    const broken = sliceBars(perp, -Infinity, Infinity)
    broken.openTime[2500] = broken.openTime[2499]
    const err = caught(() => store.importSeries(broken, { id: 'broken' }))
    expect(err).toMatchObject({ code: 'bad-series', row: 2500 })
    expect(err.message).toMatch(/row 2500: time 1641141600000 is equal to the previous row's/)
    expect(store.getSeries('broken')).toBeUndefined()
    expect(storeDigest(path)).toBe(digest)
    // Times that are not whole milliseconds, a short column, a duplicate id: refused, nothing written.
    const fractional = sliceBars(perp, -Infinity, perp.openTime[9])
    fractional.openTime[3] += 0.5
    expect(caught(() => store.importSeries(fractional, { id: 'frac' })).message).toMatch(/row 3: time .* is not whole milliseconds/)
    expect(caught(() => store.importSeries({ ...perp, close: perp.close.subarray(0, 10) }, { id: 'short' })).message).toMatch(/column close has 10 values for 45031 rows/)
    expect(caught(() => store.importSeries(emptyTrades('BCHEUR'), { id: 'bch' })).code).toBe('series-exists')
    expect(caught(() => store.importSeries(perp, { id: 'bad id' })).code).toBe('bad-argument')
    expect(storeDigest(path)).toBe(digest)
    store.close()
  })
})

describe('market-data store: schema migrations', () => {
  it('brings a fresh file to the latest version in WAL mode, once, with the documented tables', () => {
    const path = newStorePath()
    const store = MarketStore.open(path)
    expect(store.schemaVersion).toBe(1)
    store.close()
    MarketStore.open(path).close()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.pragma('page_size', { simple: true })).toBe(65536)
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }])
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
    expect(columns('instruments')).toEqual(['venue', 'symbol', 'base', 'quote', 'price_precision', 'amount_precision', 'min_amount', 'min_notional', 'maker_fee', 'taker_fee', 'sessions'])
    expect(columns('series')).toEqual(['id', 'kind', 'symbol', 'timeframe', 'timeframe_ms', 'rows', 'first_time', 'last_time', 'fingerprint', 'quality', 'source_file', 'created_at', 'updated_at'])
    expect(columns('chunks')).toEqual(['series_id', 'seq', 'first_time', 'last_time', 'rows'])
    expect(columns('chunk_columns')).toEqual(['series_id', 'seq', 'name', 'codec', 'data'])
    db.close()
  })

  it('refuses a file from a newer build without touching it, and a read-only open of an unmigrated file', () => {
    const path = newStorePath()
    const db = new Database(path)
    db.pragma('user_version = 7')
    db.close()
    const before = readFileSync(path)
    const err = caught(() => MarketStore.open(path))
    expect(err.code).toBe('schema-too-new')
    expect(err.message).toMatch(/schema version 7 is newer than this build supports \(1\)/)
    expect(caught(() => MarketStore.open(path, { readonly: true })).code).toBe('schema-too-new')
    expect(readFileSync(path).equals(before)).toBe(true)

    const empty = newStorePath()
    new Database(empty).close()
    expect(caught(() => MarketStore.open(empty, { readonly: true })).code).toBe('schema-too-old')
    expect(caught(() => MarketStore.open(join(dir, 'missing.sqlite'), { readonly: true })).code).toBe('open-failed')
  })

  it('applies a later migration on top of version 1, and rolls a failing one back', async () => {
    const { migrateStore, readStoreSchemaVersion, STORE_MIGRATIONS } = await import('../../../src/main/core/store')
    const path = newStorePath()
    MarketStore.open(path).close()
    const db = new Database(path)
    const v2 = [...STORE_MIGRATIONS, { version: 2, name: 'tags', sql: 'CREATE TABLE series_tags (series_id TEXT NOT NULL, tag TEXT NOT NULL) STRICT;' }]
    expect(migrateStore(db, path, v2)).toEqual({ from: 1, to: 2, applied: [2] })
    const v3 = [...v2, { version: 3, name: 'broken', sql: 'CREATE TABLE t3 (a INTEGER); CREATE TABLE t3 (a INTEGER);' }]
    const err = caught(() => migrateStore(db, path, v3))
    expect(err.code).toBe('migration-failed')
    expect(readStoreSchemaVersion(db)).toBe(2)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't3'").get()).toBeUndefined()
    db.close()
    // This build knows version 1 only: the upgraded file is refused.
    expect(caught(() => MarketStore.open(path)).code).toBe('schema-too-new')
  })
})

describe('market-data store: instruments, delete, backup, read-only', () => {
  it('keeps instruments per venue and symbol', () => {
    const store = MarketStore.open(newStorePath())
    const kraken = { ...defaultMarket('BCH/EUR', 'kraken'), precision: { price: 0.01, amount: 1e-8 }, limits: { amount: { min: 0.02 }, cost: { min: 0.5 } }, maker: 0.0025, taker: 0.004 }
    store.putInstrument(kraken)
    expect(store.getInstrument('BCH/EUR')).toEqual(kraken)
    store.putInstrument({ ...kraken, taker: 0.0026 })
    expect(store.getInstrument('BCH/EUR', 'kraken')!.taker).toBe(0.0026)
    store.putInstrument({ ...kraken, venue: 'bitstamp' })
    expect(caught(() => store.getInstrument('BCH/EUR')).code).toBe('ambiguous-instrument')
    expect(store.listInstruments().map((m) => m.venue)).toEqual(['bitstamp', 'kraken'])
    expect(store.getInstrument('ETH/EUR')).toBeUndefined()
    expect(caught(() => store.putInstrument({ ...kraken, precision: { price: -1, amount: 1 } })).message).toMatch(/precision\.price/)
    store.close()
  })

  it('deletes a series, backs the store up through the backup API, and refuses writes when read-only', async () => {
    const path = newStorePath()
    const store = MarketStore.open(path)
    const day1 = await trades(KRAKEN)
    store.importSeries(day1, { id: 'a' })
    store.importSeries(day1, { id: 'b' })
    store.deleteSeries('a')
    expect(store.listSeries().map((s) => s.id)).toEqual(['b'])
    expect(caught(() => store.deleteSeries('a')).code).toBe('unknown-series')
    const backup = join(dir, 'backup.sqlite')
    await store.backupTo(backup)
    await expect(store.backupTo(backup)).rejects.toThrow(/already exists/)
    store.close()
    const copy = MarketStore.open(backup, { readonly: true })
    expectSameBits(copy.readTrades('b'), day1)
    expect(copy.getSeries('b')!.fingerprint).toBe(seriesFingerprint(day1))
    expect(caught(() => copy.importSeries(day1, { id: 'c' })).code).toBe('readonly')
    copy.close()
    expect(caught(() => copy.listSeries()).code).toBe('closed')
  })
})
