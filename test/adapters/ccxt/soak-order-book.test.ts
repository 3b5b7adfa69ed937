import { afterAll, describe, expect, it } from 'vitest'
import { loadMarkets, marketsFromCcxt } from '../../../src/main/adapters/ccxt/exchange'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import { SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { VirtualClock } from '../../../src/main/core/clock'
import type { EngineDefinition } from '../../../src/main/core/engine/engine'
import { Kernel } from '../../../src/main/core/kernel/kernel'
import { RiskGate } from '../../../src/main/core/risk/risk-gate'
import type { BookEvent, MarketEvent, MarketStatusEvent } from '../../../src/shared/market-events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue, FeedState } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'

/**
 * Soak: ten minutes of the real Binance BTC/USDT depth feed, looped past the end of the 5¾-minute
 * capture (the venue rewinds the book with one synthetic diff and keeps the update ids
 * contiguous), with a sequence gap every 10 s of feed time, a duplicated diff every 5 s and a
 * swapped pair of diffs every 5 s. Time base: FEED time. The venue replays the capture at
 * SPEED × its recorded pace, so the 10 minutes of feed take about 600 / SPEED seconds of wall
 * time; everything on the client side (ccxt, the source's reorder window, the kernel) runs in
 * real time against that faster feed, which only makes their job harder.
 *
 * The source feeds a kernel with a recording engine, as the host's paper and live sessions do;
 * what it hands to `onBatch` is also what the host shows.
 */

const SYMBOL = 'BTC/USDT'
const SPEED = 30
const FEED_MS = 10 * 60_000
const GAP_EVERY_MS = 10_000
const DEPTH = 20

let venue: EmulatedVenue | undefined
let ex: ProBinance | undefined
let source: LiveMarketSource | undefined

afterAll(async () => {
  await source?.stop()
  await ex?.close()
  await venue?.close()
})

/** Records the best bid and ask of every book it is given. */
function bookWatcher(seen: Array<{ bid: number; ask: number; nonce: number | null }>): EngineDefinition {
  return {
    name: 'book-watcher',
    description: 'records every book it is given',
    params: {},
    create: () => ({
      onMarket(event) {
        if (event.type === 'book') seen.push({ bid: event.bids[0]?.[0] ?? NaN, ask: event.asks[0]?.[0] ?? NaN, nonce: event.nonce })
      }
    })
  }
}

const asNumbers = (levels: Array<[string, string]>): Array<[number, number]> => levels.map(([p, q]) => [Number(p), Number(q)])

describe('order book soak: 10 minutes of feed, a gap every 10 s, duplicated and reordered diffs', () => {
  it(
    'detects and resyncs every gap, repairs every reorder, never shows a crossed book, and each book equals the venue\'s at its update id',
    async () => {
      // paused until the source is in sync, so the first scheduled gap cannot come before it
      venue = await venueWith({ speed: SPEED, loop: true, bookHistory: DEPTH, paused: true })
      venue.inject({ kind: 'depth-schedule', fault: 'depth-gap', everyMs: GAP_EVERY_MS, offsetMs: GAP_EVERY_MS })
      venue.inject({ kind: 'depth-schedule', fault: 'depth-duplicate', everyMs: 5000, offsetMs: 2000 })
      venue.inject({ kind: 'depth-schedule', fault: 'depth-reorder', everyMs: 5000, offsetMs: 4000 })
      ex = await binanceAgainst(venue)
      const markets = marketsFromCcxt(await loadMarkets(ex), 'binance').filter((m) => m.symbol === SYMBOL)
      const kernel = new Kernel({
        clock: new VirtualClock(),
        broker: new SimulatedBroker({ currency: 'USDT', initialCash: 100_000, markets, latencyMs: 0 }),
        risk: new RiskGate(),
        journal: { append: () => {} },
        journalMarket: true,
        seed: 1
      })
      const engineBooks: Array<{ bid: number; ask: number; nonce: number | null }> = []
      kernel.addEngine('watcher', bookWatcher(engineBooks), {})
      const events: MarketEvent[] = []
      /** where the venue's feed was when each resync was reported */
      const resyncAt: FeedState[] = []
      source = new LiveMarketSource({
        exchange: ex,
        symbols: [SYMBOL],
        streams: { book: true, trades: true },
        bookDepth: DEPTH,
        bookIntervalMs: 20,
        // the replay runs SPEED× faster than the wall clock the source measures staleness with
        staleAfterMs: 2000,
        now: () => Date.now(),
        backoff: { seed: 3 },
        onBatch: (batch) => {
          for (const e of batch) {
            events.push(e)
            if (e.type === 'status' && e.status === 'resyncing') resyncAt.push(venue!.feedState())
          }
          kernel.processMarketBatch(batch)
        }
      })
      source.start()
      await until(() => source!.status(SYMBOL) === 'ok', 'the first snapshot')
      const t0 = Date.now()
      venue.resumeFeed()
      // past the last scheduled gap (at 600 s) and its resync, before the next one (610 s)
      await until(() => venue!.feedState().feedMs >= FEED_MS + 4000, 'ten minutes of feed', 120_000)
      venue.pauseFeed()
      const pausedAt = venue.feedState()
      await until(() => source!.status(SYMBOL) === 'ok' && (events.filter((e) => e.type === 'book').at(-1) as BookEvent).nonce === pausedAt.lastUpdateId, 'the source in sync with the paused venue')
      const wallMs = Date.now() - t0
      await source.stop()

      const faults = venue.depthFaults()
      const gaps = faults.filter((f) => f.fault === 'depth-gap')
      const duplicates = faults.filter((f) => f.fault === 'depth-duplicate')
      const reorders = faults.filter((f) => f.fault === 'depth-reorder')
      const books = events.filter((e): e is BookEvent => e.type === 'book')
      const statuses = events.filter((e): e is MarketStatusEvent => e.type === 'status')
      const snapshots = venue.requests().filter((r) => r.path === '/api/v3/depth').length

      // the feed: ten minutes, more than one pass over the capture, the faults as scheduled
      expect(pausedAt.feedMs).toBeGreaterThanOrEqual(FEED_MS)
      expect(pausedAt.loops).toBeGreaterThanOrEqual(1)
      expect(gaps.length).toBe(FEED_MS / GAP_EVERY_MS)
      expect(gaps.map((g) => Math.floor(g.feedMs / GAP_EVERY_MS))).toEqual(gaps.map((_, i) => i + 1))
      expect(duplicates.length).toBeGreaterThanOrEqual(2 * (FEED_MS / GAP_EVERY_MS))
      expect(reorders.length).toBeGreaterThanOrEqual(2 * (FEED_MS / GAP_EVERY_MS))

      // every gap detected and resynced, once: one new REST snapshot per gap, no other resync;
      // each resync reported after its gap and before the next one
      expect(resyncAt.map((f, i) => f.lastUpdateId >= gaps[i]?.u && (gaps[i + 1] === undefined || f.lastUpdateId < gaps[i + 1].u))).toEqual(gaps.map(() => true))
      expect(source.counters.gaps).toBe(gaps.length)
      const resyncing = statuses.filter((s) => s.status === 'resyncing')
      expect(resyncing).toHaveLength(gaps.length)
      for (const s of resyncing) expect(s.reason).toContain('sequence gap')
      expect(snapshots).toBe(1 + gaps.length)
      // every swapped pair was put back in order without a resync; repeated diffs changed nothing
      expect(source.counters.resequenced).toBe(reorders.length)
      expect(source.counters.reconnects).toBe(0)

      // no crossed book shown (emitted) or given to the engine; the engine got every book
      for (const b of books) expect(b.bids[0][0]).toBeLessThan(b.asks[0][0])
      expect(engineBooks).toHaveLength(books.length)
      for (const b of engineBooks) expect(b.bid).toBeLessThan(b.ask)
      // nothing went out between a resyncing status and the ok after it
      let inSync = false
      for (const e of events) {
        if (e.type === 'status') inSync = e.status === 'ok'
        else if (e.type === 'book') expect(inSync).toBe(true)
      }

      // every book equals the venue's book at its update id, level by level; in particular the
      // first book after each resync
      let firstAfterResync = 0
      let afterResync = false
      for (const e of events) {
        if (e.type === 'status' && e.status === 'resyncing') afterResync = true
        if (e.type !== 'book') continue
        const venueBook = venue.bookAt(e.nonce as number)
        expect(venueBook, `the venue's book at update id ${e.nonce}`).toBeDefined()
        expect(e.bids).toEqual(asNumbers(venueBook!.bids))
        expect(e.asks).toEqual(asNumbers(venueBook!.asks))
        if (afterResync) {
          firstAfterResync++
          afterResync = false
        }
      }
      expect(firstAfterResync).toBe(gaps.length)
      // and the last one is the venue's book now
      expect(books.at(-1)!.nonce).toBe(pausedAt.lastUpdateId)

      console.log(
        `order book soak: ${(pausedAt.feedMs / 1000).toFixed(1)} s of feed (${pausedAt.loops} rewinds) in ${wallMs / 1000} s wall; ` +
          `gaps injected ${gaps.length}, detected ${source.counters.gaps}, snapshots after the first ${snapshots - 1}; ` +
          `duplicates ${duplicates.length}; reorders ${reorders.length}, resequenced ${source.counters.resequenced}; ` +
          `books ${books.length} (all equal to the venue's), crossed withheld ${source.counters.crossed}`
      )
    },
    180_000
  )
})
