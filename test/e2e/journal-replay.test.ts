import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { delay, until, venueWith } from '../adapters/ccxt/harness'
import { startTestWorkstation, type TestWorkstation } from '../support/start-workstation'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { ApiClient } from './support/api-client'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { ensureRendererBuilt } from './support/renderer-build'

let venue: EmulatedVenue
let server: TestWorkstation
let browser: TestBrowser
let api: ApiClient

beforeAll(async () => {
  ensureRendererBuilt()
  // the real Binance BTC/USDT capture, as fast as the session reads it
  venue = await venueWith({ speed: 0 })
  server = await startTestWorkstation({ paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange })
  api = await ApiClient.connect(server.port, server.token)
  browser = await launchBrowser()
  await openApp(browser.page, server.url)
})

afterAll(async () => {
  api?.close()
  await browser?.close()
  await server?.close()
  await venue?.close()
})

describe('Journal tab: replay parity of a journaled paper session', () => {
  it('lists the session, and Replay parity shows IDENTICAL with the counts the host computes', async () => {
    const { page } = browser
    // a grid engine trading on the live book: it places orders from the first quote
    const { sessionId } = await api.call('paper.start', {
      venue: 'binance',
      symbol: 'BTC/USDT',
      engine: 'grid',
      params: { levels: 3, spacing: 0.0003, amount: 0.01 },
      broker: { cash: 100_000, takerFee: 0.001, makerFee: 0.001, fixedFee: 0, slippageBps: 2, latencyMs: 0, accountType: 'spot', leverage: 1 }
    })
    await until(() => venue.feedState().done, 'the end of the capture', 40_000)
    // let the session take the last of the feed before it stops
    await delay(500)
    await api.call('replay.control', { sessionId, action: 'stop' })

    await page.click('[data-tab=journal]')
    await page.click('[data-testid=journal-reload]')
    const row = page.locator(`[data-testid=journal-table] .trow[data-key="${sessionId}"]`)
    await row.waitFor({ timeout: 10_000 })
    expect(await row.locator('[data-col=mode]').textContent()).toBe('paper')
    // a stopped session cannot be resumed; a backtest cannot be replayed from the Journal tab
    expect(await row.locator('[data-testid=journal-resume]').count()).toBe(0)

    await row.locator('[data-testid=journal-replay]').click()
    const result = page.locator(`[data-testid=parity-result][data-session="${sessionId}"]`)
    await expect.poll(() => result.getAttribute('data-identical'), { timeout: 30_000 }).toBe('true')
    expect(await row.locator('[data-testid=parity-badge]').textContent()).toBe('IDENTICAL')

    // the page shows what the host computes for the same session
    const host = await api.call('journal.replay', { sessionId })
    expect(host.identical).toBe(true)
    expect(host.recorded).toBeGreaterThan(0)
    expect(host.replayed).toBe(host.recorded)
    const count = async (name: string) => (await result.locator(`[data-count=${name}]`).textContent())!
    expect(await count('recorded')).toBe(`recorded ${host.recorded}`)
    expect(await count('replayed')).toBe(`replayed ${host.replayed}`)
    expect(await count('different')).toBe('different 0')
    expect(await count('missing')).toBe('missing 0')
    expect(await count('extra')).toBe('extra 0')
    expect(await result.textContent()).toContain(`${host.marketEvents.toLocaleString('en-US')} journaled market events`)
    expect(await result.locator('[data-testid=parity-divergence]').count()).toBe(0)
    await browser.screenshot('journal-replay-parity')
    expect(browser.errors).toEqual([])
  }, 90_000)

  it('shows the host’s error for a session that cannot be replayed', async () => {
    const { page } = browser
    // a paper session without an engine holds no decisions to compare
    const { sessionId } = await api.call('paper.start', { venue: 'binance', symbol: 'BTC/USDT' })
    await api.call('replay.control', { sessionId, action: 'stop' })
    await page.click('[data-testid=journal-reload]')
    const row = page.locator(`[data-testid=journal-table] .trow[data-key="${sessionId}"]`)
    await row.waitFor({ timeout: 10_000 })
    await row.locator('[data-testid=journal-replay]').click()
    const error = page.locator(`[data-testid=parity-result][data-session="${sessionId}"] [data-testid=journal-row-error]`)
    await error.waitFor({ timeout: 10_000 })
    const message = await api.call('journal.replay', { sessionId }).then(
      () => 'accepted',
      (err: Error) => err.message
    )
    // the api client reports "Type: message"; the page labels the type in words
    expect(message).toMatch(/^ValidationError: /)
    expect(await error.textContent()).toBe(`Invalid input: ${message.replace(/^ValidationError: /, '')}`)
    expect(await row.locator('[data-col=parity]').textContent()).toBe('failed')
  }, 30_000)
})
