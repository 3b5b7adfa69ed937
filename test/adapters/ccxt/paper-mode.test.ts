import { afterAll, describe, expect, it } from 'vitest'
import { loadMarkets, marketsFromCcxt } from '../../../src/main/adapters/ccxt/exchange'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import { SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { VirtualClock } from '../../../src/main/core/clock'
import type { EngineDefinition } from '../../../src/main/core/engine/engine'
import { Kernel } from '../../../src/main/core/kernel/kernel'
import { RiskGate } from '../../../src/main/core/risk/risk-gate'
import type { FillEvent } from '../../../src/shared/broker-events'
import type { JournalEvent } from '../../../src/shared/events'
import type { MarketEvent } from '../../../src/shared/market-events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'

const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue | undefined
let ex: ProBinance | undefined
let source: LiveMarketSource | undefined

afterAll(async () => {
  await source?.stop()
  await ex?.close()
  await venue?.close()
})

/** Buys once, on its first fresh book, and records what it saw. */
function buyOnce(seen: { decisionTs: number }): EngineDefinition {
  return {
    name: 'buy-once',
    description: 'buys 0.01 BTC on the first book',
    params: {},
    create: () => {
      let done = false
      return {
        onMarket(event, ctx) {
          if (done || event.type !== 'book') return
          done = true
          seen.decisionTs = event.ts
          ctx.createOrder(SYMBOL, 'market', 'buy', 0.01)
        }
      }
    }
  }
}

describe('paper mode: the live source feeding the unchanged simulated broker through the kernel', () => {
  it('fills a market order at the first touchable live price after it, never before', async () => {
    venue = await venueWith({ speed: 20 })
    ex = await binanceAgainst(venue)
    const markets = marketsFromCcxt(await loadMarkets(ex), 'binance').filter((m) => m.symbol === SYMBOL)
    const journal: JournalEvent[] = []
    const broker = new SimulatedBroker({ currency: 'USDT', initialCash: 100_000, markets, latencyMs: 0 })
    const kernel = new Kernel({ clock: new VirtualClock(), broker, risk: new RiskGate(), journal: { append: (_s, _t, _y, p) => void journal.push(structuredClone(p) as JournalEvent) }, journalMarket: true, seed: 1 })
    const seen = { decisionTs: -1 }
    kernel.addEngine('buyer', buyOnce(seen), {})
    source = new LiveMarketSource({ exchange: ex, symbols: [SYMBOL], now: () => Date.now(), onBatch: (batch: MarketEvent[]) => kernel.processMarketBatch(batch) })
    source.start()
    await until(() => journal.some((e) => e.type === 'OrderFilled'), 'the paper fill')

    const fill = journal.find((e): e is FillEvent => e.type === 'OrderFilled')!
    const submitted = journal.findIndex((e) => e.type === 'OrderSubmitted')
    // the first trade or book after the order, in the kernel's own sequence
    const next = journal.slice(submitted + 1).find((e): e is MarketEvent => e.type === 'trade' || e.type === 'book')!
    const expected = next.type === 'trade' ? next.price : next.type === 'book' ? next.asks[0][0] : NaN
    expect(fill.price).toBe(expected)
    expect(fill.tradeTs).toBeGreaterThanOrEqual(seen.decisionTs)
    expect(fill.amount).toBe(0.01)
    expect(broker.account.position(SYMBOL).amount).toBe(0.01)
    // the journal's seq is dense and its times never go back
    for (let i = 1; i < journal.length; i++) {
      expect(journal[i].seq).toBe(journal[i - 1].seq + 1)
      expect(journal[i].ts).toBeGreaterThanOrEqual(journal[i - 1].ts)
    }
  })
})
