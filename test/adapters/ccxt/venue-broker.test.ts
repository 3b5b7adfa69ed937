import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FillEvent } from '../../../src/shared/broker-events'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'
import { liveSession, type LiveSession } from './session'

const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue
let s: LiveSession

beforeAll(async () => {
  // the replay stays paused: the book the orders meet is the capture's snapshot, fixed
  venue = await venueWith({ paused: true, balances: { USDT: 1_000_000, BTC: 5 } })
  s = await liveSession(venue)
  s.broker.start()
  await until(() => s.broker.account.knows('USDT') || s.broker.queued > 0, 'the first balance report')
  await until(() => s.broker.account.knows('USDT'), 'balances in the account')
})

afterAll(async () => {
  await s?.close()
  await venue?.close()
})

const posts = (cid: string) => venue.requests().filter((r) => r.transport === 'rest' && r.method === 'POST' && r.path === '/api/v3/order' && r.params.newClientOrderId === cid)
const atVenue = (cid: string) => venue.ledger().orders.filter((o) => o.clientOrderId === cid)

describe('venue broker against the emulated Binance venue (real ccxt, real kernel)', () => {
  it('journals the intent before sending, and the venue stores exactly our client order id', async () => {
    const { clientOrderId: cid, denied } = s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_000)
    expect(denied).toBeNull()
    // synchronously: journaled, nothing sent yet
    expect(s.journal.filter((e) => e.type === 'OrderSubmitted').map((e) => (e as { orderId: string }).orderId)).toContain(cid)
    expect(posts(cid)).toEqual([])
    await until(() => s.broker.account.order(cid)?.status === 'accepted', 'the order accepted')
    // when the request left, the journal already held the intent
    expect(s.journaledAtSend.some((ids) => ids.includes(cid))).toBe(true)
    expect(atVenue(cid)).toHaveLength(1)
    // verbatim: no ccxt broker prefix (x-TKT5PX2F…) on the id the venue keeps
    expect(atVenue(cid)[0].clientOrderId).toBe(cid)
    expect(s.brokerEvents(cid).map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted'])

    s.kernel.cancelOrder(cid)
    await until(() => s.broker.account.order(cid)?.status === 'cancelled', 'the order cancelled')
    expect(s.brokerEvents(cid).map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCancelled'])
    expect(atVenue(cid)[0].status).toBe('CANCELED')
  })

  it('resolves a 5XX after the venue accepted from the venue\'s own report of our client id: one order, never resent', async () => {
    venue.inject({ kind: '5xx-after-accept', count: 1 })
    const cid = s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.02, 51_000).clientOrderId
    await until(() => s.broker.account.order(cid)?.status === 'accepted', 'the order resolved as accepted')
    expect(s.broker.unresolved()).toEqual([])
    expect(atVenue(cid)).toHaveLength(1)
    expect(posts(cid).map((r) => r.status)).toEqual([503])
    expect(s.brokerEvents(cid).map((e) => e.type)).toEqual(['OrderSubmitted', 'OrderAccepted'])
    s.kernel.cancelOrder(cid)
    await until(() => s.broker.account.order(cid)?.status === 'cancelled', 'cleanup cancel')
  })

  it('without streams, resolves 5XX-after-accept (limit and market) by querying that client id; fills come by polling', async () => {
    const polled = await liveSession(venue, { useStreams: false, pollIntervalMs: 200 })
    try {
      polled.broker.start()
      const ambiguousBefore = polled.broker.counters.ambiguous
      venue.inject({ kind: '5xx-after-accept', count: 2 })
      const limit = polled.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.02, 51_000).clientOrderId
      const market = polled.kernel.submitManualOrder(SYMBOL, 'market', 'buy', 0.015).clientOrderId
      await until(() => polled.broker.account.order(limit)?.status === 'accepted', 'the limit order resolved as accepted')
      await until(() => polled.broker.account.order(market)?.status === 'filled', 'the market order resolved as filled')
      expect(polled.broker.unresolved()).toEqual([])
      for (const cid of [limit, market]) {
        expect(atVenue(cid)).toHaveLength(1)
        expect(posts(cid).map((r) => r.status)).toEqual([503])
        expect(venue.requests().some((r) => r.method === 'GET' && r.path === '/api/v3/order' && r.params.origClientOrderId === cid)).toBe(true)
        expect(polled.brokerEvents(cid).some((e) => e.type === 'OrderRejected')).toBe(false)
      }
      expect(polled.broker.counters.ambiguous - ambiguousBefore).toBe(2)
      expect(polled.broker.counters.resent).toBe(0)
      // the market order's fills, lost with the 5XX answer, were fetched as the venue's trades
      expect(venue.requests().some((r) => r.method === 'GET' && r.path === '/api/v3/myTrades')).toBe(true)
      const fills = polled.brokerEvents(market).filter((e): e is FillEvent => e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled')
      expect(fills.map((f) => f.tradeId).sort()).toEqual(venue.ledger().fills.filter((f) => f.clientOrderId === market).map((f) => String(f.tradeId)).sort())
      expect(fills.reduce((a, f) => a + f.amount, 0)).toBeCloseTo(atVenue(market)[0].executedQty, 10)
      expect(fills.at(-1)!.type).toBe('OrderFilled')
      polled.kernel.cancelOrder(limit)
      await until(() => polled.broker.account.order(limit)?.status === 'cancelled', 'cleanup cancel')
    } finally {
      await polled.close()
    }
  })

  it('obeys 429 + Retry-After for every request: nothing (order, cancel, balance, query) is sent before it has passed, then the same order goes once', async () => {
    // an order to cancel, and an order to query, while the venue's Retry-After runs
    const resting = s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_000).clientOrderId
    await until(() => s.broker.account.order(resting)?.status === 'accepted', 'the resting order accepted')
    await until(() => s.broker.queued === 0, 'an idle broker')
    const before = venue.requests().length
    const limitedBefore = s.broker.counters.rateLimited
    venue.inject({ kind: 'http-429', retryAfterSec: 1 })
    const cid = s.kernel.submitManualOrder(SYMBOL, 'limit', 'sell', 0.01, 90_000).clientOrderId
    await until(() => s.broker.counters.rateLimited > limitedBefore, 'the 429')
    // inside the window: a cancel, a balance refresh and a query of the resting order all wait
    s.kernel.cancelOrder(resting)
    const balance = s.broker.refreshBalance()
    const query = s.broker.resyncOrder(resting)
    await until(() => s.broker.account.order(cid)?.status === 'accepted' && s.broker.account.order(resting)?.status === 'cancelled', 'the order accepted and the cancel done after the wait', 8000)
    await Promise.all([balance, query])
    const rest = venue.requests().slice(before).filter((r) => r.transport === 'rest')
    const limited = rest.findIndex((r) => r.status === 429)
    expect(limited).toBe(0)
    const t429 = rest[limited].time
    const later = rest.slice(limited + 1)
    for (const r of later) expect(r.time - t429, `${r.method} ${r.path}`).toBeGreaterThanOrEqual(1000)
    // every kind of request was held, not just the order
    const kinds = new Set(later.map((r) => `${r.method} ${r.path}`))
    for (const k of ['POST /api/v3/order', 'DELETE /api/v3/order', 'GET /api/v3/account', 'GET /api/v3/order', 'GET /api/v3/myTrades']) expect(kinds.has(k), k).toBe(true)
    // a request inside the window would have been answered with a 418 ban
    expect(rest.filter((r) => r.status === 418)).toEqual([])
    expect(atVenue(cid)).toHaveLength(1)
    expect(posts(cid).map((r) => r.params.newClientOrderId)).toEqual(posts(cid).map(() => cid))
    s.kernel.cancelOrder(cid)
    await until(() => s.broker.account.order(cid)?.status === 'cancelled', 'cleanup cancel')
  })

  it('applies each fill once when the venue repeats every stream message', async () => {
    venue.inject({ kind: 'duplicate-messages' })
    const book = await s.ex.fetchOrderBook(SYMBOL, 5)
    // more than the best ask holds, so the order takes several levels (several trades)
    const amount = Number((book.asks[0][1]! + book.asks[1][1]! / 2).toFixed(5))
    const duplicatesBefore = s.broker.counters.duplicateFills
    const cid = s.kernel.submitManualOrder(SYMBOL, 'market', 'buy', amount).clientOrderId
    await until(() => s.broker.account.order(cid)?.status === 'filled', 'the market order filled')
    // let the repeated reports arrive too
    await until(() => s.broker.counters.duplicateFills - duplicatesBefore >= 2 * venueFills(cid), 'the repeated reports', 5000)
    await new Promise((r) => setTimeout(r, 200))
    venue.clearFaults()

    const fills = s.brokerEvents(cid).filter((e): e is FillEvent => e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled')
    const ledgerFills = venue.ledger().fills.filter((f) => f.clientOrderId === cid)
    expect(ledgerFills.length).toBeGreaterThanOrEqual(2)
    expect(fills.map((f) => f.tradeId).sort()).toEqual(ledgerFills.map((f) => String(f.tradeId)).sort())
    expect(fills.filter((f) => f.type === 'OrderFilled')).toHaveLength(1)
    expect(fills.at(-1)!.type).toBe('OrderFilled')
    expect(fills.reduce((a, f) => a + f.amount, 0)).toBeCloseTo(amount, 10)
    const view = s.broker.account.order(cid)!
    expect(view.filled).toBeCloseTo(amount, 10)
    expect(view.remaining).toBe(0)
    // the account ends where the venue says it is
    await s.broker.refreshBalance()
    await until(() => s.broker.queued === 0, 'the balance report applied')
    const venueBalances = venue.ledger().balances
    expect(s.broker.account.balance('BTC').total).toBeCloseTo(Number(venueBalances.BTC.free) + Number(venueBalances.BTC.locked), 8)
    expect(s.broker.account.position(SYMBOL).amount).toBeCloseTo(s.broker.account.balance('BTC').total, 12)
  })
})

