import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrokerSettings } from '../../../src/shared/api'
import type { ParamValues } from '../../../src/shared/engine-params'
import type { Market } from '../../../src/shared/market'
import type { OrderRequest } from '../../../src/shared/events'
import { Journal } from '../../../src/main/core/journal/journal'
import { replayJournaledSession } from '../../../src/main/host/journal-replay'
import { PaperSession, type PaperExchange } from '../../../src/main/host/paper-session'
import { delay, until, venueWith } from '../../adapters/ccxt/harness'
import { binanceAgainst } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'

const SYMBOL = 'BTC/USDT'
const BROKER: BrokerSettings = { cash: 100_000, takerFee: 0.001, makerFee: 0.001, fixedFee: 0, slippageBps: 2, latencyMs: 0, accountType: 'spot', leverage: 1 }
const MARGIN: BrokerSettings = { ...BROKER, accountType: 'margin', leverage: 3 }

const FLIPPER = join(__dirname, 'fixtures/trade-flipper.ts')
const QUOTER = join(__dirname, 'fixtures/book-quoter.ts')
/** how much of the capture the sessions trade on */
const FEED_SHARE = 0.65

type ManualOrder = { after: number; type: 'market' | 'limit' | 'stop-market'; side: 'buy' | 'sell'; amount: number; away?: number }

interface Run {
  engine: string
  params: ParamValues
  broker?: BrokerSettings
  /** least engine orders the session must place */
  min: number
  /** the user pauses the engine once it has sent `after` orders and cancels, and resumes it `events` kernel events later */
  pause?: { after: number; events: number }
  /** the user's order ticket, used once the engine has sent `after` orders and cancels; `away`: price this fraction from the mark */
  manual?: ManualOrder[]
  /** the user presses the kill switch once the engine has sent `after` orders and cancels (and, to flatten, holds a position) */
  kill?: { after: number; flatten: boolean }
}

/**
 * Twenty paper sessions, each exercising something else: the built-in grid and breakout engines
 * on 1m bars (the capture holds a few minutes of them), a test engine that trades on live trades
 * with every order type, and one that quotes the live book on timers and answers its fills;
 * latency, slippage, fees, margin and shorting, equity-sized entries, post-only limits; the
 * user's pause and resume, manual orders and the kill switch in the middle of a session.
 * (Partial fills are not in the paper broker settings, so paper sessions fill whole orders.)
 */
const RUNS: Run[] = [
  { engine: 'grid', params: { levels: 10, spacing: 0.0001, amount: 0.01 }, min: 21 },
  { engine: 'breakout', params: { entry: 1, exit: 1, mode: 'long-short' }, broker: { ...MARGIN, latencyMs: 250 }, min: 4 },
  { engine: FLIPPER, params: { every: 40 }, min: 100 },
  { engine: FLIPPER, params: { every: 20 }, pause: { after: 20, events: 300 }, min: 100 },
  { engine: FLIPPER, params: { every: 25, kind: 'limit' }, min: 80 },
  { engine: FLIPPER, params: { every: 30, kind: 'random' }, broker: { ...BROKER, latencyMs: 100, slippageBps: 0 }, min: 60 },
  { engine: FLIPPER, params: { every: 15, size: 0.05 }, broker: { ...MARGIN, leverage: 2 }, min: 200 },
  { engine: FLIPPER, params: { every: 10, kind: 'limit', offset: 0.00005 }, broker: { ...BROKER, latencyMs: 50 }, min: 120 },
  { engine: FLIPPER, params: { every: 7, size: 0.001 }, broker: { ...BROKER, takerFee: 0, makerFee: 0, slippageBps: 10 }, min: 500 },
  { engine: FLIPPER, params: { every: 15, kind: 'stop', offset: 0.00003 }, min: 100 },
  { engine: FLIPPER, params: { every: 20, kind: 'stop-limit', offset: 0.00003 }, broker: { ...BROKER, latencyMs: 100 }, min: 70 },
  { engine: FLIPPER, params: { every: 12, short: true, size: 0.2 }, broker: MARGIN, min: 200 },
  { engine: FLIPPER, params: { every: 25, fraction: 0.1 }, broker: { ...BROKER, fixedFee: 0.5 }, min: 100 },
  { engine: FLIPPER, params: { every: 9, kind: 'random', postOnly: true, offset: 0.00002 }, broker: { ...BROKER, makerFee: 0, takerFee: 0.002, slippageBps: 5, latencyMs: 20 }, min: 150 },
  { engine: FLIPPER, params: { every: 11, kind: 'market' }, broker: { ...BROKER, latencyMs: 1_000 }, min: 90 },
  {
    engine: FLIPPER,
    params: { every: 13 },
    min: 100,
    manual: [
      { after: 10, type: 'market', side: 'buy', amount: 0.03 },
      { after: 40, type: 'limit', side: 'buy', amount: 0.02, away: -0.05 },
      { after: 60, type: 'market', side: 'buy', amount: 0.01 },
      { after: 90, type: 'stop-market', side: 'buy', amount: 0.01, away: 0.1 }
    ]
  },
  { engine: FLIPPER, params: { every: 10, kind: 'limit' }, broker: { ...BROKER, latencyMs: 50 }, kill: { after: 300, flatten: true }, min: 80 },
  {
    engine: FLIPPER,
    params: { every: 14, short: true, kind: 'random' },
    broker: { ...MARGIN, latencyMs: 30 },
    min: 80,
    pause: { after: 30, events: 500 },
    manual: [
      { after: 20, type: 'market', side: 'sell', amount: 0.05 },
      { after: 70, type: 'market', side: 'buy', amount: 0.02 }
    ],
    kill: { after: 250, flatten: false }
  },
  { engine: QUOTER, params: { everyMs: 1_500, size: 0.01 }, min: 30 },
  { engine: QUOTER, params: { everyMs: 1_000, size: 0.02, offset: 0.00001 }, broker: { ...MARGIN, latencyMs: 100 }, manual: [{ after: 10, type: 'market', side: 'buy', amount: 0.04 }], kill: { after: 60, flatten: true }, min: 25 }
]

