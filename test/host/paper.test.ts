import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Journal } from '../../src/main/core/journal/journal'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { createWorkstation, type Workstation } from '../../src/main/host/workstation'
import type { BookEvent, TradeEvent } from '../../src/shared/market-events'
import { venueWith } from '../adapters/ccxt/harness'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { errorOf, PushRecorder, SAMPLE_DIR, WORKER_SCRIPT } from './harness'

const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue
let ws: Workstation
let pushes: PushRecorder
let dataFolder: string

beforeAll(async () => {
  // the real Binance BTC/USDT capture replayed by the emulated venue, five times faster than it happened
  venue = await venueWith({ speed: 5 })
  dataFolder = mkdtempSync(join(tmpdir(), 'theorycraft-paper-'))
  ws = createWorkstation({ dataFolder, sampleDir: SAMPLE_DIR, workerScript: WORKER_SCRIPT, paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange })
  pushes = new PushRecorder(ws)
})

afterAll(async () => {
  await ws?.close()
  await venue?.close()
  rmSync(dataFolder, { recursive: true, force: true })
})

describe('workstation: a paper session on live data from the emulated Binance venue', () => {
  it('pushes the live book, fills a marketable limit at a live price, and the kill switch cancels a resting order', async () => {
    expect(await ws.handlers['mode.set']({ mode: 'paper' })).toEqual({ mode: 'paper' })
    const since = pushes.mark()
    const { sessionId } = await ws.handlers['paper.start']({ venue: 'binance', symbol: SYMBOL, broker: { cash: 100_000, takerFee: 0, makerFee: 0, fixedFee: 0, slippageBps: 0, latencyMs: 0, accountType: 'spot', leverage: 1 } })
    expect(sessionId).toMatch(/^paper-/)
    await pushes.waitFor('session.state', (p) => p.sessionId === sessionId && p.mode === 'paper' && p.status === 'running', since)

    const book = await pushes.waitFor('book', (b) => b.sessionId === sessionId && b.bids.length > 0 && b.asks.length > 0, since)
    expect(book.symbol).toBe(SYMBOL)
    expect(book.stale).toBe(false)
    expect(book.bids[0][0]).toBeLessThan(book.asks[0][0])
    expect(book.bids.length).toBeLessThanOrEqual(20)

    // a buy limited 1 % above the ask is marketable: it fills at the live price, not at its limit
    const limit = Math.round(book.asks[0][0] * 1.01 * 100) / 100
    const buy = await ws.handlers['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: limit })
    expect(buy.denied).toBeNull()
    const fills = await pushes.waitFor('fills', (f) => f.sessionId === sessionId && f.fills.some((x) => x.clientOrderId === buy.clientOrderId), since)
    const fill = fills.fills.find((x) => x.clientOrderId === buy.clientOrderId)!
    expect(fill).toMatchObject({ symbol: SYMBOL, side: 'buy', amount: 0.01, owner: 'manual' })
    expect(fill.price).toBeLessThan(limit)

    // a resting buy far below the market, then the kill switch
    const rest = await ws.handlers['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: Math.round(book.bids[0][0] * 0.9) })
    await pushes.waitFor('orders', (o) => o.sessionId === sessionId && o.orders.some((x) => x.clientOrderId === rest.clientOrderId), since)
    const beforeKill = pushes.mark()
    expect(await ws.handlers['killSwitch.press']({ flatten: false, reason: 'test: paper kill' })).toEqual({ sessions: 1, cancelled: 1 })
    await pushes.waitFor('orders', (o) => o.sessionId === sessionId && o.orders.length === 0, beforeKill)
    await pushes.waitFor('session.state', (p) => p.sessionId === sessionId && p.tradingState === 'HALTED', beforeKill)
    expect((await ws.handlers['order.create']({ sessionId, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.01 })).denied).toMatch(/HALTED/)
    expect(await errorOf(ws.handlers['replay.control']({ sessionId, action: 'pause' }))).toMatchObject({ type: 'ValidationError' })

    expect((await ws.handlers['session.list']({})).sessions).toContainEqual({ sessionId, mode: 'paper', status: 'running', datasetId: `live:binance:${SYMBOL}`, tradingState: 'HALTED' })
    expect(await ws.handlers['replay.control']({ sessionId, action: 'stop' })).toEqual({ ok: true })
    await pushes.waitFor('session.state', (p) => p.sessionId === sessionId && p.status === 'stopped', since)
    expect(await errorOf(ws.handlers['order.create']({ sessionId, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.01 }))).toMatchObject({ type: 'ValidationError' })

    // the journal holds the market events: the fill's price is the first live price after the order
    const journal = Journal.open(join(dataFolder, 'journal.sqlite'), { readonly: true })
    try {
      const records = [...journal.events(sessionId)]
      const submitted = records.findIndex((r) => r.type === 'OrderSubmitted' && (r.payload as { order: { clientOrderId: string } }).order.clientOrderId === buy.clientOrderId)
      expect(submitted).toBeGreaterThan(0)
      const next = records.slice(submitted + 1).find((r) => r.type === 'trade' || r.type === 'book')!
      const expected = next.type === 'trade' ? (next.payload as TradeEvent).price : (next.payload as BookEvent).asks[0][0]
      expect(fill.price).toBe(Number(expected))
      expect(records.filter((r) => r.type === 'book').length).toBeGreaterThan(0)
      expect(records.some((r) => r.type === 'TradingStateChanged')).toBe(true)
    } finally {
      journal.close()
    }
  }, 30_000)

  it('runs an engine on the live data, which engine.control pauses and stops; an unknown market is refused', async () => {
    expect(await errorOf(ws.handlers['paper.start']({ venue: 'binance', symbol: 'NOPE/USDT' }))).toMatchObject({ type: 'NotFound', message: 'binance has no spot market NOPE/USDT' })
    const since = pushes.mark()
    const { sessionId } = await ws.handlers['paper.start']({ venue: 'binance', symbol: SYMBOL, engine: 'sma-cross', params: { fast: 2, slow: 3 } })
    await pushes.waitFor('engines', (e) => e.sessionId === sessionId && e.engines.some((x) => x.id === 'sma-cross' && x.state === 'running'), since)
    expect(await ws.handlers['engine.control']({ sessionId, engineId: 'sma-cross', action: 'pause' })).toEqual({ state: 'paused' })
    expect(await ws.handlers['engine.control']({ sessionId, engineId: 'sma-cross', action: 'stop' })).toEqual({ state: 'stopped' })
    expect(await errorOf(ws.handlers['engine.control']({ sessionId, engineId: 'nope', action: 'pause' }))).toMatchObject({ type: 'NotFound' })
    expect(await ws.handlers['replay.control']({ sessionId, action: 'stop' })).toEqual({ ok: true })
    await pushes.waitFor('session.state', (p) => p.sessionId === sessionId && p.status === 'stopped', since)
  }, 20_000)
})
