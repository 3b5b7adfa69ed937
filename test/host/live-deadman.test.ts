import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Journal } from '../../src/main/core/journal/journal'
import type { JournalEvent } from '../../src/shared/events'
import { delay, until, venueWith } from '../adapters/ccxt/harness'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { NetCut, openLive, PROFILE, removeFolder, RISK, SYMBOL, type LiveHarness } from './fixtures/live-harness'

let venue: EmulatedVenue
let net: NetCut
let live: LiveHarness

beforeAll(async () => {
  venue = await venueWith({ speed: 2 })
  // every byte between the session and the venue goes through this proxy, which can cut the network
  net = new NetCut(venue)
  await net.listen()
  live = await openLive(net)
})

afterAll(async () => {
  await live?.close()
  await net?.close()
  await venue?.close()
  if (live) removeFolder(live.dataFolder)
})

describe('live: the dead-man switch', () => {
  it('a lost connection shorter than the limit changes nothing; longer, it halts and the venue orders are cancelled once the venue is reachable', async () => {
    const { h, pushes } = live
    const since = pushes.mark()
    const { sessionId } = await h['live.start']({ profileId: PROFILE.id, symbol: SYMBOL, risk: { ...RISK, deadManMs: 1500 }, confirmation: 'LIVE' })
    const book = await pushes.waitFor('book', (b) => b.sessionId === sessionId && b.bids.length > 0, since)
    const rest = await h['order.create']({ sessionId, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: Math.round(book.bids[0][0] * 0.9) })
    await until(() => venue.ledger().orders.some((o) => o.clientOrderId === rest.clientOrderId && o.status === 'NEW'), 'the order resting at the venue')
    const state = async () => (await h['session.list']({})).sessions.find((s) => s.sessionId === sessionId)!.tradingState

    // a blip: 600 ms without the venue
    net.cut()
    await delay(600)
    net.restore()
    await pushes.waitFor('logs', (l) => l.sessionId === sessionId && l.lines.some((x) => x.message.includes('market data ok')), pushes.mark(), 15_000)
    expect(await state()).toBe('ACTIVE')

    // an outage: the dead-man fires after 1.5 s of it, while the venue is still unreachable
    const cutAt = Date.now()
    net.cut()
    await until(() => live.ws !== undefined && pushes.all.some((r) => r.topic === 'session.state' && (r.payload as { sessionId: string; tradingState: string }).sessionId === sessionId && (r.payload as { tradingState: string }).tradingState === 'HALTED'), 'the dead-man to halt the session', 10_000)
    const firedAfter = Date.now() - cutAt
    expect(firedAfter).toBeGreaterThanOrEqual(1500)
    expect(venue.ledger().orders.find((o) => o.clientOrderId === rest.clientOrderId)?.status).toBe('NEW')
    net.restore()
    await until(() => venue.ledger().orders.find((o) => o.clientOrderId === rest.clientOrderId)?.status === 'CANCELED', 'the order cancelled at the venue', 15_000)
    // the venue records the cancel before its answer reaches the session: wait for the session to know
    const lastOrders = () =>
      pushes.all.filter((r) => r.topic === 'orders' && (r.payload as { sessionId: string }).sessionId === sessionId).at(-1)?.payload as { orders: { clientOrderId: string }[] } | undefined
    await until(() => lastOrders() !== undefined && !lastOrders()!.orders.some((o) => o.clientOrderId === rest.clientOrderId), 'the session to see the cancel', 15_000)
    expect((await h['order.create']({ sessionId, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.01 })).denied).toMatch(/HALTED/)
    await h['replay.control']({ sessionId, action: 'stop' })

    const journal = Journal.open(join(live.dataFolder, 'journal.sqlite'), { readonly: true })
    try {
      const events = [...journal.events(sessionId)].map((r) => r.payload as JournalEvent)
      const halts = events.filter((e) => e.type === 'TradingStateChanged' && e.state === 'HALTED')
      expect(halts).toHaveLength(1)
      expect(halts[0]).toMatchObject({ by: 'dead-man', reason: expect.stringMatching(/connection has been lost for \d+ ms .* limit 1500 ms/) })
      expect(events.some((e) => e.type === 'OrderCancelled' && e.clientOrderId === rest.clientOrderId)).toBe(true)
    } finally {
      journal.close()
    }
  }, 45_000)
})
