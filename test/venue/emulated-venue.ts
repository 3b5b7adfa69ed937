import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { Account, type LedgerOrder, type Params, type VenueLedger } from './account'
import { loadCapture, type CaptureTimeline, type DepthData, type TimelineEntry } from './capture-timeline'
import { fmt, fromNumber, mul } from './decimal'
import { exchangeInfoJson, venueMarket, type VenueMarket } from './exchange-info'
import { addToCandle, dec, intervalMs, klineRow, klines, klineStreamObject, ticker24h, tickerStreamMessage, type Candle, type PublicTrade } from './market-stats'
import { checkRestSignature, checkTimestamp, checkWsApiSignature } from './signing'
import { VenueBook, type RawLevel } from './venue-book'
import { createRandom } from '../../src/main/core/random'
import { E, VenueError } from './venue-error'

export type { LedgerFill, LedgerOrder, VenueLedger } from './account'
export { VenueError } from './venue-error'

/**
 * An emulated Binance spot venue on 127.0.0.1 for tests: the REST and WebSocket API subset that
 * ccxt's `binance` / `pro.binance` classes use, market data replayed from a real hftbacktest
 * capture, one account with a matching engine (see account.ts), and faults on command.
 *
 * Replay: the venue's book starts as the capture's REST snapshot (what GET /api/v3/depth returns
 * until the first diff is replayed); the capture's messages from the first one newer than the
 * snapshot are then replayed in file order, paced by the collector's receive times ÷ `speed`.
 * Diffs update the venue's book and go out on `<sym>@depth[@100ms]` with their own U/u; trades
 * and book tickers go out as captured. REST depth, trades, klines and tickers describe the
 * replay so far. At the end of the capture the feed stops, or with `loop` starts over (see
 * VenueOptions.loop). The account's own orders and fills never appear in public data.
 */

export interface VenueOptions {
  /** default 0: any free port */
  port?: number
  apiKey: string
  secret: string
  /** free balances at start, e.g. { USDT: 10000, BTC: 1 } */
  balances: Record<string, number>
  /** hftbacktest capture (.gz); without one every book is empty and no market data flows */
  capture?: string
  /**
   * replay speed: 1 = the capture's own pacing, 10 = ten times faster; 0 = as fast as clients
   * read (advances only while some websocket is subscribed to market data and none is backed up)
   */
  speed?: number
  /** default ['BTC/USDT']; the captured market is added if missing */
  symbols?: string[]
  /** venue clock − local clock, ms (signed requests are checked against the venue clock) */
  clockSkewMs?: number
  /** start with the replay paused (then `resumeFeed()` or `advanceFeed(n)`); default false */
  paused?: boolean
  /** default 0.001 each (Binance's base tier) */
  fees?: { maker: number; taker: number }
  /**
   * times in market data: 'capture' (default) sends the capture's own E/T values (2024);
   * 'venue' shifts them by a constant so the first replayed message is stamped with the venue
   * clock at start.
   */
  timestamps?: 'capture' | 'venue'
  /**
   * replay the capture again and again (default false: the feed stops at its end). Each pass
   * starts with one synthetic depth diff that takes the book back to the capture's snapshot, and
   * moves every update id, trade id and time on, so the stream stays one contiguous sequence.
   */
  loop?: boolean
  /** keep the top `n` levels of the captured market's book after every update id, for `bookAt` (default 0: none) */
  bookHistory?: number
}

/**
 * Faults on command. One-shot faults act once (or `count` times); the others last until
 * `clearFaults()`.
 * - drop-connections: terminates every open websocket now (market streams and WS-API); new
 *   connections are accepted.
 * - depth-gap: the next depth diff is applied to the venue's book but not sent, so clients see
 *   the following diff's U skip past their last u (ccxt: ChecksumError).
 * - http-429: the next `count` (default 1) REST requests get 429, `{"code":-1003}` and
 *   `Retry-After: retryAfterSec`; a REST request before that time has passed gets 418 (an IP ban,
 *   as Binance escalates) and does not use up the count.
 * - 5xx-after-accept: the next `count` order requests that succeed (POST/DELETE /api/v3/order,
 *   DELETE /api/v3/openOrders, WS-API order.place/order.cancel/openOrders.cancelAll) take effect,
 *   but the answer is 503 `{"code":-1007,"msg":"…Send status unknown; execution status unknown."}`.
 * - slow: every REST and WS-API response leaves `ms` later (the request itself takes effect at once).
 * - malformed-json: the next `count` REST responses (or, with where 'ws', stream / user-data
 *   frames) are cut in half; the request still takes effect.
 * - duplicate-messages: every stream and user-data frame is sent twice.
 * - reorder-messages: per connection and stream, each frame is held back and sent after the next
 *   one (pairs swap; a frame with no successor is sent after 200 ms).
 * - depth-duplicate: the next depth diff goes out twice in a row.
 * - depth-reorder: the next depth diff is held back and sent right after the one that follows it
 *   (one pair swapped, recorded when the swap happens; a diff with no successor goes out after
 *   200 ms, in order, and is not recorded).
 * - depth-schedule: `fault` (depth-gap, -duplicate or -reorder) on the first diff at or after
 *   each feed time `offsetMs + k × everyMs` (feed time: ms of capture replayed since the start,
 *   loops included), until `clearFaults()`. Every depth fault the venue carried out is listed by
 *   `depthFaults()`.
 * - ambiguous-orders: of every `1/fraction` consecutive order placements (POST /api/v3/order,
 *   WS-API order.place), exactly one, at a seeded position, takes effect but its answer is either
 *   late by `slowMs` or a 503 as in 5xx-after-accept (seeded, evenly). `RecordedRequest.fault`
 *   says which.
 */
