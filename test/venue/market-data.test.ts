import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
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
  return { venue, ex: exchange }
}

afterEach(async () => {
  await exchange?.close()
  await venue?.close()
  exchange = undefined
  venue = undefined
})

describe('emulated venue: market data through the real ccxt binance client', () => {
  it('loadMarkets makes one exchangeInfo request and yields Binance BTC/USDT precision and limits', async () => {
    const { venue, ex } = await open({ paused: true, symbols: ['BTC/USDT', 'ETH/USDT'] })
    const markets = await ex.loadMarkets()
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT'])
    const btc = markets['BTC/USDT'] as (typeof markets)[string] & object
    expect(btc.id).toBe('BTCUSDT')
    expect(btc.spot).toBe(true)
    expect(btc.active).toBe(true)
    expect(btc.precision).toMatchObject({ amount: 0.00001, price: 0.01 })
    expect(btc.limits.amount).toMatchObject({ min: 0.00001, max: 9000 })
    expect(btc.limits.cost?.min).toBe(5)
    expect(markets['ETH/USDT']?.precision).toMatchObject({ amount: 0.0001, price: 0.01 })
    expect(venue.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v3/exchangeInfo'])
  })

  it('fetchOrderBook returns the capture snapshot, all 1000 levels a side', async () => {
    const ref = await reference()
    const { ex } = await open({ paused: true })
    const book = await ex.fetchOrderBook('BTC/USDT', 1000)
    expect(book.nonce).toBe(50093239218)
    expect(book.bids.length).toBe(1000)
    expect(book.asks.length).toBe(1000)
    expect(book.bids).toEqual(ref.snapshot.bids)
    expect(book.asks).toEqual(ref.snapshot.asks)
    expect(book.bids[0]).toEqual([61837.63, 3.78826])
    expect(book.asks[0]).toEqual([61837.64, 1.54698])
    const five = await ex.fetchOrderBook('BTC/USDT', 5)
    expect(five.bids).toEqual(ref.snapshot.bids.slice(0, 5))
  })

  it('fetchTime reports the venue clock, skewed on command', async () => {
    const { venue, ex } = await open({ paused: true, clockSkewMs: 5000 })
    const t = await ex.fetchTime()
    expect(Math.abs((t as number) - (Date.now() + 5000))).toBeLessThan(500)
    venue.setClockSkew(-7000)
    const t2 = await ex.fetchTime()
    expect(Math.abs((t2 as number) - (Date.now() - 7000))).toBeLessThan(500)
  })

  it('watchOrderBook stays in sync with the replay: every update equals the capture book at its nonce, and the best bid/ask equal the capture bookTicker there', async () => {
    const ref = await reference()
    const { venue, ex } = await open({ speed: 12 })
    const refBook = new ReferenceBook(ref)
    const until = Date.now() + 3500
    let checked = 0
    let lastNonce = 0
    while (Date.now() < until) {
      const ob = await ex.watchOrderBook('BTC/USDT')
      const nonce = ob.nonce as number
      if (nonce === lastNonce) continue
      expect(nonce).toBeGreaterThan(lastNonce)
      lastNonce = nonce
      refBook.advanceTo(nonce)
      const want = refBook.book.top(20)
      expect(ob.bids.slice(0, 20)).toEqual(want.bids)
      expect(ob.asks.slice(0, 20)).toEqual(want.asks)
      const q = refBook.lastQuote
      expect(q).toBeDefined()
      expect([ob.bids[0][0], ob.asks[0][0]]).toEqual([q?.bid, q?.ask])
      checked++
    }
    // 3.5 s at 12× is ~40 s of capture, ~400 diffs; ccxt resolves once per message it applies
    expect(checked).toBeGreaterThan(100)
    expect(venue.feedState().lastUpdateId).toBeGreaterThanOrEqual(lastNonce)
  })

  it('watchTrades yields the capture trades in order, with their ids, prices, amounts, sides and times', async () => {
    const ref = await reference()
    const expected = tradesAfterSnapshot(ref)
    // speed 0: the replay runs as fast as the client reads
    const { ex } = await open({ speed: 0 })
    const seen: Array<{ id: string; price: number; amount: number; side: string; ts: number }> = []
    while (seen.length < 2000) {
      const trades = await ex.watchTrades('BTC/USDT')
      for (const t of trades) seen.push({ id: t.id as string, price: t.price as number, amount: t.amount as number, side: t.side as string, ts: t.timestamp as number })
    }
    expect(seen.slice(0, 2000)).toEqual(expected.slice(0, 2000))
        // line 58 of the capture: the first trade after the snapshot
    expect(seen[0]).toEqual({ id: '3735683260', price: 61837.63, amount: 0.048, side: 'sell', ts: 1723161255617 })
  })

  it('watchBidsAsks yields the capture bookTickers in order', async () => {
    const ref = await reference()
    const quotes = ref.records.filter((r) => r.event.type === 'quote' && r.quoteUpdateId > ref.snapshot.lastUpdateId)
    const { venue, ex } = await open({ paused: true })
    const pending = ex.watchBidsAsks(['BTC/USDT'])
    // let the SUBSCRIBE land before replaying
    await waitFor(() => venue.requests().some((r) => r.method === 'SUBSCRIBE'))
    await new Promise((r) => setTimeout(r, 50))
    venue.advanceFeed(40)
    const first = (await pending)['BTC/USDT']
    const q0 = quotes[0].event
    if (q0.type !== 'quote') throw new Error('not a quote')
    expect([first.bid, first.bidVolume, first.ask, first.askVolume]).toEqual([q0.bid, q0.bidSize, q0.ask, q0.askSize])
  })

  it('fetchOHLCV and watchOHLCV build one-minute candles from the replayed trades', async () => {
    const ref = await reference()
    const trades = tradesAfterSnapshot(ref)
    const { venue, ex } = await open({ paused: true })
    venue.advanceFeed(3000)
    const replayed = trades.filter((t) => Number(t.id) <= (venue.feedState().lastTradeId as number))
    const minute = (ts: number): number => Math.floor(ts / 60_000) * 60_000
    const lastMinute = minute(replayed[replayed.length - 1].ts)
    const inLast = replayed.filter((t) => minute(t.ts) === lastMinute)
    const candles = await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 2)
    const last = candles[candles.length - 1]
    expect(last[0]).toBe(lastMinute)
    expect(last[1]).toBe(inLast[0].price)
    expect(last[2]).toBe(Math.max(...inLast.map((t) => t.price)))
    expect(last[3]).toBe(Math.min(...inLast.map((t) => t.price)))
    expect(last[4]).toBe(inLast[inLast.length - 1].price)
    expect(last[5]).toBeCloseTo(
      inLast.reduce((s, t) => s + t.amount, 0),
      8
    )
    const watching = ex.watchOHLCV('BTC/USDT', '1m')
    await waitFor(() => venue.requests().some((r) => r.method === 'SUBSCRIBE'))
    await new Promise((r) => setTimeout(r, 50))
    venue.advanceFeed(200)
    const streamed = await watching
    const c = streamed[streamed.length - 1]
    const upTo = trades.filter((t) => Number(t.id) <= (venue.feedState().lastTradeId as number) && minute(t.ts) === minute(c[0] as number))
    expect(c[1]).toBe(upTo[0].price)
    expect(c[0]).toBe(minute(upTo[upTo.length - 1].ts))
  })

  it("timestamps 'venue' shifts the capture's event times so the replay starts at the venue clock", async () => {
    const ref = await reference()
    const first = tradesAfterSnapshot(ref)[0]
    const { venue, ex } = await open({ speed: 0, timestamps: 'venue' })
    const t0 = Date.now()
    const trades = await ex.watchTrades('BTC/USDT')
    expect(trades[0].id).toBe(first.id)
    // the first replayed message (a bookTicker at capture line 7) is stamped about now; the trade ~300 ms after it
    expect(Math.abs((trades[0].timestamp as number) - t0)).toBeLessThan(2000)
    expect(trades[0].price).toBe(first.price)
    void venue
  })

  it('combined streams (/stream?streams=…) wrap each message as {stream, data}; partial depth equals the capture book at its lastUpdateId', async () => {
    const ref = await reference()
    const { venue } = await open({ paused: true })
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/stream?streams=btcusdt@trade/btcusdt@depth5@100ms`)
    const got: Array<{ stream: string; data: Record<string, unknown> }> = []
    ws.on('message', (m) => got.push(JSON.parse(String(m)) as { stream: string; data: Record<string, unknown> }))
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    venue.advanceFeed(200)
    await waitFor(() => got.some((g) => g.stream === 'btcusdt@trade') && got.some((g) => g.stream === 'btcusdt@depth5@100ms'))
    ws.close()
    const trade = got.find((g) => g.stream === 'btcusdt@trade')?.data
    expect(trade).toEqual({ e: 'trade', E: 1723161255619, s: 'BTCUSDT', t: 3735683260, p: '61837.63000000', q: '0.04800000', T: 1723161255617, m: true, M: true })
    const refBook = new ReferenceBook(ref)
    for (const g of got.filter((x) => x.stream === 'btcusdt@depth5@100ms')) {
      const d = g.data as { lastUpdateId: number; bids: string[][]; asks: string[][] }
      refBook.advanceTo(d.lastUpdateId)
      const top = refBook.book.top(5)
      expect(d.bids.map(([p, q]) => [Number(p), Number(q)])).toEqual(top.bids)
      expect(d.asks.map(([p, q]) => [Number(p), Number(q)])).toEqual(top.asks)
    }
  })

  it('fetchTicker and fetchTrades report the replayed trades', async () => {
    const ref = await reference()
    const trades = tradesAfterSnapshot(ref)
    const { venue, ex } = await open({ paused: true })
    venue.advanceFeed(500)
    const lastId = venue.feedState().lastTradeId as number
    const replayed = trades.filter((t) => Number(t.id) <= lastId)
    const ticker = await ex.fetchTicker('BTC/USDT')
    expect(ticker.last).toBe(replayed[replayed.length - 1].price)
    expect(ticker.open).toBe(replayed[0].price)
    expect(ticker.high).toBe(Math.max(...replayed.map((t) => t.price)))
    const recent = await ex.fetchTrades('BTC/USDT', undefined, 10)
    expect(recent.map((t) => t.id)).toEqual(replayed.slice(-10).map((t) => t.id))
  })
})

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}
