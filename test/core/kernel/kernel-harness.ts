import type { BarEvent, JournalEvent, MarketEvent } from '../../../src/shared/events'
import { defaultMarket } from '../../../src/shared/market'
import { SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { VirtualClock } from '../../../src/main/core/clock'
import { Kernel } from '../../../src/main/core/kernel/kernel'
import { RiskGate, type RiskLimits } from '../../../src/main/core/risk/risk-gate'

export const MINUTE = 60_000
export const T0 = Date.UTC(2024, 0, 1)

/** A closed one-minute bar `i` minutes after T0. */
export function bar(i: number, o: number, h: number, l: number, c: number, symbol = 'BTC/USDT', v = 100): BarEvent {
  const openTime = T0 + i * MINUTE
  return { type: 'bar', seq: 0, ts: openTime + MINUTE, symbol, timeframe: '1m', openTime, closeTime: openTime + MINUTE, open: o, high: h, low: l, close: c, volume: v, closed: true }
}

export interface Recorded {
  seq: number
  ts: number
  type: string
  payload: JournalEvent
}

/** A kernel with the real simulated broker and a journal that records what it is given. */
export function makeKernel(opts: { risk?: RiskLimits; cash?: number; symbols?: string[]; latencyMs?: number } = {}) {
  const journal: Recorded[] = []
  const symbols = opts.symbols ?? ['BTC/USDT']
  const broker = new SimulatedBroker({
    currency: 'USDT',
    initialCash: opts.cash ?? 100_000,
    markets: symbols.map((s) => defaultMarket(s)),
    accountType: 'margin',
    leverage: 2,
    latencyMs: opts.latencyMs ?? 0
  })
  const risk = new RiskGate(opts.risk ?? {})
  const kernel = new Kernel({
    clock: new VirtualClock(0),
    broker,
    risk,
    journal: { append: (seq, ts, type, payload) => journal.push({ seq, ts, type, payload: structuredClone(payload) as JournalEvent }) },
    journalMarket: true,
    seed: 42
  })
  const feed = (events: MarketEvent[]) => kernel.processMarketBatch(events)
  return { kernel, broker, risk, journal, feed }
}