export type Fault =
  | { kind: 'drop-connections' }
  | { kind: 'depth-gap' }
  | { kind: 'http-429'; retryAfterSec: number; count?: number }
  | { kind: '5xx-after-accept'; count?: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed-json'; count?: number; where?: 'rest' | 'ws' }
  | { kind: 'duplicate-messages' }
  | { kind: 'reorder-messages' }
  | { kind: 'depth-duplicate'; count?: number }
  | { kind: 'depth-reorder'; count?: number }
  | { kind: 'depth-schedule'; fault: 'depth-gap' | 'depth-duplicate' | 'depth-reorder'; everyMs: number; offsetMs?: number }
  | { kind: 'ambiguous-orders'; fraction: number; seed: number; slowMs: number }

/** A depth fault the venue carried out, on the diff with these update ids. */
export interface DepthFaultRecord {
  fault: 'depth-gap' | 'depth-duplicate' | 'depth-reorder'
  U: number
  u: number
  /** feed time of the diff, ms since the replay's start */
  feedMs: number
}

export interface RecordedRequest {
  /** venue clock, ms */
  time: number
  transport: 'rest' | 'ws' | 'ws-api'
  /** HTTP method, or the WebSocket method (SUBSCRIBE, userDataStream.subscribe.signature, …) */
  method: string
  /** URL path (REST, ws), or the WS-API path */
  path: string
  /** query and body parameters (REST), SUBSCRIBE params joined by ',' under `streams`, or WS-API params */
  params: Record<string, string>
  apiKey?: string
  /** HTTP status (REST) or WS-API status; undefined for stream messages */
  status?: number
  /** Binance error code when the venue refused the request */
  errorCode?: number
  /** an ambiguous-orders fault hit this request: its answer was late, or a 503 after the order took effect */
  fault?: 'slow' | '5xx'
}

export interface ExternalOrder {
  /** unified, e.g. BTC/USDT */
  symbol: string
  side: 'buy' | 'sell'
  type: 'limit' | 'market'
  amount: number
  price?: number
  clientOrderId?: string
  timeInForce?: 'GTC' | 'IOC' | 'FOK'
}

export interface FeedState {
  /** replayed capture messages so far (loops included), and how many one pass of the capture has */
  position: number
  total: number
  done: boolean
  /** feed time replayed: ms of capture time since the replay's first message, loops included */
  feedMs: number
  /** completed passes over the capture (loop option) */
  loops: number
  paused: boolean
  /** per captured market: the venue book's lastUpdateId, the last replayed trade id and bookTicker */
  lastUpdateId: number
  lastTradeId: number | undefined
  lastBookTicker: { u: number; b: string; B: string; a: string; A: string } | undefined
  /** the line of the capture file last replayed (1-based; 0 before any) */
  captureLine: number
}

export interface EmulatedVenue {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  close(): Promise<void>
  inject(fault: Fault): void
  clearFaults(): void
  /** orders, fills and balances as the venue sees them */
  ledger(): VenueLedger
  /** an order on this account that did not come through the API (the venue's web UI, another bot) */
  placeExternalOrder(order: ExternalOrder): LedgerOrder
  setBalance(asset: string, amount: number): void
  pauseFeed(): void
  resumeFeed(): void
  /** replays the next `count` capture messages now (paused or not); returns how many there were */
  advanceFeed(count: number): number
  feedState(): FeedState
  setClockSkew(ms: number): void
  /** the venue clock (local clock + skew) */
  now(): number
  requests(): RecordedRequest[]
  /** every depth fault carried out so far (gaps, duplicates, swapped pairs), in the order they took effect */
  depthFaults(): DepthFaultRecord[]
  /**
   * The captured market's book right after update id `updateId` (top `bookHistory` levels), as
   * the venue held it; undefined if that id was never the book's last one or no history is kept.
   */
  bookAt(updateId: number): { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] } | undefined
}

interface MarketState {
  market: VenueMarket
  lower: string
  book: VenueBook
  trades: PublicTrade[]
  bookTicker?: { u: number; b: string; B: string; a: string; A: string }
  /** current candle per kline interval that someone subscribed to */
  candles: Map<string, Candle | undefined>
  lastTickerPush: number
}

interface Conn {
  ws: WebSocket
  kind: 'market' | 'ws-api'
  path: string
  combined: boolean
  streams: Set<string>
  /** WS-API user data subscriptions */
  userSubs: Set<number>
  loggedOn: boolean
  /** reorder fault: a message held back per stream, sent after the next one */
  held: Map<string, { text: string; timer: NodeJS.Timeout }>
}

const USER_STREAM = '\u0000user'
const HIGH_WATER = 256 * 1024

/** Starts a venue on 127.0.0.1; close it with `close()`. */
export async function startVenue(options: VenueOptions): Promise<EmulatedVenue> {
  const venue = new Venue(options)
  await venue.listen(options.port ?? 0)
  return venue
}

