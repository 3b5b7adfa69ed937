import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedDataPath } from '../support/shared-data'
import { openWorkstation, type Harness } from './support/harness'

const DAILY = sharedDataPath('backtrader/2006-day-001.txt')
const SERIES = 'store:FESX-1d'
const SAMPLE = 'sample:BTC-USDT-1m-synthetic.csv'

let h: Harness
let tmp: string

beforeAll(async () => {
  h = await openWorkstation()
  tmp = mkdtempSync(join(tmpdir(), 'data-manager-'))
})

afterAll(async () => {
  await h?.close()
  rmSync(tmp, { recursive: true, force: true })
})

/** Fills the import form and presses Import; waits until the import it started has finished. */
async function importThroughForm(path: string, symbol: string, timeframe: string, policy: string): Promise<string> {
  const { page } = h
  await page.fill('[data-testid=import-path]', path)
  await page.fill('[data-testid=import-symbol]', symbol)
  await page.fill('[data-testid=import-timeframe]', timeframe)
  await page.selectOption('[data-testid=import-policy]', policy)
  const previous = (await page.locator('[data-testid=import-progress]').count()) ? await page.locator('[data-testid=import-progress]').getAttribute('data-importid') : null
  await page.click('[data-testid=import-start]')
  const finished = page.locator(`[data-testid=import-progress]:not([data-state=running]):not([data-importid="${previous ?? ''}"])`)
  await finished.waitFor({ timeout: 30_000 })
  return (await finished.getAttribute('data-state'))!
}

function listRow(datasetId: string) {
  return h.page.locator(`[data-testid=data-list] [data-dataset-id="${datasetId}"]`)
}

async function cell(datasetId: string, col: string): Promise<string> {
  return (await listRow(datasetId).locator(`[data-col=${col}]`).textContent()) ?? ''
}

