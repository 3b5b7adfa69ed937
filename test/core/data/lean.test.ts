import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { DataFormatError, ImportOptionsError } from '../../../src/main/core/data/errors'
import { importFile } from '../../../src/main/core/data/import-file'
import { isLeanSource, leanLayout, readLean } from '../../../src/main/core/data/lean'
import { readZip } from '../../../src/main/core/data/zip'
import { sharedDataPath } from '../../support/shared-data'

const SPY = sharedDataPath('lean/Data/equity/usa/minute/spy')
const DAYS = ['20131007', '20131008', '20131009', '20131010', '20131011']
const utc = (iso: string): number => Date.parse(iso)
/** the factor file's 20131219 row: the first on or after 2013-10-07 .. 2013-10-11 */
const FACTOR = 0.8646266

const tmp = mkdtempSync(join(tmpdir(), 'tc-lean-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A one-member zip with the member stored (method 0), as a test fixture. */
function storedZip(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt32LE(crc32(data) >>> 0, 14)
  local.writeUInt32LE(data.length, 18)
  local.writeUInt32LE(data.length, 22)
  local.writeUInt16LE(n.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 6)
  central.writeUInt32LE(crc32(data) >>> 0, 16)
  central.writeUInt32LE(data.length, 20)
  central.writeUInt32LE(data.length, 24)
  central.writeUInt16LE(n.length, 28)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(46 + n.length, 12)
  end.writeUInt32LE(30 + n.length + data.length, 16)
  return Buffer.concat([local, n, data, central, n, end])
}

describe('zip reader', () => {
  it('reads LEAN zips (deflate, sizes in the ZIP64 extra field)', () => {
    const file = join(SPY, '20131007_trade.zip')
    const entries = readZip(readFileSync(file), file)
    expect(entries.map((e) => [e.name, e.data.length])).toEqual([['20131007_spy_minute_trade.csv', 38_745]])
    expect(entries[0].data.toString('latin1').split('\n')[0]).toBe('14400000,1674100,1674100,1672500,1672700,3197')
  })

  it('reads stored members', () => {
    const entries = readZip(storedZip('a.csv', Buffer.from('1,2,3\n')), 'a.zip')
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([['a.csv', '1,2,3\n']])
  })

  it('a truncated, damaged or foreign file is a DataFormatError naming the file', () => {
    const file = join(SPY, '20131007_trade.zip')
    const buf = readFileSync(file)
    const cut = () => readZip(buf.subarray(0, 5000), 'cut.zip')
    expect(cut).toThrow(DataFormatError)
    expect(cut).toThrow('cut.zip: broken zip: no end-of-central-directory record (the file is truncated)')
    const damaged = Buffer.from(buf)
    damaged[200] ^= 0xff
    expect(() => readZip(damaged, 'damaged.zip')).toThrow(/^damaged\.zip: broken zip: 20131007_spy_minute_trade\.csv: (deflate data is damaged|CRC mismatch)/)
    expect(() => readZip(Buffer.from('time,open\n1,2\n'), 'text.zip')).toThrow('text.zip: broken zip: not a zip archive')
    const stored = storedZip('a.csv', Buffer.from('1,2,3\n'))
    stored[35] = 0x39 // the first data byte (after the 30-byte header and the 5-byte name)
    expect(() => readZip(stored, 'a.zip')).toThrow('a.zip: broken zip: a.csv: CRC mismatch (the data is damaged)')
  })

  it('a truncated zip in a LEAN folder stops the read with its path', () => {
    const dir = join(tmp, 'Data/equity/usa/minute/spy')
    mkdirSync(dir, { recursive: true })
    copyFileSync(join(SPY, '20131007_trade.zip'), join(dir, '20131007_trade.zip'))
    writeFileSync(join(dir, '20131008_trade.zip'), readFileSync(join(SPY, '20131008_trade.zip')).subarray(0, 4000))
    expect(() => readLean(dir)).toThrow(`${join(dir, '20131008_trade.zip')}: broken zip: no end-of-central-directory record (the file is truncated)`)
  })
})

describe('LEAN layout', () => {
  it('a ticker folder stands for every day, trade before quote, in date order', () => {
    const layout = leanLayout(SPY)
    expect([layout.assetClass, layout.market, layout.resolution, layout.ticker]).toEqual(['equity', 'usa', 'minute', 'spy'])
    expect(layout.files.map((f) => `${f.date}_${f.kind}`)).toEqual(DAYS.flatMap((d) => [`${d}_trade`, `${d}_quote`]))
    expect(isLeanSource(SPY)).toBe(true)
    expect(isLeanSource(sharedDataPath('backtrader/2006-day-001.txt'))).toBe(false)
  })

  it('paths outside a LEAN data folder are refused with the reason', () => {
    const dir = join(tmp, 'plain')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'x.zip'), storedZip('x.csv', Buffer.from('1,2\n')))
    expect(() => leanLayout(join(dir, 'x.zip'))).toThrow(DataFormatError)
    expect(() => leanLayout(join(dir, 'x.zip'))).toThrow(/not in a LEAN data folder/)
    expect(() => leanLayout(sharedDataPath('lean/Data/equity/usa/tick/spy'))).toThrow(/tick files are not supported/)
    expect(() => leanLayout(sharedDataPath('lean/Data/equity/usa/daily'))).toThrow(/pass the ticker's zip/)
  })
})

describe('LEAN US equity minute data (SPY 2013-10-07 .. 11)', () => {
  const raw = readLean(SPY, { adjust: 'raw' })
  const adjusted = readLean(SPY)

  it('regular hours: 390 trade bars and 390 quotes a day, the overnight gaps are not missing bars', () => {
    const bars = raw.bars!.series
    const quotes = raw.quotes!.series
    expect(raw.symbol).toBe('SPY')
    expect([bars.length, quotes.length]).toEqual([5 * 390, 5 * 390])
    expect(bars.timeframe).toBe('1m')
    for (let d = 0; d < 5; d++) {
      // 09:30 EDT = 13:30 UTC; the last bar opens 15:59, closes 16:00
      const open = utc(`2013-10-${String(7 + d).padStart(2, '0')}T13:30:00Z`)
      expect(bars.openTime[d * 390]).toBe(open)
      expect(bars.openTime[d * 390 + 389]).toBe(open + 389 * 60_000)
      expect(bars.closeTime[d * 390 + 389]).toBe(open + 390 * 60_000)
    }
    const q = raw.bars!.report.quality
    expect([q.sessions, q.missingBars, q.counts.gap, q.errors, q.warnings]).toEqual(['us-equity-regular', 0, 0, 0, 0])
    expect(raw.bars!.report.notes).toContain('2178 trade bar(s) outside regular hours left out')
  })

  it('extended: every row of the files (pre- and post-market too)', () => {
    const ext = readLean(SPY, { session: 'extended', adjust: 'raw' })
    expect(ext.bars!.series.length).toBe(828 + 828 + 813 + 883 + 776)
    expect(ext.quotes!.series.length).toBe(908 + 910 + 902 + 941 + 896)
    expect(ext.bars!.series.openTime[0]).toBe(utc('2013-10-07T08:00:00Z')) // 04:00 EDT
    expect(ext.bars!.report.quality.sessions).toBe('us-equity-extended')
  })

  it('deci-cents ÷ 10 000: the 09:30 bar of 2013-10-07 is 167.43 / 167.52 / 167.41 / 167.44, 816 453 shares', () => {
    const s = raw.bars!.series
    expect([s.open[0], s.high[0], s.low[0], s.close[0], s.volume[0]]).toEqual([167.43, 167.52, 167.41, 167.44, 816_453])
  })

  it('quote bars become quotes at the bar end: bid close, ask close and sizes', () => {
    const q = raw.quotes!.series
    // 34200000,1674100,1675200,1674100,1674400,4400,1674100,1675300,1674100,1674500,1400
    expect([q.ts[0], q.bid[0], q.ask[0], q.bidSize[0], q.askSize[0]]).toEqual([utc('2013-10-07T13:31:00Z'), 167.44, 167.45, 4400, 1400])
    // the bar of a minute and the quote of that minute share the event time
    expect(q.ts[0]).toBe(raw.bars!.series.closeTime[0])
  })

  it('adjusted (default): prices × the factor of the first factor-file row on or after the date', () => {
    const r = raw.bars!.series
    const a = adjusted.bars!.series
    for (const i of [0, 1000, 1949]) {
      expect(a.open[i]).toBe(r.open[i] * FACTOR)
      expect(a.close[i]).toBe(r.close[i] * FACTOR)
      expect(a.volume[i]).toBe(r.volume[i])
    }
    expect(adjusted.quotes!.series.ask[0]).toBe(167.45 * FACTOR)
    expect(a.close[1949]).toBe(170.3 * FACTOR)
    expect(adjusted.bars!.report.notes.some((n) => n.startsWith('adjusted: prices × price factor × split factor'))).toBe(true)
  })

  it('daily zip: 5849 bars, each date adjusted by its own factor row', () => {
    const daily = readLean(sharedDataPath('lean/Data/equity/usa/daily/spy.zip'))
    const s = daily.bars!.series
    expect([s.length, s.timeframe]).toEqual([5849, '1d'])
    expect(s.openTime[0]).toBe(utc('1998-01-02T05:00:00Z')) // midnight EST
    // 19980102 00:00,973100,…: the 19980102 row (0.6566606) applies to that date
    expect(s.open[0]).toBe(97.31 * 0.6566606)
    // 20210331: the first row on or after it is 20501231 (factor 1)
    expect(s.close[s.length - 1]).toBe(396.33)
    expect(daily.quotes).toBeNull()
    expect(daily.bars!.report.quality.sessions).toBe('weekdays')
  })

  it('bad options are typed errors', () => {
    expect(() => readLean(SPY, { adjust: 'split' as 'raw' })).toThrow(ImportOptionsError)
    expect(() => readLean(SPY, { session: 'night' as 'regular' })).toThrow(ImportOptionsError)
    expect(() => readLean(sharedDataPath('lean/Data/crypto/coinbase/minute/btcusd'), { adjust: 'adjusted' })).toThrow(/crypto has none/)
  })

  it('import of one LEAN zip gives its series', async () => {
    const r = await importFile(join(SPY, '20131009_quote.zip'))
    expect(r.kind).toBe('quotes')
    expect(r.report.format).toBe('lean')
    expect(r.series.length).toBe(390)
  })
})

describe('LEAN crypto minute data (UTC, plain prices)', () => {
  it('coinbase BTCUSD 2018-04-04: 1007 trade bars, 1437 quotes, no session filter', () => {
    const d = readLean(sharedDataPath('lean/Data/crypto/coinbase/minute/btcusd'))
    const b = d.bars!.series
    const q = d.quotes!.series
    expect(d.symbol).toBe('BTCUSD')
    expect([b.length, q.length]).toEqual([1007, 1437])
    // 0,7424.91,7424.91,7422,7422,7.14319709
    expect([b.openTime[0], b.open[0], b.low[0], b.close[0], b.volume[0]]).toEqual([utc('2018-04-04T00:00:00Z'), 7424.91, 7422, 7422, 7.14319709])
    expect([q.ts[0], q.bid[0], q.ask[0]]).toEqual([utc('2018-04-04T00:01:00Z'), 7424.9, 7424.91])
    expect(d.bars!.report.quality.sessions).toBe('24x7')
    expect(d.bars!.report.timezone).toBe('UTC')
  })
})
