import type { BarEvent, BookEvent, MarketEvent, MarketStatusEvent } from '../../../shared/market-events'
import { BarAggregator, type AggregatedBar } from '../../core/data/bar-aggregator'
import { parseTimeframe } from '../../core/data/timeframe'
import { Backoff, leaveRetriesToAdapter, realSleep, RequestGate, type BackoffOptions, type Sleep } from './backoff'
import { FeedHealth } from './feed-health'
import { createRedactor, describeError, redactingLogger, type Redactor } from './secrets'
import { classifyError, num, str, type VenueBook, type VenueTicker, type VenueTrade, type WatchApi } from './venue-api'

/**
 * A push-style live MarketSource over ccxt.pro streams (host side; the kernel never awaits it).
 *
 * Output contract:
 * - Events reach `onBatch` in arrival order, a batch per turn of the event loop (no await per
 *   event on the kernel's side). `seq` is 0: the kernel numbers them.
 * - `ts` is venue time when the message carries one, otherwise the host clock shifted by the last
 *   seen venue-minus-host offset; it never goes backwards (a late message is stamped with the
 *   last `ts`, so a closed bar may carry a `ts` slightly after its `closeTime`).
 * - Per symbol, a `status` event reports every change of feed health (see FeedHealth): `ok` on
 *   the first data, `stale` after `staleAfterMs` without an update, `resyncing` while the book is
 *   out of sync (ccxt detected a sequence gap, or the book is crossed), `disconnected` while a
 *   stream is down, then `ok` on recovery, always before the data that recovered it.
 * - Book events are whole top-of-book snapshots (`kind: 'snapshot'`, `nonce` = the venue's
 *   update id) at most one per `bookIntervalMs` per symbol, latest state wins, and only while the
 *   feed is `ok`: a stale, resyncing or crossed book is never emitted.
 * - Bars are built from trades per configured timeframe: a closed bar (`closed: true`) when a
 *   trade of a later bucket arrives or `barGraceMs` after its close time; in-progress bars
 *   (`closed: false`) at most every `barUpdateMs`. A trade older than the last closed bar's
 *   close is still a trade event but is not put into a bar (it would reopen a closed one).
 *
 * Streams reconnect with exponential backoff and seeded jitter; a sequence gap (ccxt's
 * ChecksumError) is answered by watching again at once, which makes ccxt re-subscribe and take a
 * new snapshot. Depth diffs that arrive out of order are put back in order before ccxt sees them
 * (see `resequenceDepth`), so a swapped pair costs no resync; a diff that never comes is a gap.
 * Time comes from the host's `now()`.
 */

export interface LiveMarketSourceOptions {
  exchange: WatchApi
  symbols: readonly string[]
  /** which streams to watch (default: book and trades) */
  streams?: { book?: boolean; trades?: boolean; ticker?: boolean }
  /** timeframes of bars built from trades, e.g. ['1m'] */
  bars?: readonly string[]
  /**
   * extra watchTicker parameters; quotes need a ticker with bid and ask (Binance's default
   * `miniTicker` has neither: pass `{ name: 'ticker' }` or `{ name: 'bookTicker' }`)
   */
  tickerParams?: Record<string, unknown>
  /** levels per side in book events (default 20) */
  bookDepth?: number
  /** least time between two book events of a symbol (default 100 ms) */
  bookIntervalMs?: number
  /** least time between two in-progress bar updates (default 1000 ms; 0: closed bars only) */
  barUpdateMs?: number
  /** how long after its close a bar waits for late trades before it is closed by time (default 1000 ms) */
  barGraceMs?: number
  /** no update for this long marks a symbol stale (default 5000 ms) */
  staleAfterMs?: number
  /** how often health is checked (default staleAfterMs / 4, at most 250 ms) */
  healthIntervalMs?: number
  backoff?: BackoffOptions
  /** the host clock */
  now: () => number
  sleep?: Sleep
  onBatch: (events: MarketEvent[]) => void
  log?: (line: string) => void
  redact?: Redactor
  /** stop() closes the exchange (default true) */
  ownsExchange?: boolean
  /**
   * how long an early depth diff waits for the ones before it (see `resequenceDepth`); default
   * 4 diffs or 250 ms, whichever comes first; false: ccxt sees diffs in arrival order
   */
  reorderWindow?: ReorderWindow | false
  /**
   * the venue's request gate, shared with the broker on the same venue: after a 429/418 no book
   * (re)subscription, which fetches a REST snapshot, goes before Retry-After has passed, and the
   * broker's requests wait too (the venue bans the IP, not one client); default: a gate of its own
   */
  gate?: RequestGate
}

