import { ChecksumError, DDoSProtection, NetworkError, RequestTimeout } from 'ccxt'
import { afterEach, describe, expect, it } from 'vitest'
import { binanceAgainst, type ProBinance } from './ccxt-loopback'
import { reference, ReferenceBook, SPOT_CAPTURE, tradesAfterSnapshot } from './capture-reference'
import { startVenue, type EmulatedVenue, type VenueOptions } from './emulated-venue'

const KEY = 'test-key-3f9a'
const SECRET = 'test-secret-77c1'

let venue: EmulatedVenue | undefined
let exchange: ProBinance | undefined

async function open(options: Partial<VenueOptions> = {}): Promise<{ venue: EmulatedVenue; ex: ProBinance }> {
  venue = await startVenue({ apiKey: KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 1 }, capture: SPOT_CAPTURE, ...options })
  exchange = await binanceAgainst(venue, { apiKey: KEY, secret: SECRET })
  await exchange.loadMarkets()
  return { venue, ex: exchange }
}

afterEach(async () => {
  await exchange?.close()
  await venue?.close()
  exchange = undefined
  venue = undefined
})

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const subscribes = (v: EmulatedVenue): number => v.requests().filter((r) => r.method === 'SUBSCRIBE').length

describe('emulated venue: faults on command, as the real ccxt client sees them', () => {
  it('http-429: ccxt raises DDoSProtection and sees Retry-After; a request inside that window gets a 418 ban; after it, requests succeed', async () => {
    const { venue, ex } = await open({ paused: true })
    venue.inject({ kind: 'http-429', retryAfterSec: 1 })
    const limited = await rejection(ex.fetchBalance())
    expect(limited).toBeInstanceOf(DDoSProtection)
    expect(limited.message).toContain('429')
    expect(limited.message).toContain('"code":-1003')
    expect(ex.last_response_headers?.['Retry-After']).toBe('1')
    const banned = await rejection(ex.fetchBalance())
    expect(banned).toBeInstanceOf(DDoSProtection)
    expect(banned.message).toContain('418')
    expect(banned.message).toContain('IP banned until')
    await new Promise((r) => setTimeout(r, 1050))
    expect((await ex.fetchBalance()).USDT.free).toBe(10_000)
    expect(venue.requests().map((r) => r.status)).toEqual([200, 429, 418, 200])
  })

  it('5xx-after-accept: the order is placed but ccxt gets a 503 (-1007, RequestTimeout); querying the client order id finds it', async () => {
    const { venue, ex } = await open({ paused: true })
    venue.inject({ kind: '5xx-after-accept' })
    const err = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'unknown-1' }))
    expect(err).toBeInstanceOf(RequestTimeout)
    expect(err.message).toContain('"code":-1007')
    expect(venue.ledger().orders).toEqual([expect.objectContaining({ clientOrderId: 'unknown-1', status: 'NEW' })])
    const found = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'unknown-1' })
    expect(found).toMatchObject({ clientOrderId: 'unknown-1', status: 'open', amount: 0.01, price: 60_000 })
    // only one 503: the next order goes through normally
    const next = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000)
    expect(next.status).toBe('open')
    expect(venue.requests().filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([503, 200])
  })

  it('slow: responses are late by the given ms; a ccxt timeout shorter than that is a RequestTimeout while the order still lands', async () => {
    const { venue, ex } = await open({ paused: true })
    venue.inject({ kind: 'slow', ms: 300 })
    const t0 = Date.now()
    await ex.fetchTime()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    ex.timeout = 100
    const err = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'late-1' }))
    expect(err).toBeInstanceOf(RequestTimeout)
    expect(venue.ledger().orders.map((o) => o.clientOrderId)).toEqual(['late-1'])
    venue.clearFaults()
    ex.timeout = 10_000
    const t1 = Date.now()
    await ex.fetchTime()
    expect(Date.now() - t1).toBeLessThan(300)
  })

  it('malformed-json: ccxt does not raise BadResponse for a cut-off body; it returns nothing or garbage, or throws a TypeError', async () => {
    const { venue, ex } = await open({ paused: true })
    venue.inject({ kind: 'malformed-json' })
    expect(await ex.fetchTime()).toBeUndefined()
    venue.inject({ kind: 'malformed-json' })
    // an empty book, silently: the adapter has to validate what ccxt hands it
    const book = await ex.fetchOrderBook('BTC/USDT', 5)
    expect([book.bids, book.asks, book.nonce]).toEqual([[], [], undefined])
    venue.inject({ kind: 'malformed-json' })
    const balance = await ex.fetchBalance()
    expect(typeof balance.info).toBe('string')
    expect(balance.USDT).toBeUndefined()
    // the truncation hit the response only: the order was placed
    venue.inject({ kind: 'malformed-json' })
    expect(await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000))).toBeInstanceOf(TypeError)
    expect(venue.ledger().orders).toHaveLength(1)
  })

  it('malformed-json on a websocket: the pending watchTrades rejects with a TypeError and that trade is lost; later ones flow', async () => {
    const ref = await reference()
    const expected = tradesAfterSnapshot(ref).map((t) => t.id)
    const { venue, ex } = await open({ paused: true })
    const first = ex.watchTrades('BTC/USDT')
    await waitFor(() => subscribes(venue) === 1)
    await new Promise((r) => setTimeout(r, 30))
    venue.inject({ kind: 'malformed-json', where: 'ws' })
    // up to and including the first trade (capture line 58), which goes out cut in half
    while (venue.feedState().lastTradeId === undefined) venue.advanceFeed(1)
    const err = await rejection(first)
    expect(err).toBeInstanceOf(TypeError)
    const ids: string[] = []
    const next = ex.watchTrades('BTC/USDT')
    await new Promise((r) => setTimeout(r, 30))
    venue.advanceFeed(300)
    for (const t of await next) ids.push(t.id as string)
    while (ids.length < 10) for (const t of await ex.watchTrades('BTC/USDT')) ids.push(t.id as string)
    expect(ids.slice(0, 10)).toEqual(expected.slice(1, 11))
  })

  it('drop-connections: a pending watchTrades rejects with a NetworkError; the next call reconnects and resubscribes', async () => {
    const { venue, ex } = await open({ paused: true })
    const first = ex.watchTrades('BTC/USDT')
    await waitFor(() => subscribes(venue) === 1)
    await new Promise((r) => setTimeout(r, 30))
    while (venue.feedState().lastTradeId === undefined) venue.advanceFeed(1)
    await first
    // nothing more is replayed, so this one can only end by the drop
    const pending = ex.watchTrades('BTC/USDT')
    await new Promise((r) => setTimeout(r, 30))
    venue.inject({ kind: 'drop-connections' })
    const err = await rejection(pending)
    expect(err).toBeInstanceOf(NetworkError)
    const again = ex.watchTrades('BTC/USDT')
    await waitFor(() => subscribes(venue) === 2)
    await new Promise((r) => setTimeout(r, 30))
    venue.advanceFeed(300)
    expect((await again).length).toBeGreaterThan(0)
    expect(venue.requests().filter((r) => r.method === 'SUBSCRIBE').map((r) => r.params.streams)).toEqual(['btcusdt@trade', 'btcusdt@trade'])
  })

  it('depth-gap: watchOrderBook rejects with ChecksumError; watching again resyncs from a new snapshot', async () => {
    const ref = await reference()
    const { venue, ex } = await open({ speed: 20 })
    await ex.watchOrderBook('BTC/USDT')
    venue.inject({ kind: 'depth-gap' })
    let err: Error | undefined
    for (let i = 0; i < 500 && err === undefined; i++) {
      try {
        await ex.watchOrderBook('BTC/USDT')
      } catch (e) {
        err = e as Error
      }
    }
    expect(err).toBeInstanceOf(ChecksumError)
    const depthRequests = (): number => venue.requests().filter((r) => r.path === '/api/v3/depth').length
    expect(depthRequests()).toBe(1)
    // a fresh watch: SUBSCRIBE again, a new REST snapshot, then in sync with the capture
    const refBook = new ReferenceBook(ref)
    let checked = 0
    while (checked < 20) {
      const ob = await ex.watchOrderBook('BTC/USDT')
      refBook.advanceTo(ob.nonce as number)
      expect(ob.bids.slice(0, 10)).toEqual(refBook.book.top(10).bids)
      expect(ob.asks.slice(0, 10)).toEqual(refBook.book.top(10).asks)
      checked++
    }
    expect(depthRequests()).toBe(2)
  })

  it('duplicate-messages: watchTrades sees every trade twice; watchOrderBook drops the repeated diffs and stays in sync', async () => {
    const ref = await reference()
    const { venue, ex } = await open({ speed: 20 })
    const refBook = new ReferenceBook(ref)
    await ex.watchOrderBook('BTC/USDT')
    await ex.watchTrades('BTC/USDT')
    venue.inject({ kind: 'duplicate-messages' })
    const ids: string[] = []
    while (ids.length < 40) for (const t of await ex.watchTrades('BTC/USDT')) ids.push(t.id as string)
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i)
    expect(twice.length).toBeGreaterThanOrEqual(15)
    for (let i = 0; i < 20; i++) {
      const ob = await ex.watchOrderBook('BTC/USDT')
      refBook.advanceTo(ob.nonce as number)
      expect(ob.bids.slice(0, 10)).toEqual(refBook.book.top(10).bids)
    }
  })

  it('reorder-messages: swapped diffs break watchOrderBook with ChecksumError, and trades arrive out of id order', async () => {
    const { venue, ex } = await open({ speed: 20 })
    await ex.watchOrderBook('BTC/USDT')
    await ex.watchTrades('BTC/USDT')
    venue.inject({ kind: 'reorder-messages' })
    let err: Error | undefined
    for (let i = 0; i < 500 && err === undefined; i++) {
      try {
        await ex.watchOrderBook('BTC/USDT')
      } catch (e) {
        err = e as Error
      }
    }
    expect(err).toBeInstanceOf(ChecksumError)
    const ids: number[] = []
    while (ids.length < 20) for (const t of await ex.watchTrades('BTC/USDT')) ids.push(Number(t.id))
    expect(ids.some((id, i) => i > 0 && id < ids[i - 1])).toBe(true)
    venue.clearFaults()
  })
})
