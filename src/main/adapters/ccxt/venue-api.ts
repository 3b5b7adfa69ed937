import { parseRetryAfter } from './backoff'

/**
 * The part of a ccxt (pro) exchange this layer uses, written structurally so that nothing here
 * needs ccxt at load time (it is imported lazily, when a paper or live session starts) and so
 * that pure parts can be exercised without a venue. Shapes follow ccxt's unified structures;
 * every field is treated as possibly missing.
 */

export interface VenueFee {
  cost?: number
  currency?: string
}

export interface VenueTrade {
  id?: string
  /** the venue's order id */
  order?: string
  symbol?: string
  side?: string
  price?: number
  amount?: number
  timestamp?: number
  takerOrMaker?: string
  fee?: VenueFee
  info?: unknown
}

export interface VenueOrder {
  id?: string
  clientOrderId?: string
  timestamp?: number
  lastUpdateTimestamp?: number
  /** ccxt: open, closed, canceled, expired, rejected (and venue-specific others) */
  status?: string
  symbol?: string
  type?: string
  side?: string
  price?: number
  amount?: number
  filled?: number
  remaining?: number
  average?: number
  trades?: VenueTrade[]
  info?: unknown
}

export interface VenueBook {
  bids: Array<[number | undefined, number | undefined] | number[]>
  asks: Array<[number | undefined, number | undefined] | number[]>
  timestamp?: number
  nonce?: number
  symbol?: string
}

export interface VenueTicker {
  symbol?: string
  timestamp?: number
  bid?: number
  ask?: number
  bidVolume?: number
  askVolume?: number
}

export interface VenueBalance {
  free?: number
  used?: number
  total?: number
}

/** ccxt's fetchBalance result: one entry per currency, plus `info`, `free`, `used`, `total`, `timestamp`… */
export type VenueBalances = Record<string, unknown>