describe('data manager', () => {
  it('lists every dataset of data.list with its kind, symbol, rows and range', async () => {
    const { page, api } = h
    await page.click('[data-tab=data]')
    await page.locator('[data-testid=data-manager]').waitFor()
    // the host may still be adding the sample data to the store (first run): Reload until the page and the host agree
    let datasets = (await api.call('data.list', {})).datasets
    await expect
      .poll(async () => {
        await page.click('[data-testid=data-reload]')
        datasets = (await api.call('data.list', {})).datasets
        return (await page.locator('[data-testid=data-list]').getAttribute('data-rows')) === String(datasets.length)
      })
      .toBe(true)
    expect(datasets.map((d) => d.source)).toEqual(expect.arrayContaining(['capture', 'sample']))
    for (const d of datasets) {
      expect(await cell(d.id, 'source')).toBe(d.source)
      expect(await cell(d.id, 'symbol')).toBe(d.symbol)
      expect(await cell(d.id, 'rows')).toBe(d.rows.toLocaleString('en-US'))
    }
    expect(await cell(SAMPLE, 'kind')).toBe('bars')
    expect(await cell(SAMPLE, 'timeframe')).toBe('1m')
    expect(await page.locator('[data-testid=data-detail-empty]').textContent()).toMatch(/^Select a dataset/)
  })

  it('imports a real file through the form: the bar reaches 100 %, the series is listed with 255 rows and its range, and the backtest runner offers it', async () => {
    const { page } = h
    // sample the bar on every frame while the import runs
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { __bar: string[] }).__bar = seen
      const tick = () => {
        const bar = document.querySelector('[data-testid=import-progress-bar]')
        if (bar) seen.push(bar.getAttribute('aria-valuenow') ?? '')
        if (seen.length < 20_000) requestAnimationFrame(tick)
      }
      tick()
    })
    expect(await importThroughForm(DAILY, 'FESX', '', 'keep-gaps')).toBe('done')
    const values = (await page.evaluate(() => (window as unknown as { __bar: string[] }).__bar)).map(Number)
    expect(values.length).toBeGreaterThan(0)
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true)
    expect(values.at(-1)).toBe(100)
    expect(await page.locator('[data-testid=import-progress-bar] .progress-label').textContent()).toMatch(/^100%/)

    // the series is listed: the backtrader file's 255 daily bars, 2 Jan 2006 to the close of 29 Dec 2006
    await listRow(SERIES).waitFor()
    expect(await cell(SERIES, 'source')).toBe('store')
    expect(await cell(SERIES, 'kind')).toBe('bars')
    expect(await cell(SERIES, 'symbol')).toBe('FESX')
    expect(await cell(SERIES, 'timeframe')).toBe('1d')
    expect(await cell(SERIES, 'rows')).toBe('255')
    expect(await cell(SERIES, 'range')).toBe('2006-01-02 → 2006-12-30')
    expect(await cell(SERIES, 'quality')).toBe('3 warnings · 5 missing bars')
    expect(await page.locator('[data-testid=import-status]').textContent()).toContain(`Imported 2006-day-001.txt as FESX → ${SERIES}: 255 rows, 2006-01-02 → 2006-12-30`)

    // the new series opens in the detail, and the backtest runner can use it
    await page.locator(`[data-testid=data-detail][data-dataset-id="${SERIES}"]`).waitFor()
    expect(await page.locator(`[data-testid=bt-dataset] option[value="${SERIES}"]`).count()).toBe(1)
    await h.browser.screenshot('data-import')
  })

  it('a damaged CSV under policy reject: the rejection is shown with the line numbers of its defects; nothing is stored', async () => {
    const { page, api } = h
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
    expect(await importThroughForm(file, 'DMG', '1m', 'reject')).toBe('failed')
    const error = await page.locator('[data-testid=import-error]').textContent()
    expect(error).toContain('Rejected damaged.csv as DMG')
    expect(error).toContain(`${file}, line 3: 3 row error(s) under policy reject; first: line 3 high-below-low: high 99 is below low 101`)
    expect(await page.locator('[data-testid=import-progress-bar]').getAttribute('class')).toContain('tone-bad')

    // the report takes the detail's place
    const report = page.locator('[data-testid=import-rejected] [data-testid=import-report]')
    expect(await report.getAttribute('data-errors')).toBe('3')
    const issues = await report.locator('[data-testid=import-report-issues] [data-line]').evaluateAll((rows) =>
      rows.map((r) => [Number(r.getAttribute('data-line')), r.getAttribute('data-kind'), r.querySelector('.dm-issue-msg')?.textContent])
    )
    expect(issues.filter(([, kind]) => kind !== 'gap')).toEqual([
      [3, 'high-below-low', 'high 99 is below low 101'],
      [5, 'not-a-number', 'high is not a number: "abc"'],
      [6, 'negative-volume', 'volume -11 is negative']
    ])
    for (const [kind, n] of [['high-below-low', '1'], ['not-a-number', '1'], ['negative-volume', '1'], ['duplicate', '0']]) {
      expect(await report.locator(`[data-testid=import-report-counts] [data-kind=${kind}]`).getAttribute('data-count')).toBe(n)
    }
    expect(await report.locator('[data-testid=import-report-policy]').textContent()).toMatch(/^reject/)
    expect((await api.call('data.list', {})).datasets.some((d) => d.symbol === 'DMG')).toBe(false)
    expect(await page.locator('[data-testid=data-list] [data-dataset-id*=DMG]').count()).toBe(0)
    await page.waitForTimeout(300)
    await h.browser.screenshot('data-reject')
  })

  it('selecting a stored series shows its full quality report: counts per kind, the policy, the issues with their lines', async () => {
    const { page, api } = h
    await listRow(SAMPLE).click()
    await page.locator(`[data-testid=data-detail][data-dataset-id="${SAMPLE}"] [data-testid=data-report-counts]`).waitFor()
    await listRow(SERIES).click()
    const detail = page.locator(`[data-testid=data-detail][data-dataset-id="${SERIES}"]`)
    await detail.waitFor()
    expect(await listRow(SERIES).getAttribute('aria-selected')).toBe('true')

    const shown = await api.call('data.show', { datasetId: SERIES })
    const q = shown.quality!
    expect(await detail.locator('[data-stat=rows] dd').textContent()).toBe('255')
    expect(await detail.locator('[data-stat=range] dd').textContent()).toBe('2006-01-02 → 2006-12-30')
    expect(await detail.locator('[data-stat=file] dd').textContent()).toBe(DAILY)
    expect(await detail.locator('[data-stat=format] dd').textContent()).toBe('csv-bars (backtrader)')
    expect(await detail.locator('[data-testid=data-report-policy]').textContent()).toMatch(/^keep-gaps/)
    expect(await detail.locator('[data-testid=data-report] [data-stat=warnings] strong').textContent()).toBe('3')
    expect(await detail.locator('[data-testid=data-report] [data-stat=missingBars] strong').textContent()).toBe('5')
    const counts = await detail.locator('[data-testid=data-report-counts] [data-kind]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-kind'), Number(e.getAttribute('data-count'))])))
    expect(counts).toEqual(q.counts)
    expect(counts.gap).toBe(3)
    // Good Friday/Easter Monday, 1 May, Christmas: the rows after each break
    const lines = await detail.locator('[data-testid=data-report-issues] [data-line]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-line'))))
    expect(lines).toEqual([76, 85, 254])
    expect(await detail.locator('[data-testid=data-report-issues] [data-line="76"] .dm-issue-msg').textContent()).toBe(
      '2 missing 1d bar(s) between 2006-04-14T00:00:00.000Z and 2006-04-18T00:00:00.000Z'
    )
    expect(await detail.locator('[data-testid=data-imports]').getAttribute('data-rows')).toBe('1')
    await h.browser.screenshot('data-report')
  })

  it('deletes a stored series only after confirmation; it leaves the list and the backtest runner', async () => {
    const { page, api } = h
    await page.click('[data-testid=data-delete]')
    const dialog = page.locator('[data-testid=data-delete-confirm]')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain(`${SERIES} — 255 rows, 2006-01-02 → 2006-12-30`)
    await h.browser.screenshot('data-delete-confirm')
    await page.click('[data-testid=data-delete-cancel]')
    await dialog.waitFor({ state: 'detached' })
    expect((await api.call('data.list', {})).datasets.some((d) => d.id === SERIES)).toBe(true)

    await page.click('[data-testid=data-delete]')
    await page.click('[data-testid=data-delete-ok]')
    await listRow(SERIES).waitFor({ state: 'detached' })
    expect((await api.call('data.list', {})).datasets.some((d) => d.id === SERIES)).toBe(false)
    expect(await page.locator(`[data-testid=bt-dataset] option[value="${SERIES}"]`).count()).toBe(0)
    expect(await page.locator('[data-testid=data-detail-empty]').count()).toBe(1)
    // deleting a sample is not offered
    await listRow(SAMPLE).click()
    await page.locator(`[data-testid=data-detail][data-dataset-id="${SAMPLE}"]`).waitFor()
    expect(await page.locator('[data-testid=data-delete]').count()).toBe(0)
  })

  it('a missing file and an empty form get readable messages', async () => {
    const { page } = h
    const missing = join(tmp, 'no-such-file.csv')
    await page.fill('[data-testid=import-path]', missing)
    await page.fill('[data-testid=import-symbol]', 'X')
    await page.fill('[data-testid=import-timeframe]', '')
    await page.click('[data-testid=import-start]')
    await expect.poll(() => page.locator('[data-testid=import-start-error]').textContent()).toBe(`Invalid input: no file at ${missing}`)

    await page.fill('[data-testid=import-path]', '')
    await page.fill('[data-testid=import-symbol]', '')
    await page.fill('[data-testid=import-timeframe]', 'daily')
    await page.click('[data-testid=import-start]')
    const messages = await page.locator('[data-testid=data-import] .field-error').allTextContents()
    expect(messages).toEqual([
      'Enter the path of a file on the host machine',
      'Enter the symbol the data is for, e.g. BTC/USDT',
      'A timeframe like 1m, 4h or 1d; leave it empty to detect it'
    ])
    // editing a field takes its message away
    await page.fill('[data-testid=import-symbol]', 'FESX')
    expect(await page.locator('[data-testid=data-import] .field-error').count()).toBe(2)
    await page.waitForTimeout(200)
    await h.browser.screenshot('data-form-errors')
    expect(h.browser.errors).toEqual([])
  })
})
