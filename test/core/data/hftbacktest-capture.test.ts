import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DataFormatError } from '../../../src/main/core/data/errors'
import { HftbacktestCaptureReader, symbolFromCaptureName, unifiedSymbol, type CaptureRecord } from '../../../src/main/core/data/hftbacktest-capture'
import { OrderBook } from '../../../src/main/core/market/order-book'
import { sharedDataPath } from '../../support/shared-data'

const SPOT = sharedDataPath('hftbacktest/examples/spot/btcusdt_20240808.gz')
const USDM = sharedDataPath('hftbacktest/examples/usdm/btcusdt_20240808.gz')

async function readAll(path: string): Promise<{ reader: HftbacktestCaptureReader; records: CaptureRecord[] }> {
  const reader = new HftbacktestCaptureReader(path)
  const records: CaptureRecord[] = []
  for await (const batch of reader.batches()) for (const r of batch) records.push(r)
  return { reader, records }
}

interface Top {
  u: number
  bid: number
  bidSize: number
  ask: number
  askSize: number
}

/**
 * Feeds a capture through the order book; after every applied diff records the book's top and
 * the bookTicker with the greatest update id not above the book's (bookTicker is pushed on every
 * change of the top, so the two must agree).
 */
function sync(records: CaptureRecord[]) {
  const book = new OrderBook('BTC/USDT', 'auto')
  const outcomes: Record<string, number> = {}
  let crossedSeen = 0
  const states: Top[] = []
  const tickers: Top[] = []
  for (const r of records) {
    const e = r.event
    if (e.type === 'book') {
      const outcome = book.apply(e, r.firstUpdateId, r.previousUpdateId)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      if (book.crossed) crossedSeen++
      if (outcome === 'applied') states.push({ u: book.updateId, bid: book.bestBid(), bidSize: book.bestBidSize(), ask: book.bestAsk(), askSize: book.bestAskSize() })
    } else if (e.type === 'quote') {
      tickers.push({ u: r.quoteUpdateId, bid: e.bid, bidSize: e.bidSize, ask: e.ask, askSize: e.askSize })
    }
  }
  const byU = [...tickers].sort((a, b) => a.u - b.u)
  let j = -1
  let mismatches = 0
  for (const s of states) {
    while (j + 1 < byU.length && byU[j + 1].u <= s.u) j++
    const t = byU[j]
    if (!t || t.bid !== s.bid || t.ask !== s.ask || t.bidSize !== s.bidSize || t.askSize !== s.askSize) mismatches++
  }
  return { book, outcomes, crossedSeen, states, lastTicker: tickers[tickers.length - 1], mismatches }
}

describe('hftbacktest capture reader on the Binance spot BTCUSDT file', async () => {
  const { reader, records } = await readAll(SPOT)

  it('yields every message once, in file order', () => {
    expect(reader.counts).toEqual({ snapshots: 1, diffs: 3451, quotes: 28040, trades: 9757, skipped: 0 })
    expect(records).toHaveLength(41249)
    expect(records.map((r) => r.line)).toEqual(records.map((_, i) => i + 1))
    const snapshot = records.find((r) => r.event.type === 'book' && r.event.kind === 'snapshot')!
    expect(snapshot.line).toBe(8)
    expect(snapshot.event).toMatchObject({ symbol: 'BTC/USDT', nonce: 50093239218 })
    const book = snapshot.event as { bids: unknown[]; asks: unknown[] }
    expect([book.bids.length, book.asks.length]).toEqual([1000, 1000])
  })

  it('turns the messages into events with exchange times', () => {
    // line 1: the first depth diff, E = 1723161255208
    expect(records[0].event).toMatchObject({ type: 'book', kind: 'delta', ts: 1723161255208, nonce: 50093239202 })
    expect(records[0].firstUpdateId).toBe(50093239189)
    expect(records[0].localTs).toBeCloseTo(1723161253937.085768, 3)
    // line 4: trade 3735683259 at T = 1723161255342, buyer was maker → taker sold
    expect(records[3].event).toEqual({ type: 'trade', seq: 0, ts: 1723161255342, symbol: 'BTC/USDT', price: 61837.63, amount: 0.02, side: 'sell', id: '3735683259' })
    // line 3: a bookTicker (no exchange time on spot)
    expect(records[2].event).toMatchObject({ type: 'quote', bid: 61837.63, bidSize: 3.78826, ask: 61837.64, askSize: 1.54698 })
    expect(records[2].quoteUpdateId).toBe(50093239212)
  })

  it('stamps messages without exchange time on the exchange clock (the collector runs ~1.27 s behind)', () => {
    const offset = reader.clockOffsetMs
    expect(offset).toBeGreaterThan(1250)
    expect(offset).toBeLessThan(1280)
    // the running maximum of E − local only grows, so every estimate is at most the final one
    const last = records[records.length - 1]
    expect(last.event.type).toBe('quote')
    expect(last.event.ts).toBe(Math.round(last.localTs + offset))
    for (const r of records) {
      if (r.event.type !== 'quote') continue
      const used = r.event.ts - r.localTs
      expect(used).toBeGreaterThan(1240)
      expect(used).toBeLessThanOrEqual(offset + 0.5)
    }
  })

  it('syncs through the order book with no gap, never crossed, and agrees with bookTicker at every diff', () => {
    const { book, outcomes, crossedSeen, states, lastTicker, mismatches } = sync(records)
    // the 3 diffs before the snapshot are buffered, 2 of them end at or before lastUpdateId and
    // the third is applied with the snapshot; the snapshot and the 3448 later diffs are 'applied'
    expect(outcomes).toEqual({ buffered: 3, applied: 3449 })
    expect(book.counters).toMatchObject({ snapshots: 1, applied: 3449, stale: 2, gaps: 0, crossed: 0 })
    expect(crossedSeen).toBe(0)
    expect(book.status).toBe('ok')
    expect(states).toHaveLength(3449)
    expect(mismatches).toBe(0)
    // Spot: the final book has the last bookTicker's prices, but not its sizes: the last diff
    // (u = 50093421584) is older than the last bookTicker (u = 50093421612).
    expect(book.updateId).toBe(50093421584)
    expect(lastTicker.u).toBe(50093421612)
    expect([book.bestBid(), book.bestAsk()]).toEqual([lastTicker.bid, lastTicker.ask])
    expect([book.bestBid(), book.bestAsk()]).toEqual([61685.99, 61686])
    expect([book.bestBidSize(), book.bestAskSize()]).toEqual([1.0087, 2.29327])
    expect([lastTicker.bidSize, lastTicker.askSize]).toEqual([1.25869, 2.44807])
  })
})