export interface ReorderWindow {
  /** early diffs held at most (more: the missing one is taken as lost) */
  messages: number
  /** longest time a diff is held, ms */
  ms: number
}

type Stream = 'book' | 'trades' | 'ticker'

interface BarState {
  readonly aggregator: BarAggregator
  /** close time of the last closed bar: older trades no longer go into bars */
  closedUpTo: number
  lastUpdateEmit: number
}

interface SymbolFeed {
  readonly symbol: string
  readonly health: FeedHealth
  /** the latest synced book not yet emitted (latest state wins) */
  pendingBook: VenueBook | null
  lastBookEmit: number
  bookTimer: ReturnType<typeof setTimeout> | null
  crossedSince: number | null
  /** the last sequence-gap error the book stream got (ccxt may hand the same one out twice) */
  lastResyncError: unknown
  readonly bars: BarState[]
  /** recent trade ids, to drop a trade a stream repeats */
  readonly recentTrades: Set<string>
}

export interface LiveSourceCounters {
  events: number
  batches: number
  books: number
  /** book updates not emitted because the book was crossed */
  crossed: number
  /** sequence gaps reported by ccxt (each followed by a resync) */
  gaps: number
  /** depth diffs that came early and were put back in order (no resync needed) */
  resequenced: number
  /** watch calls the venue answered with 429/418 (the source then waits for Retry-After) */
  rateLimited: number
  reconnects: number
  /** watch calls the venue refused (trades and ticker streams; a refused book stream is resyncing) */
  refused: number
  duplicateTrades: number
  lateBarTrades: number
  malformed: number
}

/** A source configured in a way that cannot work; `field` names the option. */
export class LiveSourceConfigError extends Error {
  readonly type = 'LiveSourceConfigError'
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`live market source: ${field}: ${message}`)
    this.name = 'LiveSourceConfigError'
  }
}

const RECENT_TRADES = 2048
const STOPPED = Symbol('stopped')

export class LiveMarketSource {
  readonly counters: LiveSourceCounters = { events: 0, batches: 0, books: 0, crossed: 0, gaps: 0, resequenced: 0, rateLimited: 0, reconnects: 0, refused: 0, duplicateTrades: 0, lateBarTrades: 0, malformed: 0 }
  private readonly ex: WatchApi
  private readonly now: () => number
  private readonly sleep: Sleep
  private readonly gate: RequestGate
  private readonly redact: Redactor
  private readonly log: (line: string) => void
  private readonly feeds = new Map<string, SymbolFeed>()
  private readonly streams: Record<Stream, boolean>
  private readonly bookDepth: number
  private readonly bookIntervalMs: number
  private readonly barUpdateMs: number
  private readonly barGraceMs: number
  private readonly staleAfterMs: number
  private readonly healthIntervalMs: number
  private pending: MarketEvent[] = []
  private flushScheduled = false
  private lastTs = 0
  /** host time minus venue time, from the last message that carried venue time */
  private offset = 0
  private running = false
  private healthTimer: ReturnType<typeof setInterval> | null = null
  private loops: Promise<void>[] = []
  private halt: () => void = () => {}
  private readonly stopped = new Promise<typeof STOPPED>((resolve) => (this.halt = () => resolve(STOPPED)))
  private seedCounter = 0

