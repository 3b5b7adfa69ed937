import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketsFromCcxt } from '../../../src/main/adapters/ccxt/exchange'
import { fetchVenueSnapshot, journalSnapshot, reconcile, type Difference, type ReconcileReport } from '../../../src/main/adapters/ccxt/reconcile'
import { instrumentExchange } from '../../../src/main/adapters/ccxt/venue-api'
import type { JournalEvent } from '../../../src/shared/events'
import { binanceAgainst, type ProBinance } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { API_KEY, API_SECRET, until, venueWith } from './harness'
import { liveSession } from './session'

const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue
let raw: ProBinance
let journalAtCrash: JournalEvent[]
let report: ReconcileReport
const ids = { resting: '', cancelledWhileDown: '', filledAfterCrash: '' }

/**
 * A live session trades, then "crashes" right after the market order's OrderSubmitted was
 * journaled (its fills never were). While it is down the venue changes: a resting order is
 * cancelled from elsewhere, an order appears under our prefix, a person places an order, ETH is
 * deposited. The restart reconciles the journal up to the crash against the venue.
 */
beforeAll(async () => {
  venue = await venueWith({ paused: true, symbols: ['BTC/USDT', 'ETH/USDT'], balances: { USDT: 1_000_000, BTC: 5, ETH: 10 } })
  const s = await liveSession(venue)
  s.broker.start()
  await until(() => s.broker.account.knows('ETH'), 'the first balances')
  await until(() => s.journal.some((e) => e.type === 'PositionChanged'), 'the positions journaled')
  ids.resting = s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_000).clientOrderId
  ids.cancelledWhileDown = s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_001).clientOrderId
  await until(() => s.broker.account.openOrders().filter((o) => o.status === 'accepted').length === 2, 'two resting orders')
  ids.filledAfterCrash = s.kernel.submitManualOrder(SYMBOL, 'market', 'buy', 0.02).clientOrderId
  const crash = s.journal.findIndex((e) => e.type === 'OrderSubmitted' && e.orderId === ids.filledAfterCrash)
  await until(() => s.broker.account.order(ids.filledAfterCrash)?.status === 'filled', 'the market order filled at the venue')
  journalAtCrash = s.journal.slice(0, crash + 1)
  await s.close()

  raw = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  instrumentExchange(raw, () => Date.now())
  await raw.loadMarkets()
  await raw.cancelOrder('', SYMBOL, { clientOrderId: ids.cancelledWhileDown })
  await raw.createOrder(SYMBOL, 'limit', 'buy', 0.01, 49_000, { newClientOrderId: 'manual-77-1' })
  venue.placeExternalOrder({ symbol: SYMBOL, side: 'sell', type: 'limit', amount: 0.01, price: 90_000, clientOrderId: 'web_person_1' })
  venue.setBalance('ETH', 12)

  const journal = journalSnapshot(journalAtCrash)
  const snapshot = await fetchVenueSnapshot(raw, { symbols: ['BTC/USDT', 'ETH/USDT'], journal })
  report = reconcile(journal, snapshot, { markets: marketsFromCcxt(raw.markets!, 'binance'), isOurs: (cid) => /^manual-\d+-\d+$/.test(cid) })
})

afterAll(async () => {
  await raw?.close()
  await venue?.close()
})

const of = <K extends Difference['kind']>(kind: K) => report.differences.filter((d): d is Extract<Difference, { kind: K }> => d.kind === kind)

describe('reconcile after a crash, against the emulated venue', () => {
  it('checked every part of the venue state', () => {
    expect(report.unchecked).toEqual([])
    expect(report.clean).toBe(false)
  })

  it('unknown orders at the venue: ours (by prefix) to adopt, a person\'s to leave alone', () => {
    expect(of('unknown-order-at-venue').map((d) => [d.order.clientOrderId, d.ours, d.action])).toEqual([
      ['manual-77-1', true, 'adopt'],
      ['web_person_1', false, 'ignore']
    ])
  })

  it('orders missing at the venue, with what the venue says of each: cancelled elsewhere, filled after the crash', () => {
    expect(of('order-missing-at-venue').map((d) => [d.clientOrderId, d.venueStatus, d.action]).sort()).toEqual(
      [
        [ids.cancelledWhileDown, 'canceled', 'adopt'],
        [ids.filledAfterCrash, 'closed', 'adopt']
      ].sort()
    )
  })

  it('fills the journal never saw, matched to our order through its venue id', () => {
    const venueFills = venue.ledger().fills.filter((f) => f.clientOrderId === ids.filledAfterCrash)
    const diffs = of('fill-not-journaled')
    expect(diffs.map((d) => d.tradeId).sort()).toEqual(venueFills.map((f) => String(f.tradeId)).sort())
    expect(diffs.every((d) => d.clientOrderId === ids.filledAfterCrash && d.action === 'adopt')).toBe(true)
  })

  it('balance differences: BTC and USDT moved by the fill, ETH by the deposit', () => {
    const ledger = venue.ledger().balances
    const total = (c: string) => ledger[c].free + ledger[c].locked
    const diffs = of('balance-mismatch')
    expect(diffs.map((d) => d.currency).sort()).toEqual(['BTC', 'ETH', 'USDT'])
    for (const d of diffs) {
      expect(d.venue).toBeCloseTo(total(d.currency), 8)
      expect(d.action).toBe('adopt')
    }
    expect(diffs.find((d) => d.currency === 'ETH')!.journal).toBe(10)
  })

  it('position differences: BTC explained by our unjournaled fills (adopt), ETH not (flatten)', () => {
    const diffs = of('position-mismatch')
    const btc = diffs.find((d) => d.symbol === 'BTC/USDT')!
    expect(btc.journal).toBe(5)
    expect(btc.action).toBe('adopt')
    expect(btc.journal! + btc.explained).toBeCloseTo(btc.venue, 10)
    const eth = diffs.find((d) => d.symbol === 'ETH/USDT')!
    expect([eth.journal, eth.venue, eth.explained, eth.action]).toEqual([10, 12, 0, 'flatten'])
  })
})
