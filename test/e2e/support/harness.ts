import type { Page } from 'playwright-core'
import { startTestWorkstation, type TestWorkstation } from '../../support/start-workstation'
import { ApiClient } from './api-client'
import { launchBrowser, openApp, type TestBrowser } from './browser'
import { ensureRendererBuilt } from './renderer-build'

export interface Harness {
  server: TestWorkstation
  browser: TestBrowser
  page: Page
  /** a second client of the same host, to read what the host says and compare it with the page */
  api: ApiClient
  close(): Promise<void>
}

/** The real host and WebSocket server, the built renderer, and one fresh headless Chromium on its URL. */
export async function openWorkstation(): Promise<Harness> {
  ensureRendererBuilt()
  const server = await startTestWorkstation()
  let browser: TestBrowser | null = null
  let api: ApiClient | null = null
  try {
    browser = await launchBrowser()
    api = await ApiClient.connect(server.port, server.token)
    await openApp(browser.page, server.url)
  } catch (err) {
    api?.close()
    await browser?.close()
    await server.close()
    throw err
  }
  const b = browser
  const a = api
  return {
    server,
    browser: b,
    page: b.page,
    api: a,
    async close() {
      a.close()
      await b.close()
      await server.close()
    }
  }
}

/** The colour of the frame around the window, e.g. "rgb(59, 130, 246)". */
export function frameColour(page: Page): Promise<string> {
  return page.locator('[data-testid=app]').evaluate((el) => getComputedStyle(el).borderTopColor)
}

export const MODE_COLOURS = {
  backtest: 'rgb(59, 130, 246)',
  replay: 'rgb(168, 85, 247)',
  paper: 'rgb(245, 158, 11)',
  live: 'rgb(239, 68, 68)'
}

/** What the page shows for a money amount (the report and tables use this format). */
export function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/**
 * Counts the pixels of a chart's canvas that are close to a colour: a chart that drew nothing,
 * or drew the wrong thing, has none.
 */
export function canvasPixels(page: Page, testId: string, rgb: [number, number, number], tolerance = 40): Promise<number> {
  // ECharts may paint on several stacked canvases (layers); count over all of them
  return page.locator(`[data-testid=${testId}] canvas`).evaluateAll(
    (canvases, [rgbIn, tol]) => {
      const [r, g, b] = rgbIn as [number, number, number]
      const t = tol as number
      let n = 0
      for (const canvas of canvases) {
        const c = canvas as HTMLCanvasElement
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0 && Math.abs(data[i] - r) < t && Math.abs(data[i + 1] - g) < t && Math.abs(data[i + 2] - b) < t) n++
        }
      }
      return n
    },
    [rgb, tolerance] as const
  )
}