  constructor(private readonly opts: LiveMarketSourceOptions) {
    this.ex = opts.exchange
    this.now = opts.now
    this.sleep = opts.sleep ?? realSleep
    this.gate = opts.gate ?? new RequestGate(opts.now, this.sleep)
    this.redact = opts.redact ?? createRedactor()
    this.log = redactingLogger(this.redact, opts.log)
    this.streams = { book: opts.streams?.book ?? true, trades: opts.streams?.trades ?? true, ticker: opts.streams?.ticker ?? false }
    this.bookDepth = opts.bookDepth ?? 20
    this.bookIntervalMs = opts.bookIntervalMs ?? 100
    this.barUpdateMs = opts.barUpdateMs ?? 1000
    this.barGraceMs = opts.barGraceMs ?? 1000
    this.staleAfterMs = opts.staleAfterMs ?? 5000
    this.healthIntervalMs = opts.healthIntervalMs ?? Math.max(10, Math.min(250, Math.floor(this.staleAfterMs / 4)))
    if ((opts.bars?.length ?? 0) > 0 && !this.streams.trades) throw new LiveSourceConfigError('bars', 'bars are built from trades, so the trades stream must be on')
    for (const tf of opts.bars ?? []) {
      try {
        parseTimeframe(tf)
      } catch (err) {
        throw new LiveSourceConfigError('bars', (err as Error).message)
      }
    }
    if (opts.symbols.length === 0) throw new LiveSourceConfigError('symbols', 'at least one symbol is needed')
    leaveRetriesToAdapter(this.ex)
    const window = opts.reorderWindow ?? { messages: 4, ms: 250 }
    if (window !== false) {
      if (!(window.messages >= 1) || !(window.ms > 0)) throw new LiveSourceConfigError('reorderWindow', `needs messages ≥ 1 and ms > 0, got ${JSON.stringify(window)}`)
      resequenceDepth(this.ex, window, () => this.counters.resequenced++)
    }
  }

  /** Starts every stream; returns at once (the streams run until `stop`). */
  start(): void {
    if (this.running) return
    this.running = true
    const now = this.now()
    for (const symbol of this.opts.symbols) {
      const feed: SymbolFeed = {
        symbol,
        health: new FeedHealth(symbol, this.staleAfterMs, now, this.streams.book),
        pendingBook: null,
        lastBookEmit: -Infinity,
        bookTimer: null,
        crossedSince: null,
        lastResyncError: undefined,
        bars: [],
        recentTrades: new Set()
      }
      for (const tf of this.opts.bars ?? []) {
        const state: BarState = {
          aggregator: new BarAggregator(tf, (bar) => this.closedBar(feed, state, bar)),
          closedUpTo: -Infinity,
          lastUpdateEmit: -Infinity
        }
        feed.bars.push(state)
      }
      this.feeds.set(symbol, feed)
      if (this.streams.book) this.loops.push(this.loop(feed, 'book'))
      if (this.streams.trades) this.loops.push(this.loop(feed, 'trades'))
      if (this.streams.ticker) this.loops.push(this.loop(feed, 'ticker'))
    }
    this.healthTimer = setInterval(() => this.checkHealth(), this.healthIntervalMs)
    this.healthTimer.unref?.()
  }

  /** Stops the streams, delivers what is pending and (by default) closes the exchange. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    this.halt()
    if (this.healthTimer !== null) clearInterval(this.healthTimer)
    for (const feed of this.feeds.values()) if (feed.bookTimer !== null) clearTimeout(feed.bookTimer)
    if (this.opts.ownsExchange !== false) {
      try {
        await this.ex.close?.()
      } catch (err) {
        this.log(`live source: closing the exchange failed: ${describeError(err, this.redact)}`)
      }
    }
    await Promise.allSettled(this.loops)
    this.flush()
  }

  /** Health of a symbol's feed as last reported (null before its first status event). */
  status(symbol: string): string | null {
    return this.feeds.get(symbol)?.health.reported ?? null
  }

