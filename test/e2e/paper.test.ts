import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { venueWith } from '../adapters/ccxt/harness'
import { startTestWorkstation, type TestWorkstation } from '../support/start-workstation'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { frameColour, MODE_COLOURS } from './support/harness'
import { ensureRendererBuilt } from './support/renderer-build'

let venue: EmulatedVenue
let server: TestWorkstation
let browser: TestBrowser

beforeAll(async () => {
  ensureRendererBuilt()
  // the real Binance BTC/USDT capture, replayed by the emulated venue at 5× its own pace
  venue = await venueWith({ speed: 5 })
  server = await startTestWorkstation({ paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange })
  browser = await launchBrowser()
  await openApp(browser.page, server.url)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await venue?.close()
})

/** Best bid, best ask and the book time shown by the ladder. */
function ladder(page: Page): Promise<{ bid: number; ask: number; ts: number }> {
  return page.locator('[data-testid=orderbook]').evaluate((book) => {
    const rows = [...book.querySelectorAll<HTMLElement>('.ladder-row[data-side]')]
    const asks = rows.filter((r) => r.dataset.side === 'ask').map((r) => Number(r.dataset.price))
    const bids = rows.filter((r) => r.dataset.side === 'bid').map((r) => Number(r.dataset.price))
    return { bid: Math.max(...bids), ask: Math.min(...asks), ts: Number((book as HTMLElement).dataset.bookTs) }
  })
}

describe('paper mode in the browser, on the emulated Binance venue', () => {
  it('starts a paper session, the ladder follows the live book, a ticket order fills', async () => {
    const { page } = browser
    await page.click('[data-mode=paper]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('PAPER')
    expect(await frameColour(page)).toBe(MODE_COLOURS.paper)
    await page.fill('[data-testid=paper-symbol]', 'BTC/USDT')
    await page.click('[data-testid=paper-start]')
    await expect.poll(() => page.locator('[data-testid=paper-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('running')

    await page.locator('[data-testid=orderbook] .ladder-row[data-side]').first().waitFor({ timeout: 15_000 })
    const first = await ladder(page)
    expect(first.bid).toBeLessThan(first.ask)
    // the ladder moves with the venue's book
    await expect.poll(async () => (await ladder(page)).ts, { timeout: 10_000 }).toBeGreaterThan(first.ts)
    const now = await ladder(page)
    expect(now.bid).toBeLessThan(now.ask)

    // a buy limited 1 % above the ask, from the ticket: filled by the simulated broker
    await page.click('[data-testid=ticket-buy]')
    await page.selectOption('[data-testid=ticket-type]', 'limit')
    await page.fill('[data-testid=ticket-amount]', '0.01')
    await page.fill('[data-testid=ticket-price]', (Math.round(now.ask * 1.01 * 100) / 100).toFixed(2))
    await page.click('[data-testid=ticket-submit]')
    await page.click('[data-tab=fills]')
    await expect.poll(() => page.locator('[data-testid=fills-table]').getAttribute('data-rows'), { timeout: 10_000 }).toBe('1')
    const price = Number((await page.locator('[data-testid=fills-table] [data-col=price]:not([role=columnheader])').first().textContent())!.replace(/,/g, ''))
    expect(price).toBeGreaterThan(now.bid * 0.99)
    expect(price).toBeLessThan(now.ask * 1.01)
    await page.waitForTimeout(500)
    await browser.screenshot('paper')

    await page.click('[data-testid=paper-stop]')
    await expect.poll(() => page.locator('[data-testid=paper-status]').getAttribute('data-status')).toBe('stopped')
    expect(browser.errors).toEqual([])
  }, 60_000)
})
