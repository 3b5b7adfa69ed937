import { describe, expect, it } from 'vitest'
import { InvalidOrderTransition } from '../../../src/main/core/orders/order-state-machine'
import { addAmounts, OrderTracker, OrderTrackerError } from '../../../src/main/core/orders/order-tracker'
import { createRandom } from '../../../src/main/core/random'
import type { BrokerEvent, FillEvent } from '../../../src/shared/broker-events'
import type { OrderRequest } from '../../../src/shared/orders'

function request(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    clientOrderId: 'c1',
    owner: 'eng',
    symbol: 'BTC/USDT',
    type: 'limit',
    side: 'buy',
    amount: 3,
    price: 100,
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    cost: null,
    ...overrides
  }
}

const ref = (orderId = 'O1', clientOrderId = 'c1') => ({ orderId, clientOrderId, symbol: 'BTC/USDT' })

function submitted(orderId = 'O1', order = request(), ts = 10): BrokerEvent {
  return { type: 'OrderSubmitted', seq: 1, ts, cause: 0, orderId, order }
}

function fill(tradeId: string, price: number, amount: number, remaining: number, ts = 30, orderId = 'O1', clientOrderId = 'c1'): FillEvent {
  return {
    type: remaining === 0 ? 'OrderFilled' : 'OrderPartiallyFilled',
    seq: 3,
    ts,
    cause: 0,
    ...ref(orderId, clientOrderId),
    owner: 'eng',
    tradeId,
    side: 'buy',
    price,
    amount,
    fee: { cost: 0, currency: 'USDT' },
    liquidity: 'maker',
    tradeTs: ts,
    filled: 0,
    remaining
  }
}

describe('order tracker', () => {
  it('follows an order from submission to filled, with filled, remaining and average', () => {
    const t = new OrderTracker()
    t.apply(submitted())
    expect(t.get('c1')).toMatchObject({ id: 'O1', status: 'submitted', filled: 0, remaining: 3, average: null, submittedAt: 10, updatedAt: 10 })
    t.apply({ type: 'OrderAccepted', seq: 2, ts: 20, cause: 0, ...ref() })
    t.apply(fill('T1', 100, 1, 2))
    // (100 × 1 + 99 × 2) / 3 = 298 / 3
    const view = t.apply(fill('T2', 99, 2, 0, 40))
    expect(view).toMatchObject({ status: 'filled', filled: 3, remaining: 0, updatedAt: 40 })
    expect(view!.average).toBeCloseTo(298 / 3, 12)
    expect(t.getById('O1')).toBe(view)
    expect(t.openOrders()).toEqual([])
    expect([...t.all()]).toEqual([view])
  })

  it('updates an order through its handle as apply does by id, and only that order', () => {
    const byId = new OrderTracker()
    const byHandle = new OrderTracker()
    const events: BrokerEvent[] = [{ type: 'OrderAccepted', seq: 2, ts: 20, cause: 0, ...ref() }, fill('T1', 100, 1, 2), fill('T1', 100, 1, 2), fill('T2', 99, 2, 0, 40)]
    byId.apply(submitted())
    const handle = byHandle.submittedNew('O1', request(), 10)
    expect(handle.view).toEqual(byId.getById('O1'))
    for (const e of events) expect(byHandle.applyTo(handle, e)).toEqual(byId.apply(e))
    expect(byHandle.get('c1')).toEqual(byId.get('c1'))
    expect(byHandle.openOrders()).toEqual([])
    expect(byHandle.applyTo(handle, { type: 'PositionChanged', seq: 5, ts: 50, cause: 0, symbol: 'BTC/USDT', amount: 3, entryPrice: 99, realizedPnl: 0 })).toBeUndefined()
    const other = byHandle.submittedNew('O2', request({ clientOrderId: 'c2' }), 60)
    expect(() => byHandle.applyTo(other, { type: 'OrderAccepted', seq: 6, ts: 60, cause: 0, ...ref() })).toThrow(OrderTrackerError)
  })

  it('applies a fill once per trade id', () => {
    const t = new OrderTracker()
    t.apply(submitted())
    t.apply({ type: 'OrderAccepted', seq: 2, ts: 20, cause: 0, ...ref() })
    const first = t.apply(fill('T1', 100, 1, 2))
    expect(t.apply(fill('T1', 100, 1, 2))).toBeUndefined()
    expect(t.get('c1')).toBe(first)
    expect(t.get('c1')).toMatchObject({ filled: 1, remaining: 2, status: 'partially_filled' })
  })

  it('keeps trade ids per order: the same id on another order is another fill', () => {
    const t = new OrderTracker()
    t.apply(submitted('O1'))
    t.apply(submitted('O2', request({ clientOrderId: 'c2', side: 'sell' })))
    t.apply(fill('T9', 100, 1, 2, 30, 'O1', 'c1'))
    t.apply(fill('T9', 100, 1, 2, 30, 'O2', 'c2'))
    expect(t.get('c1')?.filled).toBe(1)
    expect(t.get('c2')?.filled).toBe(1)
  })

  it('rejects transitions the table forbids and events for unknown orders', () => {
    const t = new OrderTracker()
    t.apply(submitted())
    t.apply({ type: 'OrderCancelled', seq: 2, ts: 20, cause: 0, ...ref(), reason: 'x' })
    expect(() => t.apply({ type: 'OrderAccepted', seq: 3, ts: 30, cause: 0, ...ref() })).toThrow(InvalidOrderTransition)
    expect(() => t.apply({ type: 'OrderAccepted', seq: 4, ts: 30, cause: 0, ...ref('O9', 'c9') })).toThrow(OrderTrackerError)
    expect(() => t.apply({ type: 'OrderAccepted', seq: 4, ts: 30, cause: 0, ...ref('O9', 'c9') })).toThrow(
      'order tracker: OrderAccepted (seq 4) names order O9, which was never submitted'
    )
  })

  it('ignores a repeated submission and events that are not about orders', () => {
    const t = new OrderTracker()
    t.apply(submitted())
    expect(t.apply(submitted())).toBeUndefined()
    expect(t.apply({ type: 'BalanceUpdated', seq: 2, ts: 1, cause: 0, currency: 'USDT', free: 1, used: 0, total: 1 })).toBeUndefined()
    expect(t.apply({ type: 'CancelRejected', seq: 2, ts: 1, cause: 0, orderId: 'O1', reason: 'x' })).toBeUndefined()
    expect(t.get('c1')?.status).toBe('submitted')
  })

  it('lets a venue skip the acknowledgement and fill a stop in the step it triggers', () => {
    const t = new OrderTracker()
    t.apply(submitted('O1', request({ type: 'stop-market', price: null, stopPrice: 105 })))
    t.apply({ type: 'OrderTriggered', seq: 2, ts: 20, cause: 0, ...ref(), price: 105 })
    expect(t.apply(fill('T1', 105, 3, 0))?.status).toBe('filled')
  })

  it('filters open orders by owner and symbol, in submission order', () => {
    const t = new OrderTracker()
    t.apply(submitted('O1', request({ clientOrderId: 'a', owner: 'x' })))
    t.apply(submitted('O2', request({ clientOrderId: 'b', owner: 'y' })))
    t.apply(submitted('O3', request({ clientOrderId: 'c', owner: 'x', symbol: 'ETH/USDT' })))
    expect(t.openOrders().map((o) => o.id)).toEqual(['O1', 'O2', 'O3'])
    expect(t.openOrders('x').map((o) => o.id)).toEqual(['O1', 'O3'])
    expect(t.openOrders('x', 'BTC/USDT').map((o) => o.id)).toEqual(['O1'])
    expect(t.openOrders(undefined, 'ETH/USDT').map((o) => o.id)).toEqual(['O3'])
  })

  it('reuses a client order id only once its order is final', () => {
    const t = new OrderTracker()
    t.apply(submitted('O1'))
    t.apply(submitted('O2'))
    expect(t.get('c1')?.id).toBe('O1') // O1 still open: the id keeps naming it
    t.apply({ type: 'OrderRejected', seq: 3, ts: 20, cause: 0, ...ref('O2'), reason: 'duplicate' })
    t.apply({ type: 'OrderCancelled', seq: 4, ts: 30, cause: 0, ...ref('O1'), reason: 'x' })
    t.apply(submitted('O3'))
    expect(t.get('c1')?.id).toBe('O3')
    expect(t.getById('O2')?.status).toBe('rejected')
  })

  it('learns the base amount of an order sized by cost from its fills', () => {
    const t = new OrderTracker()
    t.apply(submitted('O1', request({ type: 'market', price: null, amount: 0, cost: 1000 })))
    expect(t.get('c1')).toMatchObject({ amount: 0, remaining: 0 })
    t.apply(fill('T1', 101, 4, 5.881))
    expect(t.get('c1')).toMatchObject({ amount: 9.881, filled: 4, remaining: 5.881 })
  })

  it('returns frozen snapshots', () => {
    const t = new OrderTracker()
    const view = t.apply(submitted())!
    expect(Object.isFrozen(view)).toBe(true)
  })
})

