import { loadMarkets, marketsFromCcxt } from '../../../src/main/adapters/ccxt/exchange'
import { instrumentExchange } from '../../../src/main/adapters/ccxt/venue-api'
import { VenueBroker, type VenueBrokerOptions } from '../../../src/main/adapters/ccxt/venue-broker'
import { Kernel, type JournalSink } from '../../../src/main/core/kernel/kernel'
import { RiskGate } from '../../../src/main/core/risk/risk-gate'
import { BrokerEventSchema, type BrokerEvent } from '../../../src/shared/broker-events'
import type { JournalEvent } from '../../../src/shared/events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { API_KEY, API_SECRET } from './harness'

const BROKER_TYPES = new Set<string>(BrokerEventSchema.options.map((o) => o.shape.type.value))

/**
 * A live session in miniature: the real Kernel (wall clock, in-memory journal sink) driving the
 * VenueBroker over a real ccxt client against the emulated venue. Wiring as a host would do it:
 * the broker's `beforeSend` is where a host flushes the journal (here it records what the
 * journal held), `onReport` schedules `kernel.advanceTo(now)`.
 */
export interface LiveSession {
  ex: ProBinance
  broker: VenueBroker
  kernel: Kernel
  journal: JournalEvent[]
  logs: string[]
  /** journaled order ids at each beforeSend call */
  journaledAtSend: string[][]
  brokerEvents(clientOrderId?: string): BrokerEvent[]
  close(): Promise<void>
}

export async function liveSession(venue: EmulatedVenue, overrides: Partial<VenueBrokerOptions> = {}): Promise<LiveSession> {
  const ex = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  instrumentExchange(ex, () => Date.now())
  const markets = marketsFromCcxt(await loadMarkets(ex), 'binance')
  const journal: JournalEvent[] = []
  const logs: string[] = []
  const journaledAtSend: string[][] = []
  const sink: JournalSink = { append: (_seq, _ts, _type, payload) => void journal.push(structuredClone(payload) as JournalEvent) }
  let kernel: Kernel | undefined
  let scheduled = false
  const broker = new VenueBroker({
    exchange: ex,
    markets,
    currency: 'USDT',
    now: () => Date.now(),
    backoff: { seed: 5, initialMs: 50, maxMs: 500 },
    log: (line) => logs.push(line),
    beforeSend: () => journaledAtSend.push(journal.filter((e) => e.type === 'OrderSubmitted').map((e) => (e as { orderId: string }).orderId)),
    onReport: () => {
      if (scheduled) return
      scheduled = true
      setImmediate(() => {
        scheduled = false
        kernel!.advanceTo(Date.now())
      })
    },
    pollIntervalMs: 300,
    ...overrides
  })
  kernel = new Kernel({ clock: { now: () => Date.now() }, broker, risk: new RiskGate(), journal: sink, journalMarket: true, seed: 1 })
  return {
    ex,
    broker,
    kernel,
    journal,
    logs,
    journaledAtSend,
    brokerEvents: (cid) =>
      journal.filter((e): e is BrokerEvent => {
        if (!BROKER_TYPES.has(e.type)) return false
        if (cid === undefined) return true
        const ref = e as { clientOrderId?: string; orderId?: string }
        return ref.clientOrderId === cid || ref.orderId === cid
      }),
    close: () => broker.stop()
  }
}
