import type { Market } from '../../../shared/market'
import type { ApiCredentials, Redactor } from './secrets'
import { createRedactor, describeError } from './secrets'
import { instrumentExchange, num, str } from './venue-api'

/**
 * Opens a ccxt.pro exchange for a paper or live session. ccxt is imported here, lazily (loading
 * it costs about 0.7 s), and only this function and the tests' loopback helper construct one.
 */

export interface OpenExchangeOptions {
  /** ccxt exchange id, e.g. `binance` */
  exchangeId: string
  credentials?: ApiCredentials
  /** point every REST url at this origin (e.g. a local emulated venue), keeping paths */
  restOrigin?: string
  /** point every websocket url at this origin */
  wsOrigin?: string
  /** merged into ccxt's options */
  options?: Record<string, unknown>
  timeoutMs?: number
  /** host clock, for Retry-After dates */
  now: () => number
  redact?: Redactor
  log?: (line: string) => void
}

export class ExchangeOpenError extends Error {
  readonly type = 'ExchangeOpenError'
  constructor(message: string) {
    super(message)
    this.name = 'ExchangeOpenError'
  }
}

type AnyExchange = Record<string, unknown> & {
  urls: { api: unknown }
  loadHttpProxyAgent?: () => Promise<unknown>
  loadMarkets: (reload?: boolean) => Promise<Record<string, unknown>>
}

export async function openExchange(opts: OpenExchangeOptions): Promise<AnyExchange> {
  const redact = opts.redact ?? createRedactor()
  if (opts.credentials !== undefined) redact.add(...opts.credentials.secrets())
  const ccxt = (await import('ccxt')) as unknown as { pro: Record<string, new (config: Record<string, unknown>) => AnyExchange> }
  const Ctor = ccxt.pro[opts.exchangeId]
  if (typeof Ctor !== 'function') throw new ExchangeOpenError(`exchange ${opts.exchangeId} has no ccxt.pro client`)
  const config: Record<string, unknown> = {
    enableRateLimit: true,
    timeout: opts.timeoutMs ?? 10_000,
    options: {
      // spot only: the default also loads futures markets from other hosts
      fetchMarkets: { types: ['spot'] },
      fetchCurrencies: false,
      fetchMargins: false,
      ...opts.options
    }
  }
  if (opts.credentials !== undefined) {
    config.apiKey = opts.credentials.apiKey
    config.secret = opts.credentials.secret
  }
  const ex = new Ctor(config)
  // ccxt's own diagnostics go through the redactor too
  ex.verbose = false
  ex.log = (...args: unknown[]) => opts.log?.(redact(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ')))
  if (opts.restOrigin !== undefined || opts.wsOrigin !== undefined) ex.urls.api = rewriteUrls(ex.urls.api, opts.restOrigin, opts.wsOrigin)
  instrumentExchange(ex, opts.now)
  if (hasPlainWs(ex.urls.api)) await ex.loadHttpProxyAgent?.()
  return ex
}

/** loadMarkets, retried with `reload` because ccxt caches a failed load. */
export async function loadMarkets(ex: { loadMarkets: (reload?: boolean) => Promise<Record<string, unknown>> }, attempts = 3, redact: Redactor = createRedactor()): Promise<Record<string, unknown>> {
  let last: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      return await ex.loadMarkets(i > 0)
    } catch (err) {
      last = err
    }
  }
  throw new ExchangeOpenError(`loading markets failed ${attempts} times: ${describeError(last, redact)}`)
}

/** ccxt's market structures as the core's `Market`; markets without usable precision are left out. */
export function marketsFromCcxt(markets: Record<string, unknown>, venue: string): Market[] {
  const out: Market[] = []
  for (const raw of Object.values(markets)) {
    const m = raw as Record<string, unknown>
    const symbol = str(m.symbol)
    const base = str(m.base)
    const quote = str(m.quote)
    const precision = (m.precision ?? {}) as Record<string, unknown>
    const limits = (m.limits ?? {}) as Record<string, Record<string, unknown> | undefined>
    const price = num(precision.price)
    const amount = num(precision.amount)
    if (symbol === undefined || base === undefined || quote === undefined || price === undefined || amount === undefined || !(price > 0) || !(amount > 0)) continue
    out.push({
      symbol,
      base,
      quote,
      venue,
      precision: { price, amount },
      limits: { amount: { min: num(limits.amount?.min) ?? 0 }, cost: { min: num(limits.cost?.min) ?? 0 } },
      maker: num(m.maker) ?? 0,
      taker: num(m.taker) ?? 0,
      sessions: '24x7'
    })
  }
  return out
}

function rewriteUrls(node: unknown, rest: string | undefined, ws: string | undefined): unknown {
  if (typeof node === 'string') {
    const m = /^(https?|wss?):\/\/[^/]+(.*)$/.exec(node)
    if (m === null) return node
    const origin = m[1].startsWith('ws') ? ws : rest
    return origin === undefined ? node : origin.replace(/\/$/, '') + m[2]
  }
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = Array.isArray(node) ? ([] as unknown as Record<string, unknown>) : {}
    for (const [k, v] of Object.entries(node)) out[k] = rewriteUrls(v, rest, ws)
    return out
  }
  return node
}

function hasPlainWs(node: unknown): boolean {
  if (typeof node === 'string') return node.startsWith('ws://')
  if (typeof node === 'object' && node !== null) return Object.values(node).some(hasPlainWs)
  return false
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x)
  } catch {
    return String(x)
  }
}
