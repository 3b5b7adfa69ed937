import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../src/main/core/data/import-file'
import { MarketStore } from '../../src/main/core/store'
import { sharedDataPath } from '../support/shared-data'
import { BTC_SAMPLE, errorOf, openWorkstation, type Harness } from './harness'

const DAILY = sharedDataPath('backtrader/2006-day-001.txt')
const SERIES = 'store:FESX-1d'

let t: Harness
let tmp: string
beforeAll(() => {
  t = openWorkstation()
  tmp = mkdtempSync(join(tmpdir(), 'data-show-'))
})
afterAll(async () => {
  await t.close()
  rmSync(tmp, { recursive: true, force: true })
})

async function importAndWait(params: { path: string; symbol: string; timeframe?: string; policy?: 'reject' | 'drop' | 'keep-gaps' | 'forward-fill' }) {
  const since = t.pushes.mark()
  const { importId } = await t.h['data.import'](params)
  return t.pushes.waitFor('import.progress', (p) => p.importId === importId && p.finished, since)
}

/**
 * 2006-day-001.txt has 255 weekday bars; three holiday breaks are gaps: Good Friday and Easter
 * Monday (next row 2006-04-18, file line 76), 1 May (2006-05-02, line 85), and 25–26 December
 * (2006-12-27, line 254): 2 + 1 + 2 = 5 missing bars.
 */
const GAP_LINES = [76, 85, 254]

describe('data.show', () => {
  it('shows a stored series with the full quality report and its import record; the finished import push carries the same report', async () => {
    const done = await importAndWait({ path: DAILY, symbol: 'FESX' })
    expect(done).toMatchObject({ error: null, datasetId: SERIES })

    const shown = await t.h['data.show']({ datasetId: SERIES })
    const listed = (await t.h['data.list']({})).datasets.find((d) => d.id === SERIES)
    expect(shown.dataset).toEqual(listed)
    expect(shown.dataset).toMatchObject({ rows: 255, from: Date.UTC(2006, 0, 2), to: Date.UTC(2006, 11, 30), timeframe: '1d', source: 'store' })

    const q = shown.quality!
    expect(q).toMatchObject({ policy: 'keep-gaps', errors: 0, warnings: 3, rowsDropped: 0, missingBars: 5, syntheticBars: 0, sessions: 'weekdays', issuesTruncated: false })
    expect(q.counts.gap).toBe(3)
    expect(Object.entries(q.counts).filter(([, n]) => n > 0)).toEqual([['gap', 3]])
    expect(q.issues.map((i) => i.line)).toEqual(GAP_LINES)
    expect(q.issues.map((i) => i.kind)).toEqual(['gap', 'gap', 'gap'])
    expect(q.issues[0].message).toBe('2 missing 1d bar(s) between 2006-04-14T00:00:00.000Z and 2006-04-18T00:00:00.000Z')
    expect(done.quality).toEqual(q)

    expect(shown.imports).toHaveLength(1)
    expect(shown.imports[0]).toMatchObject({
      seq: 1,
      action: 'import',
      sourceFile: DAILY,
      rowsAppended: 255,
      rowsIdentical: 0,
      rowsConflicting: 0,
      format: 'csv-bars',
      dialect: 'backtrader',
      rowsRead: 255,
      rowsAccepted: 255,
      errors: 0,
      warnings: 3
    })
  })

  it('lists an append of the same file as a second record: no new rows, 255 identical', async () => {
    const again = await importFile(DAILY, { symbol: 'FESX' })
    const store = MarketStore.open(join(t.dataFolder, 'market-data.sqlite'))
    try {
      store.appendSeries('FESX-1d', again.series, { report: again.report })
    } finally {
      store.close()
    }
    const { imports, dataset } = await t.h['data.show']({ datasetId: SERIES })
    expect(imports.map((i) => [i.seq, i.action, i.rowsAppended, i.rowsIdentical, i.rowsConflicting])).toEqual([
      [1, 'import', 255, 0, 0],
      [2, 'append', 0, 255, 0]
    ])
    expect(dataset.rows).toBe(255)
  })

  it('shows a sample file by its counts only, and says which dataset is unknown', async () => {
    const shown = await t.h['data.show']({ datasetId: BTC_SAMPLE })
    expect(shown.dataset).toEqual((await t.h['data.list']({})).datasets.find((d) => d.id === BTC_SAMPLE))
    expect(shown).toMatchObject({ quality: null, imports: [] })
    expect(await errorOf(t.h['data.show']({ datasetId: 'store:NOPE-1d' }))).toMatchObject({ type: 'NotFound', message: expect.stringMatching(/no series NOPE-1d/) })
    expect(await errorOf(t.h['data.show']({ datasetId: 'sample:nope.csv' }))).toMatchObject({ type: 'NotFound' })
    expect(await errorOf(t.h['data.show']({ datasetId: '' } as never))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/^data\.show: datasetId/) })
  })

  it('a file refused under policy reject: the finished push has the error and the report with the defects’ line numbers; nothing is stored', async () => {
    const file = join(tmp, 'damaged.csv')
    writeFileSync(
      file,
      [
        'time,open,high,low,close,volume',
        '2024-01-01T00:00:00Z,100,101,99,100.5,10',
        '2024-01-01T00:01:00Z,100.5,99,101,100,10',
        '2024-01-01T00:02:00Z,100,102,99.5,101,12',
        '2024-01-01T00:03:00Z,101,abc,100,101.5,9',
        '2024-01-01T00:04:00Z,101.5,103,101,102,-11',
        '2024-01-01T00:05:00Z,102,103,101,102.5,8',
        ''
      ].join('\n')
    )
    const done = await importAndWait({ path: file, symbol: 'DMG', timeframe: '1m', policy: 'reject' })
    expect(done.datasetId).toBeNull()
    expect(done.error).toMatch(/damaged\.csv, line 3: 3 row error\(s\) under policy reject; first: line 3 high-below-low: high 99 is below low 101/)
    const q = done.quality!
    expect(q).toMatchObject({ policy: 'reject', errors: 3, rowsDropped: 3 })
    const errors = q.issues.filter((i) => i.kind !== 'gap')
    expect(errors).toEqual([
      { line: 3, kind: 'high-below-low', message: 'high 99 is below low 101' },
      { line: 5, kind: 'not-a-number', message: 'high is not a number: "abc"' },
      { line: 6, kind: 'negative-volume', message: 'volume -11 is negative' }
    ])
    expect((await t.h['data.list']({})).datasets.some((d) => d.symbol === 'DMG')).toBe(false)
  })

  it('a file that is not market data: the finished push has the error and no report', async () => {
    const file = join(tmp, 'notes.csv')
    writeFileSync(file, 'hello,world\nthis,is not,market data\n')
    const done = await importAndWait({ path: file, symbol: 'X' })
    expect(done).toMatchObject({ datasetId: null, quality: null, error: expect.stringMatching(/notes\.csv/) })
  })
})

