import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { journalSnapshot } from '../../src/main/adapters/ccxt/reconcile'
import { Journal } from '../../src/main/core/journal/journal'
import type { Reconciliation } from '../../src/shared/api'
import type { JournalEvent } from '../../src/shared/events'
import { API_KEY, API_SECRET, until, venueWith } from '../adapters/ccxt/harness'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { errorOf, WORKER_SCRIPT } from './harness'
import { buildChild, Child } from './fixtures/child-runner'
import { openLive, removeFolder, SYMBOL, writeKeyFile, type LiveHarness } from './fixtures/live-harness'

let venue: EmulatedVenue
let dataFolder: string
let live: LiveHarness | undefined
const ids = { paper: '', live: '' }
const cancelledElsewhere: string[] = []
let paperAtCrash: ReturnType<typeof journalSnapshot>

function events(sessionId: string): JournalEvent[] {
  const journal = Journal.open(join(dataFolder, 'journal.sqlite'), { readonly: true })
  try {
    expect(journal.verify(sessionId).ok).toBe(true)
    return [...journal.events(sessionId)].map((r) => r.payload as JournalEvent)
  } finally {
    journal.close()
  }
}

const venueOpen = () => venue.ledger().orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')
const venueTotal = (c: string) => {
  const b = venue.ledger().balances[c]
  return b === undefined ? 0 : b.free + b.locked
}

/**
 * The app (a child process) trades a paper and a live session and is killed with SIGKILL. While
 * it is down the venue changes: two of its resting orders are cancelled from elsewhere, a person
 * places an order and buys BTC on the same account, ETH is deposited. The next start resumes both.
 */
beforeAll(async () => {
  venue = await venueWith({ speed: 1, balances: { USDT: 100_000, BTC: 0.5 } })
  dataFolder = mkdtempSync(join(tmpdir(), 'theorycraft-resume-'))
  writeKeyFile(dataFolder)
  const child = new Child(await buildChild(), { dataFolder, venuePort: venue.port, workerScript: WORKER_SCRIPT, modes: ['paper', 'live'] })
  try {
    ids.paper = String((await child.waitFor((e) => e.ev === 'started' && e.mode === 'paper', 'the paper session')).sessionId)
    ids.live = String((await child.waitFor((e) => e.ev === 'started' && e.mode === 'live', 'the live session')).sessionId)
    child.send({ cmd: 'trade', seed: 7 })
    await until(() => child.acks.filter((a) => a.sessionId === ids.live).length >= 10 && venueOpen().length >= 3, 'orders resting at the venue', 20_000)
  } finally {
    await child.kill()
  }
  paperAtCrash = journalSnapshot(events(ids.paper))
  const liveAtCrash = journalSnapshot(events(ids.live))
  const raw = await binanceAgainst(venue, { apiKey: API_KEY, secret: API_SECRET })
  try {
    await raw.loadMarkets()
    for (const o of venueOpen()) {
      const journaled = liveAtCrash.orders.get(o.clientOrderId)
      if (journaled === undefined || cancelledElsewhere.length === 2) continue
      await raw.cancelOrder(undefined as unknown as string, SYMBOL, { clientOrderId: o.clientOrderId })
      cancelledElsewhere.push(o.clientOrderId)
    }
  } finally {
    await raw.close()
  }
  const bid = Number(venue.feedState().lastBookTicker!.b)
  venue.placeExternalOrder({ symbol: SYMBOL, side: 'buy', type: 'limit', amount: 0.01, price: Math.round(bid * 0.8), clientOrderId: 'web_person_1' })
  venue.placeExternalOrder({ symbol: SYMBOL, side: 'buy', type: 'market', amount: 0.01, clientOrderId: 'web_person_2' })
  venue.setBalance('ETH', 3)
  live = await openLive(venue, dataFolder)
}, 90_000)

afterAll(async () => {
  await live?.close()
  await venue?.close()
  removeFolder(dataFolder)
})

