import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import type { BarEvent, BookEvent, MarketEvent, MarketStatusEvent } from '../../../src/shared/market-events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { API_KEY, API_SECRET, delay, until, venueWith } from './harness'

const SYMBOL = 'BTC/USDT'
const STALE_MS = 400

let venue: EmulatedVenue
let ex: ProBinance
let reference: ProBinance
let source: LiveMarketSource
/** every event, with the host time its batch arrived */
const events: Array<MarketEvent & { arrived: number }> = []
let batches = 0
let pausedAt = 0
/** venue time of the dropped connections: trades sent meanwhile never reached the source */
let outage = { from: 0, to: 0 }

const books = (from = 0) => events.slice(from).filter((e): e is BookEvent & { arrived: number } => e.type === 'book')
const statuses = (from = 0) => events.slice(from).filter((e): e is MarketStatusEvent & { arrived: number } => e.type === 'status')

beforeAll(async () => {
  // 20× the capture's pace: ~200 depth diffs and ~560 trades a second
  venue = await venueWith({ speed: 20 })
  ex = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  reference = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  source = new LiveMarketSource({
    exchange: ex,
    symbols: [SYMBOL],
    streams: { book: true, trades: true, ticker: true },
    tickerParams: { name: 'ticker' },
    bars: ['1m'],
    bookDepth: 20,
    bookIntervalMs: 50,
    staleAfterMs: STALE_MS,
    barUpdateMs: 250,
    now: () => Date.now(),
    backoff: { seed: 11 },
    onBatch: (batch) => {
      batches++
      const arrived = Date.now()
      for (const e of batch) events.push({ ...e, arrived })
    }
  })
  source.start()
})

afterAll(async () => {
  await source?.stop()
  await reference?.close()
  await venue?.close()
})

