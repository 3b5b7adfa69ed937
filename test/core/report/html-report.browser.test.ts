import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { buildReport } from '../../../src/main/core/report/build-report'
import { renderHtmlReport } from '../../../src/main/core/report/html-report'
import { syntheticRun } from './synthetic-run'

/** What the page script sees (the node tsconfig has no DOM types). */
interface PageGlobals {
  echarts: { getInstanceByDom(el: unknown): { getOption(): { series: Array<{ name: string; data: unknown[] }> } } }
  document: { getElementById(id: string): unknown }
}

const CHROMIUM = '/usr/bin/chromium'
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('HTML report in headless Chromium', () => {
  it('renders the equity, drawdown and price charts with no page error and no network request', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true)
    const dir = mkdtempSync(path.join(tmpdir(), 'tc-report-'))
    const file = path.join(dir, 'report.html')
    const report = buildReport(syntheticRun())
    writeFileSync(file, renderHtmlReport(report))

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const errors: string[] = []
      const requests: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url())
      })
      await page.goto(pathToFileURL(file).href)
      await page.waitForSelector('body[data-charts="3"]', { timeout: 15_000 })

      expect(errors).toEqual([])
      expect(requests).toEqual([])
      for (const id of ['chart-equity', 'chart-drawdown', 'chart-price']) {
        expect(await page.locator(`#${id} canvas`).count()).toBeGreaterThan(0)
      }
      // The charts hold the report's data: equity points, candles, and one entry marker per trade.
      const counts = await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals
        const series = (id: string) => g.echarts.getInstanceByDom(g.document.getElementById(id)).getOption().series
        const price = series('chart-price')
        return {
          equity: series('chart-equity')[0].data.length,
          drawdown: series('chart-drawdown')[0].data.length,
          candles: price.find((s) => s.name === 'Price')!.data.length,
          entries: price.filter((s) => s.name.endsWith('entry')).reduce((n, s) => n + s.data.length, 0),
          exits: price.find((s) => s.name === 'Exit')!.data.length
        }
      })
      expect(counts).toEqual({
        equity: report.equity.ts.length,
        drawdown: report.equity.ts.length,
        candles: report.price!.ts.length,
        entries: report.trades.length + report.openTrades.length,
        exits: report.trades.length
      })
      expect(await page.locator('table.trades tbody tr').count()).toBe(report.trades.length + report.openTrades.length)

      mkdirSync(path.join(repoRoot, 'artifacts'), { recursive: true })
      await page.screenshot({ path: path.join(repoRoot, 'artifacts/report.png'), fullPage: true })
    } finally {
      await browser.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
