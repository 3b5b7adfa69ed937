import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createWorkstation, type Workstation } from '../../src/main/host/workstation'
import { startServer } from '../../src/main/transport/ws-server'
import setupBundles from '../support/global-setup'
import { ApiClient } from './support/api-client'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { money } from './support/harness'
import { ensureRendererBuilt } from './support/renderer-build'

/**
 * The window on a data folder that does not exist yet: the host creates it, imports the samples,
 * and the page opens on a backtest that is one click from its report. Also: the About dialog, the
 * warning for a broken settings.json, and errors of the page reaching the host's log.
 */

const ROOT = resolve(__dirname, '../..')
const WORKER = join(ROOT, 'out/node/session-worker.js')
const root = mkdtempSync(join(tmpdir(), 'theorycraft-e2e-first-'))
const FAKE_KEY = 'E2EfakeApiKey0123456789abcdefXYZuvw'
const closers: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const close of closers.reverse()) await close()
  rmSync(root, { recursive: true, force: true })
})

interface Opened {
  ws: Workstation
  browser: TestBrowser
  api: ApiClient
  folder: string
  origin: string
}

/** The real host over `folder`, its WebSocket server with the built renderer, and a fresh Chromium on the page. */
async function open(folder: string): Promise<Opened> {
  ensureRendererBuilt()
  if (!existsSync(WORKER)) setupBundles()
  const ws = createWorkstation({ dataFolder: folder, sampleDir: join(ROOT, 'resources/sample'), workerScript: WORKER })
  const server = await startServer({ workstation: ws, host: '127.0.0.1', port: 0, rendererDir: join(ROOT, 'out/renderer') })
  const browser = await launchBrowser()
  const api = await ApiClient.connect(server.port, server.token)
  closers.push(async () => {
    api.close()
    await browser.close()
    await server.close()
    await ws.close()
  })
  await openApp(browser.page, server.url, 20_000)
  return { ws, browser, api, folder, origin: server.origin }
}

