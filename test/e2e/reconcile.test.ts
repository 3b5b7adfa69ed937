import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaperExchange } from '../../src/main/host/paper-session'
import type { ReconcileItem } from '../../src/shared/api'
import { API_KEY, API_SECRET, until, venueWith } from '../adapters/ccxt/harness'
import { buildChild, Child } from '../host/fixtures/child-runner'
import { exchangeAt, SYMBOL, writeKeyFile } from '../host/fixtures/venue-link'
import { WORKER_SCRIPT } from '../host/harness'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { ApiClient } from './support/api-client'
import { launchBrowser, openApp, recordSentFrames, sentParams, type TestBrowser } from './support/browser'
import { startLiveWorkstation, type LiveTestWorkstation } from './support/live-workstation'
import { ensureRendererBuilt } from './support/renderer-build'

let venue: EmulatedVenue
let dataFolder: string
let server: LiveTestWorkstation
let browser: TestBrowser
let api: ApiClient
let liveId = ''
let cancelledElsewhere = ''

const venueOpen = () => venue.ledger().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')

/**
 * The app (a child process) trades live on the emulated venue and is killed with SIGKILL. While
 * it is down, one of its resting orders is cancelled from elsewhere, a person places an order on
 * the same account and ETH is deposited. Then the workstation starts again on the same data folder
 * and the page resumes the session from the Journal tab.
 */
beforeAll(async () => {
  ensureRendererBuilt()
  venue = await venueWith({ speed: 1, balances: { USDT: 100_000, BTC: 0.5 } })
  dataFolder = mkdtempSync(join(tmpdir(), 'theorycraft-reconcile-e2e-'))
  writeKeyFile(dataFolder)
  const child = new Child(await buildChild(), { dataFolder, venuePort: venue.port, workerScript: WORKER_SCRIPT, modes: ['live'] })
  try {
    liveId = String((await child.waitFor((e) => e.ev === 'started' && e.mode === 'live', 'the live session')).sessionId)
    child.send({ cmd: 'trade', seed: 11 })
    await until(() => child.acks.length >= 8 && venueOpen().length >= 2, 'orders resting at the venue', 20_000)
  } finally {
    await child.kill()
  }
  const raw = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  try {
    await raw.loadMarkets()
    cancelledElsewhere = venueOpen()[0].clientOrderId
    await raw.cancelOrder(undefined as unknown as string, SYMBOL, { clientOrderId: cancelledElsewhere })
  } finally {
    await raw.close()
  }
  const bid = Number(venue.feedState().lastBookTicker!.b)
  venue.placeExternalOrder({ symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.01, price: Math.round(bid * 0.8), clientOrderId: 'web_person_1' })
  venue.setBalance('ETH', 3)

  server = await startLiveWorkstation({
    dataFolder,
    liveExchange: (_profile, keys) => exchangeAt(venue, { apiKey: keys.apiKey, secret: keys.secret }),
    paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange
  })
  api = await ApiClient.connect(server.port, server.token)
  browser = await launchBrowser()
  await openApp(browser.page, server.url)
  // record every frame the page sends, to check what leaves it
  await recordSentFrames(browser.page)
}, 90_000)

afterAll(async () => {
  api?.close()
  await browser?.close()
  await server?.close()
  await venue?.close()
  if (dataFolder) rmSync(dataFolder, { recursive: true, force: true })
})

const framesOf = (command: string) => sentParams(browser.page, command)

const row = (index: number): Locator => browser.page.locator(`[data-testid=reconcile-item][data-index="${index}"]`)

let items: ReconcileItem[] = []

