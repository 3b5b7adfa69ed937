import { describe, expect, it } from 'vitest'
import { LiveMarketSource, LiveSourceConfigError } from '../../../src/main/adapters/ccxt/live-market-source'
import type { VenueBook, VenueTicker, VenueTrade, WatchApi } from '../../../src/main/adapters/ccxt/venue-api'
import type { MarketEvent } from '../../../src/shared/market-events'

/** ccxt's own class name for the error a pending watch gets when it is unwatched. */
class UnsubscribeError extends Error {}

/**
 * A scripted stand-in for ccxt.pro's watchOrderBook: the emulated venue replays a real, always
 * uncrossed capture and has no fault that crosses a book, so the guard is driven from a script.
 */
class ScriptedBooks implements WatchApi {
  unwatched = 0
  private waiting: { resolve: (b: VenueBook) => void; reject: (e: Error) => void } | null = null
  watchOrderBook(): Promise<VenueBook> {
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }))
  }
  watchTrades(): Promise<VenueTrade[]> {
    return new Promise(() => {})
  }
  watchTicker(): Promise<VenueTicker> {
    return new Promise(() => {})
  }
  async unWatchOrderBook(): Promise<unknown> {
    this.unwatched++
    this.waiting?.reject(new UnsubscribeError('binance orderbook::BTC/USDT'))
    this.waiting = null
    return true
  }
  async push(bid: number, ask: number, nonce: number): Promise<void> {
    await until(() => this.waiting !== null)
    const w = this.waiting!
    this.waiting = null
    w.resolve({ bids: [[bid, 1], [bid - 1, 2]], asks: [[ask, 1], [ask + 1, 2]], nonce, timestamp: 1_700_000_000_000 + nonce })
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2))
  if (!check()) throw new Error('timed out')
}

describe('crossed-book guard', () => {
  it('never emits a crossed book, reports resyncing while crossed, forces a resync when it stays crossed', async () => {
    let now = 1_000
    const feed = new ScriptedBooks()
    const events: MarketEvent[] = []
    const source = new LiveMarketSource({
      exchange: feed,
      symbols: ['BTC/USDT'],
      streams: { book: true, trades: false },
      bookIntervalMs: 0,
      staleAfterMs: 500,
      healthIntervalMs: 60_000,
      now: () => now,
      sleep: async () => {},
      ownsExchange: false,
      onBatch: (b) => events.push(...b)
    })
    source.start()
    await feed.push(100, 101, 1)
    await feed.push(101, 100.5, 2) // crossed
    await feed.push(101, 101, 3) // locked (bid = ask) counts as crossed
    now += 100
    await feed.push(99, 100, 4)
    expect(events.map((e) => (e.type === 'book' ? `book ${e.nonce}` : e.type === 'status' ? `${e.status}` : e.type))).toEqual(['ok', 'book 1', 'resyncing', 'ok', 'book 4'])
    const resync = events.find((e) => e.type === 'status' && e.status === 'resyncing')
    expect(resync).toMatchObject({ reason: 'crossed book: best bid 101 ≥ best ask 100.5' })

    // crossed for longer than the stale limit: the book is unwatched, so ccxt re-subscribes
    await feed.push(102, 101, 5)
    now += 501
    source.checkHealth()
    expect(feed.unwatched).toBe(1)
    await feed.push(100, 101, 6)
    const tail = events.slice(events.findIndex((e) => e.type === 'book' && e.nonce === 4) + 1)
    expect(tail.map((e) => (e.type === 'book' ? `book ${e.nonce}` : e.type === 'status' ? `${e.status}` : e.type))).toEqual(['resyncing', 'ok', 'book 6'])
    expect(events.filter((e) => e.type === 'book').every((e) => e.type === 'book' && e.bids[0][0] < e.asks[0][0])).toBe(true)
    expect(source.counters.crossed).toBe(3)
    await source.stop()
  })

  it('refuses a configuration that cannot work, naming the option', () => {
    const base = { exchange: new ScriptedBooks(), now: () => 0, onBatch: () => {} }
    const attempt = (o: object) => {
      try {
        new LiveMarketSource({ ...base, symbols: ['BTC/USDT'], ...o })
      } catch (err) {
        return err
      }
      return undefined
    }
    const badTf = attempt({ bars: ['7q'] })
    expect(badTf).toBeInstanceOf(LiveSourceConfigError)
    expect((badTf as LiveSourceConfigError).field).toBe('bars')
    expect((badTf as Error).message).toContain('7q')
    expect((attempt({ bars: ['1m'], streams: { trades: false } }) as Error).message).toBe('live market source: bars: bars are built from trades, so the trades stream must be on')
    expect((attempt({ symbols: [] }) as LiveSourceConfigError).field).toBe('symbols')
  })
})