  /**
   * Staleness, bar closing by time and the crossed-book limit. Runs on a timer; public so that
   * a host (or a test) can run it on its own tick.
   */
  checkHealth(): void {
    if (!this.running) return
    const now = this.now()
    for (const feed of this.feeds.values()) {
      feed.health.check(now)
      this.reportHealth(feed)
      const venueNow = now - this.offset
      for (const bar of feed.bars) bar.aggregator.advanceTo(venueNow - this.barGraceMs)
      if (feed.crossedSince !== null && now - feed.crossedSince > this.staleAfterMs) this.forceResync(feed, 'the book stayed crossed')
    }
  }

  // ---- streams -----------------------------------------------------------------------------

  private async loop(feed: SymbolFeed, stream: Stream): Promise<void> {
    const backoff = new Backoff({ ...this.opts.backoff, seed: (this.opts.backoff?.seed ?? 1) + ++this.seedCounter })
    let resyncsInARow = 0
    while (this.running) {
      try {
        if (stream === 'book') {
          // a (re)subscription fetches a REST snapshot: not before a venue's Retry-After
          if ((await this.untilStopped(this.gate.wait())) === STOPPED) return
          const book = await this.untilStopped(this.ex.watchOrderBook(feed.symbol))
          if (book === STOPPED) return
          this.onBook(feed, book)
        } else if (stream === 'trades') {
          const trades = await this.untilStopped(this.ex.watchTrades(feed.symbol))
          if (trades === STOPPED) return
          this.onTrades(feed, trades)
        } else {
          const ticker = await this.untilStopped(this.ex.watchTicker(feed.symbol, this.opts.tickerParams))
          if (ticker === STOPPED) return
          this.onTicker(feed, ticker)
        }
        backoff.reset()
        resyncsInARow = 0
      } catch (err) {
        if (!this.running) return
        const c = classifyError(err)
        if (c.kind === 'closed') return
        const why = describeError(err, this.redact)
        if (c.kind === 'resync' && stream === 'book') {
          // ccxt (4.5.8x) keeps a rejection it stored while no watch was pending on its future, so
          // the next watch can get the same error again: one gap, counted and answered once
          const repeat = err === feed.lastResyncError
          feed.lastResyncError = err
          if (!repeat) {
            this.counters.gaps++
            const what = c.cls === 'UnsubscribeError' ? 'forced resync' : 'sequence gap'
            this.bookOutOfSync(feed, `${what}, re-subscribing for a new snapshot (${why})`)
            // the first resync goes at once (ccxt re-subscribes); a venue that keeps failing gets backoff
            if (resyncsInARow++ === 0) continue
          }
        } else if (c.kind === 'rate-limited') {
          // the venue did not serve the snapshot and bans early requests: nothing before Retry-After
          this.counters.rateLimited++
          const wait = c.retryAfterMs ?? backoff.next()
          this.gate.blockUntil(this.now() + wait)
          if (stream === 'book') this.bookOutOfSync(feed, `rate limited by the venue, waiting ${wait} ms (${why})`)
          this.log(`live source: ${feed.symbol} ${stream}: rate limited (${why}); no request for ${wait} ms`)
        } else if (c.kind === 'rejected' && stream !== 'book') {
          // the venue refuses this stream (unknown stream, bad parameter): the others go on
          this.counters.refused++
          this.log(`live source: ${feed.symbol} ${stream} refused by the venue: ${why}; retrying with backoff`)
        } else {
          this.counters.reconnects++
          feed.health.streamDown(stream, why)
          if (stream === 'book') this.bookOutOfSync(feed, 'reconnecting')
          this.reportHealth(feed)
          this.log(`live source: ${feed.symbol} ${stream}: ${why}; retrying`)
        }
        if ((await this.untilStopped(this.sleep(backoff.next()))) === STOPPED) return
      }
    }
  }

  /** A watch (or a sleep) that stop() ends at once, whether or not the exchange is closed. */
  private untilStopped<T>(p: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([p, this.stopped])
  }