/** What the test did to each session while it ran, in order. */
interface Done {
  pausedAt?: number
  resumed?: boolean
  manual: { clientOrderId: string; denied: string | null }[]
  killed?: boolean
}

let venue: EmulatedVenue
let dir: string
const sessions: { id: string; path: string; run: Run; done: Done }[] = []

function drive(session: PaperSession, run: Run, done: Done): void {
  if (done.killed) return
  const engine = session.kernel.engines()[0]
  const sent = engine.ordersOut
  if (run.pause && done.pausedAt === undefined && sent >= run.pause.after) {
    session.engineControl({ engineId: engine.id, action: 'pause' })
    done.pausedAt = session.kernel.seq
  } else if (run.pause && done.pausedAt !== undefined && !done.resumed && session.kernel.seq >= done.pausedAt + run.pause.events) {
    session.engineControl({ engineId: engine.id, action: 'resume' })
    done.resumed = true
  }
  const next = run.manual?.[done.manual.length]
  if (next && sent >= next.after) {
    const mark = session.kernel.broker.account.position(SYMBOL).markPrice
    const price = next.away === undefined ? undefined : Math.round(mark * (1 + next.away) * 100) / 100
    done.manual.push(
      session.createOrder({ symbol: SYMBOL, type: next.type, side: next.side, amount: next.amount, ...(next.type === 'limit' ? { price } : next.type === 'stop-market' ? { stopPrice: price } : {}) })
    )
  }
  // the kill switch comes after the run's other actions: it halts the engine for good
  const othersDone = (run.manual?.length ?? 0) === done.manual.length && (!run.pause || done.resumed)
  // one that flattens waits for a position to close
  const holding = session.kernel.broker.account.position(SYMBOL).amount !== 0
  if (run.kill && othersDone && sent >= run.kill.after && (holding || !run.kill.flatten)) {
    session.killSwitch({ flatten: run.kill.flatten, reason: 'parity test', by: 'user', pressedAt: Date.now() })
    done.killed = true
  }
}

