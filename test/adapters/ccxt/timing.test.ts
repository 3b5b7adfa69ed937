import { BadResponse, DDoSProtection, ExchangeClosedByUser, ExchangeError, ExchangeNotAvailable, InsufficientFunds, InvalidNonce, InvalidOrder, NetworkError, OrderNotFound, RateLimitExceeded, RequestTimeout, ChecksumError } from 'ccxt'
import { describe, expect, it } from 'vitest'
import { Backoff, RequestGate, parseRetryAfter } from '../../../src/main/adapters/ccxt/backoff'
import { FeedHealth } from '../../../src/main/adapters/ccxt/feed-health'
import { classifyError } from '../../../src/main/adapters/ccxt/venue-api'

describe('backoff', () => {
  it('grows by the factor up to the cap, each delay inside [base·(1−jitter), base]', () => {
    const b = new Backoff({ initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.5, seed: 7 })
    const bases = [100, 200, 400, 800, 1000, 1000]
    for (const base of bases) {
      const d = b.next()
      expect(d).toBeGreaterThanOrEqual(base * 0.5)
      expect(d).toBeLessThanOrEqual(base)
    }
    expect(b.attempts).toBe(6)
    b.reset()
    expect(b.next()).toBeLessThanOrEqual(100)
  })

  it('is repeatable for a seed and differs between seeds (clients do not retry in step)', () => {
    const run = (seed: number) => {
      const b = new Backoff({ initialMs: 1000, maxMs: 60_000, seed })
      return Array.from({ length: 8 }, () => b.next())
    }
    expect(run(3)).toEqual(run(3))
    expect(run(3)).not.toEqual(run(4))
  })

  it('without jitter is the plain exponential sequence', () => {
    const b = new Backoff({ initialMs: 250, factor: 2, maxMs: 30_000, jitter: 0 })
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })
})

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000)
    expect(parseRetryAfter(' 0.5 ', 0)).toBe(500)
    const now = Date.UTC(2026, 0, 1, 12, 0, 0)
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })

  it('holds every request until the blocked time has passed on the host clock, even when timers fire early', async () => {
    let t = 1_000
    const slept: number[] = []
    // a timer that fires after half the time asked: the gate must check the clock again
    const gate = new RequestGate(
      () => t,
      async (ms) => {
        slept.push(ms)
        t += Math.ceil(ms / 2)
      }
    )
    await gate.wait()
    expect(slept).toEqual([])
    gate.blockUntil(3_000)
    gate.blockUntil(2_000) // an earlier block does not shorten the wait
    await gate.wait()
    expect(t).toBeGreaterThanOrEqual(3_000)
    // each sleep covers ceil(half) of what is left, so what is left halves (rounded down)
    expect(slept).toEqual([2000, 1000, 500, 250, 125, 62, 31, 15, 7, 3, 1])
  })
})

describe('feed health (hand-set clock)', () => {
  it('goes stale after the limit without updates and recovers on the next update', () => {
    const h = new FeedHealth('BTC/USDT', 500, 0, false)
    expect(h.change(0)).toEqual({ status: 'ok', reason: 'connected' })
    h.check(500)
    expect(h.change(500)).toBeNull()
    h.check(501)
    expect(h.change(501)).toEqual({ status: 'stale', reason: 'no update for 501 ms (limit 500 ms)' })
    h.check(900)
    expect(h.change(900)).toBeNull()
    h.data('trades', 950)
    expect(h.change(950)).toEqual({ status: 'ok', reason: 'recovered' })
  })

  it('with a book stream is not ok before the first snapshot, and resyncing after a gap', () => {
    const h = new FeedHealth('BTC/USDT', 500, 0, true)
    h.data('trades', 10)
    expect(h.change(10)).toEqual({ status: 'resyncing', reason: 'waiting for the order book snapshot' })
    h.data('book', 20)
    h.book(null)
    expect(h.change(20)?.status).toBe('ok')
    h.book('sequence gap')
    expect(h.change(30)).toEqual({ status: 'resyncing', reason: 'sequence gap' })
    h.book(null)
    expect(h.change(40)?.status).toBe('ok')
  })

  it('ranks disconnected over resyncing over stale', () => {
    const h = new FeedHealth('X', 100, 0, true)
    h.check(1000)
    h.streamDown('book', 'socket closed')
    expect(h.current(1000)).toEqual({ status: 'disconnected', reason: 'book: socket closed' })
    h.data('book', 1001)
    expect(h.current(1001).status).toBe('resyncing')
    h.book(null)
    h.check(2000)
    expect(h.current(2000).status).toBe('stale')
  })
})

describe('venue error classification (ccxt error classes)', () => {
  const cases: Array<[Error, string]> = [
    [new RateLimitExceeded('429'), 'rate-limited'],
    [new DDoSProtection('418'), 'rate-limited'],
    [new RequestTimeout('timed out'), 'ambiguous'],
    [new ExchangeNotAvailable('503'), 'ambiguous'],
    [new NetworkError('socket hang up'), 'ambiguous'],
    [new BadResponse('half a body'), 'ambiguous'],
    [new ChecksumError('gap'), 'resync'],
    [new InvalidNonce('-1021 outside recvWindow'), 'clock-skew'],
    [new OrderNotFound('-2013'), 'not-found'],
    [new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'), 'duplicate'],
    [new InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), 'rejected'],
    [new InsufficientFunds('-2010 insufficient balance'), 'rejected'],
    [new ExchangeError('unknown'), 'rejected'],
    [new ExchangeClosedByUser('closed'), 'closed'],
    [new TypeError('cannot read x of undefined'), 'ambiguous']
  ]
  for (const [err, kind] of cases) {
    it(`${err.constructor.name} → ${kind}`, () => {
      expect(classifyError(err).kind).toBe(kind)
    })
  }
})