describe('addAmounts', () => {
  const reference = (a: number, b: number) => Number((a + b).toPrecision(15))

  it('equals toPrecision(15)-and-parse on fill-like sums, noisy sums and random doubles', () => {
    const rnd = createRandom(17)
    const wrong: string[] = []
    const check = (a: number, b: number) => {
      if (!Object.is(addAmounts(a, b), reference(a, b))) wrong.push(`${a} + ${b}: ${addAmounts(a, b)} ≠ ${reference(a, b)}`)
    }
    for (let i = 0; i < 300_000; i++) {
      const decimals = Math.floor(rnd() * 10)
      const a = Math.floor(rnd() * 1e9) / 10 ** decimals
      const b = Math.floor(rnd() * 1e9) / 10 ** decimals
      check(a, b)
      check(a, -b)
      check(a / 3, b / 7)
      check((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20), (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20))
    }
    expect(wrong).toEqual([])
  })

  it('equals it at powers of ten, 15-digit boundaries and odd values', () => {
    const values = [0, -0, 1e-7, 9.99999999999999e-8, 1e14, 1e15, 99999999999999.9, 999999999999999, 100000000000000.1, 0.1, 0.2, 1 - 1e-16, 1e-300, NaN, Infinity]
    for (let k = -8; k <= 16; k++) for (const f of [1, 1 - 1e-15, 1 + 1e-15, 1 - 5e-16, 1 + 2e-15, 0.99999999999999]) values.push(10 ** k * f)
    for (const a of values) for (const b of [0, 0.1, 1e-15, -1e-15, 2e-14]) expect(Object.is(addAmounts(a, b), reference(a, b)), `${a} + ${b}`).toBe(true)
    expect(addAmounts(0.1, 0.2)).toBe(0.3)
  })
})
