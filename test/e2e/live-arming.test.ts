import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommandParams } from '../../src/shared/api'
import { API_KEY, API_SECRET } from '../adapters/ccxt/harness'
import { appReady, recordSentFrames, sentParams } from './support/browser'
import { openWorkstation, type Harness } from './support/harness'

let h: Harness

// the host runs in this process and reads a profile's keys from the variables the profile names
const KEY_ENV = 'TC_E2E_LIVE_API_KEY'
const SECRET_ENV = 'TC_E2E_LIVE_API_SECRET'
const PROFILES = [
  { id: 'emulated', name: 'Emulated Binance', exchange: 'binance', sandbox: true, apiKeyEnv: KEY_ENV, secretEnv: SECRET_ENV },
  { id: 'nokeys', name: 'No keys', exchange: 'binance', sandbox: false, apiKeyEnv: 'TC_E2E_UNSET_API_KEY', secretEnv: 'TC_E2E_UNSET_API_SECRET' }
]

beforeAll(async () => {
  process.env[KEY_ENV] = API_KEY
  process.env[SECRET_ENV] = API_SECRET
  h = await openWorkstation()
  await h.api.call('settings.set', { settings: { venueProfiles: PROFILES } })
  // the page reads the settings at start
  await h.page.reload()
  await appReady(h.page)
  // record every frame the page sends, to check what leaves it
  await recordSentFrames(h.page)
})

afterAll(async () => {
  await h?.close()
  delete process.env[KEY_ENV]
  delete process.env[SECRET_ENV]
})

const framesOf = (command: string) => sentParams(h.page, command)

/** The page's words for an error type (the api client says "Type: message"). */
const LABELS: Record<string, string> = { ValidationError: 'Invalid input', NotFound: 'Not found', Unavailable: 'Unavailable', Unauthorized: 'Not authorised', InternalError: 'Internal error' }

/** The host's refusal of a call, as the page shows it. */
async function hostError(call: Promise<unknown>): Promise<string> {
  try {
    await call
  } catch (err) {
    const [, type, message] = /^(\w+): ([\s\S]*)$/.exec((err as Error).message)!
    return `${LABELS[type] ?? type}: ${message}`
  }
  throw new Error('the host accepted it')
}

describe('live arming panel', () => {
  it('opens in live mode after LIVE is typed, with the venue profiles of the settings', async () => {
    const { page } = h
    await page.click('[data-mode=live]')
    await page.fill('[data-testid=live-confirm-input]', 'LIVE')
    await page.click('[data-testid=live-confirm-submit]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('LIVE')
    await page.locator('[data-testid=live-panel]').waitFor()
    expect(await page.locator('[data-testid=live-profile] option').allTextContents()).toEqual(['Emulated Binance (emulated)', 'No keys (nokeys)'])
  })

  it('shows where each profile’s keys come from, never the keys', async () => {
    const { page } = h
    await page.selectOption('[data-testid=live-profile]', 'emulated')
    const status = await h.api.call('credentials.status', { profileId: 'emulated' })
    expect(status.source).toBe('env')
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('env')
    expect(await page.locator('[data-testid=credentials-source]').textContent()).toBe('environment variables')
    expect(await page.locator('[data-testid=credentials-detail]').textContent()).toBe(status.detail)
    expect(await page.locator('[data-testid=live-network]').textContent()).toBe('testnet (sandbox)')

    await page.selectOption('[data-testid=live-profile]', 'nokeys')
    const none = await h.api.call('credentials.status', { profileId: 'nokeys' })
    expect(none).toMatchObject({ source: 'none', canStore: false })
    await expect.poll(() => page.locator('[data-testid=live-credentials]').getAttribute('data-source')).toBe('none')
    expect(await page.locator('[data-testid=credentials-detail]').textContent()).toBe(none.detail)
    expect(await page.locator('[data-testid=live-network]').textContent()).toBe('REAL network')
    // a headless host has no keychain: no key form, a hint instead
    expect(await page.locator('[data-testid=credentials-form]').count()).toBe(0)
    await page.locator('[data-testid=credentials-hint]').waitFor()

    const html = await page.content()
    const stored = await page.evaluate(() => JSON.stringify(localStorage))
    for (const secret of [API_KEY, API_SECRET]) {
      expect(html).not.toContain(secret)
      expect(stored).not.toContain(secret)
    }
    await h.browser.screenshot('live-arming')
  })

  it('needs LIVE typed exactly before Start can be pressed', async () => {
    const { page } = h
    const start = page.locator('[data-testid=live-start]')
    expect(await start.isDisabled()).toBe(true)
    for (const typed of ['live', 'LIVE ', 'LIV', 'Live']) {
      await page.fill('[data-testid=live-start-confirm]', typed)
      expect(await start.isDisabled()).toBe(true)
    }
    await page.fill('[data-testid=live-start-confirm]', 'LIVE')
    expect(await start.isDisabled()).toBe(false)
  })

  it('says what is wrong with each risk field and sends nothing', async () => {
    const { page } = h
    await page.fill('[data-live=maxLoss]', '')
    await page.fill('[data-live=maxDrawdownPct]', '150')
    await page.fill('[data-live=deadManSec]', '0.5')
    await page.click('[data-testid=live-panel] summary:text("Pre-trade limits")')
    await page.fill('[data-live=maxOpenOrders]', '2.5')
    await page.fill('[data-live=maxOrderNotional]', '-1')
    await page.click('[data-testid=live-start]')

    const error = (key: string) => page.locator(`[data-testid=live-error-${key}]`).textContent()
    expect(await error('maxLoss')).toBe('Max loss: required — the loss (in the quote currency) at which the kill switch fires')
    expect(await error('maxDrawdownPct')).toBe('Max drawdown: a percentage above 0 and below 100')
    expect(await error('deadManSec')).toBe('Dead-man: seconds, from 1 to 3600')
    expect(await error('maxOpenOrders')).toBe('Max open orders: a whole number above 0, or empty for no limit')
    expect(await error('maxOrderNotional')).toBe('Max order notional (quote): a number above 0, or empty for no limit')
    expect(await page.locator('[data-testid=live-error]').textContent()).toBe('Not started: 5 fields to fix.')
    expect(await framesOf('live.start')).toEqual([])
    await h.browser.screenshot('live-arming-errors')
  })

  it('sends the limits as the contract has them and shows the host’s refusal', async () => {
    const { page } = h
    await page.fill('[data-live=maxLoss]', '500')
    await page.fill('[data-live=maxDrawdownPct]', '5')
    await page.fill('[data-live=deadManSec]', '30')
    await page.fill('[data-live=maxOpenOrders]', '3')
    await page.fill('[data-live=maxOrderNotional]', '')
    await page.check('[data-testid=live-flatten]')
    await page.fill('[data-testid=live-symbol]', 'btc/usdt')
    await page.click('[data-testid=live-start]')

    const expected: CommandParams<'live.start'> = {
      profileId: 'nokeys',
      symbol: 'BTC/USDT',
      risk: { maxOpenOrders: 3, maxLoss: 500, maxDrawdown: 0.05, deadManMs: 30_000, flattenOnKill: true },
      confirmation: 'LIVE'
    }
    await expect.poll(() => framesOf('live.start')).toEqual([expected])
    expect(await page.locator('[data-testid^=live-error-]').count()).toBe(0)
    // the profile has no keys: the host refuses, and the page shows its words
    const message = await hostError(h.api.call('live.start', expected))
    await expect.poll(() => page.locator('[data-testid=live-error]').textContent(), { timeout: 15_000 }).toBe(message)
    expect(h.browser.errors).toEqual([])
  })
})