beforeAll(async () => {
  // as fast as the sessions read: the capture's minutes pass in well under a second each
  venue = await venueWith({ speed: 0 })
  dir = mkdtempSync(join(tmpdir(), 'theorycraft-replay-paper-'))
  const open = await Promise.all(
    RUNS.map(async (run, i) => {
      const path = join(dir, `paper-${i}.sqlite`)
      const exchange = (await binanceAgainst(venue)) as unknown as PaperExchange
      const session = await PaperSession.open(
        { sessionId: `paper-${i}`, venue: 'binance', symbol: SYMBOL, engine: run.engine, params: run.params, broker: run.broker ?? BROKER, journalPath: path },
        exchange,
        () => undefined
      )
      return { session, path, run, done: { manual: [] } as Done }
    })
  )
  try {
    // until the venue has replayed most of the capture (the rest would add time, not new cases)
    await until(() => {
      for (const { session, run, done } of open) drive(session, run, done)
      const feed = venue.feedState()
      return feed.position >= FEED_SHARE * feed.total
    }, 'the capture replayed', 75_000)
    venue.pauseFeed()
    // then until no session has taken an event for half a second
    for (let last = ''; ; ) {
      await delay(500)
      const now = open.map(({ session }) => session.kernel.seq).join()
      if (now === last) break
      last = now
    }
  } finally {
    for (const { session, path, run, done } of open) {
      await session.stop()
      sessions.push({ id: session.sessionId, path, run, done })
    }
  }
}, 90_000)

afterAll(async () => {
  await venue?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('replay parity: paper sessions on the emulated Binance venue', () => {
  it('replays every paper session to the same orders, from its journal and stored config alone', async () => {
    expect(sessions).toHaveLength(20)
    // the test did to every session what its run asks for, while the session was running
    for (const s of sessions) {
      expect(s.done.manual.map((m) => m.denied)).toEqual((s.run.manual ?? []).map(() => null))
      expect(s.done.resumed ?? false).toBe(s.run.pause !== undefined)
      expect(s.done.killed ?? false).toBe(s.run.kill !== undefined)
    }
    let total = 0
    for (const s of sessions) {
      const journal = Journal.open(s.path, { readonly: true })
      let engineFills: number
      let controls: string[]
      let manual: OrderRequest[]
      let halted: unknown[]
      let submitted: number
      let marketEvents: number
      try {
        const config = journal.getSession(s.id)!.config as { engine: string; params: ParamValues; broker: BrokerSettings; markets: Market[]; seed: number; risk: object }
        expect(config).toMatchObject({ engine: s.run.engine, params: s.run.params, broker: s.run.broker ?? BROKER, seed: 1, risk: {} })
        expect(config.markets.map((m) => m.symbol)).toEqual([SYMBOL])
        const events = (types: string[]) => [...journal.events(s.id, { types })].map((r) => r.payload)
        const orders = events(['OrderSubmitted']).map((p) => (p as { order: OrderRequest }).order)
        submitted = orders.length
        manual = orders.filter((o) => o.owner === 'manual')
        engineFills = events(['OrderFilled', 'OrderPartiallyFilled']).filter((p) => (p as { owner: string }).owner !== 'manual').length
        controls = events(['EngineStateChanged']).map((p) => (p as { reason: string }).reason)
        halted = events(['TradingStateChanged'])
        marketEvents = events(['trade', 'book', 'bar', 'status']).length
      } finally {
        journal.close()
      }
      // the journal holds what the user did, where it happened
      const expected = ['added']
      if (s.run.pause) expected.push('paused by user', 'resumed by user')
      if (s.run.kill) expected.push('kill switch: parity test (pressed at *)')
      expect(controls.map((c) => c.replace(/\(pressed at .*\)/, '(pressed at *)'))).toEqual(expected)
      expect(halted).toHaveLength(s.run.kill ? 1 : 0)
      expect(manual.filter((o) => o.clientOrderId.startsWith('manual-')).map((o) => [o.clientOrderId, o.type, o.side, o.amount])).toEqual(
        (s.run.manual ?? []).map((m, i) => [s.done.manual[i].clientOrderId, m.type, m.side, m.amount])
      )
      const flattened = manual.filter((o) => o.clientOrderId.startsWith('kill-'))
      expect(flattened.length > 0, s.id).toBe(s.run.kill?.flatten ?? false)

      const { result } = await replayJournaledSession(s.path, s.id)
      const { recorded, orders, comparison } = result
      expect.soft(comparison, s.id).toMatchObject({ identical: true, different: 0, missing: 0, extra: 0, firstDivergence: null, notCompared: manual.length, marketEvents })
      expect.soft(orders, s.id).toEqual(recorded)
      expect(recorded).toHaveLength(submitted - manual.length)
      // each session traded for real: enough engine orders, and fills for them
      expect.soft(recorded.length, s.id).toBeGreaterThanOrEqual(s.run.min)
      expect.soft(engineFills, s.id).toBeGreaterThan(0)
      total += recorded.length
    }
    expect(total).toBeGreaterThan(3_000)
  })
})