class Venue implements EmulatedVenue {
  url = ''
  port = 0
  private readonly server = createServer((req, res) => void this.onHttp(req, res))
  private readonly wss = new WebSocketServer({ noServer: true })
  private readonly conns = new Set<Conn>()
  private readonly markets = new Map<string, MarketState>()
  private readonly account: Account
  private readonly log: RecordedRequest[] = []
  private skew: number
  private readonly speed: number
  private readonly timeShift: number
  private readonly capture: CaptureTimeline | undefined
  private readonly entries: TimelineEntry[]
  private readonly captured: MarketState | undefined
  // replay position (loops included: entry `pos % n` of pass `pos / n`) and pacing
  private pos = 0
  private readonly loop: boolean
  /** one pass: capture time it covers, update ids and trade ids it uses */
  private readonly period = { ms: 0, ids: 0, trades: 0 }
  private lastDepthE = 0
  private paused: boolean
  private anchorWall = 0
  private anchorLocal = 0
  private timer: NodeJS.Timeout | undefined
  private closed = false
  // faults
  private rate429 = { count: 0, retryAfterSec: 0 }
  private bannedUntil = 0
  private fail5xx = 0
  private slowMs = 0
  private malformedRest = 0
  private malformedWs = 0
  private gapPending = 0
  private dupPending = 0
  private reorderPending = 0
  private depthSchedules: Array<{ fault: DepthFaultRecord['fault']; everyMs: number; next: number }> = []
  /** a depth diff held back by depth-reorder, sent after the next one */
  private heldDepth: { s: MarketState; text: string; timer: NodeJS.Timeout; record: DepthFaultRecord } | undefined
  private readonly depthFaultLog: DepthFaultRecord[] = []
  private ambiguous: { fraction: number; slowMs: number; random: () => number; block: number; pick: number; seen: number } | undefined
  private readonly historyLevels: number
  private readonly history = new Map<number, { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] }>()
  private duplicate = false
  private reorder = false
  private subscriptionIds = 0
  private externalOrders = 0
  private readonly weight: number[] = []

  constructor(private readonly options: VenueOptions) {
    if (!options.apiKey || !options.secret) throw new Error('emulated venue: apiKey and secret are required')
    this.skew = options.clockSkewMs ?? 0
    this.speed = options.speed ?? 1
    if (!(this.speed >= 0)) throw new Error(`emulated venue: speed must be ≥ 0, got ${options.speed}`)
    this.paused = options.paused ?? false
    this.capture = options.capture !== undefined ? loadCapture(options.capture) : undefined
    this.entries = this.capture?.entries ?? []
    this.loop = options.loop ?? false
    this.historyLevels = options.bookHistory ?? 0
    if (this.entries.length > 0) {
      const depths = this.entries.filter((e): e is Extract<TimelineEntry, { kind: 'depth' }> => e.kind === 'depth')
      const trades = this.entries.filter((e): e is Extract<TimelineEntry, { kind: 'trade' }> => e.kind === 'trade')
      // the next pass's first diff follows the rewind diff, which follows this pass's last diff
      this.period.ids = depths.length > 0 ? depths[depths.length - 1].data.u - depths[0].data.U + 2 : 0
      this.period.trades = trades.length > 0 ? trades[trades.length - 1].data.t - trades[0].data.t + 1 : 0
      this.period.ms = this.entries[this.entries.length - 1].localMs - this.entries[0].localMs + 100
    }
    const symbols = [...(options.symbols ?? ['BTC/USDT'])]
    const capturedSymbol = this.capture ? unifiedFromId(this.capture.marketId, symbols) : undefined
    if (capturedSymbol !== undefined && !symbols.includes(capturedSymbol)) symbols.push(capturedSymbol)
    for (const symbol of symbols) {
      const market = venueMarket(symbol)
      this.markets.set(market.id, { market, lower: market.id.toLowerCase(), book: new VenueBook(), trades: [], candles: new Map(), lastTickerPush: -Infinity })
    }
    if (this.capture) {
      this.captured = this.markets.get(this.capture.marketId) as MarketState
      this.captured.book.load(this.capture.snapshot)
      this.remember(this.captured)
    }
    const first = this.entries[0]
    this.timeShift = options.timestamps === 'venue' && first && this.capture ? Math.round(this.now() - (first.localMs + this.capture.clockOffsetMs)) : 0
    const byId = new Map<string, VenueMarket>()
    const books = new Map<string, VenueBook>()
    for (const [id, s] of this.markets) {
      byId.set(id, s.market)
      books.set(id, s.book)
    }
    this.account = new Account(byId, books, { fees: options.fees ?? { maker: 0.001, taker: 0.001 }, clock: () => this.now(), emit: (e) => this.pushUser(e) })
    for (const [asset, amount] of Object.entries(options.balances)) this.account.seedBalance(asset, fromNumber(amount))
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head))
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port
        this.url = `http://127.0.0.1:${this.port}`
        this.anchorWall = Date.now()
        this.anchorLocal = this.entries[0]?.localMs ?? 0
        this.schedule()
        resolve()
      })
    })
  }

  now(): number {
    return Date.now() + this.skew
  }

  setClockSkew(ms: number): void {
    this.skew = ms
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    if (this.heldDepth) clearTimeout(this.heldDepth.timer)
    for (const c of this.conns) {
      for (const h of c.held.values()) clearTimeout(h.timer)
      c.ws.terminate()
    }
    this.conns.clear()
    this.wss.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  // ================================================================ faults

  inject(fault: Fault): void {
    switch (fault.kind) {
      case 'drop-connections':
        for (const c of [...this.conns]) c.ws.terminate()
        break
      case 'depth-gap':
        this.gapPending++
        break
      case 'http-429':
        this.rate429 = { count: this.rate429.count + (fault.count ?? 1), retryAfterSec: fault.retryAfterSec }
        break
      case '5xx-after-accept':
        this.fail5xx += fault.count ?? 1
        break
      case 'slow':
        this.slowMs = fault.ms
        break
      case 'malformed-json':
        if (fault.where === 'ws') this.malformedWs += fault.count ?? 1
        else this.malformedRest += fault.count ?? 1
        break
      case 'duplicate-messages':
        this.duplicate = true
        break
      case 'reorder-messages':
        this.reorder = true
        break
      case 'depth-duplicate':
        this.dupPending += fault.count ?? 1
        break
      case 'depth-reorder':
        this.reorderPending += fault.count ?? 1
        break
      case 'depth-schedule': {
        if (!(fault.everyMs > 0)) throw new Error(`emulated venue: depth-schedule needs everyMs > 0, got ${fault.everyMs}`)
        const offset = fault.offsetMs ?? 0
        const at = this.feedMs()
        const k = at < offset ? 0 : Math.floor((at - offset) / fault.everyMs) + 1
        this.depthSchedules.push({ fault: fault.fault, everyMs: fault.everyMs, next: offset + k * fault.everyMs })
        break
      }
      case 'ambiguous-orders': {
        if (!(fault.fraction > 0 && fault.fraction <= 1)) throw new Error(`emulated venue: ambiguous-orders needs 0 < fraction ≤ 1, got ${fault.fraction}`)
        const random = createRandom(fault.seed)
        const block = Math.round(1 / fault.fraction)
        this.ambiguous = { fraction: fault.fraction, slowMs: fault.slowMs, random, block, pick: Math.floor(random() * block), seen: 0 }
        break
      }
      default:
        throw new Error(`emulated venue: unknown fault ${JSON.stringify(fault)}`)
    }
  }

  clearFaults(): void {
    this.rate429 = { count: 0, retryAfterSec: 0 }
    this.bannedUntil = 0
    this.fail5xx = 0
    this.slowMs = 0
    this.malformedRest = 0
    this.malformedWs = 0
    this.gapPending = 0
    this.dupPending = 0
    this.reorderPending = 0
    this.depthSchedules = []
    this.ambiguous = undefined
    this.releaseHeldDepth()
    this.duplicate = false
    this.reorder = false
    for (const c of this.conns) this.flushHeld(c)
  }

  depthFaults(): DepthFaultRecord[] {
    return this.depthFaultLog.slice()
  }

  bookAt(updateId: number): { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] } | undefined {
    return this.history.get(updateId)
  }

  /** The fault (if any) the ambiguous-orders schedule puts on this order placement. */
  private ambiguousFault(): 'slow' | '5xx' | undefined {
    const a = this.ambiguous
    if (a === undefined) return undefined
    const hit = a.seen % a.block === a.pick
    a.seen++
    // a new block: a new seeded position
    if (a.seen % a.block === 0) a.pick = Math.floor(a.random() * a.block)
    if (!hit) return undefined
    return a.random() < 0.5 ? 'slow' : '5xx'
  }

  // ================================================================ account

  ledger(): VenueLedger {
    return this.account.ledger()
  }

  setBalance(asset: string, amount: number): void {
    this.account.setBalance(asset, fromNumber(amount))
  }

  placeExternalOrder(order: ExternalOrder): LedgerOrder {
    const market = [...this.markets.values()].find((m) => m.market.symbol === order.symbol)
    if (!market) throw E.badSymbol()
    const params: Params = {
      symbol: market.market.id,
      side: order.side.toUpperCase(),
      type: order.type.toUpperCase(),
      quantity: fmt(fromNumber(order.amount)),
      price: order.price !== undefined ? fmt(fromNumber(order.price)) : undefined,
      timeInForce: order.type === 'limit' ? (order.timeInForce ?? 'GTC') : undefined,
      newClientOrderId: order.clientOrderId ?? `web_${++this.externalOrders}`
    }
    const { order: placed } = this.account.place(params, 'external')
    return this.account.ledger().orders.find((o) => o.orderId === placed.orderId) as LedgerOrder
  }

  requests(): RecordedRequest[] {
    return this.log.slice()
  }

  // ================================================================ replay

  pauseFeed(): void {
    if (this.paused) return
    this.anchorLocal = this.localNow()
    this.paused = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  resumeFeed(): void {
    if (!this.paused) return
    this.paused = false
    this.anchorWall = Date.now()
    this.schedule()
  }

  advanceFeed(count: number): number {
    let n = 0
    while (n < count && this.hasNext()) {
      this.emitNext()
      n++
    }
    if (n > 0) {
      this.anchorLocal = this.localAt(this.pos - 1)
      this.anchorWall = Date.now()
    }
    this.schedule()
    return n
  }

  feedState(): FeedState {
    const s = this.captured
    const last = s?.trades[s.trades.length - 1]
    const n = this.entries.length
    return {
      position: this.pos,
      total: n,
      done: !this.hasNext(),
      feedMs: this.feedMs(),
      loops: n > 0 ? Math.floor(this.pos / n) : 0,
      paused: this.paused,
      lastUpdateId: s?.book.lastUpdateId ?? 0,
      lastTradeId: last?.id,
      lastBookTicker: s?.bookTicker,
      captureLine: this.pos > 0 ? this.entries[(this.pos - 1) % n].line : 0
    }
  }

  private hasNext(): boolean {
    return this.loop ? this.entries.length > 0 : this.pos < this.entries.length
  }

  /** the capture's local time of replay position `pos`, moved on by one period per pass */
  private localAt(pos: number): number {
    const n = this.entries.length
    return this.entries[pos % n].localMs + Math.floor(pos / n) * this.period.ms
  }

  /** feed time of the last replayed message: ms since the replay's first one */
  private feedMs(): number {
    return this.pos > 0 ? this.localAt(this.pos - 1) - this.entries[0].localMs : 0
  }

  /** where the replay clock is, in the capture's local time */
  private localNow(): number {
    return this.anchorLocal + (Date.now() - this.anchorWall) * this.speed
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.closed || this.paused || !this.hasNext()) return
    if (this.speed === 0) {
      this.timer = setTimeout(() => this.pump(), this.marketReaders() ? 0 : 5)
      return
    }
    const due = this.anchorWall + (this.localAt(this.pos) - this.anchorLocal) / this.speed
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - Date.now()))
  }

  private tick(): void {
    this.timer = undefined
    const local = this.localNow()
    let n = 0
    while (this.hasNext() && this.localAt(this.pos) <= local && n < 5000) {
      this.emitNext()
      n++
    }
    this.schedule()
  }

  /** speed 0: replay in small batches while some client reads market data and none is backed up */
  private pump(): void {
    this.timer = undefined
    if (this.marketReaders()) {
      for (let n = 0; n < 50 && this.hasNext(); n++) this.emitNext()
      if (this.pos > 0) this.anchorLocal = this.localAt(this.pos - 1)
    }
    this.schedule()
  }

  private marketReaders(): boolean {
    let any = false
    for (const c of this.conns) {
      if (c.kind !== 'market' || c.streams.size === 0) continue
      if (c.ws.bufferedAmount > HIGH_WATER) return false
      any = true
    }
    return any
  }

  private shifted(t: number): number {
    return t + this.timeShift
  }

  /** Replays the message at `pos`; a new pass starts with the diff that rewinds the book. */
  private emitNext(): void {
    const n = this.entries.length
    const pass = Math.floor(this.pos / n)
    const feedMs = this.localAt(this.pos) - this.entries[0].localMs
    if (this.pos % n === 0 && pass > 0) this.rewind(feedMs)
    this.emit(this.entries[this.pos % n], pass, feedMs)
    this.pos++
  }

  /**
   * One synthetic diff, the next update id, that sets every level of the captured market's book
   * to what the capture's snapshot says (and removes the others), so the next pass replays onto
   * the book its diffs were recorded against.
   */
  private rewind(feedMs: number): void {
    const s = this.captured
    if (!s || !this.capture) return
    const target = new VenueBook()
    target.load(this.capture.snapshot)
    const side = (now: VenueBook['bids'], want: VenueBook['bids']): RawLevel[] => {
      const out: RawLevel[] = []
      for (const p of now.prices) if (!want.qty.has(p)) out.push([fmt(p), '0.00000000'])
      for (const p of want.prices) if (now.qty.get(p) !== want.qty.get(p)) out.push([fmt(p), fmt(want.qty.get(p) as bigint)])
      return out
    }
    const u = s.book.lastUpdateId + 1
    const d: DepthData = { e: 'depthUpdate', E: this.lastDepthE + 1, s: s.market.id, U: u, u, b: side(s.book.bids, target.bids), a: side(s.book.asks, target.asks) }
    this.depth(s, d, feedMs)
  }

  /** One capture message (of pass `pass`): update the venue's state, publish it, let resting orders react. */
  private emit(entry: TimelineEntry, pass: number, feedMs: number): void {
    const s = this.markets.get(entry.data.s)
    if (!s) return
    const dt = this.timeShift + pass * this.period.ms
    switch (entry.kind) {
      case 'depth': {
        const d = entry.data
        const ids = pass * this.period.ids
        this.depth(s, dt === 0 && ids === 0 ? d : { ...d, E: d.E + dt, U: d.U + ids, u: d.u + ids }, feedMs)
        break
      }
      case 'trade': {
        const raw = entry.data
        const d = dt === 0 && pass === 0 ? raw : { ...raw, E: raw.E + dt, T: raw.T + dt, t: raw.t + pass * this.period.trades }
        const trade: PublicTrade = { id: d.t, price: dec(d.p), qty: dec(d.q), time: d.T, buyerIsMaker: d.m }
        s.trades.push(trade)
        const E = d.E
        this.publish(`${s.lower}@trade`, JSON.stringify(d))
        this.publish(`${s.lower}@aggTrade`, JSON.stringify({ e: 'aggTrade', E, s: d.s, a: d.t, p: d.p, q: d.q, f: d.t, l: d.t, T: trade.time, m: d.m, M: true }))
        for (const [interval, current] of s.candles) {
          const r = addToCandle(current, trade, intervalMs(interval) as number)
          s.candles.set(interval, r.candle)
          const stream = `${s.lower}@kline_${interval}`
          if (r.closed) this.publish(stream, JSON.stringify({ e: 'kline', E, s: d.s, k: klineStreamObject(r.closed, d.s, interval, true) }))
          this.publish(stream, JSON.stringify({ e: 'kline', E, s: d.s, k: klineStreamObject(r.candle, d.s, interval, false) }))
        }
        if (E - s.lastTickerPush >= 1000 && this.subscribed(`${s.lower}@ticker`)) {
          s.lastTickerPush = E
          this.publish(`${s.lower}@ticker`, JSON.stringify(tickerStreamMessage(ticker24h(s.market.id, s.trades, this.best(s), E), E)))
        }
        this.account.onTrade(s.market.id, trade.price, trade.qty, d.m)
        break
      }
      case 'bookTicker': {
        const raw = entry.data
        const d = pass === 0 ? raw : { ...raw, u: raw.u + pass * this.period.ids }
        s.bookTicker = { u: d.u, b: d.b, B: d.B, a: d.a, A: d.A }
        this.publish(`${s.lower}@bookTicker`, JSON.stringify(d))
        break
      }
    }
  }

  /** A depth diff: applied to the venue's book, then sent, lost, repeated or swapped as the depth faults say. */
  private depth(s: MarketState, d: DepthData, feedMs: number): void {
    s.book.apply(d.u, d.b, d.a)
    this.lastDepthE = d.E
    if (s === this.captured) this.remember(s)
    for (const sch of this.depthSchedules) {
      if (feedMs < sch.next) continue
      if (sch.fault === 'depth-gap') this.gapPending++
      else if (sch.fault === 'depth-duplicate') this.dupPending++
      else this.reorderPending++
      while (sch.next <= feedMs) sch.next += sch.everyMs
    }
    const record = (fault: DepthFaultRecord['fault']): void => void this.depthFaultLog.push({ fault, U: d.U, u: d.u, feedMs })
    const text = JSON.stringify(d)
    if (this.gapPending > 0) {
      // lost on the wire: clients see the next diff's U jump past their last u
      this.gapPending--
      record('depth-gap')
    } else if (this.reorderPending > 0 && this.heldDepth === undefined) {
      this.reorderPending--
      // held back until the next diff has gone out; a diff with no successor is not held for ever
      this.heldDepth = { s, text, timer: setTimeout(() => this.releaseHeldDepth(), 200), record: { fault: 'depth-reorder', U: d.U, u: d.u, feedMs } }
    } else {
      this.publishDepth(s, text)
      if (this.dupPending > 0) {
        this.dupPending--
        record('depth-duplicate')
        this.publishDepth(s, text)
      }
      this.releaseHeldDepth(true)
    }
    this.publishPartialDepth(s)
    this.account.onBookUpdate(s.market.id)
  }

  private publishDepth(s: MarketState, text: string): void {
    this.publish(`${s.lower}@depth@100ms`, text)
    this.publish(`${s.lower}@depth`, text)
  }

  /** Sends the diff depth-reorder held back: after its successor (a swap, recorded), or alone. */
  private releaseHeldDepth(swapped = false): void {
    const held = this.heldDepth
    if (held === undefined) return
    this.heldDepth = undefined
    clearTimeout(held.timer)
    this.publishDepth(held.s, held.text)
    if (swapped) this.depthFaultLog.push(held.record)
  }

  private remember(s: MarketState): void {
    if (this.historyLevels > 0) this.history.set(s.book.lastUpdateId, s.book.depth(this.historyLevels))
  }

  private publishPartialDepth(s: MarketState): void {
    for (const levels of [5, 10, 20]) {
      const names = [`${s.lower}@depth${levels}`, `${s.lower}@depth${levels}@100ms`]
      if (!names.some((n) => this.subscribed(n))) continue
      const text = JSON.stringify(s.book.depth(levels))
      for (const n of names) this.publish(n, text)
    }
  }

  private best(s: MarketState): { bid: string; bidQty: string; ask: string; askQty: string } {
    const bid = s.book.bestBid()
    const ask = s.book.bestAsk()
    return {
      bid: bid !== undefined ? fmt(bid) : '0.00000000',
      bidQty: bid !== undefined ? fmt(s.book.bids.qty.get(bid) as bigint) : '0.00000000',
      ask: ask !== undefined ? fmt(ask) : '0.00000000',
      askQty: ask !== undefined ? fmt(s.book.asks.qty.get(ask) as bigint) : '0.00000000'
    }
  }

  // ================================================================ websockets

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    let kind: Conn['kind'] | undefined
    let combined = false
    const initial: string[] = []
    if (path === '/ws-api/v3') kind = 'ws-api'
    else if (path === '/ws' || path.startsWith('/ws/')) {
      kind = 'market'
      for (const part of path.slice(4).split('/')) if (part.includes('@')) initial.push(part)
    } else if (path === '/stream') {
      kind = 'market'
      combined = true
      for (const part of (url.searchParams.get('streams') ?? '').split('/')) if (part !== '') initial.push(part)
    }
    if (kind === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const k = kind
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, kind: k, path, combined, streams: new Set(), userSubs: new Set(), loggedOn: false, held: new Map() }
      this.conns.add(conn)
      for (const stream of initial) if (this.validStream(stream)) this.addStream(conn, stream)
      ws.on('message', (data) => (k === 'ws-api' ? void this.onWsApi(conn, String(data)) : this.onMarketMessage(conn, String(data))))
      ws.on('close', () => {
        for (const h of conn.held.values()) clearTimeout(h.timer)
        this.conns.delete(conn)
      })
      ws.on('error', () => this.conns.delete(conn))
      if (this.speed === 0) this.schedule()
    })
  }

  private validStream(stream: string): boolean {
    const at = stream.indexOf('@')
    if (at <= 0) return false
    const s = this.markets.get(stream.slice(0, at).toUpperCase())
    if (!s || stream.slice(0, at) !== s.lower) return false
    const kind = stream.slice(at + 1)
    if (['trade', 'aggTrade', 'bookTicker', 'ticker', 'depth', 'depth@100ms', 'depth@1000ms'].includes(kind)) return true
    if (/^depth(5|10|20)(@100ms|@1000ms)?$/.test(kind)) return true
    const kline = /^kline_(\w+)$/.exec(kind)
    return kline !== null && intervalMs(kline[1]) !== undefined
  }

  private addStream(conn: Conn, stream: string): void {
    conn.streams.add(stream.replace(/@1000ms$/, ''))
    const kline = /^(\w+)@kline_(\w+)$/.exec(stream)
    if (kline) {
      const s = this.markets.get(kline[1].toUpperCase()) as MarketState
      if (!s.candles.has(kline[2])) {
        // the candle in progress, rebuilt from the trades replayed so far
        const past = klines(s.trades, kline[2], undefined, undefined, 1)
        s.candles.set(kline[2], past[past.length - 1])
      }
    }
  }

  private onMarketMessage(conn: Conn, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown }
    try {
      msg = JSON.parse(text) as typeof msg
    } catch {
      this.sendRaw(conn, JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' } }))
      return
    }
    const id = msg.id ?? null
    const params = Array.isArray(msg.params) ? msg.params.map(String) : []
    this.log.push({ time: this.now(), transport: 'ws', method: String(msg.method), path: conn.path, params: { streams: params.join(',') } })
    switch (msg.method) {
      case 'SUBSCRIBE': {
        const bad = params.find((p) => !this.validStream(p))
        if (bad !== undefined) {
          this.sendRaw(conn, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown stream '${bad}'` }, id }))
          return
        }
        for (const p of params) this.addStream(conn, p)
        this.sendRaw(conn, JSON.stringify({ result: null, id }))
        if (this.speed === 0) this.schedule()
        return
      }
      case 'UNSUBSCRIBE':
        for (const p of params) conn.streams.delete(p.replace(/@1000ms$/, ''))
        this.sendRaw(conn, JSON.stringify({ result: null, id }))
        return
      case 'LIST_SUBSCRIPTIONS':
        this.sendRaw(conn, JSON.stringify({ result: [...conn.streams], id }))
        return
      case 'SET_PROPERTY':
        this.sendRaw(conn, JSON.stringify({ result: null, id }))
        return
      case 'GET_PROPERTY':
        this.sendRaw(conn, JSON.stringify({ result: conn.combined, id }))
        return
      default:
        this.sendRaw(conn, JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method ${JSON.stringify(msg.method)}` }, id }))
    }
  }

  private subscribed(stream: string): boolean {
    for (const c of this.conns) if (c.streams.has(stream)) return true
    return false
  }

  private publish(stream: string, data: string): void {
    for (const c of this.conns) {
      if (!c.streams.has(stream)) continue
      this.sendStream(c, stream, c.combined ? `{"stream":"${stream}","data":${data}}` : data)
    }
  }

  /** Stream and user-data messages go through the message faults; responses to requests do not. */
  private sendStream(conn: Conn, key: string, text: string): void {
    if (this.reorder) {
      const held = conn.held.get(key)
      if (!held) {
        // a lone message is not held for ever
        const timer = setTimeout(() => {
          conn.held.delete(key)
          this.deliver(conn, text)
        }, 200)
        conn.held.set(key, { text, timer })
        return
      }
      clearTimeout(held.timer)
      conn.held.delete(key)
      this.deliver(conn, text)
      this.deliver(conn, held.text)
      return
    }
    this.deliver(conn, text)
  }

  private flushHeld(conn: Conn): void {
    for (const [key, h] of conn.held) {
      clearTimeout(h.timer)
      conn.held.delete(key)
      this.deliver(conn, h.text)
    }
  }

  private deliver(conn: Conn, text: string): void {
    let out = text
    if (this.malformedWs > 0) {
      this.malformedWs--
      out = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
    }
    this.sendRaw(conn, out)
    if (this.duplicate) this.sendRaw(conn, out)
  }

  private sendRaw(conn: Conn, text: string): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text)
  }

  private pushUser(event: Record<string, unknown>): void {
    const data = JSON.stringify(event)
    for (const c of this.conns) {
      for (const id of c.userSubs) this.sendStream(c, USER_STREAM, `{"subscriptionId":${id},"event":${data}}`)
    }
  }

  // ================================================================ WebSocket API

  private async onWsApi(conn: Conn, text: string): Promise<void> {
    let msg: { id?: unknown; method?: unknown; params?: unknown }
    try {
      msg = JSON.parse(text) as typeof msg
    } catch {
      this.sendRaw(conn, JSON.stringify({ id: null, status: 400, error: { code: -1000, msg: 'Malformed request.' } }))
      return
    }
    const id = msg.id ?? null
    const method = String(msg.method)
    const params = (typeof msg.params === 'object' && msg.params !== null ? msg.params : {}) as Record<string, unknown>
    const record: RecordedRequest = {
      time: this.now(),
      transport: 'ws-api',
      method,
      path: conn.path,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      apiKey: typeof params.apiKey === 'string' ? params.apiKey : undefined
    }
    this.log.push(record)
    let status = 200
    let body: Record<string, unknown>
    const activate: Array<() => void> = []
    try {
      const result = this.wsApiCall(conn, method, params, activate)
      if (method === 'order.place') record.fault = this.ambiguousFault()
      if (record.fault === '5xx' || ((method === 'order.place' || method === 'order.cancel' || method === 'openOrders.cancelAll') && this.fail5xx > 0)) {
        if (record.fault !== '5xx') this.fail5xx--
        status = 503
        body = { id, status, error: E.sendStatusUnknown().body() }
        record.errorCode = -1007
      } else {
        body = { id, status, result }
      }
    } catch (err) {
      const e = err instanceof VenueError ? err : new VenueError(500, -1000, `emulated venue: ${(err as Error).stack ?? String(err)}`)
      status = e.status
      body = { id, status, error: e.body() }
      record.errorCode = e.code
    }
    const late = this.slowMs + (record.fault === 'slow' ? (this.ambiguous?.slowMs ?? 0) : 0)
    if (late > 0) await delay(late)
    this.sendRaw(conn, JSON.stringify(body))
    record.status = status
    // a user data subscription starts after its confirmation has gone out, as on Binance
    for (const f of activate) f()
  }

  private wsApiCall(conn: Conn, method: string, params: Record<string, unknown>, activate: Array<() => void>): unknown {
    const signed = (): Params => {
      if (conn.loggedOn && params.signature === undefined) {
        checkTimestamp(params.timestamp, params.recvWindow, this.now())
      } else {
        if (typeof params.apiKey !== 'string' || params.apiKey === '') throw E.mandatory('apiKey')
        if (params.apiKey !== this.options.apiKey) throw E.rejectedApiKey()
        checkWsApiSignature(this.options.secret, params)
        checkTimestamp(params.timestamp, params.recvWindow, this.now())
      }
      return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))
    }
    switch (method) {
      case 'ping':
        return {}
      case 'time':
        return { serverTime: this.now() }
      case 'session.logon':
        signed()
        conn.loggedOn = true
        return { apiKey: this.options.apiKey, authorizedSince: this.now(), connectedSince: this.now(), returnRateLimits: false, serverTime: this.now(), userDataStream: conn.userSubs.size > 0 }
      case 'session.status':
        return { apiKey: conn.loggedOn ? this.options.apiKey : null, serverTime: this.now(), userDataStream: conn.userSubs.size > 0 }
      case 'userDataStream.subscribe.signature': {
        signed()
        const subscriptionId = this.subscriptionIds++
        activate.push(() => conn.userSubs.add(subscriptionId))
        return { subscriptionId }
      }
      case 'userDataStream.subscribe': {
        if (!conn.loggedOn) throw E.rejectedApiKey()
        const subscriptionId = this.subscriptionIds++
        activate.push(() => conn.userSubs.add(subscriptionId))
        return { subscriptionId }
      }
      case 'userDataStream.unsubscribe': {
        if (params.subscriptionId === undefined) conn.userSubs.clear()
        else conn.userSubs.delete(Number(params.subscriptionId))
        return {}
      }
      case 'order.place': {
        const p = signed()
        const { order, fills } = this.account.place(p, 'ws-api')
        return this.account.placeJson(order, fills, p.newOrderRespType)
      }
      case 'order.test':
        signed()
        return {}
      case 'order.cancel':
        return this.account.cancel(signed())
      case 'order.status':
        return this.account.query(signed())
      case 'openOrders.status':
        return this.account.openOrders(signed())
      case 'openOrders.cancelAll':
        return this.account.cancelAll(signed())
      case 'allOrders':
        return this.account.allOrders(signed())
      case 'myTrades':
        return this.account.myTrades(signed())
      case 'account.status':
        signed()
        return this.account.accountJson()
      default:
        throw new VenueError(400, -1000, `Unknown method: ${method}`)
    }
  }

  // ================================================================ REST

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const rawQuery = (req.url ?? '').includes('?') ? (req.url as string).slice((req.url as string).indexOf('?') + 1) : ''
    const params: Params = {}
    for (const [k, v] of url.searchParams) params[k] = v
    const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') || (rawBody !== '' && !rawBody.startsWith('{'))
    if (form) for (const [k, v] of new URLSearchParams(rawBody)) params[k] = v
    const method = req.method ?? 'GET'
    const apiKeyHeader = req.headers['x-mbx-apikey']
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader
    const record: RecordedRequest = {
      time: this.now(),
      transport: 'rest',
      method,
      path: url.pathname,
      params: Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)),
      apiKey
    }
    this.log.push(record)
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8' }
    const wallNow = Date.now()
    this.weight.push(wallNow)
    while (this.weight.length > 0 && this.weight[0] < wallNow - 60_000) this.weight.shift()
    headers['x-mbx-used-weight'] = String(this.weight.length)
    headers['x-mbx-used-weight-1m'] = String(this.weight.length)
    let status = 200
    let body: unknown
    if (this.bannedUntil > wallNow) {
      // still inside the Retry-After of an earlier 429: Binance escalates to a 418 ban
      const e = E.banned(this.bannedUntil + this.skew)
      status = e.status
      body = e.body()
      record.errorCode = e.code
      headers['Retry-After'] = String(Math.ceil((this.bannedUntil - wallNow) / 1000))
    } else if (this.rate429.count > 0) {
      this.rate429.count--
      this.bannedUntil = wallNow + this.rate429.retryAfterSec * 1000
      const e = E.tooManyRequests()
      status = e.status
      body = e.body()
      record.errorCode = e.code
      headers['Retry-After'] = String(this.rate429.retryAfterSec)
    } else {
      try {
        body = this.route(method, url.pathname, params, { rawQuery, rawBody: form ? rawBody : '', apiKey })
        const mutating = (method === 'POST' && url.pathname === '/api/v3/order') || (method === 'DELETE' && (url.pathname === '/api/v3/order' || url.pathname === '/api/v3/openOrders'))
        if (method === 'POST' && url.pathname === '/api/v3/order') record.fault = this.ambiguousFault()
        if (record.fault === '5xx' || (mutating && this.fail5xx > 0)) {
          // the venue did it; the client only learns that the outcome is unknown
          if (record.fault !== '5xx') this.fail5xx--
          const e = E.sendStatusUnknown()
          status = e.status
          body = e.body()
          record.errorCode = e.code
        }
      } catch (err) {
        // a venue bug, not a Binance answer: make it loud
        const e = err instanceof VenueError ? err : new VenueError(500, -1000, `emulated venue: ${(err as Error).stack ?? String(err)}`)
        body = e.body()
        status = e.status
        record.errorCode = e.code
      }
    }
    record.status = status
    let text = JSON.stringify(body)
    if (this.malformedRest > 0) {
      this.malformedRest--
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
    }
    const late = this.slowMs + (record.fault === 'slow' ? (this.ambiguous?.slowMs ?? 0) : 0)
    if (late > 0) await delay(late)
    if (res.destroyed) return
    res.writeHead(status, headers)
    res.end(text)
  }

  private route(method: string, path: string, params: Params, raw: { rawQuery: string; rawBody: string; apiKey: string | undefined }): unknown {
    const signed = (): void => {
      if (raw.apiKey === undefined || raw.apiKey === '') throw E.badApiKeyFormat()
      if (raw.apiKey !== this.options.apiKey) throw E.rejectedApiKey()
      if (params.timestamp === undefined) throw E.mandatory('timestamp')
      checkRestSignature(this.options.secret, raw.rawQuery, raw.rawBody)
      checkTimestamp(params.timestamp, params.recvWindow, this.now())
    }
    const key = `${method} ${path}`
    switch (key) {
      case 'GET /api/v3/ping':
        return {}
      case 'GET /api/v3/time':
        return { serverTime: this.now() }
      case 'GET /api/v3/exchangeInfo': {
        let list = [...this.markets.values()].map((s) => s.market)
        const wanted = params.symbol !== undefined ? [params.symbol] : params.symbols !== undefined ? jsonList(params.symbols) : undefined
        if (wanted) {
          list = list.filter((m) => wanted.includes(m.id))
          if (list.length === 0) throw E.badSymbol()
        }
        return exchangeInfoJson(list, this.now())
      }
      case 'GET /api/v3/depth': {
        const s = this.marketOf(params)
        const limit = Math.min(intParam(params.limit, 100), 5000)
        return s.book.depth(limit)
      }
      case 'GET /api/v3/trades': {
        const s = this.marketOf(params)
        const limit = Math.min(intParam(params.limit, 500), 1000)
        return s.trades.slice(-limit).map((t) => this.tradeJson(t))
      }
      case 'GET /api/v3/historicalTrades': {
        const s = this.marketOf(params)
        const limit = Math.min(intParam(params.limit, 500), 1000)
        const fromId = params.fromId !== undefined ? intParam(params.fromId, 0) : undefined
        const list = fromId === undefined ? s.trades.slice(-limit) : s.trades.filter((t) => t.id >= fromId).slice(0, limit)
        return list.map((t) => this.tradeJson(t))
      }
      case 'GET /api/v3/aggTrades': {
        const s = this.marketOf(params)
        const limit = Math.min(intParam(params.limit, 500), 1000)
        const fromId = params.fromId !== undefined ? intParam(params.fromId, 0) : undefined
        const start = params.startTime !== undefined ? intParam(params.startTime, 0) : undefined
        const end = params.endTime !== undefined ? intParam(params.endTime, 0) : undefined
        let list = s.trades.filter((t) => (fromId === undefined || t.id >= fromId) && (start === undefined || t.time >= start) && (end === undefined || t.time <= end))
        list = fromId !== undefined || start !== undefined ? list.slice(0, limit) : list.slice(-limit)
        return list.map((t) => ({ a: t.id, p: fmt(t.price), q: fmt(t.qty), f: t.id, l: t.id, T: t.time, m: t.buyerIsMaker, M: true }))
      }
      case 'GET /api/v3/klines':
      case 'GET /api/v3/uiKlines': {
        const s = this.marketOf(params)
        const interval = params.interval
        if (interval === undefined) throw E.mandatory('interval')
        if (intervalMs(interval) === undefined) throw new VenueError(400, -1120, 'Invalid interval.')
        const limit = Math.min(intParam(params.limit, 500), 1000)
        const start = params.startTime !== undefined ? intParam(params.startTime, 0) : undefined
        const end = params.endTime !== undefined ? intParam(params.endTime, 0) : undefined
        return klines(s.trades, interval, start, end, limit).map(klineRow)
      }
      case 'GET /api/v3/ticker/24hr':
      case 'GET /api/v3/ticker/bookTicker':
      case 'GET /api/v3/ticker/price': {
        const list = this.marketsOf(params)
        const one = params.symbol !== undefined
        const rows = list.map((s) => {
          if (path.endsWith('24hr')) return ticker24h(s.market.id, s.trades, this.best(s), this.shifted(this.now()))
          if (path.endsWith('price')) {
            const last = s.trades[s.trades.length - 1]
            return { symbol: s.market.id, price: last ? fmt(last.price) : '0.00000000' }
          }
          const b = this.best(s)
          return { symbol: s.market.id, bidPrice: b.bid, bidQty: b.bidQty, askPrice: b.ask, askQty: b.askQty }
        })
        return one ? rows[0] : rows
      }
      case 'GET /api/v3/avgPrice': {
        const s = this.marketOf(params)
        const recent = s.trades.filter((t) => t.time >= (s.trades[s.trades.length - 1]?.time ?? 0) - 300_000)
        let qty = 0n
        let quote = 0n
        for (const t of recent) {
          qty += t.qty
          quote += mul(t.price, t.qty)
        }
        return { mins: 5, price: qty > 0n ? fmt((quote * 100_000_000n) / qty) : '0.00000000', closeTime: recent[recent.length - 1]?.time ?? 0 }
      }
      case 'POST /api/v3/order': {
        signed()
        const { order, fills } = this.account.place(params, 'rest')
        return this.account.placeJson(order, fills, params.newOrderRespType)
      }
      case 'POST /api/v3/order/test':
        signed()
        return {}
      case 'DELETE /api/v3/order':
        signed()
        return this.account.cancel(params)
      case 'GET /api/v3/order':
        signed()
        return this.account.query(params)
      case 'GET /api/v3/openOrders':
        signed()
        return this.account.openOrders(params)
      case 'DELETE /api/v3/openOrders':
        signed()
        return this.account.cancelAll(params)
      case 'GET /api/v3/allOrders':
        signed()
        return this.account.allOrders(params)
      case 'GET /api/v3/myTrades':
        signed()
        return this.account.myTrades(params)
      case 'GET /api/v3/account':
        signed()
        return this.account.accountJson()
      default:
        throw new VenueError(404, -1000, `emulated venue: no route ${method} ${path}`)
    }
  }

  private tradeJson(t: PublicTrade): Record<string, unknown> {
    return { id: t.id, price: fmt(t.price), qty: fmt(t.qty), quoteQty: fmt(mul(t.price, t.qty)), time: t.time, isBuyerMaker: t.buyerIsMaker, isBestMatch: true }
  }

  private marketOf(params: Params): MarketState {
    if (params.symbol === undefined || params.symbol === '') throw E.mandatory('symbol')
    const s = this.markets.get(params.symbol)
    if (!s) throw E.badSymbol()
    return s
  }

  private marketsOf(params: Params): MarketState[] {
    if (params.symbol !== undefined) return [this.marketOf(params)]
    if (params.symbols !== undefined) return jsonList(params.symbols).map((id) => this.marketOf({ symbol: id }))
    return [...this.markets.values()]
  }
}

function intParam(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback
  if (!/^\d+$/.test(v)) throw E.illegalChars('limit')
  return Number(v)
}

/** Binance's `symbols=["BTCUSDT","ETHUSDT"]` parameter. */
function jsonList(text: string): string[] {
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    throw E.illegalChars('symbols')
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw E.illegalChars('symbols')
  return list
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The unified symbol of a Binance id among the configured symbols, else split on a known quote. */
function unifiedFromId(id: string, symbols: string[]): string {
  const known = symbols.find((s) => s.replace('/', '') === id)
  if (known) return known
  for (const q of ['USDT', 'USDC', 'FDUSD', 'BUSD', 'BTC', 'ETH', 'BNB', 'EUR']) {
    if (id.length > q.length && id.endsWith(q)) return `${id.slice(0, -q.length)}/${q}`
  }
  throw new Error(`emulated venue: cannot tell base and quote of the captured market ${id}`)
}
