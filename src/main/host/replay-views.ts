import type { PushPayload, PushTopic } from '../../shared/api'
import type { JournalEvent } from '../../shared/events'
import type { Kernel } from '../core/kernel/kernel'
import type { ReplayFeed } from './replay-feed'

type Payload<T extends PushTopic> = PushPayload<T>
type LogLine = Payload<'logs'>['lines'][number]
type FillLine = Payload<'fills'>['fills'][number]
type BarRow = Payload<'bars'>['bars'][number]
export type View = { topic: PushTopic; payload: PushPayload<PushTopic> }

/** Levels per side in a book push. */
export const BOOK_DEPTH = 20

/**
 * Collects what a replay session's panels need from the kernel's event stream and builds the
 * view payloads when flushed: state that only the newest value matters for is rebuilt from the
 * kernel at flush time (cheap at 20/s), appended things (bars, fills, log lines) are buffered.
 */
export class ReplayViews {
  private bars: BarRow[] = []
  private fills: FillLine[] = []
  private logs: LogLine[] = []
  private ordersDirty = true
  private activity = true
  private stateDirty = true
  private bookMark = ''

  constructor(
    private readonly sessionId: string,
    private readonly kernel: Kernel,
    private readonly feed: ReplayFeed,
    private readonly state: () => Payload<'session.state'>
  ) {}

  /** The kernel's observer: sees every sequenced event. */
  observe(e: JournalEvent): void {
    this.activity = true
    switch (e.type) {
      case 'bar':
        // in-progress updates too (live feeds send them): the chart replaces a bar of the same open time
        if (e.symbol === this.feed.symbol && e.timeframe === this.feed.barTimeframe) this.bars.push([e.openTime, e.open, e.high, e.low, e.close, e.volume])
        return
      case 'status':
        this.log(e.seq, e.ts, 'kernel', 'system', e.status === 'ok' ? 'info' : 'warn', `${e.symbol} market data ${e.status}${e.reason ? `: ${e.reason}` : ''}`)
        return
      case 'OrderFilled':
      case 'OrderPartiallyFilled':
        this.ordersDirty = true
        this.fills.push({ ts: e.tradeTs, symbol: e.symbol, side: e.side, price: e.price, amount: e.amount, fee: e.fee.cost, clientOrderId: e.clientOrderId, owner: e.owner })
        return
      case 'OrderDenied':
        this.ordersDirty = true
        this.log(e.seq, e.ts, e.owner, 'system', 'warn', `order ${e.clientOrderId} denied by the risk gate (${e.rule}): ${e.reason}`)
        return
      case 'OrderRejected':
        this.ordersDirty = true
        this.log(e.seq, e.ts, 'kernel', 'system', 'warn', `order ${e.clientOrderId} rejected: ${e.reason}`)
        return
      case 'OrderSubmitted':
      case 'OrderAccepted':
      case 'OrderTriggered':
      case 'OrderCancelled':
      case 'OrderExpired':
      case 'CancelRejected':
        this.ordersDirty = true
        return
      case 'EngineLogged':
        this.log(e.seq, e.ts, e.engineId, 'log', e.level, e.message)
        return
      case 'AlertRaised':
        this.log(e.seq, e.ts, e.engineId, 'alert', e.level, e.message)
        return
      case 'MetricRecorded':
        this.log(e.seq, e.ts, e.engineId, 'metric', 'debug', `${e.name} = ${e.value}`)
        return
      case 'EngineFaulted':
        this.log(e.seq, e.ts, e.engineId, 'fault', 'error', e.error)
        return
      case 'EngineStateChanged':
        this.log(e.seq, e.ts, e.engineId, 'system', 'info', `engine ${e.engineId} ${e.state}: ${e.reason}`)
        return
      case 'TradingStateChanged':
        this.stateDirty = true
        this.log(e.seq, e.ts, 'kernel', 'system', e.state === 'ACTIVE' ? 'info' : 'warn', `trading ${e.state} by ${e.by}: ${e.reason}`)
        return
      default:
        return
    }
  }

  /** A line from the session itself (not from the kernel's stream). */
  system(level: LogLine['level'], message: string): void {
    this.log(this.kernel.seq, this.kernel.now(), 'kernel', 'system', level, message)
  }

  /** Something outside the event stream changed (a control command): push state, orders and account. */
  touch(): void {
    this.stateDirty = true
    this.ordersDirty = true
    this.activity = true
  }

  /** The views that changed since the last call. */
  take(): View[] {
    const id = this.sessionId
    const out: View[] = []
    const add = <T extends PushTopic>(topic: T, payload: Payload<T>): void => void out.push({ topic, payload: payload as PushPayload<PushTopic> })
    if (this.activity || this.stateDirty) add('session.state', this.state())
    const book = this.feed.book
    if (book !== null && book.depth.bids + book.depth.asks > 0) {
      const mark = `${book.counters.snapshots}/${book.counters.applied}/${book.status}`
      if (mark !== this.bookMark) {
        this.bookMark = mark
        const { bids, asks } = book.top(BOOK_DEPTH)
        add('book', { sessionId: id, symbol: book.symbol, ts: book.ts, bids, asks, stale: !book.fresh })
      }
    }
    if (this.bars.length > 0) {
      add('bars', { sessionId: id, symbol: this.feed.symbol, timeframe: this.feed.barTimeframe, bars: this.bars })
      this.bars = []
    }
    if (this.fills.length > 0) {
      add('fills', { sessionId: id, fills: this.fills })
      this.fills = []
    }
    if (this.ordersDirty) {
      add('orders', { sessionId: id, orders: this.kernel.broker.account.openOrders().map(orderView) })
    }
    if (this.activity) {
      const account = this.kernel.broker.account
      add('account', {
        sessionId: id,
        equity: account.equity(),
        positions: account.positions().map((p) => ({ ...p })),
        balances: account.balances().map((b) => ({ ...b }))
      })
      add('engines', { sessionId: id, engines: this.kernel.engines() })
    }
    if (this.logs.length > 0) {
      add('logs', { sessionId: id, lines: this.logs })
      this.logs = []
    }
    this.activity = false
    this.stateDirty = false
    this.ordersDirty = false
    return out
  }

  private log(seq: number, ts: number, engineId: string, kind: LogLine['kind'], level: LogLine['level'], message: string): void {
    this.logs.push({ seq, ts, engineId, kind, level, message })
  }
}

function orderView(o: ReturnType<Kernel['broker']['account']['openOrders']>[number]): Payload<'orders'>['orders'][number] {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    owner: o.owner,
    symbol: o.symbol,
    type: o.type,
    side: o.side,
    amount: o.amount,
    price: o.price,
    stopPrice: o.stopPrice,
    status: o.status,
    filled: o.filled,
    remaining: o.remaining,
    average: o.average,
    timeInForce: o.timeInForce,
    submittedAt: o.submittedAt,
    updatedAt: o.updatedAt
  }
}
