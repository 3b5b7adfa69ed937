import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveAccount } from '../../src/main/adapters/ccxt/live-account'
import { Journal } from '../../src/main/core/journal/journal'
import { OrderTracker } from '../../src/main/core/orders/order-tracker'
import { RiskGate } from '../../src/main/core/risk/risk-gate'
import type { JournalEvent } from '../../src/shared/events'
import { API_KEY, API_SECRET, until, venueWith } from '../adapters/ccxt/harness'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { errorOf } from './harness'
import { filesUnder, openLive, PROFILE, removeFolder, RISK, SYMBOL, type LiveHarness } from './fixtures/live-harness'

let venue: EmulatedVenue
let live: LiveHarness

beforeAll(async () => {
  // the real Binance BTC/USDT capture, replayed twice as fast as it happened
  venue = await venueWith({ speed: 2 })
  live = await openLive(venue)
})

afterAll(async () => {
  await live?.close()
  await venue?.close()
  if (live) removeFolder(live.dataFolder)
})

const openAtVenue = () => venue.ledger().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')

function journalOf(sessionId: string): JournalEvent[] {
  const journal = Journal.open(join(live.dataFolder, 'journal.sqlite'), { readonly: true })
  try {
    return [...journal.events(sessionId)].map((r) => r.payload as JournalEvent)
  } finally {
    journal.close()
  }
}

