import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMarkets, marketsFromCcxt, openExchange } from '../../../src/main/adapters/ccxt/exchange'
import { LiveMarketSource } from '../../../src/main/adapters/ccxt/live-market-source'
import { ENV_API_KEY, ENV_API_SECRET, VenueError, createRedactor, loadCredentials } from '../../../src/main/adapters/ccxt/secrets'
import type { TradeApi, WatchApi } from '../../../src/main/adapters/ccxt/venue-api'
import { VenueBroker } from '../../../src/main/adapters/ccxt/venue-broker'
import { Kernel } from '../../../src/main/core/kernel/kernel'
import { RiskGate } from '../../../src/main/core/risk/risk-gate'
import type { JournalEvent } from '../../../src/shared/events'
import type { MarketEvent } from '../../../src/shared/market-events'
import type { EmulatedVenue } from '../../venue/emulated-venue'
import { until, venueWith } from './harness'

const PLANTED_KEY = 'PLANTEDapiKEYd41d8cd98f00b204e9800998ecf8427e'
const PLANTED_SECRET = 'PLANTEDsecretZ9y8x7w6v5u4t3s2r1q0p'
const SYMBOL = 'BTC/USDT'

let venue: EmulatedVenue
const logs: string[] = []
const journal: JournalEvent[] = []
const marketEvents: MarketEvent[] = []
const errors: unknown[] = []

/**
 * A whole session run with a planted key pair: loaded from the environment the way a headless run
 * does it, ccxt in verbose mode (it then logs every request with its headers, the API key among
 * them, and every websocket message, the signed user-stream login among them), an accepted order,
 * a rejected one, a 5XX, a cancel of an unknown order, a malformed answer, dropped connections
 * and a failed start-up. Every line, event and error of it is then searched for the key.
 */
beforeAll(async () => {
  venue = await venueWith({ apiKey: PLANTED_KEY, secret: PLANTED_SECRET, speed: 20 })
  const credentials = loadCredentials({ env: { [ENV_API_KEY]: PLANTED_KEY, [ENV_API_SECRET]: PLANTED_SECRET } })
  const redact = createRedactor()
  const log = (line: string) => logs.push(line)
  const open = () =>
    openExchange({ exchangeId: 'binance', credentials, restOrigin: venue.url, wsOrigin: `ws://127.0.0.1:${venue.port}`, now: () => Date.now(), redact, log })
  const ex = await open()
  const feed = await open()
  ex.verbose = true
  feed.verbose = true
  const markets = marketsFromCcxt(await loadMarkets(ex), 'binance')
  await loadMarkets(feed)

  let kernel: Kernel | undefined
  const broker = new VenueBroker({
    exchange: ex as unknown as TradeApi,
    markets,
    currency: 'USDT',
    now: () => Date.now(),
    redact,
    log,
    backoff: { initialMs: 50, maxMs: 300 },
    pollIntervalMs: 200,
    onReport: () => setImmediate(() => kernel!.advanceTo(Date.now()))
  })
  kernel = new Kernel({ clock: { now: () => Date.now() }, broker, risk: new RiskGate(), journal: { append: (_s, _t, _y, p) => void journal.push(structuredClone(p) as JournalEvent) }, journalMarket: true, seed: 1 })
  const source = new LiveMarketSource({ exchange: feed as unknown as WatchApi, symbols: [SYMBOL], now: () => Date.now(), redact, log, staleAfterMs: 300, backoff: { initialMs: 50 }, onBatch: (b) => {
    marketEvents.push(...b)
    kernel!.processMarketBatch(b)
  } })
  broker.start()
  source.start()
  await until(() => marketEvents.some((e) => e.type === 'book'), 'a book')

  const accepted = kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_000).clientOrderId
  const rejected = kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.00001, 50_000).clientOrderId // under the 5 USDT notional
  await until(() => broker.account.order(rejected)?.status === 'rejected' && broker.account.order(accepted)?.status === 'accepted', 'accepted and rejected')
  venue.inject({ kind: '5xx-after-accept' })
  const unknown = kernel.submitManualOrder(SYMBOL, 'limit', 'buy', 0.01, 50_100).clientOrderId
  await until(() => broker.account.order(unknown)?.status === 'accepted', 'the 5XX order resolved')
  kernel.cancelOrder('no-such-order')
  venue.inject({ kind: 'malformed-json', count: 1 })
  await broker.refreshBalance()
  venue.inject({ kind: 'drop-connections' })
  await until(() => marketEvents.filter((e) => e.type === 'status' && e.status === 'ok').length >= 2, 'the feed back after the drop')
  await until(() => journal.some((e) => e.type === 'CancelRejected'), 'the cancel rejected')

  // a start-up that fails (nothing listens there): its error must not carry the key either
  try {
    const dead = await openExchange({ exchangeId: 'binance', credentials, restOrigin: 'http://127.0.0.1:9', now: () => Date.now(), redact, log })
    await loadMarkets(dead, 2, redact)
  } catch (err) {
    errors.push(err)
  }
  errors.push(VenueError.from(new Error(`echo ${PLANTED_KEY} ${PLANTED_SECRET}`), redact, 'a venue echoing the key'))

  kernel.cancelAllOrders()
  await source.stop()
  await broker.stop()
})

afterAll(async () => {
  await venue?.close()
})

describe('a planted API key', () => {
  it('was really used: the venue saw it on signed requests', () => {
    expect(venue.requests().some((r) => r.apiKey === PLANTED_KEY)).toBe(true)
  })

  it('was present where redaction had work to do (verbose ccxt headers, the signed user-stream login)', () => {
    expect(logs.some((l) => l.includes('fetch Request') && l.includes('[REDACTED]'))).toBe(true)
    expect(logs.length).toBeGreaterThan(20)
  })

  it('never appears in a log line, an event or an error', () => {
    const texts = [
      ...logs,
      ...journal.map((e) => JSON.stringify(e)),
      ...marketEvents.map((e) => JSON.stringify(e)),
      ...errors.flatMap((e) => [String(e), (e as Error).stack ?? '', inspect(e, { depth: 5 })])
    ]
    expect(errors).toHaveLength(2)
    expect(journal.some((e) => e.type === 'OrderRejected')).toBe(true)
    const leaks = texts.filter((t) => t.includes(PLANTED_KEY) || t.includes(PLANTED_SECRET) || t.includes(PLANTED_KEY.slice(0, 20)))
    expect(leaks).toEqual([])
  })
})