describe('data.delete', () => {
  it('deletes a stored series: gone from the list and from data.show; it can be imported again', async () => {
    expect((await t.h['data.list']({})).datasets.some((d) => d.id === SERIES)).toBe(true)
    expect(await t.h['data.delete']({ datasetId: SERIES })).toEqual({ datasetId: SERIES, rows: 255 })
    expect((await t.h['data.list']({})).datasets.some((d) => d.id === SERIES)).toBe(false)
    expect(await errorOf(t.h['data.show']({ datasetId: SERIES }))).toMatchObject({ type: 'NotFound' })
    expect(await errorOf(t.h['data.delete']({ datasetId: SERIES }))).toMatchObject({ type: 'NotFound', message: expect.stringMatching(/no series FESX-1d/) })

    const done = await importAndWait({ path: DAILY, symbol: 'FESX' })
    expect(done).toMatchObject({ error: null, datasetId: SERIES })
    const { imports } = await t.h['data.show']({ datasetId: SERIES })
    // the import history went with the deleted series
    expect(imports.map((i) => i.action)).toEqual(['import'])
  })

  it('refuses to delete a sample file; the file stays listed', async () => {
    expect(await errorOf(t.h['data.delete']({ datasetId: BTC_SAMPLE }))).toMatchObject({
      type: 'ValidationError',
      message: `dataset ${BTC_SAMPLE} is a sample file, not a series of the market-data store; only stored series can be deleted`
    })
    expect((await t.h['data.list']({})).datasets.some((d) => d.id === BTC_SAMPLE)).toBe(true)
  })
})