describe('workstation: live trading against the emulated Binance venue (real ccxt)', () => {
  it('arming: live.start needs LIVE mode and a venue profile; keys come from the owner-only key file', async () => {
    const { h } = live
    expect(await h['credentials.status']({ profileId: PROFILE.id })).toMatchObject({ profileId: 'emu', source: 'file', canStore: false })
    expect(await errorOf(h['credentials.set']({ profileId: PROFILE.id, apiKey: 'abcdefgh-key', secret: 'abcdefgh-secret' }))).toMatchObject({
      type: 'Unavailable',
      message: expect.stringContaining('TC_EMU_API_KEY')
    })
    expect(await errorOf(h['live.start']({ profileId: 'nope', symbol: SYMBOL, risk: RISK, confirmation: 'LIVE' }))).toMatchObject({ type: 'NotFound' })
    await h['mode.set']({ mode: 'paper' })
    expect(await errorOf(h['live.start']({ profileId: PROFILE.id, symbol: SYMBOL, risk: RISK, confirmation: 'LIVE' }))).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('LIVE') })
    expect(await errorOf(h['mode.set']({ mode: 'live', confirmation: 'live' }))).toMatchObject({ type: 'ValidationError' })
    expect(await h['mode.set']({ mode: 'live', confirmation: 'LIVE' })).toEqual({ mode: 'live' })
  })

  it('places and fills orders at the venue; the kill switch halts and cancels every open order AT THE VENUE', async () => {
    const { h, pushes } = live
    const since = pushes.mark()
    const { sessionId } = await h['live.start']({ profileId: PROFILE.id, symbol: SYMBOL, risk: RISK, confirmation: 'LIVE' })
    expect(sessionId).toMatch(/^live-/)
    const book = await pushes.waitFor('book', (b) => b.sessionId === sessionId && b.bids.length > 0 && b.asks.length > 0, since)
    await pushes.waitFor('account', (a) => a.sessionId === sessionId && a.balances.some((b) => b.currency === 'BTC'), since)

    // marketable: fills at the venue at once
    const buy = await h['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: Math.round(book.asks[0][0] * 1.01 * 100) / 100 })
    expect(buy.denied).toBeNull()
    await pushes.waitFor('fills', (f) => f.sessionId === sessionId && f.fills.some((x) => x.clientOrderId === buy.clientOrderId), since)
    const venueFills = venue.ledger().fills.filter((f) => f.clientOrderId === buy.clientOrderId)
    expect(venueFills.length).toBeGreaterThan(0)
    expect(venueFills.reduce((s, f) => s + f.qty, 0)).toBeCloseTo(0.01, 10)

    // two resting orders of ours and one placed by someone else on the same account
    const restBuy = await h['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: Math.round(book.bids[0][0] * 0.9) })
    const restSell = await h['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'sell', amount: 0.01, price: Math.round(book.asks[0][0] * 1.1) })
    venue.placeExternalOrder({ symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.02, price: Math.round(book.bids[0][0] * 0.8), clientOrderId: 'web_person_1' })
    await until(() => openAtVenue().length === 3, 'three orders resting at the venue')
    await pushes.waitFor('orders', (o) => o.sessionId === sessionId && o.orders.filter((x) => x.status === 'accepted').length === 2, since)
    // the intent was journaled before the venue heard of it
    const submitted = journalOf(sessionId).filter((e) => e.type === 'OrderSubmitted').map((e) => (e as { orderId: string }).orderId)
    expect(submitted).toEqual(expect.arrayContaining([buy.clientOrderId, restBuy.clientOrderId, restSell.clientOrderId]))

    const beforeKill = pushes.mark()
    expect(await h['killSwitch.press']({ flatten: false, reason: 'test: live kill' })).toEqual({ sessions: 1, cancelled: 2 })
    await until(() => openAtVenue().length === 0, 'no open order left at the venue', 10_000)
    expect(venue.ledger().orders.find((o) => o.clientOrderId === 'web_person_1')?.status).toBe('CANCELED')
    await pushes.waitFor('session.state', (s) => s.sessionId === sessionId && s.tradingState === 'HALTED', beforeKill)
    await pushes.waitFor('orders', (o) => o.sessionId === sessionId && o.orders.length === 0, beforeKill)
    expect((await h['order.create']({ sessionId, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.01 })).denied).toMatch(/HALTED/)
    expect(venue.ledger().orders.filter((o) => o.status === 'NEW')).toEqual([])

    expect((await h['session.list']({})).sessions).toContainEqual({ sessionId, mode: 'live', status: 'running', datasetId: `live:binance:${SYMBOL}`, tradingState: 'HALTED' })
    expect(await h['replay.control']({ sessionId, action: 'stop' })).toEqual({ ok: true })
    const listed = (await h['journal.sessions']({})).sessions.find((s) => s.id === sessionId)!
    expect(listed).toMatchObject({ mode: 'live', status: 'completed', resumable: false })
  }, 40_000)

  it('the loss limit fires the kill switch on the first market event that marks the account past it', async () => {
    const { h, pushes } = live
    // no BTC before the order: the market's own moves must not reach the 3 USDT limit first
    venue.setBalance('BTC', 0)
    const since = pushes.mark()
    const { sessionId } = await h['live.start']({ profileId: PROFILE.id, symbol: SYMBOL, risk: { ...RISK, maxLoss: 3 }, confirmation: 'LIVE' })
    await pushes.waitFor('book', (b) => b.sessionId === sessionId && b.bids.length > 0, since)
    await pushes.waitFor('account', (a) => a.sessionId === sessionId && Number.isFinite(a.equity), since)
    // crossing the spread and paying the 0.1 % taker fee on ~5,000 USDT loses more than 3 USDT at once
    expect((await h['order.create']({ sessionId, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.1 })).denied).toBeNull()
    await pushes.waitFor('session.state', (s) => s.sessionId === sessionId && s.tradingState === 'HALTED', since, 15_000)
    await h['replay.control']({ sessionId, action: 'stop' })

    const events = journalOf(sessionId)
    const kill = events.findIndex((e) => e.type === 'TradingStateChanged' && e.by === 'risk-limit')
    expect(kill).toBeGreaterThan(0)
    // the same account and gate, fed the journal: the first breach is the event right before the kill
    const account = new LiveAccount('USDT', [{ symbol: SYMBOL, base: 'BTC', quote: 'USDT' } as never], new OrderTracker())
    const gate = new RiskGate({ maxLoss: 3 })
    let firstBreach = -1
    events.forEach((e, i) => {
      if (firstBreach >= 0) return
      if (e.type === 'BalanceUpdated') account.setBalance({ currency: e.currency, free: e.free, used: e.used, total: e.total })
      else if (e.type === 'book' && e.bids[0] && e.asks[0]) account.setMark(e.symbol, (e.bids[0][0] + e.asks[0][0]) / 2)
      else if (e.type === 'trade') account.setMark(e.symbol, e.price)
      else if (e.type === 'bar') account.setMark(e.symbol, e.close)
      else return
      if (['book', 'trade', 'bar'].includes(e.type) && gate.equityBreach(account.equity()) !== null) firstBreach = i
    })
    expect(firstBreach).toBe(kill - 1)
    // flattenOnKill false: no flattening order
    expect(events.some((e) => e.type === 'OrderSubmitted' && e.orderId.startsWith('kill-'))).toBe(false)
  }, 40_000)

  it('no key or secret appears in the journal file bytes, the logs, settings or any push', async () => {
    const files = filesUnder(live.dataFolder).filter((f) => !f.file.includes(`${join('keys', PROFILE.id)}.json`))
    expect(files.some((f) => f.file.endsWith('journal.sqlite'))).toBe(true)
    expect(files.some((f) => f.file.includes('logs'))).toBe(true)
    for (const { file, bytes } of files) {
      expect(bytes.includes(API_KEY), file).toBe(false)
      expect(bytes.includes(API_SECRET), file).toBe(false)
    }
    const pushed = JSON.stringify(live.pushes.all.map((r) => r.payload))
    expect(pushed.includes(API_KEY)).toBe(false)
    expect(pushed.includes(API_SECRET)).toBe(false)
    const status = JSON.stringify(await live.h['credentials.status']({ profileId: PROFILE.id }))
    expect(status.includes(API_KEY) || status.includes(API_SECRET)).toBe(false)
  })
})
