import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Encryptor } from '../../src/main/host/credential-store'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { API_KEY, API_SECRET, venueWith } from '../adapters/ccxt/harness'
import { exchangeAt } from '../host/fixtures/venue-link'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { ApiClient } from './support/api-client'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { startLiveWorkstation, type LiveTestWorkstation } from './support/live-workstation'
import { ensureRendererBuilt } from './support/renderer-build'

/**
 * The OS keychain as Electron's safeStorage gives it to the shell, here AES-256-GCM under a key
 * that lives only in this process: what matters to the page is that the host can store keys.
 */
function testKeychain(): Encryptor {
  const key = randomBytes(32)
  return {
    unavailable: async () => null,
    backend: () => 'test-aes-gcm',
    async encrypt(plain) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    async decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12))
      d.setAuthTag(data.subarray(12, 28))
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8')
    }
  }
}

// variables nobody sets: the keys can only come from what is typed into the page
const PROFILE = { id: 'emu', name: 'Emulated Binance', exchange: 'binance', sandbox: true, apiKeyEnv: 'TC_E2E_NOT_SET_KEY', secretEnv: 'TC_E2E_NOT_SET_SECRET' }

let venue: EmulatedVenue
let server: LiveTestWorkstation
let browser: TestBrowser
let api: ApiClient

beforeAll(async () => {
  ensureRendererBuilt()
  venue = await venueWith({ speed: 1 })
  server = await startLiveWorkstation({
    encryptor: testKeychain(),
    liveExchange: (_profile, keys) => exchangeAt(venue, { apiKey: keys.apiKey, secret: keys.secret }),
    paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange
  })
  api = await ApiClient.connect(server.port, server.token)
  await api.call('settings.set', { settings: { venueProfiles: [PROFILE] } })
  browser = await launchBrowser()
  // every frame the page sends and receives, from its first one
  await browser.context.addInitScript(() => {
    const w = window as unknown as { __sent: string[]; __received: string[] }
    w.__sent = []
    w.__received = []
    const send = WebSocket.prototype.send
    WebSocket.prototype.send = function (this: WebSocket, data: string) {
      w.__sent.push(String(data))
      if (!(this as unknown as { __tapped?: boolean }).__tapped) {
        ;(this as unknown as { __tapped?: boolean }).__tapped = true
        this.addEventListener('message', (e) => w.__received.push(String(e.data)))
      }
      return send.call(this, data)
    } as typeof WebSocket.prototype.send
  })
  await openApp(browser.page, server.url)
})

afterAll(async () => {
  api?.close()
  await browser?.close()
  await server?.close()
  await venue?.close()
})

const sent = (command: string) =>
  browser.page.evaluate((c) => (window as unknown as { __sent: string[] }).__sent.filter((f) => (JSON.parse(f) as { command?: string }).command === c), command)

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('API keys typed into the live panel', () => {
  it('are refused in the page when too short, and nothing is sent', async () => {
    const { page } = browser
    await page.click('[data-mode=live]')
    await page.fill('[data-testid=live-confirm-input]', 'LIVE')
    await page.click('[data-testid=live-confirm-submit]')
    await page.locator('[data-testid=live-panel]').waitFor()
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('none')
    await page.locator('[data-testid=credentials-form]').waitFor()
    await browser.screenshot('live-credentials-form')

    await page.fill('[data-testid=credentials-key]', 'short')
    await page.fill('[data-testid=credentials-secret]', API_SECRET)
    await page.click('[data-testid=credentials-store]')
    expect(await page.locator('[data-testid=credentials-form-error]').textContent()).toBe('Not sent: the API key must be 8 to 512 characters')
    expect(await sent('credentials.set')).toEqual([])
  })

  it('go to the host once, are cleared from the inputs, and only their source comes back', async () => {
    const { page } = browser
    await page.fill('[data-testid=credentials-key]', API_KEY)
    await page.fill('[data-testid=credentials-secret]', API_SECRET)
    await page.click('[data-testid=credentials-store]')
    expect(await page.inputValue('[data-testid=credentials-key]')).toBe('')
    expect(await page.inputValue('[data-testid=credentials-secret]')).toBe('')
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('keychain')
    const status = await api.call('credentials.status', { profileId: 'emu' })
    expect(status).toEqual({ profileId: 'emu', source: 'keychain', detail: 'encrypted with the OS keychain (test-aes-gcm)', canStore: true })
    expect(await page.locator('[data-testid=credentials-detail]').textContent()).toBe(status.detail)
    expect(await page.locator('[data-testid=credentials-saved]').textContent()).toBe('Keys stored (OS keychain). They are not shown again.')
    expect(await page.locator('[data-testid=credentials-store]').textContent()).toBe('Replace keys')

    // exactly one request carried them; nothing the page received, shows or keeps holds them
    const frames = await sent('credentials.set')
    expect(frames.map((f) => JSON.parse(f) as unknown)).toEqual([{ kind: 'call', id: expect.any(Number), command: 'credentials.set', params: { profileId: 'emu', apiKey: API_KEY, secret: API_SECRET } }])
    const received = await page.evaluate(() => (window as unknown as { __received: string[] }).__received.join('\n'))
    const html = await page.content()
    const stored = await page.evaluate(() => JSON.stringify(localStorage))
    for (const secret of [API_KEY, API_SECRET]) {
      expect(received).not.toContain(secret)
      expect(html).not.toContain(secret)
      expect(stored).not.toContain(secret)
    }
    await browser.screenshot('live-credentials-stored')
  })

  it('start a live session on the emulated venue with the stored keys; Forget keys removes them', async () => {
    const { page } = browser
    await page.fill('[data-live=maxLoss]', '1000')
    await page.fill('[data-live=maxDrawdownPct]', '10')
    await page.fill('[data-live=deadManSec]', '30')
    await page.fill('[data-testid=live-start-confirm]', 'LIVE')
    await page.click('[data-testid=live-start]')
    // the venue checks every signed request against the keys: a running session used the typed ones
    await expect.poll(() => page.locator('[data-testid=live-status]').getAttribute('data-status'), { timeout: 20_000 }).toBe('running')
    expect(await page.inputValue('[data-testid=live-start-confirm]')).toBe('')
    const signed = venue.requests().filter((r) => r.apiKey !== undefined)
    expect(signed.length).toBeGreaterThan(0)
    expect(signed.every((r) => r.apiKey === API_KEY)).toBe(true)
    await page.locator('[data-testid=orderbook] .ladder-row[data-side]').first().waitFor({ timeout: 15_000 })
    await browser.screenshot('live-running')

    await page.click('[data-testid=live-stop]')
    await expect.poll(() => page.locator('[data-testid=live-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('stopped')

    await page.click('[data-testid=credentials-clear]')
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('none')
    expect(await page.locator('[data-testid=credentials-saved]').textContent()).toBe('Stored keys removed.')

    // the host wrote them nowhere in clear: not the logs, not the journal, not the key store
    for (const file of filesUnder(server.dataFolder)) {
      const bytes = readFileSync(file)
      for (const secret of [API_KEY, API_SECRET]) expect(bytes.includes(Buffer.from(secret)), `${file} holds a key`).toBe(false)
    }
    expect(browser.errors).toEqual([])
  }, 60_000)
})