  private bookOutOfSync(feed: SymbolFeed, reason: string): void {
    feed.health.book(reason)
    feed.pendingBook = null
    feed.crossedSince = null
    this.reportHealth(feed)
  }

  private forceResync(feed: SymbolFeed, reason: string): void {
    this.bookOutOfSync(feed, reason)
    const unwatch = this.ex.unWatchOrderBook
    if (unwatch === undefined) return
    unwatch.call(this.ex, feed.symbol).catch((err: unknown) => this.log(`live source: ${feed.symbol}: unwatching the book failed: ${describeError(err, this.redact)}`))
  }

  private onBook(feed: SymbolFeed, book: VenueBook): void {
    const now = this.now()
    feed.health.data('book', now)
    const bid = num(book.bids[0]?.[0])
    const ask = num(book.asks[0]?.[0])
    if (bid !== undefined && ask !== undefined && bid >= ask) {
      this.counters.crossed++
      feed.crossedSince ??= now
      feed.health.book(`crossed book: best bid ${bid} ≥ best ask ${ask}`)
      feed.pendingBook = null
      this.reportHealth(feed)
      return
    }
    feed.crossedSince = null
    feed.health.book(null)
    this.reportHealth(feed)
    feed.pendingBook = book
    if (now - feed.lastBookEmit >= this.bookIntervalMs) this.emitBook(feed)
    else if (feed.bookTimer === null) {
      feed.bookTimer = setTimeout(() => {
        feed.bookTimer = null
        this.emitBook(feed)
      }, feed.lastBookEmit + this.bookIntervalMs - now)
    }
  }

  private emitBook(feed: SymbolFeed): void {
    const book = feed.pendingBook
    feed.pendingBook = null
    if (book === null || !this.running || feed.health.reported !== 'ok') return
    const bids = levels(book.bids, this.bookDepth)
    const asks = levels(book.asks, this.bookDepth)
    if (bids === null || asks === null) {
      this.counters.malformed++
      return
    }
    // ccxt may have changed the book since it resolved: check the copy that goes out
    if (bids.length > 0 && asks.length > 0 && bids[0][0] >= asks[0][0]) {
      this.counters.crossed++
      return
    }
    feed.lastBookEmit = this.now()
    this.counters.books++
    const event: BookEvent = { type: 'book', seq: 0, ts: this.stamp(num(book.timestamp)), symbol: feed.symbol, kind: 'snapshot', bids, asks, nonce: num(book.nonce) ?? null }
    this.push(event)
  }

  private onTrades(feed: SymbolFeed, trades: readonly VenueTrade[]): void {
    feed.health.data('trades', this.now())
    this.reportHealth(feed)
    for (const t of trades) {
      const price = num(t.price)
      const amount = num(t.amount)
      if (price === undefined || amount === undefined || !(price > 0) || amount < 0) {
        this.counters.malformed++
        continue
      }
      const id = str(t.id) ?? null
      if (id !== null) {
        if (feed.recentTrades.has(id)) {
          this.counters.duplicateTrades++
          continue
        }
        feed.recentTrades.add(id)
        if (feed.recentTrades.size > RECENT_TRADES) feed.recentTrades.delete(feed.recentTrades.values().next().value as string)
      }
      const venueTs = num(t.timestamp)
      // bars first: a trade of a later bucket closes the previous bar, which comes before it
      if (venueTs !== undefined) for (const bar of feed.bars) this.barTrade(bar, venueTs, price, amount)
      const side = t.side === 'buy' || t.side === 'sell' ? t.side : null
      this.push({ type: 'trade', seq: 0, ts: this.stamp(venueTs), symbol: feed.symbol, price, amount, side, id })
      if (this.barUpdateMs > 0) for (const bar of feed.bars) this.barUpdate(feed, bar)
    }
  }

