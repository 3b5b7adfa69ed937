import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { BarSeriesBuilder } from '../../../src/main/core/data/bar-series'
import { DataQualityError, ImportOptionsError } from '../../../src/main/core/data/errors'
import { importFile } from '../../../src/main/core/data/import-file'
import type { ImportOptions, ImportProgress, ImportResult } from '../../../src/main/core/data/import-report'
import { assessBars, type QualityIssue } from '../../../src/main/core/data/quality'

const dir = mkdtempSync(path.join(tmpdir(), 'tc-quality-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

const utc = (iso: string): number => Date.parse(iso)

// A damaged 1-minute file: UTF-8 BOM, CRLF line ends, a blank line, and one problem per line
// from line 5 on. 2024-01-01 is a Monday, so the weekday calendar applies and minutes count.
const DAMAGED_LINES = [
  'Date,Open,High,Low,Close,Volume', //                1 header
  '2024-01-01 00:00,100,101,99,100.5,10', //           2 ok
  '2024-01-01 00:01,100.5,102,100,101,12', //          3 ok
  '2024-01-01 00:02,101,101.5,100.5,101.2,8', //       4 ok
  '2024-01-01 00:02,101,101.5,100.5,101.2,8', //       5 duplicate of line 4
  '2024-01-01 00:01,100,100,100,100,1', //             6 out of order
  '2024-01-01 00:03,NaN,102,100,101,5', //             7 NaN
  '2024-01-01 00:04,101,,100,101,5', //                8 empty field
  '2024-01-01 00:05,101,99,102,101,5', //              9 high < low
  '', //                                               10 blank
  '2024-01-01 00:06,101,102,100,101.5,7', //           11 ok, after 3 missing minutes (00:03–00:05)
  '2024-01-01 00:09,101.5,102,101,101.8,3', //         12 ok, after 2 missing minutes (00:07, 00:08)
  '2024-01-01 00:10,0,102,101,101.8,3', //             13 zero price
  '2024-01-01 00:10,101.8,103,101,105,3', //           14 close above high
  '2024-01-01 00:1x,101.8,103,101,102,3', //           15 bad timestamp
  '2024-01-01 00:11,101.8,1' //                        16 truncated, no final newline
]
const DAMAGED = '\uFEFF' + DAMAGED_LINES.join('\r\n')

const EXPECTED: Pick<QualityIssue, 'line' | 'kind'>[] = [
  { line: 5, kind: 'duplicate' },
  { line: 6, kind: 'out-of-order' },
  { line: 7, kind: 'not-a-number' },
  { line: 8, kind: 'empty-field' },
  { line: 9, kind: 'high-below-low' },
  { line: 11, kind: 'gap' },
  { line: 12, kind: 'gap' },
  { line: 13, kind: 'non-positive-price' },
  { line: 14, kind: 'open-close-outside-range' },
  { line: 15, kind: 'bad-timestamp' },
  { line: 16, kind: 'truncated' }
]

async function bars(file: string, options: ImportOptions = {}): Promise<Extract<ImportResult, { kind: 'bars' }>> {
  const r = await importFile(file, options)
  if (r.kind !== 'bars') throw new Error(`expected bars, got ${r.kind}`)
  return r
}

describe('quality gate on a damaged CSV', () => {
  const file = write('damaged.csv', DAMAGED)

  it('reports every problem with its line and reason (default policy keep-gaps)', async () => {
    const { series, report } = await bars(file)
    const q = report.quality
    expect(q.policy).toBe('keep-gaps')
    expect(q.issues.map(({ line, kind }) => ({ line, kind }))).toEqual(EXPECTED)
    const byLine = Object.fromEntries(q.issues.map((i) => [i.line, i.message]))
    expect(byLine[5]).toBe('duplicate of line 4 (2024-01-01T00:02:00.000Z), values identical')
    expect(byLine[6]).toBe('2024-01-01T00:01:00.000Z is before 2024-01-01T00:02:00.000Z at line 4')
    expect(byLine[7]).toBe('open is not a number: "NaN"')
    expect(byLine[8]).toBe('high is empty')
    expect(byLine[9]).toBe('high 99 is below low 102')
    expect(byLine[11]).toBe('3 missing 1m bar(s) between 2024-01-01T00:03:00.000Z and 2024-01-01T00:06:00.000Z')
    expect(byLine[12]).toBe('2 missing 1m bar(s) between 2024-01-01T00:07:00.000Z and 2024-01-01T00:09:00.000Z')
    expect(byLine[13]).toMatch(/price must be > 0 \(open 0/)
    expect(byLine[14]).toBe('open 101.8 / close 105 outside [low 101, high 103]')
    expect(byLine[15]).toBe('cannot read time "2024-01-01 00:1x"')
    expect(byLine[16]).toBe('last line ends early (expected at least 6 fields, found 3)')
    expect(q.errors).toBe(9)
    expect(q.warnings).toBe(2)
    expect(q.missingBars).toBe(5)
    expect(q.counts).toMatchObject({ duplicate: 1, 'out-of-order': 1, 'not-a-number': 1, 'empty-field': 1, gap: 2, truncated: 1, outlier: 0 })
    expect(q.rowsDropped).toBe(9)
    expect(report.rowsRead).toBe(14)
    expect(report.rowsAccepted).toBe(5)
    expect(report.lines).toBe(16)
    expect(Array.from(series.openTime)).toEqual(['00:00', '00:01', '00:02', '00:06', '00:09'].map((t) => utc(`2024-01-01T${t}:00Z`)))
    expect(series.synthetic).toBeUndefined()
    // The report goes into the backtest manifest: plain JSON round-trips it unchanged.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('policy reject throws DataQualityError carrying the same report, and returns nothing', async () => {
    let caught: unknown
    let returned: unknown
    try {
      returned = await importFile(file, { policy: 'reject' })
    } catch (e) {
      caught = e
    }
    expect(returned).toBeUndefined()
    expect(caught).toBeInstanceOf(DataQualityError)
    const err = caught as DataQualityError
    expect(err.type).toBe('DataQualityError')
    expect(err.file).toBe(file)
    expect(err.line).toBe(5)
    expect(err.message).toMatch(/9 row error\(s\) under policy reject; first: line 5 duplicate/)
    expect(err.report.quality.policy).toBe('reject')
    expect(err.report.quality.issues.map(({ line, kind }) => ({ line, kind }))).toEqual(EXPECTED)
  })

  it('policy forward-fill inserts synthetic bars at the previous close', async () => {
    const { series, report } = await bars(file, { policy: 'forward-fill' })
    expect(series.length).toBe(10)
    expect(report.quality.syntheticBars).toBe(5)
    expect(report.rowsAccepted).toBe(5)
    const minutes = Array.from(series.openTime, (t) => (t - utc('2024-01-01T00:00:00Z')) / 60_000)
    expect(minutes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(Array.from(series.synthetic!)).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 1, 0])
    // 00:03–00:05 repeat the close of 00:02 (101.2); 00:07–00:08 the close of 00:06 (101.5).
    expect([series.open[3], series.high[4], series.low[5], series.close[5], series.volume[5]]).toEqual([101.2, 101.2, 101.2, 101.2, 0])
    expect([series.open[7], series.close[8]]).toEqual([101.5, 101.5])
  })

  it('policy drop also drops warning rows (zero-volume fillers, outliers)', async () => {
    const lines = ['time,open,high,low,close,volume']
    let t = utc('2024-01-01T00:00:00Z')
    for (let i = 0; i < 200; i++, t += 60_000) {
      const p = 100 + (i % 2) * 0.1
      if (i === 50) lines.push(`${t},100,100,100,100,0`) // filler
      else if (i === 120) lines.push(`${t},${p},150,${p},150,5`) // spike up…
      else lines.push(`${t},${p},${p + 0.2},${p - 0.2},${p},5`)
    }
    const f = write('warnings.csv', lines.join('\n') + '\n')
    const keep = await bars(f)
    expect(keep.series.length).toBe(200)
    expect(keep.report.quality.issues.map(({ line, kind }) => ({ line, kind }))).toEqual([
      { line: 52, kind: 'zero-volume-filler' },
      // …and back: only the spike row is blamed.
      { line: 122, kind: 'outlier' }
    ])
    expect(keep.report.quality.errors).toBe(0)
    // Warnings do not trip reject.
    expect((await bars(f, { policy: 'reject' })).series.length).toBe(200)
    const drop = await bars(f, { policy: 'drop' })
    expect(drop.series.length).toBe(198)
    expect(drop.report.quality.missingBars).toBe(2)
  })

  it('reads the same damaged file gzipped, and reports a cut-off gzip stream', async () => {
    const gz = gzipSync(Buffer.from(DAMAGED, 'utf8'))
    const whole = await bars(write('damaged.csv.gz', gz))
    expect(whole.report.gzip).toBe(true)
    expect(whole.report.quality.issues.map(({ line, kind }) => ({ line, kind }))).toEqual(EXPECTED)

    // A well-formed file whose compressed stream is cut: rows up to the cut are kept, the cut line is reported.
    const rows = ['time,open,high,low,close,volume']
    for (let i = 0; i < 5000; i++) rows.push(`${1_700_000_000_000 + i * 60_000},1.5,2.5,1.25,2,${i}`)
    const full = gzipSync(Buffer.from(rows.join('\n') + '\n'))
    const cut = await bars(write('cut.csv.gz', full.subarray(0, Math.floor(full.length * 0.6))))
    const q = cut.report.quality
    expect(q.counts.truncated).toBe(1)
    expect(q.issues.find((i) => i.kind === 'truncated')?.line).toBe(cut.report.lines)
    expect(cut.series.length).toBe(cut.report.lines - 2)
    expect(cut.series.length).toBeGreaterThan(1000)
    expect(cut.series.volume[cut.series.length - 1]).toBe(cut.series.length - 1)
  })

  it('reports a JSON candle file cut off inside a record', async () => {
    const text = '[[1570752000000,1,2,0.5,1.5,10],[1570752060000,1.5,2,1,1.8,11],[1570752120000,1.8,2.2,1.'
    const { series, report } = await bars(write('cut.json', text))
    expect(series.length).toBe(2)
    expect(report.lineUnit).toBe('record')
    expect(report.quality.issues).toEqual([{ line: 3, kind: 'truncated', message: 'record is cut off at the end of the file' }])
    const nulls = await bars(write('nulls.json', '[[1570752000000,1,2,0.5,1.5,10],[1570752060000,1.5,null,1,1.8,11],[1570752120000,1.8,2.2,1.1,2,"x"]]'), { timeframe: '1m' })
    expect(nulls.report.quality.issues.map(({ line, kind, message }) => [line, kind, message])).toEqual([
      [2, 'empty-field', 'high is empty'],
      [3, 'not-a-number', 'volume is not a number: "x"']
    ])
  })

  it('streams JSON across read chunks (a 3 MB candle file)', async () => {
    const rows: string[] = []
    for (let i = 0; i < 60_000; i++) rows.push(`[${1_500_000_000_000 + i * 60_000}, ${1 + i / 1e5}, ${2 + i / 1e5}, ${0.5 + i / 1e5}, ${1.5 + i / 1e5}, ${i}]`)
    const text = `{"pair": "A/B", "candles": [\n${rows.join(',\n')}\n], "note": "x"}`
    expect(text.length).toBeGreaterThan(3_000_000)
    const { series, report } = await bars(write('big.json', text))
    expect(series.length).toBe(60_000)
    expect(report.quality.errors).toBe(0)
    expect(report.quality.missingBars).toBe(0)
    expect([series.openTime[59_999], series.open[59_999], series.volume[59_999]]).toEqual([1_500_000_000_000 + 59_999 * 60_000, 1 + 59_999 / 1e5, 59_999])
  })

  it('blames a single row that jumps ahead, not every row after it', async () => {
    const rows = ['time,open,high,low,close,volume']
    for (let i = 0; i < 10; i++) rows.push(`2024-01-0${i < 5 ? 1 : 2} 0${i % 5}:00,1,1,1,1,1`)
    // Line 4 has its year mistyped as 2042.
    rows[3] = rows[3].replace('2024', '2042')
    const { series, report } = await bars(write('typo.csv', rows.join('\n')), { timeframe: '1h' })
    expect(report.quality.issues.filter((i) => i.kind === 'out-of-order').map((i) => i.line)).toEqual([4])
    expect(series.length).toBe(9)
  })

  it('reverses files written newest first', async () => {
    const rows = ['Date,Open,High,Low,Close']
    for (let d = 12; d >= 8; d--) rows.push(`2024-01-${String(d).padStart(2, '0')},${d},${d + 1},${d - 1},${d}`)
    const { series, report } = await bars(write('desc.csv', rows.join('\n')))
    expect(Array.from(series.close)).toEqual([8, 9, 10, 11, 12])
    expect(report.quality.errors).toBe(0)
    expect(report.notes).toContain('rows were newest first: reversed')
  })

  it('reads quoted, semicolon-separated files with day-first dotted dates and a timezone', async () => {
    const text = '"Date";"Time";"Open";"High";"Low";"Close";"Vol"\n"03.01.2024";"09:00";"1";"2";"0.5";"1.5";"7"\n"03.01.2024";"09:01";"1.5";"2";"1";"1.75";"8"\n'
    const { series, report } = await bars(write('euro.csv', text), { timezone: 'Europe/Berlin' })
    expect(series.length).toBe(2)
    expect(report.dateOrder).toBe('dmy')
    expect(series.openTime[0]).toBe(utc('2024-01-03T08:00:00Z'))
    expect(Array.from(series.volume)).toEqual([7, 8])
  })

  it('reports progress every 100k rows and at the end', async () => {
    const rows = ['timestamp,open,high,low,close,volume']
    for (let i = 0; i < 250_000; i++) rows.push(`${1_600_000_000_000 + i * 60_000},10,11,9,10.5,1`)
    const f = write('progress.csv', rows.join('\n') + '\n')
    const seen: ImportProgress[] = []
    const r = await importFile(f, {}, (p) => seen.push({ ...p }))
    expect(r.series.length).toBe(250_000)
    expect(seen.map((p) => p.rowsRead)).toEqual([100_000, 200_000, 250_000])
    const last = seen[seen.length - 1]
    expect(last.bytesRead).toBe(last.totalBytes)
    expect(seen[0].bytesRead).toBeLessThanOrEqual(last.totalBytes)
  })

  it('rejects invalid options with typed errors', async () => {
    await expect(importFile(file, { policy: 'lenient' as never })).rejects.toThrow(ImportOptionsError)
    await expect(importFile(file, { timezone: 'Nowhere/Else' })).rejects.toThrow(/timezone/)
    await expect(importFile(file, { format: 'xlsx' as never })).rejects.toThrow(/format/)
    await expect(importFile(file, { stamp: 'middle' as never })).rejects.toThrow(/stamp/)
  })
})

describe('assessBars (bars that did not come from a file)', () => {
  it('applies the same gate with 1-based bar indexes', () => {
    const b = new BarSeriesBuilder('BTC/USDT', '1h', 3_600_000)
    const t0 = utc('2024-01-06T00:00:00Z') // a Saturday: the 24x7 calendar applies
    b.push(t0, t0 + 3_600_000, 10, 11, 9, 10, 1)
    b.push(t0 + 3_600_000, t0 + 7_200_000, 10, 9, 11, 10, 1) // high < low
    b.push(t0 + 3 * 3_600_000, t0 + 4 * 3_600_000, 10, 11, 9, 10.5, 1)
    const { series, report } = assessBars(b.build(), { policy: 'forward-fill' })
    expect(report.issues.map(({ line, kind }) => [line, kind])).toEqual([
      [2, 'high-below-low'],
      [3, 'gap']
    ])
    expect(report.sessions).toBe('24x7')
    expect(series.length).toBe(4)
    expect(Array.from(series.synthetic!)).toEqual([0, 1, 1, 0])
  })
})