describe('live market source against the emulated Binance venue (real ccxt.pro)', () => {
  it('emits uncrossed, ordered books; after an injected depth gap it resyncs from a new snapshot', async () => {
    await until(() => books().length >= 10, '10 book events')
    const depthSnapshotsBefore = venue.requests().filter((r) => r.path === '/api/v3/depth').length
    const gapAt = events.length
    venue.inject({ kind: 'depth-gap' })
    await until(() => statuses(gapAt).some((s) => s.status === 'resyncing'), 'a resyncing status after the gap')
    await until(() => statuses(gapAt).some((s) => s.status === 'ok') && books(gapAt).length >= 5, 'ok again and 5 more books')

    // the gap was met with a new subscription and a new REST snapshot
    const depthSnapshots = venue.requests().filter((r) => r.path === '/api/v3/depth').length
    expect(depthSnapshots).toBeGreaterThan(depthSnapshotsBefore)
    expect(source.counters.gaps).toBeGreaterThanOrEqual(1)

    // no book goes out between "resyncing" and the "ok" that follows it
    const after = events.slice(gapAt)
    const resync = after.findIndex((e) => e.type === 'status' && e.status === 'resyncing')
    const ok = after.findIndex((e, i) => i > resync && e.type === 'status' && e.status === 'ok')
    expect(resync).toBeGreaterThanOrEqual(0)
    expect(ok).toBeGreaterThan(resync)
    expect(after.slice(resync, ok).filter((e) => e.type === 'book')).toEqual([])
    expect((after[resync] as MarketStatusEvent).reason).toContain('sequence gap')

    // every book: best bid below best ask, bids descending, asks ascending, 20 levels, nonces rising
    let lastNonce = 0
    for (const b of books()) {
      expect(b.kind).toBe('snapshot')
      expect(b.bids[0][0]).toBeLessThan(b.asks[0][0])
      for (let i = 1; i < b.bids.length; i++) expect(b.bids[i][0]).toBeLessThan(b.bids[i - 1][0])
      for (let i = 1; i < b.asks.length; i++) expect(b.asks[i][0]).toBeGreaterThan(b.asks[i - 1][0])
      expect(b.bids.length).toBe(20)
      expect(b.nonce!).toBeGreaterThan(lastNonce)
      lastNonce = b.nonce!
    }

    // the book after the resync is the venue's book: pause the replay and compare level by level
    venue.pauseFeed()
    pausedAt = Date.now()
    await delay(150)
    const last = books().at(-1)!
    const rest = await reference.fetchOrderBook(SYMBOL, 20)
    expect(last.nonce).toBe(venue.feedState().lastUpdateId)
    expect(last.nonce).toBe(rest.nonce)
    expect(last.bids).toEqual(rest.bids.map(([p, s]) => [p, s]))
    expect(last.asks).toEqual(rest.asks.map(([p, s]) => [p, s]))
  })

  it('reports stale after a paused feed, emits nothing as fresh while stale, and ok on recovery', async () => {
    // the feed was paused at the end of the previous test, at `pausedAt`
    const from = events.length
    let staleIdx: number
    try {
      await until(() => statuses(from).some((s) => s.status === 'stale'), 'a stale status', 3000)
      const stale = statuses(from).find((s) => s.status === 'stale')!
      // measured by the source on the host clock: more than the limit since the last update
      const quiet = Number(/^no update for (\d+) ms \(limit 400 ms\)$/.exec(stale.reason)?.[1])
      expect(quiet).toBeGreaterThan(STALE_MS)
      // nothing was sent after the pause; the last update came at most a few ms before it
      expect(stale.arrived - pausedAt).toBeGreaterThanOrEqual(STALE_MS - 100)
      expect(stale.arrived - pausedAt).toBeLessThan(STALE_MS + 1000)
      expect(source.status(SYMBOL)).toBe('stale')

      await delay(200)
      staleIdx = events.indexOf(stale)
      expect(events.slice(staleIdx + 1).filter((e) => e.type === 'book')).toEqual([])
    } finally {
      venue.resumeFeed()
    }
    await until(() => statuses(staleIdx + 1).some((s) => s.status === 'ok') && books(staleIdx + 1).length > 0, 'ok and a book after resuming')
    const okIdx = events.findIndex((e, i) => i > staleIdx && e.type === 'status' && e.status === 'ok')
    const firstBook = events.findIndex((e, i) => i > staleIdx && e.type === 'book')
    expect(firstBook).toBeGreaterThan(okIdx)
  })

  it('reconnects after the venue drops every connection, and takes a new snapshot', async () => {
    const from = events.length
    const snapshotsBefore = venue.requests().filter((r) => r.path === '/api/v3/depth').length
    venue.inject({ kind: 'drop-connections' })
    await until(() => statuses(from).some((s) => s.status === 'disconnected'), 'a disconnected status')
    await until(() => statuses(from).some((s) => s.status === 'ok') && books(from).length >= 3, 'ok and books again')
    const down = events.findIndex((e, i) => i >= from && e.type === 'status' && e.status === 'disconnected')
    const up = events.findIndex((e, i) => i > down && e.type === 'status' && e.status === 'ok')
    expect(events.slice(down, up).filter((e) => e.type === 'book')).toEqual([])
    outage = { from: events[down].ts, to: events[up].ts }
    expect(source.counters.reconnects).toBeGreaterThanOrEqual(1)
    expect(venue.requests().filter((r) => r.path === '/api/v3/depth').length).toBeGreaterThan(snapshotsBefore)
  })

  it('builds 1m bars from trades that equal the venue klines, closed once each', async () => {
    const closedBars = () => events.filter((e): e is BarEvent & { arrived: number } => e.type === 'bar' && e.closed)
    await until(() => closedBars().some((b) => b.openTime >= outage.to), 'a closed 1m bar after the reconnection', 20_000)
    const closed = closedBars()
    expect(new Set(closed.map((b) => b.openTime)).size).toBe(closed.length)
    const klines = await reference.fetchOHLCV(SYMBOL, '1m', closed[0].openTime, 20)
    const kline = (bar: BarEvent) => {
      const k = klines.find((row) => row[0] === bar.openTime)
      expect(k, `kline at ${bar.openTime}`).toBeDefined()
      return k!
    }
    // the first bar began mid-minute (the source started then), and trades sent during the
    // outage never arrived: every other bar is the venue's kline exactly
    const whole = closed.slice(1).filter((b) => b.closeTime <= outage.from || b.openTime >= outage.to)
    expect(whole.some((b) => b.openTime >= outage.to)).toBe(true)
    for (const bar of whole) {
      const k = kline(bar)
      expect([bar.open, bar.high, bar.low, bar.close]).toEqual([k[1], k[2], k[3], k[4]])
      expect(bar.volume).toBeCloseTo(k[5]!, 8)
      expect(bar.closeTime - bar.openTime).toBe(60_000)
      expect(bar.ts).toBeGreaterThanOrEqual(bar.closeTime)
    }
    // a bar that spans the outage can only lack trades, never have extra ones
    for (const bar of closed.filter((b) => !whole.includes(b))) expect(bar.volume).toBeLessThanOrEqual(kline(bar)[5]! + 1e-9)
    expect(events.some((e) => e.type === 'bar' && !e.closed)).toBe(true)
  })

  it('turns the venue ticker into uncrossed quotes', () => {
    const quotes = events.filter((e) => e.type === 'quote')
    expect(quotes.length).toBeGreaterThan(0)
    for (const q of quotes) {
      expect(q.bid).toBeLessThan(q.ask)
      expect(q.bidSize).toBeGreaterThanOrEqual(0)
    }
  })

  it('hands over batches in arrival order with a ts that never goes backwards', () => {
    expect(batches).toBeLessThan(events.length)
    for (let i = 1; i < events.length; i++) expect(events[i].ts).toBeGreaterThanOrEqual(events[i - 1].ts)
    expect(events.every((e) => e.seq === 0)).toBe(true)
    const trades = events.filter((e) => e.type === 'trade')
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length)
  })
})
