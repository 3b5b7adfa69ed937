import { afterAll, describe, expect, it } from 'vitest'
import type { FillEvent } from '../../../src/shared/broker-events'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'
import { liveSession, type LiveSession } from './session'

/**
 * Soak: 10,000 order submissions through the Kernel and the VenueBroker over the real ccxt
 * client, of which exactly one in five (a seeded one in every five consecutive placements) takes
 * effect at the venue but leaves the client in the dark: half of those answer later than ccxt's
 * timeout (RequestTimeout), half with a 503 "execution status unknown" (-1007). Two sessions share
 * the account, 5,000 submissions each, as two installations would: one with the private streams
 * (an ambiguous order is usually resolved by the venue's own execution report of our client id),
 * one without them (resolved only by querying the venue for that client id). ccxt's timeout is
 * 2 s and the slow answers come after 2.5 s, so the soak runs in well under three minutes.
 * Everything shares one process, so under load an ordinary answer can miss the timeout too, or a
 * request can be held up so long on the client that ccxt gives up before it is even sent: such
 * submissions are just as ambiguous, and are held to the same rules (one order per client id,
 * sent again only once the venue can no longer accept the first request and still does not know
 * the order).
 *
 * Orders, in turn: a market buy, an IOC limit far below the market (expires at once), a market
 * sell, a GTC limit far below the market (cancelled as soon as it is known to rest). At most
 * IN_FLIGHT orders per session are not yet final at a time.
 */

const SYMBOL = 'BTC/USDT'
const PER_SESSION = 5000
const IN_FLIGHT = 20
const TIMEOUT_MS = 2000
const SLOW_MS = 2500

let venue: EmulatedVenue | undefined
const sessions: LiveSession[] = []

afterAll(async () => {
  for (const s of sessions) await s.close()
  await venue?.close()
})

const FINAL = new Set(['filled', 'cancelled', 'expired', 'rejected'])
/** the venue's final statuses as the broker's order views name them */
const LOCAL_STATUS: Record<string, string> = { FILLED: 'filled', CANCELED: 'cancelled', EXPIRED: 'expired' }

async function run(s: LiveSession, prefix: string, bid: number): Promise<string[]> {
  const cids: string[] = []
  const resting = new Set<string>()
  let next = 0
  const open = (): number => {
    let n = 0
    for (let i = cids.length - 1; i >= 0 && i >= cids.length - 4 * IN_FLIGHT; i--) if (!FINAL.has(s.broker.account.order(cids[i])?.status ?? '')) n++
    return n
  }
  while (next < PER_SESSION || open() > 0) {
    for (const cid of resting) {
      if (s.broker.account.order(cid)?.status !== 'accepted') continue
      resting.delete(cid)
      s.kernel.cancelOrder(cid)
    }
    let room = IN_FLIGHT - open()
    while (room-- > 0 && next < PER_SESSION) {
      const cid = `${prefix}-${String(next).padStart(5, '0')}`
      const kind = next++ % 4
      const r =
        kind === 0
          ? s.kernel.submitManualOrder(SYMBOL, 'market', 'buy', 0.0002, undefined, { clientOrderId: cid })
          : kind === 1
            ? s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.0002, Math.round(bid * 0.9), { clientOrderId: cid, timeInForce: 'IOC' })
            : kind === 2
              ? s.kernel.submitManualOrder(SYMBOL, 'market', 'sell', 0.0002, undefined, { clientOrderId: cid })
              : s.kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.0002, Math.round(bid * 0.8), { clientOrderId: cid, timeInForce: 'GTC' })
      expect(r.denied).toBeNull()
      cids.push(cid)
      if (kind === 3) resting.add(cid)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return cids
}