describe('hftbacktest capture reader on the Binance USDⓈ-M futures file', () => {
  it('syncs through pu-chained diffs with no gap and ends on the last bookTicker, sizes included', async () => {
    const { reader, records } = await readAll(USDM)
    expect(reader.counts).toEqual({ snapshots: 1, diffs: 6551, quotes: 66089, trades: 21313, skipped: 0 })
    const { book, crossedSeen, mismatches, lastTicker } = sync(records)
    expect(book.counters).toMatchObject({ snapshots: 1, gaps: 0, crossed: 0 })
    expect(crossedSeen).toBe(0)
    expect(mismatches).toBe(0)
    expect([book.bestBid(), book.bestBidSize(), book.bestAsk(), book.bestAskSize()]).toEqual([lastTicker.bid, lastTicker.bidSize, lastTicker.ask, lastTicker.askSize])
    // futures bookTicker carries E, so no quote needed the clock offset
    expect(records.every((r) => Number.isInteger(r.event.ts))).toBe(true)
  })
})

describe('hftbacktest capture reader: names and bad input', () => {
  it('derives unified symbols', () => {
    expect(unifiedSymbol('BTCUSDT')).toBe('BTC/USDT')
    expect(unifiedSymbol('ethbtc')).toBe('ETH/BTC')
    expect(unifiedSymbol('XYZ')).toBe('XYZ')
    expect(symbolFromCaptureName('/data/spot/btcusdt_20240808.gz')).toBe('BTC/USDT')
  })

  it('reports a broken line with file and line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-'))
    try {
      const file = join(dir, 'btcusdt_20240101.gz')
      const good = '1723161253937085768 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":1,"p":"1.5","q":"2","T":1723161255342,"m":false}}'
      writeFileSync(file, gzipSync(`${good}\n1723161253937085769 {"stream":"btcusdt@trade","data":{"e":"trade","E":17231\n`))
      const reader = new HftbacktestCaptureReader(file)
      const read = async () => {
        for await (const batch of reader.batches()) void batch
      }
      const err = await read().then(
        () => null,
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(DataFormatError)
      expect((err as DataFormatError).line).toBe(2)
      expect((err as DataFormatError).message).toMatch(/btcusdt_20240101\.gz, line 2: bad JSON/)

      writeFileSync(file, gzipSync(`${good.replace('"p":"1.5"', '"p":"abc"')}\n`))
      const err2 = await read().then(
        () => null,
        (e: unknown) => e
      )
      expect((err2 as DataFormatError).field).toBe('p')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('skips streams it does not know and holds untimed messages until the clock offset is known', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-'))
    try {
      const file = join(dir, 'btcusdt_20240101.gz')
      const lines = [
        '1000000000000000000 {"stream":"btcusdt@bookTicker","data":{"u":5,"s":"BTCUSDT","b":"1","B":"1","a":"2","A":"1"}}',
        '1000000001000000000 {"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1000000001500,"s":"BTCUSDT"}}',
        '1000000002000000000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1000000002250,"s":"BTCUSDT","t":1,"p":"1.5","q":"2","T":1000000002240,"m":false}}'
      ]
      writeFileSync(file, gzipSync(lines.join('\n')))
      const { reader, records } = await readAll(file)
      expect(reader.counts.skipped).toBe(1)
      expect(records.map((r) => [r.line, r.event.type, r.event.ts])).toEqual([
        [1, 'quote', 1000000000250],
        [3, 'trade', 1000000002240]
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
