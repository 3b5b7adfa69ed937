import { sharedDataPath } from '../../support/shared-data'
import { startVenue, type EmulatedVenue, type VenueOptions } from '../../venue/emulated-venue'

/** The real Binance BTC/USDT capture the emulated venue replays. */
export const CAPTURE = sharedDataPath('hftbacktest/examples/spot/btcusdt_20240808.gz')

export const API_KEY = 'tcTestKey7f3a9c21e5b84d06'
export const API_SECRET = 'tcTestSecret0e8d2b6a4c9f1735'

export async function venueWith(options: Partial<VenueOptions> = {}): Promise<EmulatedVenue> {
  return startVenue({ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: 100_000, BTC: 2 }, capture: CAPTURE, timestamps: 'venue', ...options })
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
