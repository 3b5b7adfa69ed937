import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { API_KEY, API_SECRET, venueWith } from '../adapters/ccxt/harness'
import { exchangeAt } from '../host/fixtures/venue-link'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { ApiClient } from './support/api-client'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { startLiveWorkstation, type LiveTestWorkstation } from './support/live-workstation'
import { ensureRendererBuilt } from './support/renderer-build'

// the host runs in this process and reads the profile's keys from the variables it names
const KEY_ENV = 'TC_E2E_KILL_API_KEY'
const SECRET_ENV = 'TC_E2E_KILL_API_SECRET'
const PROFILE = { id: 'emu', name: 'Emulated Binance', exchange: 'binance', sandbox: true, apiKeyEnv: KEY_ENV, secretEnv: SECRET_ENV }

let venue: EmulatedVenue
let server: LiveTestWorkstation
let browser: TestBrowser
let api: ApiClient

beforeAll(async () => {
  ensureRendererBuilt()
  process.env[KEY_ENV] = API_KEY
  process.env[SECRET_ENV] = API_SECRET
  venue = await venueWith({ speed: 1 })
  server = await startLiveWorkstation({
    liveExchange: (_profile, keys) => exchangeAt(venue, { apiKey: keys.apiKey, secret: keys.secret }),
    paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange
  })
  api = await ApiClient.connect(server.port, server.token)
  await api.call('settings.set', { settings: { venueProfiles: [PROFILE] } })
  browser = await launchBrowser()
  await openApp(browser.page, server.url)
})

afterAll(async () => {
  api?.close()
  await browser?.close()
  await server?.close()
  await venue?.close()
  delete process.env[KEY_ENV]
  delete process.env[SECRET_ENV]
})