describe('idempotency soak: 20% of 10,000 submissions are ambiguous after the venue accepted them', () => {
  it(
    'leaves exactly one venue order per client order id and resolves every ambiguous submission to the venue\'s state',
    async () => {
      // the replay stays paused: the book is the capture's snapshot, fixed
      venue = await venueWith({ paused: true, balances: { USDT: 10_000_000, BTC: 100 } })
      const streamed = await liveSession(venue, { pollIntervalMs: 500 })
      const queried = await liveSession(venue, { pollIntervalMs: 500, useStreams: false })
      sessions.push(streamed, queried)
      for (const s of sessions) {
        s.ex.timeout = TIMEOUT_MS
        s.broker.start()
      }
      await until(() => sessions.every((s) => s.broker.account.knows('USDT')), 'balances in both accounts')
      const bid = (await streamed.ex.fetchOrderBook(SYMBOL, 5)).bids[0][0] as number
      venue.inject({ kind: 'ambiguous-orders', fraction: 0.2, seed: 2024, slowMs: SLOW_MS })

      const t0 = Date.now()
      const [a, b] = await Promise.all([run(streamed, 'S', bid), run(queried, 'Q', bid)])
      await until(() => sessions.every((s) => s.broker.unresolved().length === 0 && s.broker.queued === 0), 'quiet brokers', 10_000)
      const wallMs = Date.now() - t0

      const posts = venue.requests().filter((r) => r.transport === 'rest' && r.method === 'POST' && r.path === '/api/v3/order')
      const slow = posts.filter((r) => r.fault === 'slow')
      const failed = posts.filter((r) => r.fault === '5xx')
      const ledger = venue.ledger()
      const byCid = new Map<string, number>()
      for (const o of ledger.orders) byCid.set(o.clientOrderId, (byCid.get(o.clientOrderId) ?? 0) + 1)

      // exactly 10,000 submissions, one in five made ambiguous by the venue
      expect(a.length + b.length).toBe(2 * PER_SESSION)
      expect(slow.length + failed.length).toBe((2 * PER_SESSION) / 5)
      expect(slow.length).toBeGreaterThan(0.4 * (slow.length + failed.length))
      expect(failed.length).toBeGreaterThan(0.4 * (slow.length + failed.length))
      // no duplicate at the venue: one order per client order id, 10,000 in all
      expect(ledger.orders).toHaveLength(2 * PER_SESSION)
      expect([...byCid.values()].every((n) => n === 1)).toBe(true)
      expect(new Set([...a, ...b])).toEqual(new Set(byCid.keys()))

      // every ambiguous submission resolved: each one the venue made ambiguous was taken for
      // unknown and resolved; an order was sent again only when its first request never reached
      // the venue (every client id has exactly one POST that the venue processed as an order)
      // (a first request that turns up after that is refused by the venue as outside its recvWindow)
      const processed = posts.filter((r) => r.status === 200 || r.errorCode === -1007)
      const postsOf = new Map<string, number>()
      for (const r of processed) postsOf.set(r.params.newClientOrderId, (postsOf.get(r.params.newClientOrderId) ?? 0) + 1)
      expect([...postsOf.values()].every((n) => n === 1)).toBe(true)
      expect(processed).toHaveLength(2 * PER_SESSION)
      let ambiguousTotal = 0
      let resentTotal = 0
      for (const [s, prefix] of [[streamed, 'S'], [queried, 'Q']] as const) {
        const unknown = new Set(s.logs.map((l) => /order ([SQ]-\d+) is unknown after/.exec(l)?.[1]).filter((cid) => cid !== undefined))
        const faulted = posts.filter((r) => r.fault !== undefined && r.params.newClientOrderId.startsWith(`${prefix}-`)).map((r) => r.params.newClientOrderId)
        for (const cid of faulted) expect(unknown.has(cid), cid).toBe(true)
        expect(s.broker.counters.ambiguous).toBeGreaterThanOrEqual(faulted.length)
        expect(s.broker.unresolved()).toEqual([])
        ambiguousTotal += s.broker.counters.ambiguous
        resentTotal += s.broker.counters.resent
      }
      // without streams, each ambiguous order was found by querying its client order id
      const queriedAmbiguous = queried.logs.map((l) => /order (Q-\d+) is unknown after/.exec(l)?.[1]).filter((cid) => cid !== undefined)
      const queries = new Set(venue.requests().filter((r) => r.method === 'GET' && r.path === '/api/v3/order').map((r) => r.params.origClientOrderId))
      for (const cid of queriedAmbiguous) expect(queries.has(cid), cid).toBe(true)

      // every submission ended in a definite local state that is the venue's, fills included
      const orderOf = new Map(ledger.orders.map((o) => [o.clientOrderId, o]))
      for (const [s, cids] of [[streamed, a], [queried, b]] as const) {
        const fills = new Map<string, number>()
        for (const e of s.journal) if (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') fills.set((e as FillEvent).clientOrderId, (fills.get((e as FillEvent).clientOrderId) ?? 0) + 1)
        for (const cid of cids) {
          const venueOrder = orderOf.get(cid)!
          const view = s.broker.account.order(cid)!
          expect(view.status, cid).toBe(LOCAL_STATUS[venueOrder.status])
          expect(view.filled, cid).toBeCloseTo(venueOrder.executedQty, 10)
        }
        const venueFills = ledger.fills.filter((f) => f.clientOrderId.startsWith(cids[0].slice(0, 2)))
        expect([...fills.values()].reduce((x, y) => x + y, 0)).toBe(venueFills.length)
      }
      expect(new Set(ledger.orders.map((o) => o.status))).toEqual(new Set(['FILLED', 'EXPIRED', 'CANCELED']))

      console.log(
        `idempotency soak: ${posts.length} submissions in ${wallMs / 1000} s; ambiguous ${slow.length + failed.length} (${slow.length} timed out, ${failed.length} 5XX), ` +
          `submissions taken for unknown and resolved: ${streamed.broker.counters.ambiguous} with streams + ${queried.broker.counters.ambiguous} by query (${ambiguousTotal - slow.length - failed.length} beyond the injected ones), ` +
          `sent again after the first request never arrived: ${resentTotal}; ` +
          `venue orders ${ledger.orders.length} for ${byCid.size} client ids; fills ${ledger.fills.length}`
      )
    },
    240_000
  )
})