describe('session.resume after a SIGKILL: rebuild from the journal, reconcile with the venue, resolve', () => {
  it('lists both sessions as resumable and resumes the paper session exactly as journaled', async () => {
    const { h, pushes } = live!
    const listed = (await h['journal.sessions']({})).sessions
    expect(listed.filter((s) => s.resumable).map((s) => s.id).sort()).toEqual([ids.live, ids.paper].sort())
    expect(await errorOf(h['reconcile.get']({ sessionId: ids.paper }))).toMatchObject({ type: 'NotFound' })
    const since = pushes.mark()
    const { reconciliation } = await h['session.resume']({ sessionId: ids.paper })
    expect(reconciliation).toEqual({ sessionId: ids.paper, status: 'resolved', items: [], unchecked: [], errors: [] })
    expect(await errorOf(h['session.resume']({ sessionId: ids.paper }))).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('running') })
    // the simulated broker holds the journal's open orders, balances and positions again
    const open = [...paperAtCrash.orders.values()].filter((o) => !['filled', 'cancelled', 'rejected', 'expired'].includes(o.status))
    const orders = await pushes.waitFor('orders', (o) => o.sessionId === ids.paper, since)
    // the market goes on while the session resumes: an order missing from the first push has filled
    // since (its fill may come in a later push)
    const pushed = orders.orders.map((o) => [o.clientOrderId, o.filled]).sort()
    const expected = () => {
      const filledSince = new Set(pushes.of('fills', ids.paper).flatMap((f) => f.fills.map((x) => x.clientOrderId)))
      return open.filter((o) => !filledSince.has(o.clientOrderId) || orders.orders.some((x) => x.clientOrderId === o.clientOrderId)).map((o) => [o.clientOrderId, o.filled]).sort()
    }
    await until(() => JSON.stringify(expected()) === JSON.stringify(pushed), 'the first orders push to be the journal\'s open orders less those filled since', 5_000).catch(() => undefined)
    expect(pushed).toEqual(expected())
    const account = await pushes.waitFor('account', (a) => a.sessionId === ids.paper, since)
    for (const b of paperAtCrash.balances) expect(account.balances.find((x) => x.currency === b.currency)?.total).toBeCloseTo(b.total, 9)
    // and it goes on trading where it stopped
    const book = await pushes.waitFor('book', (b) => b.sessionId === ids.paper && b.asks.length > 0, since)
    const buy = await h['order.create']({ sessionId: ids.paper, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.001, price: Math.round(book.asks[0][0] * 1.01 * 100) / 100 })
    expect(buy.denied).toBeNull()
    await pushes.waitFor('fills', (f) => f.sessionId === ids.paper && f.fills.some((x) => x.clientOrderId === buy.clientOrderId), since)
    expect(paperAtCrash.orders.has(buy.clientOrderId)).toBe(false)
  }, 30_000)

  let reconciliation: Reconciliation
  it('resumes the live session HALTED with every difference the venue shows', async () => {
    const { h, pushes } = live!
    const since = pushes.mark()
    reconciliation = (await h['session.resume']({ sessionId: ids.live })).reconciliation
    expect(reconciliation).toMatchObject({ sessionId: ids.live, status: 'pending', unchecked: [], errors: [] })
    const items = reconciliation.items
    const of = (kind: string) => items.filter((i) => i.kind === kind)
    for (const cid of cancelledElsewhere) expect(of('order-missing-at-venue').some((i) => i.summary.includes(cid) && i.summary.includes('canceled at the venue'))).toBe(true)
    expect(cancelledElsewhere).toHaveLength(2)
    const person = of('unknown-order-at-venue').find((i) => i.summary.includes('web_person_1'))
    expect(person).toMatchObject({ proposed: 'ignore', options: ['adopt', 'cancel', 'ignore'], chosen: null })
    const personFill = of('fill-not-journaled').filter((i) => i.options.length === 1)
    expect(personFill.length).toBeGreaterThan(0)
    expect(personFill.every((i) => i.proposed === 'ignore')).toBe(true)
    expect(of('balance-mismatch').map((i) => i.subject)).toEqual(expect.arrayContaining(['BTC', 'USDT', 'ETH']))
    expect(of('position-mismatch').find((i) => i.subject === SYMBOL)).toMatchObject({ options: ['adopt', 'flatten', 'ignore'] })
    expect(items.map((i) => i.index)).toEqual(items.map((_, n) => n))

    await pushes.waitFor('reconciliation', (r) => r.sessionId === ids.live && r.status === 'pending', since)
    expect(await h['reconcile.get']({ sessionId: ids.live })).toEqual(reconciliation)
    expect((await h['session.list']({})).sessions.find((s) => s.sessionId === ids.live)?.tradingState).toBe('HALTED')
    expect((await h['order.create']({ sessionId: ids.live, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.001 })).denied).toMatch(/HALTED/)
  }, 30_000)

  it('refuses choices that are not offered, applies the rest, and trades again once everything has a choice; local state equals the venue', async () => {
    const { h, pushes } = live!
    const balanceItem = reconciliation.items.find((i) => i.kind === 'balance-mismatch')!
    expect(await errorOf(h['reconcile.resolve']({ sessionId: ids.live, choices: [{ index: balanceItem.index, action: 'flatten' }] }))).toMatchObject({ type: 'ValidationError', message: expect.stringContaining('options: adopt, ignore') })
    expect(await errorOf(h['reconcile.resolve']({ sessionId: ids.live, choices: [{ index: 999, action: 'ignore' }] }))).toMatchObject({ type: 'ValidationError' })

    // first the person's order: cancelled at the venue
    const person = reconciliation.items.find((i) => i.summary.includes('web_person_1'))!
    const partial = await h['reconcile.resolve']({ sessionId: ids.live, choices: [{ index: person.index, action: 'cancel' }] })
    expect(partial.status).toBe('pending')
    expect(partial.items[person.index].chosen).toBe('cancel')
    expect(venue.ledger().orders.find((o) => o.clientOrderId === 'web_person_1')?.status).toBe('CANCELED')
    expect((await h['session.list']({})).sessions.find((s) => s.sessionId === ids.live)?.tradingState).toBe('HALTED')

    // then the rest: the venue's word for orders, fills and balances; the position as it is at the venue
    const since = pushes.mark()
    const rest = partial.items.filter((i) => i.chosen === null).map((i) => ({ index: i.index, action: i.kind === 'position-mismatch' ? ('adopt' as const) : i.proposed }))
    const done = await h['reconcile.resolve']({ sessionId: ids.live, choices: rest })
    expect(done.errors).toEqual([])
    expect(done.status).toBe('resolved')
    expect(done.items.every((i) => i.chosen !== null)).toBe(true)
    await pushes.waitFor('reconciliation', (r) => r.sessionId === ids.live && r.status === 'resolved', since)
    await pushes.waitFor('session.state', (s) => s.sessionId === ids.live && s.tradingState === 'ACTIVE', since)

    // the local state is the venue's: open orders, balances, the position
    await until(() => {
      const orders = pushes.of('orders', ids.live).at(-1)?.orders ?? []
      return orders.map((o) => o.clientOrderId).sort().join() === venueOpen().map((o) => o.clientOrderId).sort().join()
    }, 'the open orders to match the venue', 30_000)
    await until(() => {
      const account = pushes.of('account', ids.live).at(-1)
      return account !== undefined && ['BTC', 'USDT', 'ETH'].every((c) => Math.abs((account.balances.find((b) => b.currency === c)?.total ?? NaN) - venueTotal(c)) < 1e-8)
    }, 'the balances to match the venue', 30_000)
    const account = pushes.of('account', ids.live).at(-1)!
    expect(account.positions.find((p) => p.symbol === SYMBOL)?.amount).toBeCloseTo(venueTotal('BTC'), 8)
    for (const cid of cancelledElsewhere) expect(pushes.of('orders', ids.live).at(-1)!.orders.some((o) => o.clientOrderId === cid)).toBe(false)

    // trading again: a new order reaches the venue under an id that was never used before the crash
    const buy = await h['order.create']({ sessionId: ids.live, symbol: SYMBOL, type: 'market', side: 'buy', amount: 0.001 })
    expect(buy.denied).toBeNull()
    await until(() => venue.ledger().orders.some((o) => o.clientOrderId === buy.clientOrderId && o.status === 'FILLED'), 'the new order filled at the venue', 30_000)
    expect(venue.ledger().orders.filter((o) => o.clientOrderId === buy.clientOrderId)).toHaveLength(1)
    const journal = events(ids.live)
    expect(journal.filter((e) => e.type === 'TradingStateChanged').slice(-2).map((e) => [(e as { state: string }).state, (e as { by: string }).by])).toEqual([
      ['HALTED', 'reconciliation'],
      ['ACTIVE', 'reconciliation']
    ])
  }, 90_000)
})