describe('first run', () => {
  let app: Opened

  it('opens on an empty data folder and reaches a finished sample backtest report in at most three clicks', async () => {
    process.env.TC_E2E_EXCHANGE_KEY = FAKE_KEY
    const folder = join(root, 'fresh', 'home')
    expect(existsSync(folder)).toBe(false)
    app = await open(folder)
    const { page } = app.browser
    let clicks = 0
    const click = async (selector: string) => {
      clicks++
      await page.click(selector)
    }

    // ready to run: the imported sample series and a built-in engine are chosen, Run is enabled
    await expect.poll(() => page.locator('[data-testid=bt-dataset]').inputValue(), { timeout: 20_000 }).toBe('store:BTC-USDT-1m')
    expect(await page.locator('[data-testid=bt-engine]').inputValue()).toBe('sma-cross')
    expect(await page.locator('[data-testid=bt-run]').isEnabled()).toBe(true)
    expect(await page.locator('[data-testid=bt-dataset] option:checked').textContent()).toBe('BTC/USDT 1m · store BTC-USDT-1m')
    // every panel that has nothing to show says what to do next
    for (const id of ['chart-empty', 'engines-empty', 'book-empty', 'ticket-empty']) expect((await page.locator(`[data-testid=${id}]`).textContent())?.length).toBeGreaterThan(30)
    await app.browser.screenshot('first-run-ready')

    await click('[data-testid=bt-run]')
    const report = page.locator('[data-testid=report][data-runid]')
    await report.waitFor({ timeout: 30_000 })
    const runId = (await report.getAttribute('data-runid'))!
    const fromHost = (await app.api.call('backtest.report', { runId })).report as { finalEquity: number; manifest: { datasetId: string } }
    expect(fromHost.manifest.datasetId).toBe('store:BTC-USDT-1m')
    await expect.poll(() => page.locator('[data-testid=final-equity]').textContent()).toBe(money(fromHost.finalEquity))
    expect(clicks).toBeLessThanOrEqual(3)
    await page.waitForTimeout(300) // the equity chart's first frame
    await app.browser.screenshot('first-run-report')

    // the layout lives in the data folder's settings.json: a tab change is written there
    await click('[data-tab=fills]')
    await expect.poll(() => (JSON.parse(readFileSync(join(folder, 'settings.json'), 'utf8')) as { layout: { bottomTab: string } }).layout.bottomTab).toBe('fills')
    expect(app.browser.errors).toEqual([])
  })

  it('About shows the app, Chromium, Node, SQLite and ccxt versions and the data folder; Copy diagnostics copies no secret', async () => {
    const { page, context } = app.browser
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin })
    await page.click('[data-testid=open-about]')
    const versions = page.locator('[data-testid=about-versions]')
    await versions.waitFor()
    const version = (k: string) => page.locator(`[data-testid=about-versions] tr[data-version="${k}"] td`).textContent()
    // the full version, not the reduced one of the user-agent string (156.0.0.0)
    expect(await version('chromium')).toBe(context.browser()!.version())
    expect(await version('node')).toBe(process.versions.node)
    expect(await version('ccxt')).toBe('4.5.84')
    expect(await version('sqlite')).toMatch(/^3\.\d+\.\d+$/)
    expect(await version('app')).toMatch(/^\d+\.\d+\.\d+/)
    expect(await page.locator('[data-testid=about-data-folder] td').textContent()).toMatch(new RegExp(`^${app.folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · [\\d.]+ (KB|MB)$`))
    await app.browser.screenshot('about-dialog')

    await page.click('[data-testid=about-copy]')
    await expect.poll(() => page.locator('[data-testid=about-copied]').textContent()).toBe('Copied to the clipboard.')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toContain(`data folder: ${app.folder}`)
    expect(copied).toContain('ccxt: 4.5.84')
    expect(copied).not.toContain(FAKE_KEY)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid=about-dialog]').count()).toBe(0)
  })

  it('an error in the page goes to the host’s log with its stack, and is shown once', async () => {
    const { page } = app.browser
    for (let i = 0; i < 2; i++) await page.evaluate((key) => setTimeout(() => { throw new Error(`panel exploded near apiKey=${key}`) }), FAKE_KEY)
    await expect.poll(() => page.locator('.toast-error', { hasText: 'Something went wrong in this window' }).count()).toBe(1)
    const log = () => readFileSync(join(app.folder, 'logs', 'workstation.log'), 'utf8')
    // both occurrences logged, with the stack; the key (an env value here) replaced by the variable's name
    await expect.poll(() => log().match(/ERROR renderer error: Uncaught Error: panel exploded near apiKey=\[redacted \$TC_E2E_EXCHANGE_KEY\] \{"stack":"Error: panel exploded/g)?.length).toBe(2)
    expect(log()).not.toContain(FAKE_KEY)
    app.browser.errors.length = 0
    delete process.env.TC_E2E_EXCHANGE_KEY
  })
})

describe('a broken settings file', () => {
  it('opens with the defaults and a visible warning; the bad file is kept as settings.json.bad-1', async () => {
    const folder = join(root, 'broken')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'settings.json'), '{"version": 1, "theme": "dark", "layout": {')
    const b = await open(folder)
    const { page } = b.browser
    const warning = page.locator('[data-testid=settings-warning]')
    await warning.waitFor()
    expect(await warning.textContent()).toContain('settings.json is not valid JSON (line 1, column 44); the default settings are in use. The old file was kept as settings.json.bad-1.')
    expect(readdirSync(folder).filter((f) => f.startsWith('settings.json.bad-'))).toEqual(['settings.json.bad-1'])
    // the defaults are in use: the window laid itself out and the backtest form is ready
    await expect.poll(() => page.locator('[data-testid=bt-dataset]').inputValue(), { timeout: 20_000 }).toBe('store:BTC-USDT-1m')
    await b.browser.screenshot('settings-warning')
    await page.click('[data-testid=settings-warning-dismiss]')
    expect(await warning.count()).toBe(0)

    // the settings dialog saves through settings.set
    await page.click('[data-testid=open-settings]')
    await page.fill('[data-settings=cash]', '25000')
    await page.fill('[data-settings=maxOpenOrders]', '4')
    await page.selectOption('[data-testid=settings-theme]', 'high-contrast')
    await page.click('text=Add profile')
    await b.browser.screenshot('settings-dialog')
    await page.click('[data-testid=settings-save]')
    await expect.poll(() => page.locator('[data-testid=settings-dialog]').count()).toBe(0)
    const saved = JSON.parse(readFileSync(join(folder, 'settings.json'), 'utf8')) as unknown
    expect(saved).toMatchObject({
      theme: 'high-contrast',
      backtest: { broker: { cash: 25_000 }, risk: { maxOpenOrders: 4 } },
      venueProfiles: [{ id: 'venue-1', exchange: 'binance', sandbox: true, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: 'BINANCE_SECRET' }]
    })
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('high-contrast')
    expect(b.browser.errors).toEqual([])
  })
})