describe('venue broker under reordered reports', () => {
  it('ends in the venue\'s state when execution reports arrive out of order (and the REST answer is lost)', async () => {
    venue.inject({ kind: 'reorder-messages' })
    // without the order answer and its fills, the stream's reordered reports are all there is
    venue.inject({ kind: '5xx-after-accept' })
    try {
      const book = await s.ex.fetchOrderBook(SYMBOL, 5)
      const amount = Number((book.asks[0][1]! + book.asks[1][1]! + book.asks[2][1]! / 2).toFixed(5))
      const cid = s.kernel.submitManualOrder(SYMBOL, 'market', 'buy', amount).clientOrderId
      await until(() => s.broker.account.order(cid)?.status === 'filled', 'the market order filled')
      await new Promise((r) => setTimeout(r, 400))
      const events = s.brokerEvents(cid)
      const fills = events.filter((e): e is FillEvent => e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled')
      expect(venueFills(cid)).toBeGreaterThanOrEqual(3)
      expect(fills).toHaveLength(venueFills(cid))
      expect(events.at(-1)!.type).toBe('OrderFilled')
      expect(fills.map((f) => f.filled)).toEqual([...fills.map((f) => f.filled)].sort((a, b) => a - b))
      expect(s.broker.account.order(cid)!.filled).toBeCloseTo(amount, 10)
      expect(fills.map((f) => f.tradeId).sort()).toEqual(venue.ledger().fills.filter((f) => f.clientOrderId === cid).map((f) => String(f.tradeId)).sort())
    } finally {
      venue.clearFaults()
    }
  })
})

function venueFills(cid: string): number {
  return venue.ledger().fills.filter((f) => f.clientOrderId === cid).length
}
