import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BrokerSettings } from '../../../src/shared/api'
import { resolveParams } from '../../../src/shared/engine-params'
import type { JournalEvent, Market, OrderRequest } from '../../../src/shared/events'
import { loadMarkets, marketsFromCcxt } from '../../../src/main/adapters/ccxt/exchange'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import type { WatchApi } from '../../../src/main/adapters/ccxt/venue-api'
import { runBacktest } from '../../../src/main/core/backtest/run-backtest'
import { Journal } from '../../../src/main/core/journal/journal'
import { brokerConfig } from '../../../src/main/host/broker-settings'
import { loadEngine } from '../../../src/main/host/engine-loader'
import { PaperSession, type PaperExchange } from '../../../src/main/host/paper-session'
import { loadCapture } from '../../venue/capture-timeline'
import { binanceAgainst } from '../../venue/ccxt-loopback'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { CAPTURE, delay, until, venueWith } from './harness'
import { liveSession, type LiveSession } from './session'

const SYMBOL = 'BTC/USDT'
/** One user engine file, for all three modes. */
const ENGINE = join(__dirname, 'fixtures/trend-dipper.ts')
const PARAMS = { every: 40, window: 20, size: 0.01, offset: 0.0002 }
const BROKER: BrokerSettings = { cash: 100_000, takerFee: 0.001, makerFee: 0.001, fixedFee: 0, slippageBps: 0, latencyMs: 0, accountType: 'spot', leverage: 1 }

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const HASH = sha256(ENGINE)

/** What one mode's journal shows of the engine: its decisions, orders and fills. */
interface Outcome {
  hash: string
  decisions: { n: number; action: string }[]
  orders: OrderRequest[]
  fills: number
  fillLogs: number
}

type Logged = Pick<JournalEvent, 'type'> & Record<string, unknown>

const venues: EmulatedVenue[] = []
const dirs: string[] = []
let live: LiveSession | undefined
let source: LiveMarketSource | undefined

