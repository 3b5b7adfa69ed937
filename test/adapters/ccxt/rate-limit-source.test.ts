import { afterAll, describe, expect, it } from 'vitest'
import { RequestGate } from '../../../src/main/adapters/ccxt/backoff'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import { instrumentExchange } from '../../../src/main/adapters/ccxt/venue-api'
import type { MarketEvent, MarketStatusEvent } from '../../../src/shared/market-events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'
import { liveSession, type LiveSession } from './session'

const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue | undefined
let s: LiveSession | undefined
let md: ProBinance | undefined
let source: LiveMarketSource | undefined

afterAll(async () => {
  await source?.stop()
  await s?.close()
  await venue?.close()
})

describe('rate limits across the market source and the broker of one venue', () => {
  it('a 429 on the book\'s resync snapshot holds every request of both until Retry-After has passed', async () => {
    venue = await venueWith({ speed: 20 })
    // one gate per venue: Binance bans the IP, whichever client was refused
    const gate = new RequestGate(() => Date.now())
    s = await liveSession(venue, { gate })
    s.broker.start()
    md = await binanceAgainst(venue)
    instrumentExchange(md, () => Date.now())
    const events: Array<MarketEvent & { arrived: number }> = []
    source = new LiveMarketSource({
      exchange: md,
      symbols: [SYMBOL],
      streams: { book: true, trades: false },
      now: () => Date.now(),
      gate,
      backoff: { seed: 4, initialMs: 20, maxMs: 100 },
      onBatch: (batch) => {
        const arrived = Date.now()
        for (const e of batch) events.push({ ...e, arrived })
      }
    })
    source.start()
    await until(() => events.filter((e) => e.type === 'book').length >= 5 && s!.broker.account.knows('USDT'), 'books and balances')

    const before = venue.requests().length
    // the gap makes the source fetch a new snapshot, which the venue refuses
    venue.inject({ kind: 'http-429', retryAfterSec: 1 })
    venue.inject({ kind: 'depth-gap' })
    await until(() => source!.counters.rateLimited >= 1, 'the refused snapshot')
    // the broker learns of it only through the shared gate
    const balance = s.broker.refreshBalance()
    const from = events.length
    await until(() => events.slice(from).some((e) => e.type === 'book'), 'a book after the resync', 8000)
    await balance

    const rest = venue.requests().slice(before).filter((r) => r.transport === 'rest')
    expect(rest[0]).toMatchObject({ path: '/api/v3/depth', status: 429 })
    const later = rest.slice(1)
    for (const r of later) expect(r.time - rest[0].time, `${r.method} ${r.path}`).toBeGreaterThanOrEqual(1000)
    expect(later.filter((r) => r.status === 418)).toEqual([])
    expect(later.some((r) => r.path === '/api/v3/depth' && r.status === 200)).toBe(true)
    expect(later.some((r) => r.path === '/api/v3/account' && r.status === 200)).toBe(true)
    // the book stayed out of sync through the wait, and nothing was emitted as fresh meanwhile
    const statuses = events.filter((e): e is MarketStatusEvent & { arrived: number } => e.type === 'status')
    const resyncing = statuses.find((e) => e.status === 'resyncing')!
    const ok = statuses.find((e) => e.status === 'ok' && e.arrived > resyncing.arrived)!
    expect(ok.arrived - resyncing.arrived).toBeGreaterThanOrEqual(900)
    expect(events.slice(events.indexOf(resyncing), events.indexOf(ok)).filter((e) => e.type === 'book')).toEqual([])
  })
})
