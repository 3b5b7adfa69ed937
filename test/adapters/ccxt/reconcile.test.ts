import { describe, expect, it } from 'vitest'
import { journalSnapshot, reconcile, type Difference, type VenueSnapshot } from '../../../src/main/adapters/ccxt/reconcile'
import type { JournalEvent } from '../../../src/shared/events'
import type { Market } from '../../../src/shared/market'
import type { OrderRequest } from '../../../src/shared/orders'

const BTC: Market = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  venue: 'binance',
  precision: { price: 0.01, amount: 0.00001 },
  limits: { amount: { min: 0.00001 }, cost: { min: 5 } },
  maker: 0.001,
  taker: 0.001,
  sessions: '24x7'
}

function request(cid: string, side: 'buy' | 'sell', amount: number, price: number | null): OrderRequest {
  return { clientOrderId: cid, owner: 'grid', symbol: 'BTC/USDT', type: price === null ? 'market' : 'limit', side, amount, price, stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, cost: null }
}

let seq = 0
const base = (ts: number) => ({ seq: ++seq, ts, cause: 0 })
const ref = (cid: string) => ({ orderId: cid, clientOrderId: cid, symbol: 'BTC/USDT' })

/** What the journal held when the process died: two resting buys, a sell partly filled, then nothing. */
const JOURNAL: JournalEvent[] = [
  { type: 'BalanceUpdated', ...base(1000), currency: 'USDT', free: 10_000, used: 0, total: 10_000 },
  { type: 'BalanceUpdated', ...base(1000), currency: 'BTC', free: 1, used: 0, total: 1 },
  { type: 'PositionChanged', ...base(1000), symbol: 'BTC/USDT', amount: 1, entryPrice: 0, realizedPnl: 0 },
  { type: 'OrderSubmitted', ...base(2000), orderId: 'grid-1', order: request('grid-1', 'buy', 0.1, 60_000) },
  { type: 'OrderAccepted', ...base(2001), ...ref('grid-1') },
  { type: 'OrderSubmitted', ...base(2100), orderId: 'grid-2', order: request('grid-2', 'buy', 0.1, 59_000) },
  { type: 'OrderAccepted', ...base(2101), ...ref('grid-2') },
  { type: 'OrderSubmitted', ...base(2200), orderId: 'grid-3', order: request('grid-3', 'sell', 0.2, 61_000) },
  { type: 'OrderAccepted', ...base(2201), ...ref('grid-3') },
  {
    type: 'OrderPartiallyFilled',
    ...base(2300),
    ...ref('grid-3'),
    owner: 'grid',
    tradeId: '501',
    side: 'sell',
    price: 61_000,
    amount: 0.05,
    fee: { cost: 3.05, currency: 'USDT' },
    liquidity: 'maker',
    tradeTs: 2300,
    filled: 0.05,
    remaining: 0.15
  },
  { type: 'BalanceUpdated', ...base(2301), currency: 'BTC', free: 0.8, used: 0.15, total: 0.95 },
  { type: 'PositionChanged', ...base(2301), symbol: 'BTC/USDT', amount: 0.95, entryPrice: 0, realizedPnl: 0 },
  { type: 'OrderSubmitted', ...base(2400), orderId: 'grid-4', order: request('grid-4', 'buy', 0.1, 58_000) },
  { type: 'OrderAccepted', ...base(2401), ...ref('grid-4') },
  { type: 'OrderCancelled', ...base(2500), ...ref('grid-4'), reason: 'by engine' }
]

/**
 * The venue after the restart. While the process was down: grid-2 filled, grid-3 took a second
 * fill (0.05 at 61 000, fee in USDT), someone cancelled nothing but a person placed `web_1`, an
 * order under our prefix (`grid-9`) appeared, and 0.3 BTC was deposited.
 */