afterAll(async () => {
  await source?.stop()
  await live?.close()
  for (const v of venues) await v.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function venueMarkets(venue: EmulatedVenue): Promise<Market[]> {
  const ex = await binanceAgainst(venue)
  try {
    return marketsFromCcxt(await loadMarkets(ex as unknown as PaperExchange), 'binance').filter((m) => m.symbol === SYMBOL)
  } finally {
    await ex.close()
  }
}

/**
 * Reads one mode's journal (market events included, in seq order) and checks the engine's rules
 * against it: every decision is taken on the trade just journaled, at every `every`-th trade, with
 * that trade's price and the average of the last `window` trade prices as it logged them; the
 * action it logged is the one its rules give for the logged inputs; and the order that follows
 * is that action's order.
 */
function followRules(events: readonly Logged[], engineId: string, mode: string): Omit<Outcome, 'hash'> {
  const prices: number[] = []
  const decisions: Outcome['decisions'] = []
  const orders: OrderRequest[] = []
  let expected: Partial<OrderRequest> | null = null
  let fills = 0
  let fillLogs = 0
  for (const e of events) {
    if (e.type === 'trade' && e.symbol === SYMBOL) prices.push(e.price as number)
    else if (e.type === 'EngineLogged' && e.engineId === engineId) {
      const message = e.message as string
      if (message.startsWith('fill ')) {
        fillLogs++
        continue
      }
      const m = /^decision n=(\d+) price=(\S+) sma=(\S+) lots=(\S+) open=(\d+) action=(\S+)$/.exec(message)
      expect(m, `${mode}: ${message}`).not.toBeNull()
      const [n, price, sma, lots, open] = m!.slice(1, 6).map(Number)
      const action = m![6]
      expect(expected, `${mode}: the order of the decision before n=${n}`).toBeNull()
      expect(n, `${mode}: decision on the trade just seen`).toBe(prices.length)
      expect(n % PARAMS.every, mode).toBe(0)
      expect(price, mode).toBe(prices[n - 1])
      const window = prices.slice(n - PARAMS.window, n)
      expect(sma, `${mode}: n=${n}`).toBeCloseTo(window.reduce((a, b) => a + b, 0) / window.length, 6)
      const rule = Number.isNaN(lots) ? 'wait' : open > 0 ? 'cancel' : lots > 0 ? 'sell-market' : price < sma ? 'buy-market' : 'buy-limit'
      expect(action, `${mode}: n=${n} price=${price} sma=${sma} lots=${lots} open=${open}`).toBe(rule)
      decisions.push({ n, action })
      if (action === 'sell-market') expected = { type: 'market', side: 'sell', amount: lots, price: null }
      else if (action === 'buy-market') expected = { type: 'market', side: 'buy', amount: PARAMS.size, price: null }
      else if (action === 'buy-limit') expected = { type: 'limit', side: 'buy', amount: PARAMS.size }
    } else if (e.type === 'OrderSubmitted' && (e.order as OrderRequest).owner === engineId) {
      const order = e.order as OrderRequest
      expect(expected, `${mode}: an order no decision asked for: ${order.clientOrderId}`).not.toBeNull()
      expect(order, mode).toMatchObject(expected!)
      if (order.type === 'limit') {
        // a limit `offset` under the decision's price, on the market's tick
        const last = decisions[decisions.length - 1]
        const at = prices[last.n - 1] * (1 - PARAMS.offset)
        expect(Math.abs(order.price! - at), mode).toBeLessThanOrEqual(0.01)
      }
      orders.push(order)
      expected = null
    } else if ((e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') && e.owner === engineId) fills++
  }
  return { decisions, orders, fills, fillLogs }
}

function expectTraded(o: Outcome, mode: string, least: { orders: number; fills: number }): void {
  expect(o.hash, mode).toBe(HASH)
  expect(o.orders.length, mode).toBeGreaterThanOrEqual(least.orders)
  expect(o.fills, mode).toBeGreaterThanOrEqual(least.fills)
  // the engine heard of every fill (it logs each one from onBroker)
  expect(o.fillLogs, mode).toBe(o.fills)
  const actions = new Set(o.decisions.map((d) => d.action))
  for (const a of ['buy-market', 'sell-market']) expect(actions.has(a), `${mode}: a ${a} decision`).toBe(true)
}

describe('the same engine file in backtest, paper and live mode', () => {
  const outcomes = new Map<string, Outcome>()

  it('backtest: runs on the capture\'s trades through the simulated broker', async () => {
    const hash = sha256(ENGINE)
    const venue = await venueWith({ paused: true })
    venues.push(venue)
    const markets = await venueMarkets(venue)
    const trades = loadCapture(CAPTURE)
      .entries.flatMap((e) => (e.kind === 'trade' ? [e.data] : []))
      .sort((a, b) => a.T - b.T || a.t - b.t)
    const definition = await loadEngine(ENGINE)
    const events: Logged[] = []
    const result = runBacktest({
      trades: [
        {
          symbol: SYMBOL,
          length: trades.length,
          ts: Float64Array.from(trades, (t) => t.T),
          price: Float64Array.from(trades, (t) => Number(t.p)),
          amount: Float64Array.from(trades, (t) => Number(t.q)),
          // Binance `m`: the buyer was the maker, so the taker sold
          side: Int8Array.from(trades, (t) => (t.m ? -1 : 1))
        }
      ],
      markets,
      engines: [{ id: definition.name, definition, params: PARAMS }],
      broker: brokerConfig(BROKER, markets[0]),
      journal: { append: (_seq, _ts, _type, payload) => void events.push(structuredClone(payload) as Logged), hash: '' },
      journalMarket: true
    })
    expect(result.engines[0]).toMatchObject({ name: 'trend-dipper', state: 'running', fault: null })
    const outcome = { hash, ...followRules(events, definition.name, 'backtest') }
    expect(outcome.decisions).toHaveLength(Math.floor(trades.length / PARAMS.every))
    expectTraded(outcome, 'backtest', { orders: 50, fills: 50 })
    outcomes.set('backtest', outcome)
  }, 30_000)

  it('paper: runs on the venue\'s live feed through the simulated broker in a PaperSession', async () => {
    const hash = sha256(ENGINE)
    const venue = await venueWith({ speed: 0 })
    venues.push(venue)
    const dir = mkdtempSync(join(tmpdir(), 'theorycraft-same-engine-'))
    dirs.push(dir)
    const path = join(dir, 'paper.sqlite')
    const exchange = (await binanceAgainst(venue)) as unknown as PaperExchange
    const session = await PaperSession.open({ sessionId: 'paper', venue: 'binance', symbol: SYMBOL, engine: ENGINE, params: PARAMS, broker: BROKER, journalPath: path }, exchange, () => undefined)
    try {
      await until(() => venue.feedState().done, 'the end of the capture', 20_000)
      for (let last = -1; last !== session.kernel.seq; ) {
        last = session.kernel.seq
        await delay(300)
      }
    } finally {
      await session.stop()
    }
    const journal = Journal.open(path, { readonly: true })
    let events: Logged[]
    try {
      expect((journal.getSession('paper')!.config as { engine: string }).engine).toBe(ENGINE)
      events = [...journal.events('paper')].map((r) => r.payload as Logged)
    } finally {
      journal.close()
    }
    const outcome = { hash, ...followRules(events, 'trend-dipper', 'paper') }
    expectTraded(outcome, 'paper', { orders: 50, fills: 50 })
    outcomes.set('paper', outcome)
  }, 40_000)

  it('live: runs on the venue\'s live feed with real orders through the VenueBroker and the real ccxt client', async () => {
    const hash = sha256(ENGINE)
    // no BTC at the start: a spot position is the base balance, so the engine starts flat as in the other modes
    const venue = await venueWith({ speed: 10, balances: { USDT: 100_000, BTC: 0 } })
    venues.push(venue)
    live = await liveSession(venue)
    const s = live
    const definition = await loadEngine(ENGINE)
    s.kernel.addEngine(definition.name, definition, resolveParams(definition.params, PARAMS))
    source = new LiveMarketSource({ exchange: s.ex as unknown as WatchApi, symbols: [SYMBOL], now: () => Date.now(), onBatch: (batch) => s.kernel.processMarketBatch(batch) })
    s.broker.start()
    source.start()
    const engineFills = () => s.journal.filter((e) => e.type === 'OrderFilled' && e.owner === definition.name).length
    await until(() => engineFills() >= 12, 'a dozen live fills', 25_000)
    // the feed stops; what the engine sent settles at the venue, and the rest is withdrawn
    await source.stop()
    source = undefined
    await until(() => s.broker.unresolved().length === 0 && s.broker.queued === 0, 'every submission resolved')
    s.kernel.cancelAllOrders(SYMBOL)
    await until(() => s.broker.account.openOrders().length === 0, 'no open orders')
    await delay(300)
    s.kernel.advanceTo(Date.now())

    const outcome = { hash, ...followRules(s.journal as unknown as Logged[], definition.name, 'live') }
    expectTraded(outcome, 'live', { orders: 12, fills: 12 })
    // the venue holds exactly the orders the engine sent, under our client order ids
    const ledger = venue.ledger()
    const ours = ledger.orders.filter((o) => o.clientOrderId.startsWith(`${definition.name}-`))
    expect(ours.map((o) => o.clientOrderId).sort()).toEqual(outcome.orders.map((o) => o.clientOrderId).sort())
    for (const o of ours) {
      const sent = outcome.orders.find((r) => r.clientOrderId === o.clientOrderId)!
      expect([o.side.toLowerCase(), o.type.toLowerCase(), o.origQty]).toEqual([sent.side, sent.type, sent.amount])
    }
    // and every venue fill of them came back to the engine's broker, once, with the venue's price and amount
    const venueFills = ledger.fills.filter((f) => f.clientOrderId.startsWith(`${definition.name}-`))
    const reported = s.journal.filter((e) => (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') && e.owner === definition.name) as unknown as { clientOrderId: string; tradeId: string; price: number; amount: number }[]
    expect(reported.map((f) => [f.clientOrderId, f.price, f.amount]).sort()).toEqual(venueFills.map((f) => [f.clientOrderId, f.price, f.qty]).sort())
    // the engine ends flat or holding what it bought last; the venue's BTC is the position it saw
    expect(s.broker.account.position(SYMBOL).amount).toBeCloseTo(ledger.balances.BTC.free + ledger.balances.BTC.locked, 8)
    outcomes.set('live', outcome)
  }, 45_000)

  it('is the same file, unchanged, in all three modes', () => {
    expect([...outcomes.keys()]).toEqual(['backtest', 'paper', 'live'])
    expect(new Set([...outcomes.values()].map((o) => o.hash))).toEqual(new Set([HASH]))
    expect(sha256(ENGINE)).toBe(HASH)
  })
})