describe('reconciliation screen after a crash', () => {
  it('lists the crashed live session as interrupted; Resume outside live mode shows the host’s refusal', async () => {
    const { page } = browser
    await page.click('[data-tab=journal]')
    const entry = page.locator(`[data-testid=journal-table] .trow[data-key="${liveId}"]`)
    await entry.waitFor({ timeout: 10_000 })
    expect(await entry.locator('[data-col=status]').textContent()).toBe('interrupted')
    await entry.locator('[data-testid=journal-resume]').click()
    const error = page.locator(`[data-testid=parity-result][data-session="${liveId}"] [data-testid=journal-row-error]`)
    await error.waitFor({ timeout: 10_000 })
    expect(await error.textContent()).toMatch(/^Invalid input: session\.resume: .*switch the workstation to LIVE first/)
    expect(await page.locator('[data-testid=reconcile-view]').count()).toBe(0)
    await browser.screenshot('journal-resume-refused')
  })

  it('Resume in live mode opens the pending reconciliation: banner, every difference, engines halted', async () => {
    const { page } = browser
    await page.click('[data-mode=live]')
    await page.fill('[data-testid=live-confirm-input]', 'LIVE')
    await page.click('[data-testid=live-confirm-submit]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('LIVE')
    await page.click('[data-tab=journal]')
    await page.locator(`[data-testid=journal-table] .trow[data-key="${liveId}"] [data-testid=journal-resume]`).click()

    const view = page.locator('[data-testid=reconcile-view]')
    await view.waitFor({ timeout: 20_000 })
    expect(await view.getAttribute('data-session')).toBe(liveId)
    expect(await view.getAttribute('data-status')).toBe('pending')
    expect(await page.locator('[data-testid=reconcile-banner]').textContent()).toContain(`Session ${liveId}: engines halted until every difference is resolved.`)

    const rec = await api.call('reconcile.get', { sessionId: liveId })
    expect(rec.status).toBe('pending')
    expect(rec.unchecked).toEqual([])
    items = rec.items
    expect(await page.locator('[data-testid=reconcile-table]').getAttribute('data-rows')).toBe(String(items.length))
    expect(await page.locator('[data-testid=reconcile-unchecked]').count()).toBe(0)
    for (const item of items) {
      const r = row(item.index)
      expect(await r.getAttribute('data-kind')).toBe(item.kind)
      expect(await r.locator('[data-col=summary]').textContent()).toBe(item.summary)
      expect(await r.locator('[data-col=detail]').textContent()).toBe(item.detail)
      expect(await r.locator('[data-col=proposed]').textContent()).toBe(item.proposed)
      // the choice starts on the proposal and offers exactly the item's options
      expect(await r.locator('[data-testid=reconcile-choice]').inputValue()).toBe(item.proposed)
      expect(await r.locator('[data-testid=reconcile-choice] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(item.options)
    }
    // what happened while the app was down is all there
    expect(items.some((i) => i.kind === 'order-missing-at-venue' && i.summary.includes(cancelledElsewhere))).toBe(true)
    expect(items.some((i) => i.kind === 'unknown-order-at-venue' && i.summary.includes('web_person_1'))).toBe(true)
    expect(items.some((i) => i.kind === 'balance-mismatch' && i.subject === 'ETH')).toBe(true)

    await expect.poll(() => page.locator('[data-testid=trading-state]').textContent()).toBe('HALTED')
    expect(await page.locator('[data-tab=reconcile]').getAttribute('aria-selected')).toBe('true')
    await browser.screenshot('reconcile-pending')
  }, 40_000)

  it('Apply sends one choice per open row; the person’s order is cancelled at the venue and the screen shows it resolved', async () => {
    const { page } = browser
    const person = items.find((i) => i.summary.includes('web_person_1'))!
    await row(person.index).locator('[data-testid=reconcile-choice]').selectOption('cancel')
    const position = items.find((i) => i.kind === 'position-mismatch' && i.options.includes('adopt'))
    if (position) await row(position.index).locator('[data-testid=reconcile-choice]').selectOption('adopt')
    const expected = items.map((i) => ({ index: i.index, action: i.index === person.index ? 'cancel' : i.index === position?.index ? 'adopt' : i.proposed }))
    expect(await page.locator('[data-testid=reconcile-apply]').textContent()).toBe(`Apply ${items.length} choice${items.length === 1 ? '' : 's'}`)
    await page.click('[data-testid=reconcile-apply]')

    const view = page.locator('[data-testid=reconcile-view]')
    await expect.poll(() => view.getAttribute('data-status'), { timeout: 20_000 }).toBe('resolved')
    expect(await framesOf('reconcile.resolve')).toEqual([{ sessionId: liveId, choices: expected }])
    await page.locator('[data-testid=reconcile-resolved]').waitFor()
    expect(await page.locator('[data-testid=reconcile-banner]').count()).toBe(0)
    expect(await page.locator('[data-testid=reconcile-apply]').count()).toBe(0)
    expect(await page.locator('[data-testid=reconcile-chosen]').allTextContents()).toEqual(expected.map((c) => `✓ ${c.action}`))
    expect(await page.locator('[data-testid=reconcile-errors]').count()).toBe(0)

    expect(venue.ledger().orders.find((o) => o.clientOrderId === 'web_person_1')?.status).toBe('CANCELED')
    const rec = await api.call('reconcile.get', { sessionId: liveId })
    expect(rec.status).toBe('resolved')
    expect(rec.items.map((i) => i.chosen)).toEqual(expected.map((c) => c.action))
    await expect.poll(() => page.locator('[data-testid=trading-state]').textContent(), { timeout: 10_000 }).toBe('ACTIVE')
    await browser.screenshot('reconcile-resolved')
    expect(browser.errors).toEqual([])
  }, 40_000)
})
