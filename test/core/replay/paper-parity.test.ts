import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrokerSettings } from '../../../src/shared/api'
import { resolveParams, type ParamValues } from '../../../src/shared/engine-params'
import type { Market } from '../../../src/shared/market'
import { Journal } from '../../../src/main/core/journal/journal'
import { replaySession } from '../../../src/main/core/replay/replay'
import { brokerConfig } from '../../../src/main/host/broker-settings'
import { loadEngine } from '../../../src/main/host/engine-loader'
import { PaperSession, type PaperExchange } from '../../../src/main/host/paper-session'
import { delay, until, venueWith } from '../../adapters/ccxt/harness'
import { binanceAgainst } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'

const SYMBOL = 'BTC/USDT'
const BROKER: BrokerSettings = { cash: 100_000, takerFee: 0.001, makerFee: 0.001, fixedFee: 0, slippageBps: 2, latencyMs: 0, accountType: 'spot', leverage: 1 }

const FLIPPER = join(__dirname, 'fixtures/trade-flipper.ts')

/**
 * Paper sessions with built-in engines on 1m bars (the capture holds a few minutes, so they
 * trade little) and a test engine that trades on live trades with market and limit orders.
 */
const RUNS: { engine: string; params: ParamValues; broker?: BrokerSettings; pauseAfter?: number }[] = [
  { engine: 'sma-cross', params: { fast: 1, slow: 2 } },
  { engine: 'grid', params: { levels: 3, spacing: 0.0003, amount: 0.01 } },
  { engine: 'breakout', params: { entry: 1, exit: 1 }, broker: { ...BROKER, latencyMs: 250 } },
  { engine: FLIPPER, params: { every: 40 } },
  // the user pauses this one after 20 orders and resumes it 300 events later
  { engine: FLIPPER, params: { every: 20 }, pauseAfter: 20 },
  { engine: FLIPPER, params: { every: 25, offset: 0.0001 } },
  { engine: FLIPPER, params: { every: 30, randomize: true }, broker: { ...BROKER, latencyMs: 100, slippageBps: 0 } },
  { engine: FLIPPER, params: { every: 15, size: 0.05 }, broker: { ...BROKER, accountType: 'margin', leverage: 2 } },
  { engine: 'sma-cross', params: { fast: 1, slow: 3, mode: 'long-short' }, broker: { ...BROKER, accountType: 'margin' } },
  { engine: 'rsi-reversion', params: { period: 2, oversold: 45, overbought: 55, exit: 50 } },
  { engine: FLIPPER, params: { every: 10, offset: 0.00005 }, broker: { ...BROKER, latencyMs: 50 } },
  { engine: FLIPPER, params: { every: 7, size: 0.001 }, broker: { ...BROKER, takerFee: 0, makerFee: 0, slippageBps: 10 } }
]

let venue: EmulatedVenue
let dir: string
const sessions: { id: string; path: string; run: (typeof RUNS)[number]; orders: number }[] = []

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
      return { session, path, run }
    })
  )
  try {
    // until the venue has replayed the whole capture and every session has seen the last of it
    const paused = new Map<number, number>()
    const resumed = new Set<number>()
    await until(() => {
      open.forEach(({ session, run }, i) => {
        if (run.pauseAfter === undefined || resumed.has(i)) return
        const engine = session.kernel.engines()[0]
        if (!paused.has(i) && engine.ordersOut >= run.pauseAfter) {
          session.engineControl({ engineId: engine.id, action: 'pause' })
          paused.set(i, session.kernel.seq)
        } else if (paused.has(i) && session.kernel.seq >= paused.get(i)! + 300) {
          session.engineControl({ engineId: engine.id, action: 'resume' })
          resumed.add(i)
        }
      })
      return venue.feedState().done
    }, 'the end of the capture', 40_000)
    expect(resumed.size).toBe(1)
    // then until no session has taken an event for half a second
    for (let last = ''; ; ) {
      await delay(500)
      const now = open.map(({ session }) => session.kernel.seq).join()
      if (now === last) break
      last = now
    }
  } finally {
    for (const { session, path, run } of open) {
      await session.stop()
      sessions.push({ id: session.sessionId, path, run, orders: session.kernel.engines()[0].ordersOut })
    }
  }
}, 60_000)

afterAll(async () => {
  await venue?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('replay parity: paper sessions on the emulated Binance venue', () => {
  it('replays every paper session to the same orders, from its journal and stored config alone', async () => {
    expect(sessions).toHaveLength(RUNS.length)
    let total = 0
    for (const s of sessions) {
      const journal = Journal.open(s.path, { readonly: true })
      try {
        const info = journal.getSession(s.id)!
        const config = info.config as { engine: string; params: ParamValues; broker: BrokerSettings; markets: Market[]; seed: number; risk: object }
        expect(config).toMatchObject({ engine: s.run.engine, params: s.run.params, seed: 1, risk: {} })
        expect(config.markets.map((m) => m.symbol)).toEqual([SYMBOL])
        const definition = await loadEngine(config.engine)
        const { recorded, orders, comparison } = replaySession(journal.events(s.id), {
          engines: [{ id: definition.name, definition, values: resolveParams(definition.params, config.params) }],
          broker: brokerConfig(config.broker, config.markets[0]),
          markets: config.markets,
          seed: config.seed
        })
        const journaled = [...journal.events(s.id, { types: ['OrderSubmitted'] })]
        if (s.run.pauseAfter !== undefined) {
          const controls = [...journal.events(s.id, { types: ['EngineStateChanged'] })].map((r) => (r.payload as { reason: string }).reason)
          expect(controls).toEqual(['added', 'paused by user', 'resumed by user'])
        }
        expect(recorded).toHaveLength(journaled.length)
        // the built-in engines trade on a handful of 1m bars here, and may not trade at all
        if (s.run.engine === FLIPPER) expect(recorded.length).toBeGreaterThan(10)
        total += recorded.length
        expect(comparison).toMatchObject({ identical: true, different: 0, missing: 0, extra: 0, firstDivergence: null, notCompared: 0 })
        expect(orders).toEqual(recorded)
        expect(comparison.marketEvents).toBe([...journal.events(s.id, { types: ['trade', 'book', 'bar', 'status'] })].length)
      } finally {
        journal.close()
      }
    }
    expect(total).toBeGreaterThan(500)
  })
})
