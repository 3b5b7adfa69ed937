import { createRandom } from '../../core/random'

/**
 * Retry timing for this layer: exponential backoff with jitter from a seeded generator (runs
 * are repeatable), and a gate that holds every request until a venue's Retry-After has passed.
 * Time comes from the host's `now()`; waiting uses the host's `sleep`.
 */

export interface BackoffOptions {
  /** first delay, ms (default 250) */
  initialMs?: number
  /** largest delay, ms (default 30 000) */
  maxMs?: number
  /** growth per attempt (default 2) */
  factor?: number
  /** fraction of each delay that is random: 0 none, 1 "full jitter" (default 0.5) */
  jitter?: number
  /** seed of the jitter generator (default 1) */
  seed?: number
}

export class Backoff {
  private attempt = 0
  private readonly random: () => number
  private readonly initialMs: number
  private readonly maxMs: number
  private readonly factor: number
  private readonly jitter: number

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250
    this.maxMs = options.maxMs ?? 30_000
    this.factor = options.factor ?? 2
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5))
    this.random = createRandom(options.seed ?? 1)
  }

  /** Attempts since the last success. */
  get attempts(): number {
    return this.attempt
  }

  /**
   * The delay before the next attempt: base = initial × factor^attempt capped at max, of which
   * the `jitter` fraction is drawn uniformly (so reconnecting clients do not retry in step).
   */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, this.attempt))
    this.attempt++
    const fixed = base * (1 - this.jitter)
    return Math.round(fixed + base * this.jitter * this.random())
  }

  reset(): void {
    this.attempt = 0
  }
}

/**
 * Milliseconds a Retry-After header value asks to wait: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

export type Sleep = (ms: number) => Promise<void>

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/**
 * One venue's request gate. After a 429/418 the venue names a time before which it will not
 * serve us; every request of this layer waits here until that time has passed (measured with
 * the host clock, re-checked after each sleep, so an early timer never lets a request out).
 */
export class RequestGate {
  private notBefore = -Infinity

  constructor(
    private readonly now: () => number,
    private readonly sleep: Sleep = realSleep
  ) {}

  /** No request before `at` (a later block extends it, an earlier one does not shorten it). */
  blockUntil(at: number): void {
    if (at > this.notBefore) this.notBefore = at
  }

  get blockedUntil(): number {
    return this.notBefore
  }

  async wait(): Promise<void> {
    for (;;) {
      const left = this.notBefore - this.now()
      if (!(left > 0)) return
      await this.sleep(left)
    }
  }
}

/**
 * ccxt (4.5.8x) retries on its own, underneath the adapters' own retries:
 * - it waits before re-dialling a websocket url: 1 s, doubling up to 60 s, and forgets the count
 *   only after 30 s without a dial. Against a venue that drops the connection every few seconds
 *   that stacks up to a feed that is down most of the time, whatever our own backoff says;
 * - it fetches a book's REST snapshot up to 3 times in a row at once when one fails, so after a
 *   429 it asks again inside the venue's Retry-After (which Binance answers with an IP ban).
 * The adapters reconnect with their own Backoff (seeded, reset when data flows again) and hold
 * requests behind a RequestGate, so ccxt's reconnect delay is set to zero (unless the caller set
 * one) and its snapshot tries to one.
 */
export function leaveRetriesToAdapter(exchange: object): void {
  const ex = exchange as { options?: unknown }
  if (typeof ex.options !== 'object' || ex.options === null) return
  const options = ex.options as Record<string, unknown>
  const section = (name: string): Record<string, unknown> => (typeof options[name] === 'object' && options[name] !== null ? (options[name] as Record<string, unknown>) : {})
  const ws = section('ws')
  const backoff = typeof ws.backoff === 'object' && ws.backoff !== null ? (ws.backoff as Record<string, unknown>) : {}
  if (backoff.base === undefined) options.ws = { ...ws, backoff: { ...backoff, base: 0 } }
  // ccxt's binance class sets 3 itself, so this one is not left to a default
  options.watchOrderBook = { ...section('watchOrderBook'), maxRetries: 1 }
}