/** Our orders that still work at the venue (its own ledger, not what the app believes). */
const venueOpen = (ids: readonly string[]) => venue.ledger().orders.filter((o) => ids.includes(o.clientOrderId) && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'))

/** Sends a limit buy from the ticket; returns the ticket's result line. */
async function ticketBuy(page: Page, amount: string, price: number): Promise<string> {
  await page.click('[data-testid=ticket-buy]')
  await page.selectOption('[data-testid=ticket-type]', 'limit')
  await page.fill('[data-testid=ticket-amount]', amount)
  await page.fill('[data-testid=ticket-price]', price.toFixed(2))
  const before = await page.locator('[data-testid=ticket-result]').textContent().catch(() => null)
  await page.click('[data-testid=ticket-submit]')
  await expect.poll(() => page.locator('[data-testid=ticket-result]').textContent()).not.toBe(before)
  return (await page.locator('[data-testid=ticket-result]').textContent())!
}

const ids: string[] = []

/** The status cell of one of our orders in the orders table. */
const status = (id: string) => browser.page.locator(`[data-testid=orders-table] .trow[data-key="${id}"] [data-col=status]`).textContent()

describe('the kill switch in a live session started from the browser', () => {
  it('empty panels in live mode say how to start a live session', async () => {
    const { page } = browser
    await page.click('[data-mode=live]')
    await page.fill('[data-testid=live-confirm-input]', 'LIVE')
    await page.click('[data-testid=live-confirm-submit]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('LIVE')
    await page.locator('[data-testid=live-panel]').waitFor()
    expect(await page.locator('[data-testid=chart-empty]').textContent()).toBe(
      "No session. Start a live session in the Live panel on the left: the chart draws its bars (or the book's mid price) as they arrive."
    )
    expect(await page.locator('[data-testid=ticket-empty]').textContent()).toBe('No session to trade in. Start a live session in the Live panel on the left first; manual orders go to the venue.')
    expect(await page.locator('[data-testid=book-empty]').textContent()).toBe('No session. Start a live session in the Live panel on the left to see the ladder.')
    expect(await page.locator('[data-testid=engines-empty]').textContent()).toBe('No session. Start a live session in the Live panel on the left with an engine chosen: its engines appear here.')
    expect(await page.locator('[data-testid=account-empty]').textContent()).toBe('No session. Start a live session in the Live panel on the left: its orders, positions, fills and balances show here.')
    await browser.screenshot('live-empty')
  })

  it('two limit buys far below the market, sent from the ticket, rest at the venue', async () => {
    const { page } = browser
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('env')
    await page.fill('[data-live=maxLoss]', '1000')
    await page.fill('[data-live=maxDrawdownPct]', '10')
    await page.fill('[data-live=deadManSec]', '30')
    await page.fill('[data-testid=live-start-confirm]', 'LIVE')
    await page.click('[data-testid=live-start]')
    await expect.poll(() => page.locator('[data-testid=live-status]').getAttribute('data-status'), { timeout: 20_000 }).toBe('running')
    await page.locator('[data-testid=orderbook] .ladder-row[data-side=bid]').first().waitFor({ timeout: 15_000 })
    const bid = await page.locator('[data-testid=orderbook]').evaluate((book) => Math.max(...[...book.querySelectorAll<HTMLElement>('.ladder-row[data-side=bid]')].map((r) => Number(r.dataset.price))))

    const prices = [0.9, 0.85].map((f) => Math.round(bid * f * 100) / 100)
    for (const [amount, price] of [['0.01', prices[0]], ['0.02', prices[1]]] as const) {
      const result = await ticketBuy(page, amount, price)
      const m = /^Sent buy ([\d.]+) BTC\/USDT limit @ [\d.]+ — (manual-\S+)$/.exec(result)
      expect(m, result).not.toBeNull()
      expect(m![1]).toBe(amount)
      ids.push(m![2])
    }
    // at the venue: both resting, as sent
    await expect.poll(() => venueOpen(ids).length, { timeout: 10_000 }).toBe(2)
    const atVenue = ids.map((id) => venueOpen(ids).find((o) => o.clientOrderId === id)!)
    expect(atVenue.map((o) => [o.side, o.type, o.origQty, o.price])).toEqual([
      ['BUY', 'LIMIT', 0.01, prices[0]],
      ['BUY', 'LIMIT', 0.02, prices[1]]
    ])
    // and in the orders table, open
    await page.click('[data-tab=orders]')
    for (const id of ids) await expect.poll(() => status(id), { timeout: 10_000 }).toBe('accepted')
    expect(await page.locator('[data-tab=orders]').textContent()).toBe('Open orders (2)')
    expect(await page.locator('[data-testid=trading-state]').textContent()).toBe('ACTIVE')
    await browser.screenshot('live-kill-before')
  }, 60_000)

  it('KILL halts trading and cancels both at the venue; the page shows the result and the orders cancelled', async () => {
    const { page } = browser
    await page.click('[data-testid=kill-switch]')
    await expect.poll(() => page.locator('[data-testid=kill-result]').textContent(), { timeout: 10_000 }).toMatch(/ UTC · Kill switch: trading halted in 1 session, 2 orders cancelled$/)
    expect(await page.locator('[data-testid=kill-result]').getAttribute('class')).toBe('kill-result ok')
    await expect.poll(() => page.locator('[data-testid=trading-state]').textContent()).toBe('HALTED')

    // the venue's own ledger: nothing of ours works there any more
    await expect.poll(() => venueOpen(ids).length, { timeout: 10_000 }).toBe(0)
    for (const id of ids) expect(venue.ledger().orders.find((o) => o.clientOrderId === id)?.status).toBe('CANCELED')
    expect(venue.ledger().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).toEqual([])

    for (const id of ids) await expect.poll(() => status(id), { timeout: 10_000 }).toBe('cancelled')
    expect(await page.locator('[data-testid=orders-table] .trow:not(.thead) [data-testid=cancel-order]').count()).toBe(0)
    expect(await page.locator('[data-tab=orders]').textContent()).toBe('Open orders (0)')
    expect(await page.locator('[data-testid=open-order-count]').textContent()).toBe('0 open')
    await browser.screenshot('live-kill-orders')
    await page.click('[data-tab=log]')
    await page.locator('[data-testid=log-list] .log-msg:text-matches("^trading HALTED by ")').waitFor({ timeout: 5_000 })
    await page.waitForTimeout(300)
    await browser.screenshot('live-kill-result')
  }, 30_000)

  it('a new ticket order is then refused, with the reason shown, and nothing reaches the venue', async () => {
    const { page } = browser
    const ordersAtVenue = venue.ledger().orders.length
    const bid = await page.locator('[data-testid=orderbook]').evaluate((book) => Math.max(...[...book.querySelectorAll<HTMLElement>('.ladder-row[data-side=bid]')].map((r) => Number(r.dataset.price))))
    const result = await ticketBuy(page, '0.01', Math.round(bid * 0.9 * 100) / 100)
    expect(result).toMatch(/^Denied by the risk gate: .*HALTED/)
    expect(await page.locator('[data-testid=ticket-result]').getAttribute('role')).toBe('alert')
    // scrolled into view in the short ticket panel
    await expect.poll(() => page.locator('[data-testid=ticket-result]').evaluate((el) => {
      const r = el.getBoundingClientRect()
      const body = el.closest('.panel-body')!.getBoundingClientRect()
      return r.top >= body.top && r.bottom <= body.bottom + 1
    })).toBe(true)
    await page.waitForTimeout(500)
    expect(venue.ledger().orders.length).toBe(ordersAtVenue)
    expect(await page.locator('[data-tab=orders]').textContent()).toBe('Open orders (0)')
    await browser.screenshot('live-kill-refused')

    await page.click('[data-testid=live-stop]')
    await expect.poll(() => page.locator('[data-testid=live-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('stopped')
    expect(browser.errors).toEqual([])
  }, 30_000)
})