function venueAfter(): VenueSnapshot {
  return {
    openOrders: [
      { id: '11', clientOrderId: 'grid-1', symbol: 'BTC/USDT', side: 'buy', amount: 0.1, filled: 0, price: 60_000, status: 'open' },
      { id: '13', clientOrderId: 'grid-3', symbol: 'BTC/USDT', side: 'sell', amount: 0.2, filled: 0.1, price: 61_000, status: 'open' },
      { id: '19', clientOrderId: 'grid-9', symbol: 'BTC/USDT', side: 'buy', amount: 0.01, filled: 0, price: 50_000, status: 'open' },
      { id: '20', clientOrderId: 'web_1', symbol: 'BTC/USDT', side: 'sell', amount: 0.5, filled: 0, price: 90_000, status: 'open' }
    ],
    lookups: { 'grid-2': { id: '12', clientOrderId: 'grid-2', symbol: 'BTC/USDT', status: 'closed', amount: 0.1, filled: 0.1 } },
    trades: [
      // the journaled fill comes back too (trades are fetched from its time on)
      { id: '501', order: '13', symbol: 'BTC/USDT', side: 'sell', price: 61_000, amount: 0.05, timestamp: 2300, fee: { cost: 3.05, currency: 'USDT' } },
      { id: '502', order: '13', symbol: 'BTC/USDT', side: 'sell', price: 61_000, amount: 0.05, timestamp: 2600, fee: { cost: 3.05, currency: 'USDT' } },
      { id: '503', order: '12', symbol: 'BTC/USDT', side: 'buy', price: 59_000, amount: 0.1, timestamp: 2700, fee: { cost: 0.0001, currency: 'BTC' } },
      { id: '504', order: '20', symbol: 'BTC/USDT', side: 'sell', price: 90_000, amount: 0.01, timestamp: 2800, fee: { cost: 0.9, currency: 'USDT' } }
    ],
    balances: [
      { currency: 'USDT', free: 4_000, used: 6_000, total: 10_000 + 3050 - 3.05 - 5900 + 899.1 },
      { currency: 'BTC', free: 1, used: 0.6, total: 0.95 - 0.05 + 0.0999 - 0.01 + 0.3 }
    ]
  }
}

const byKind = (diffs: Difference[], kind: Difference['kind']) => diffs.filter((d) => d.kind === kind)