  private barTrade(bar: BarState, ts: number, price: number, amount: number): void {
    if (ts < bar.closedUpTo || ts < (bar.aggregator.current()?.openTime ?? -Infinity)) {
      this.counters.lateBarTrades++
      return
    }
    bar.aggregator.pushTrade(ts, price, amount)
  }

  private barUpdate(feed: SymbolFeed, bar: BarState): void {
    const now = this.now()
    if (now - bar.lastUpdateEmit < this.barUpdateMs) return
    const b = bar.aggregator.current()
    if (b === undefined) return
    bar.lastUpdateEmit = now
    this.push(barEvent(feed.symbol, b, this.stamp(undefined), false))
  }

  private closedBar(feed: SymbolFeed, bar: BarState, b: AggregatedBar): void {
    bar.closedUpTo = b.closeTime
    this.push(barEvent(feed.symbol, b, this.stamp(b.closeTime), true))
  }

  private onTicker(feed: SymbolFeed, t: VenueTicker): void {
    feed.health.data('ticker', this.now())
    this.reportHealth(feed)
    const bid = num(t.bid)
    const ask = num(t.ask)
    if (bid === undefined || ask === undefined || !(bid > 0)) {
      this.counters.malformed++
      return
    }
    if (bid >= ask) {
      this.counters.crossed++
      return
    }
    this.push({ type: 'quote', seq: 0, ts: this.stamp(num(t.timestamp)), symbol: feed.symbol, bid, ask, bidSize: num(t.bidVolume) ?? 0, askSize: num(t.askVolume) ?? 0 })
  }

  // ---- output ------------------------------------------------------------------------------

  private reportHealth(feed: SymbolFeed): void {
    const change = feed.health.change(this.now())
    if (change === null) return
    const event: MarketStatusEvent = { type: 'status', seq: 0, ts: this.stamp(undefined), symbol: feed.symbol, status: change.status, reason: this.redact(change.reason) }
    this.push(event)
  }

  /** Event time: venue time when known, else host time moved onto the venue's clock; never backwards. */
  private stamp(venueTs: number | undefined): number {
    let t: number
    if (venueTs !== undefined && venueTs > 0) {
      t = venueTs
      this.offset = this.now() - venueTs
    } else {
      t = this.now() - this.offset
    }
    t = Math.round(t)
    if (t > this.lastTs) this.lastTs = t
    return this.lastTs
  }

  private push(event: MarketEvent): void {
    this.pending.push(event)
    this.counters.events++
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
  }

  private flush(): void {
    this.flushScheduled = false
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.counters.batches++
    try {
      this.opts.onBatch(batch)
    } catch (err) {
      this.log(`live source: the batch consumer threw: ${describeError(err, this.redact)}`)
    }
  }
}

function barEvent(symbol: string, b: AggregatedBar, ts: number, closed: boolean): BarEvent {
  return {
    type: 'bar',
    seq: 0,
    ts,
    symbol,
    timeframe: b.timeframe,
    openTime: b.openTime,
    closeTime: b.closeTime,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    closed
  }
}

/** The top `n` levels as numbers, or null when the venue sent something that is not a level. */
function levels(side: VenueBook['bids'], n: number): Array<[number, number]> | null {
  const count = Math.min(n, side.length)
  const out: Array<[number, number]> = new Array(count)
  for (let i = 0; i < count; i++) {
    const p = num(side[i]?.[0])
    const s = num(side[i]?.[1])
    if (p === undefined || s === undefined || !(p > 0) || s < 0) return null
    out[i] = [p, s]
  }
  return out
}

interface DepthDiff {
  U: number
  u: number
}

interface SequenceState {
  /** the last update id handed to ccxt on this connection */
  last: number | undefined
  /** early diffs, by first update id */
  held: Array<{ diff: DepthDiff; message: unknown }>
  timer: ReturnType<typeof setTimeout> | null
}

type WsClient = { url?: unknown }
type DepthHandler = (client: WsClient, message: unknown) => unknown
const RESEQUENCED = Symbol('theorycraft.resequenced')

