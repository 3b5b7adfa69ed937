import { pro } from 'ccxt'
import type { EmulatedVenue } from './emulated-venue'

export type ProBinance = InstanceType<typeof pro.binance>

/** Replaces the origin of every URL string in a (nested) urls.api object, keeping the path. */
function repoint(value: unknown, http: string, ws: string): unknown {
  if (typeof value === 'string') {
    const m = /^(https?|wss?):\/\/[^/]+(.*)$/.exec(value)
    if (!m) return value
    return (m[1].startsWith('ws') ? ws : http) + m[2]
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = repoint(v, http, ws)
    return out
  }
  return value
}

/**
 * A real ccxt.pro.binance that talks only to the emulated venue: every urls.api entry (REST and
 * ws, the nested ws['ws-api'] too) has its origin replaced by the venue's, markets are spot only,
 * no currencies or margin calls, and the plain-ws:// proxy agent is loaded (ccxt refuses ws://
 * URLs without it).
 */
export async function binanceAgainst(venue: EmulatedVenue, opts: { apiKey?: string; secret?: string } = {}): Promise<ProBinance> {
  const exchange = new pro.binance({
    apiKey: opts.apiKey,
    secret: opts.secret,
    enableRateLimit: false,
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false }
  })
  const http = `http://127.0.0.1:${venue.port}`
  const ws = `ws://127.0.0.1:${venue.port}`
  exchange.urls.api = repoint(exchange.urls.api, http, ws) as typeof exchange.urls.api
  await exchange.loadHttpProxyAgent()
  return exchange
}