/** Public streams (ccxt.pro). */
export interface WatchApi {
  watchOrderBook(symbol: string, limit?: number, params?: Record<string, unknown>): Promise<VenueBook>
  watchTrades(symbol: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueTrade[]>
  watchTicker(symbol: string, params?: Record<string, unknown>): Promise<VenueTicker>
  unWatchOrderBook?(symbol: string, params?: Record<string, unknown>): Promise<unknown>
  close?(): Promise<unknown>
}

/** Trading calls (REST) and the private streams. */
export interface TradeApi {
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<VenueOrder>
  cancelOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<unknown>
  cancelAllOrders(symbol?: string, params?: Record<string, unknown>): Promise<unknown>
  fetchOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<VenueOrder>
  fetchOpenOrders(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueOrder[]>
  fetchMyTrades(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueTrade[]>
  fetchBalance(params?: Record<string, unknown>): Promise<unknown>
  watchOrders?(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueOrder[]>
  watchMyTrades?(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueTrade[]>
  close?(): Promise<unknown>
}

/**
 * What a failed venue call means for us.
 * - `rate-limited`: 429/418 or the venue's rate-limit codes; the request was not processed, and
 *   nothing may be sent before Retry-After has passed.
 * - `ambiguous`: a timeout, a dropped connection, a 5XX, an unreadable response: the request may
 *   or may not have taken effect. For an order this means "unknown", resolved by querying.
 * - `clock-skew`: the venue refused the signature's timestamp; nothing happened.
 * - `not-found`, `duplicate`: the venue does not know the order / already has this client id.
 * - `rejected`: a definite refusal (bad order, insufficient funds, bad symbol, auth).
 * - `resync`: a sequence gap in a stream (or our own unwatch); re-subscribe and re-snapshot.
 * - `closed`: the client was closed on purpose.
 */
export type VenueErrorKind = 'rate-limited' | 'ambiguous' | 'clock-skew' | 'not-found' | 'duplicate' | 'rejected' | 'resync' | 'closed'

export interface ClassifiedError {
  kind: VenueErrorKind
  /** the ccxt class name of the error (or `Error`) */
  cls: string
  httpStatus: number | undefined
  /** from the response's Retry-After, when it had one */
  retryAfterMs: number | undefined
}

interface HttpNote {
  status: number
  retryAfterMs: number | undefined
}

const HTTP_NOTE = Symbol('theorycraft.http')

/** Names of an error's class and its ancestors (ccxt's errors form a class hierarchy). */
function classNames(err: unknown): Set<string> {
  const names = new Set<string>()
  if (typeof err !== 'object' || err === null) return names
  for (let p = Object.getPrototypeOf(err); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const n = (p as { constructor?: { name?: string } }).constructor?.name
    if (n) names.add(n)
  }
  const own = (err as { name?: unknown }).name
  if (typeof own === 'string') names.add(own)
  return names
}

export function classifyError(err: unknown): ClassifiedError {
  const names = classNames(err)
  const note = typeof err === 'object' && err !== null ? ((err as Record<symbol, HttpNote | undefined>)[HTTP_NOTE] ?? undefined) : undefined
  const cls = err instanceof Error ? (err.constructor?.name || err.name) : 'Error'
  const make = (kind: VenueErrorKind): ClassifiedError => ({ kind, cls, httpStatus: note?.status, retryAfterMs: note?.retryAfterMs })
  const status = note?.status
  if (names.has('ExchangeClosedByUser')) return make('closed')
  if (status === 429 || status === 418 || names.has('RateLimitExceeded') || names.has('DDoSProtection')) return make('rate-limited')
  // a 5XX leaves the outcome open whatever class ccxt chose from the body
  if (status !== undefined && status >= 500) return make('ambiguous')
  // UnsubscribeError: our own unwatch (a forced resync) ended the pending watch
  if (names.has('ChecksumError') || names.has('UnsubscribeError')) return make('resync')
  if (names.has('InvalidNonce')) return make('clock-skew')
  if (names.has('NetworkError') || names.has('OperationFailed')) return make('ambiguous')
  if (names.has('OrderNotFound')) return make('not-found')
  // Binance says "Duplicate order sent." under its generic -2010, which ccxt maps to InvalidOrder
  if (names.has('DuplicateOrderId') || (err instanceof Error && /duplicate (order|client)/i.test(err.message))) return make('duplicate')
  if (names.has('ExchangeError')) return make('rejected')
  // anything else (a bug, a TypeError inside a parser): never assume it did not happen
  return make('ambiguous')
}

/**
 * Makes a ccxt exchange note the HTTP status and Retry-After of each failed REST response on the
 * error it throws (ccxt's errors carry neither), so `classifyError` can see a 5XX whatever class
 * ccxt derived from the body, and the gate can honour Retry-After. Idempotent.
 */
export function instrumentExchange(exchange: object, now: () => number): void {
  const ex = exchange as {
    handleRestResponse?: (response: unknown, ...rest: unknown[]) => Promise<unknown>
    getResponseHeaders?: (response: unknown) => Record<string, string>
    [HTTP_NOTE]?: true
  }
  if (ex[HTTP_NOTE] || typeof ex.handleRestResponse !== 'function') return
  const original = ex.handleRestResponse.bind(exchange)
  ex.handleRestResponse = (response: unknown, ...rest: unknown[]) => {
    let result: Promise<unknown>
    try {
      result = Promise.resolve(original(response, ...rest))
    } catch (err) {
      result = Promise.reject(err)
    }
    return result.catch((err: unknown) => {
      const status = (response as { status?: unknown } | null)?.status
      if (typeof err === 'object' && err !== null && typeof status === 'number') {
        let retryAfter: string | undefined
        try {
          const headers = ex.getResponseHeaders?.call(exchange, response) ?? {}
          for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'retry-after') retryAfter = String(v)
        } catch {
          retryAfter = undefined
        }
        const note: HttpNote = { status, retryAfterMs: parseRetryAfter(retryAfter, now()) }
        Object.defineProperty(err, HTTP_NOTE, { value: note, enumerable: false })
      }
      throw err
    })
  }
  Object.defineProperty(exchange, HTTP_NOTE, { value: true, enumerable: false })
  observeWsFutures(exchange)
}

const OBSERVED = Symbol('theorycraft.observed')

/**
 * ccxt.pro creates some websocket futures ahead of the request that settles them (binance's
 * user-data subscription) and rejects them when the connection fails, whether or not anyone
 * waits on them: an unhandled rejection. Every future a client makes gets a handler here; whoever
 * awaits it still sees the error.
 */
function observeWsFutures(exchange: object): void {
  const ex = exchange as { client?: (url: string) => object }
  if (typeof ex.client !== 'function') return
  const original = ex.client.bind(exchange)
  ex.client = (url: string) => {
    const client = original(url) as { future?: (hash: string) => Promise<unknown>; [OBSERVED]?: true }
    if (client[OBSERVED] || typeof client.future !== 'function') return client
    const future = client.future.bind(client)
    client.future = (hash: string) => {
      const f = future(hash)
      f.catch(() => undefined)
      return f
    }
    Object.defineProperty(client, OBSERVED, { value: true, enumerable: false })
    return client
  }
}

/** A finite number, or undefined (venue JSON may carry null, strings or NaN where numbers belong). */
export function num(x: unknown): number | undefined {
  const n = typeof x === 'string' ? Number(x) : x
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

export function str(x: unknown): string | undefined {
  if (typeof x === 'string') return x.length > 0 ? x : undefined
  if (typeof x === 'number' && Number.isFinite(x)) return String(x)
  return undefined
}