/**
 * Puts a Binance-style spot diff stream (each diff carries `U`..`u`, the next begins at `u + 1`)
 * back in order before ccxt's `handleOrderBook` sees it. ccxt takes any diff whose `U` is not the
 * last `u + 1` for a gap: it drops the book and the stream must be re-snapshotted. A diff that
 * comes early is held, per connection and market, until the diffs before it arrive; when they do
 * not within `window.messages` diffs or `window.ms`, the held diffs go to ccxt as they are, and
 * ccxt reports the gap. Repeats and stale diffs pass straight on (ccxt drops them). Diffs of
 * other shapes (futures' `pu` chain, partial-depth snapshots) are not touched. Held diffs of a
 * connection that has since closed are dropped, never handed to the book of a newer one.
 * Returns false when the exchange has no such handler (or already has this wrapper).
 */
export function resequenceDepth(exchange: object, window: ReorderWindow, onResequenced: () => void = () => {}): boolean {
  const ex = exchange as { handleOrderBook?: DepthHandler; clients?: Record<string, unknown>; [RESEQUENCED]?: true }
  if (typeof ex.handleOrderBook !== 'function' || ex[RESEQUENCED]) return false
  const original = ex.handleOrderBook
  const states = new WeakMap<object, Map<string, SequenceState>>()
  const pass = (client: WsClient, message: unknown): void => void original.call(exchange, client, message)
  const current = (client: WsClient): boolean => typeof client.url !== 'string' || ex.clients === undefined || ex.clients[client.url] === client
  const flush = (client: WsClient, state: SequenceState): void => {
    if (state.timer !== null) clearTimeout(state.timer)
    state.timer = null
    const held = state.held
    state.held = []
    // a closed connection's diffs must not reach the book a newer connection is building
    if (!current(client)) return
    for (const h of held) {
      state.last = Math.max(state.last ?? -Infinity, h.diff.u)
      pass(client, h.message)
    }
  }
  ex.handleOrderBook = function (client: WsClient, message: unknown): void {
    const m = message as { U?: unknown; u?: unknown; pu?: unknown; s?: unknown } | null
    if (typeof client !== 'object' || client === null || m === null || typeof m !== 'object' || typeof m.U !== 'number' || typeof m.u !== 'number' || m.pu !== undefined) {
      pass(client, message)
      return
    }
    let byMarket = states.get(client)
    if (byMarket === undefined) states.set(client, (byMarket = new Map()))
    const key = String(m.s)
    let state = byMarket.get(key)
    if (state === undefined) byMarket.set(key, (state = { last: undefined, held: [], timer: null }))
    const diff: DepthDiff = { U: m.U, u: m.u }
    if (state.last === undefined || diff.u <= state.last || diff.U <= state.last + 1) {
      if (state.last === undefined || diff.u > state.last) state.last = diff.u
      pass(client, message)
      // the diffs that waited for this one
      let released = 0
      while (state.held.length > 0 && state.held[0].diff.U <= (state.last as number) + 1) {
        const h = state.held.shift() as { diff: DepthDiff; message: unknown }
        if (h.diff.u > (state.last as number)) state.last = h.diff.u
        pass(client, h.message)
        released++
      }
      if (released > 0) onResequenced()
      if (state.held.length === 0 && state.timer !== null) {
        clearTimeout(state.timer)
        state.timer = null
      }
      return
    }
    // early: wait for the diffs before it
    if (!state.held.some((h) => h.diff.u === diff.u)) {
      const at = state.held.findIndex((h) => h.diff.U > diff.U)
      state.held.splice(at < 0 ? state.held.length : at, 0, { diff, message })
    }
    const s = state
    if (s.held.length > window.messages) flush(client, s)
    else if (s.timer === null) {
      s.timer = setTimeout(() => flush(client, s), window.ms)
      s.timer.unref?.()
    }
  }
  Object.defineProperty(exchange, RESEQUENCED, { value: true, enumerable: false })
  return true
}
