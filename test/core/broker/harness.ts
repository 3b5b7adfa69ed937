import { BrokerEventSchema, type BrokerEvent, type FillEvent } from '../../../src/shared/broker-events'
import type { Market } from '../../../src/shared/market'
import type { BarEvent, BookEvent, MarketEvent, QuoteEvent, TradeEvent } from '../../../src/shared/market-events'
import type { OrderRequest } from '../../../src/shared/orders'
import { SimulatedBroker, type SimulatedBrokerConfig } from '../../../src/main/core/broker/simulated-broker'

export const MINUTE = 60_000

/** BTC/USDT with a 0.01 price step and 0.001 amount step; no minimums, no fees unless overridden. */
export function market(overrides: Partial<Market> = {}): Market {
  return {
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    venue: 'sim',
    precision: { price: 0.01, amount: 0.001 },
    limits: { amount: { min: 0 }, cost: { min: 0 } },
    maker: 0,
    taker: 0,
    sessions: '24x7',
    ...overrides
  }
}

/** One-minute bar number `i` (openTime i minutes), emitted closed at its close time. */
export function bar(i: number, open: number, high: number, low: number, close: number, volume = 1000, symbol = 'BTC/USDT'): BarEvent {
  return {
    type: 'bar',
    seq: 0,
    ts: (i + 1) * MINUTE,
    symbol,
    timeframe: '1m',
    openTime: i * MINUTE,
    closeTime: (i + 1) * MINUTE,
    open,
    high,
    low,
    close,
    volume,
    closed: true
  }
}

export function trade(ts: number, price: number, amount = 10, symbol = 'BTC/USDT'): TradeEvent {
  return { type: 'trade', seq: 0, ts, symbol, price, amount, side: null, id: null }
}

export function quote(ts: number, bid: number, ask: number, bidSize = 10, askSize = 10, symbol = 'BTC/USDT'): QuoteEvent {
  return { type: 'quote', seq: 0, ts, symbol, bid, ask, bidSize, askSize }
}

export function book(ts: number, kind: 'snapshot' | 'delta', bids: Array<[number, number]>, asks: Array<[number, number]>, symbol = 'BTC/USDT'): BookEvent {
  return { type: 'book', seq: 0, ts, symbol, kind, bids, asks, nonce: null }
}

let nextClientId = 0

export function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    clientOrderId: `c${++nextClientId}`,
    owner: 'eng',
    symbol: 'BTC/USDT',
    type: 'market',
    side: 'buy',
    amount: 1,
    price: null,
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    cost: null,
    ...overrides
  }
}

/**
 * Drives a broker the way the kernel does: wakes it when due before each market event, numbers
 * market and broker events, and checks every broker event against the strict zod schema.
 */
export class Harness {
  readonly broker: SimulatedBroker
  readonly events: BrokerEvent[] = []
  private seq = 0

  constructor(config: Partial<SimulatedBrokerConfig> = {}) {
    this.broker = new SimulatedBroker({ currency: 'USDT', initialCash: 10_000, markets: [market()], ...config })
  }

  market(...events: MarketEvent[]): this {
    for (const e of events) {
      this.due(e.ts)
      e.seq = ++this.seq
      this.broker.onMarket(e)
      this.drain()
    }
    return this
  }

  /** Submits at `now` and returns the client order id. */
  submit(request: OrderRequest, now: number): string {
    this.broker.submit(request, now, this.seq)
    this.drain()
    this.due(now)
    return request.clientOrderId
  }

  cancel(clientOrderId: string, now: number): void {
    this.broker.cancel(clientOrderId, now, this.seq)
    this.due(now)
  }

  /** Wakes the broker for everything due at or before `ts`. */
  due(ts: number): void {
    while (this.broker.nextWakeTs() <= ts) {
      this.broker.wake(this.broker.nextWakeTs(), this.seq)
      this.drain()
    }
  }

  fills(clientOrderId?: string): FillEvent[] {
    return this.events.filter(
      (e): e is FillEvent =>
        (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') && (clientOrderId === undefined || e.clientOrderId === clientOrderId)
    )
  }

  of(clientOrderId: string): BrokerEvent[] {
    return this.events.filter((e) =>
      e.type === 'OrderSubmitted' ? e.order.clientOrderId === clientOrderId : 'clientOrderId' in e && e.clientOrderId === clientOrderId
    )
  }

  types(clientOrderId: string): string[] {
    return this.of(clientOrderId).map((e) => e.type)
  }

  status(clientOrderId: string): string | undefined {
    return this.broker.account.order(clientOrderId)?.status
  }

  reason(clientOrderId: string): string | undefined {
    for (const e of this.of(clientOrderId)) if (e.type === 'OrderRejected' || e.type === 'OrderCancelled') return e.reason
    return undefined
  }

  private drain(): void {
    const outbox = this.broker.outbox
    for (const e of outbox) {
      BrokerEventSchema.parse(e)
      e.seq = ++this.seq
      this.events.push(e)
    }
    outbox.length = 0
  }
}