describe('reconcile (journal state against venue state)', () => {
  const journal = journalSnapshot(JOURNAL)
  const report = reconcile(journal, venueAfter(), { markets: [BTC], isOurs: (cid) => cid.startsWith('grid-') })

  it('rebuilds the journal side: orders, fill ids, last fill time, balances, positions', () => {
    expect([...journal.orders.values()].map((o) => [o.clientOrderId, o.status])).toEqual([
      ['grid-1', 'accepted'],
      ['grid-2', 'accepted'],
      ['grid-3', 'partially_filled'],
      ['grid-4', 'cancelled']
    ])
    expect([...journal.fillIds]).toEqual(['501'])
    expect(journal.lastFillTs).toBe(2300)
    expect(journal.balances.find((b) => b.currency === 'BTC')!.total).toBe(0.95)
    expect(journal.positions).toEqual([{ symbol: 'BTC/USDT', amount: 0.95 }])
  })

  it('finds orders the venue has that the journal does not: ours to adopt, a person\'s to leave alone', () => {
    expect(byKind(report.differences, 'unknown-order-at-venue').map((d) => d.kind === 'unknown-order-at-venue' && [d.order.clientOrderId, d.ours, d.action])).toEqual([
      ['grid-9', true, 'adopt'],
      ['web_1', false, 'ignore']
    ])
    const cancelForeign = reconcile(journal, venueAfter(), { markets: [BTC], foreignOrders: 'cancel' })
    expect(byKind(cancelForeign.differences, 'unknown-order-at-venue').map((d) => d.action)).toEqual(['cancel', 'cancel'])
  })

  it('finds a journal-open order missing from the venue\'s open orders and adopts what the venue says of it', () => {
    expect(byKind(report.differences, 'order-missing-at-venue')).toEqual([
      { kind: 'order-missing-at-venue', clientOrderId: 'grid-2', symbol: 'BTC/USDT', venueStatus: 'closed', action: 'adopt', detail: 'open in the journal, closed at the venue' }
    ])
  })

  it('finds fills the journal lacks; ours are adopted, a foreign order\'s fill is not', () => {
    expect(byKind(report.differences, 'fill-not-journaled').map((d) => d.kind === 'fill-not-journaled' && [d.tradeId, d.clientOrderId, d.action])).toEqual([
      ['502', 'grid-3', 'adopt'],
      ['503', 'grid-2', 'adopt'],
      ['504', null, 'ignore']
    ])
  })

  it('finds balance differences and adopts the venue\'s', () => {
    const diffs = byKind(report.differences, 'balance-mismatch')
    expect(diffs.map((d) => d.kind === 'balance-mismatch' && [d.currency, d.journal, d.venue, d.action])).toEqual([
      ['USDT', 10_000, 10_000 + 3050 - 3.05 - 5900 + 899.1, 'adopt'],
      ['BTC', 0.95, 0.95 - 0.05 + 0.0999 - 0.01 + 0.3, 'adopt']
    ])
  })

  it('finds the position difference and says what our unjournaled fills do not explain', () => {
    const [d] = byKind(report.differences, 'position-mismatch')
    if (d?.kind !== 'position-mismatch') throw new Error('no position difference')
    // explained: −0.05 (502) + 0.1 − 0.0001 fee (503); the foreign fill and the deposit are not ours
    expect(d.explained).toBeCloseTo(0.0499, 12)
    expect(d.venue - d.journal! - d.explained).toBeCloseTo(0.29, 12)
    expect(d.action).toBe('flatten')
    expect(d.detail).toContain('+0.29 not explained')
    const adoptAll = reconcile(journal, venueAfter(), { markets: [BTC], unexplainedPosition: 'adopt' })
    expect(byKind(adoptAll.differences, 'position-mismatch')[0].action).toBe('adopt')
  })

  it('adopts a position difference that our unjournaled fills account for exactly', () => {
    const v = venueAfter()
    v.trades = v.trades!.filter((t) => t.id !== '504')
    v.balances = [{ currency: 'BTC', free: 0.9999, used: 0, total: 0.95 - 0.05 + 0.0999 }]
    const [d] = byKind(reconcile(journal, v, { markets: [BTC] }).differences, 'position-mismatch')
    expect(d?.action).toBe('adopt')
  })

  it('concludes nothing about what the venue did not report: unknown is not "none" or "flat"', () => {
    const v: VenueSnapshot = { openOrders: undefined, trades: undefined, balances: undefined }
    const r = reconcile(journal, v, { markets: [BTC] })
    expect(r.differences).toEqual([])
    expect(r.unchecked).toEqual(['open-orders', 'trades', 'balances', 'positions'])
    expect(r.clean).toBe(false)
    // without a lookup, an order missing from the open list is not assumed gone
    const partial = reconcile(journal, { ...venueAfter(), lookups: {} }, { markets: [BTC] })
    expect(byKind(partial.differences, 'order-missing-at-venue').map((d) => d.kind === 'order-missing-at-venue' && [d.clientOrderId, d.venueStatus, d.action])).toEqual([['grid-2', 'unknown', 'ignore']])
  })

  it('is clean when both sides agree', () => {
    const agree: VenueSnapshot = {
      openOrders: [
        { id: '11', clientOrderId: 'grid-1', status: 'open' },
        { id: '12', clientOrderId: 'grid-2', status: 'open' },
        { id: '13', clientOrderId: 'grid-3', status: 'open' }
      ],
      trades: [{ id: '501', order: '13', symbol: 'BTC/USDT', side: 'sell', price: 61_000, amount: 0.05 }],
      balances: [
        { currency: 'USDT', free: 10_000, used: 0, total: 10_000 },
        { currency: 'BTC', free: 0.8, used: 0.15, total: 0.95 }
      ]
    }
    expect(reconcile(journal, agree, { markets: [BTC] })).toEqual({ differences: [], unchecked: [], clean: true })
  })
})
