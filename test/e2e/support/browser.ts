import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.THEORYCRAFT_CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../artifacts/screenshots', import.meta.url))

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

export interface TestBrowser {
  context: BrowserContext
  page: Page
  /** console errors and uncaught page errors seen so far */
  errors: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

/** Debian's Chromium, headless, with a fresh profile (so no localStorage carries over between files). */
export async function launchBrowser(viewport = { width: 1600, height: 940 }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'theorycraft-e2e-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    context,
    page,
    errors,
    async screenshot(name) {
      const file = join(SCREENSHOT_DIR, `${name}.png`)
      await page.screenshot({ path: file })
      return file
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** Resolves once the app has its host's answer to app.info: the mode badge shows the mode, not "…". */
export async function appReady(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid=mode-badge]:not(:text("…"))').waitFor({ timeout })
}

/** Opens the app at `url` and waits until it is ready (see appReady). */
export async function openApp(page: Page, url: string, timeout = 15_000): Promise<void> {
  await page.goto(url)
  await appReady(page, timeout)
}

/** From now on, records every frame the page sends over its WebSockets (to check what leaves it). */
export async function recordSentFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const sent: string[] = []
    ;(window as unknown as { __sent: string[] }).__sent = sent
    const send = WebSocket.prototype.send
    WebSocket.prototype.send = function (this: WebSocket, data: string) {
      sent.push(String(data))
      return send.call(this, data)
    } as typeof WebSocket.prototype.send
  })
}

/** The params of every recorded frame of `command`, oldest first (see recordSentFrames). */
export function sentParams(page: Page, command: string): Promise<unknown[]> {
  return page.evaluate(
    (c) => (window as unknown as { __sent: string[] }).__sent.map((f) => JSON.parse(f) as { command?: string; params: unknown }).filter((f) => f.command === c).map((f) => f.params),
    command
  )
}
