import type { BrokerEvent, JournalEvent, MarketEvent, OrderRequest, TradingState } from '../../shared/events'
import type { Broker } from '../core/broker/broker'
import type { JournalAppender } from '../core/journal/appender'
import type { JournalRecord } from '../core/journal/journal'
import type { JournalSink, Kernel } from '../core/kernel/kernel'
import { MARKET_TYPES, resubmitManualOrder, USER_CONTROLS } from '../core/replay/replay'
import { RiskGate } from '../core/risk/risk-gate'

/**
 * Resuming a paper or live session after a crash: the session's kernel is rebuilt by running
 * its journal through it again, so engines, order ids, the risk gate's state and (paper) the
 * simulated broker come out as they were when the last acknowledged event was written.
 *
 * - Market events are processed again; engines decide again (their decisions are deterministic
 *   on the same events: replay parity).
 * - Paper: the simulated broker makes its events anew. What a person did is applied where the
 *   journal has it: manual orders (under their journaled client ids), cancels of manual orders,
 *   the kill switch and trading-state changes, engine pause/resume/stop.
 * - Live: nothing is sent while rebuilding. The venue broker's journaled events go back into it
 *   (`restore`) and through the kernel, so engines see them where they saw them before.
 * Nothing is journaled while rebuilding; events the rebuild makes past the journal's end (the
 * unacknowledged tail that was lost) are journaled afterwards. When the rebuilt kernel's count
 * differs from the journal's, the sink shifts seqs so the journal continues densely.
 */

const VENUE_EVENTS: ReadonlySet<string> = new Set([
  'OrderSubmitted',
  'OrderAccepted',
  'OrderRejected',
  'OrderTriggered',
  'OrderPartiallyFilled',
  'OrderFilled',
  'OrderCancelled',
  'OrderExpired',
  'CancelRejected',
  'PositionChanged',
  'BalanceUpdated'
])

/** The kernel's journal sink: silent while rebuilding, then the appender with seqs shifted by `offset`. */
export class ResumableSink implements JournalSink {
  private target: JournalAppender | null = null
  private offset = 0
  /** what the rebuild made past the journal's last seq */
  private readonly tail: Array<[number, number, string, unknown]> = []
  private tailFrom = Infinity

  /** While rebuilding: events with a seq above `lastSeq` are kept for `attach`. */
  collectAfter(lastSeq: number): void {
    this.tailFrom = lastSeq
  }

  append(seq: number, ts: number, type: string, payload: unknown): void {
    if (this.target === null) {
      if (seq > this.tailFrom) this.tail.push([seq, ts, type, structuredClone(payload)])
      return
    }
    if (this.offset === 0) {
      this.target.append(seq, ts, type, payload)
      return
    }
    const p = payload as { seq?: number; cause?: number }
    const shifted = { ...p, seq: seq + this.offset, ...(typeof p.cause === 'number' && p.cause > 0 ? { cause: p.cause + this.offset } : {}) }
    this.target.append(seq + this.offset, ts, type, shifted)
  }

  /** Journals from here on; `kernelSeq` is where the rebuilt kernel stands, `lastSeq` the journal's. */
  attach(target: JournalAppender, kernelSeq: number): void {
    const lastSeq = target.lastSeq
    this.target = target
    this.tailFrom = Infinity
    if (kernelSeq > lastSeq) {
      for (const [seq, ts, type, payload] of this.tail) target.append(seq, ts, type, payload)
      this.offset = 0
    } else this.offset = lastSeq - kernelSeq
    this.tail.length = 0
  }

  /** Journal seq of a kernel seq. */
  journalSeq(kernelSeq: number): number {
    return kernelSeq + this.offset
  }
}

/** A risk gate whose loss and drawdown limits only count once armed (not while a session is rebuilt). */
export class ArmableRiskGate extends RiskGate {
  armed = false

  override equityBreach(equity: number): string | null {
    return this.armed ? super.equityBreach(equity) : null
  }
}

/**
 * The kernel's broker while a session may be rebuilt: orders and cancels reach the real broker
 * only when `sending`; a live session's rebuild must send nothing. It also remembers which
 * orders had a cancel requested (a paper rebuild applies the user's cancels once).
 */
export class GuardedBroker implements Broker {
  sending = true
  readonly lookAhead: boolean
  readonly cancelRequested = new Set<string>()
  /** flatten orders of the kill switch are dropped while this is set (a limit fired, the profile says not to flatten) */
  dropKillFlatten = false

  constructor(readonly inner: Broker) {
    this.lookAhead = inner.lookAhead ?? false
  }

  get outbox(): BrokerEvent[] {
    return this.inner.outbox
  }

  get account(): Broker['account'] {
    return this.inner.account
  }

  market(symbol: string): ReturnType<Broker['market']> {
    return this.inner.market(symbol)
  }

  submit(order: OrderRequest, now: number, cause: number): void {
    if (!this.sending) return
    if (this.dropKillFlatten && order.owner === 'manual' && order.clientOrderId.startsWith('kill-')) return
    this.inner.submit(order, now, cause)
  }

  cancel(clientOrderId: string, now: number, cause: number): void {
    this.cancelRequested.add(clientOrderId)
    if (this.sending) this.inner.cancel(clientOrderId, now, cause)
  }

  onMarket(event: MarketEvent): void {
    this.inner.onMarket(event)
  }

  nextWakeTs(): number {
    return this.inner.nextWakeTs()
  }

  wake(now: number, cause: number): void {
    this.inner.wake(now, cause)
  }
}

export interface RebuildOptions {
  kernel: Kernel
  broker: GuardedBroker
  /** live: the venue broker takes its journaled events back (see VenueBroker.restoreEvent) */
  restore?: (event: BrokerEvent) => void
}

export interface RebuildResult {
  /** the journal's events, payloads only, in order */
  events: JournalEvent[]
  lastSeq: number
  lastTs: number
  /** the trading state the journal ended in, leaving out halts while reconciling */
  tradingState: TradingState
  /** journaled events the rebuild did not make again (informational) */
  notRemade: number
}

/** Runs a session's journal through its fresh kernel (see the top of this file). */
export function rebuild(records: Iterable<JournalRecord>, o: RebuildOptions): RebuildResult {
  const { kernel, broker } = o
  const live = o.restore !== undefined
  const events: JournalEvent[] = []
  let lastSeq = 0
  let lastTs = 0
  let tradingState: TradingState = 'ACTIVE'
  let notRemade = 0
  broker.sending = !live
  try {
    for (const r of records) {
      const payload = r.payload as JournalEvent
      events.push(payload)
      lastSeq = r.seq
      lastTs = Math.max(lastTs, r.ts)
      if (MARKET_TYPES.has(r.type)) {
        kernel.processMarket({ ...(payload as MarketEvent), ts: r.ts })
        continue
      }
      const copy = structuredClone(payload)
      if (live && VENUE_EVENTS.has(r.type)) {
        o.restore!(copy as BrokerEvent)
        kernel.advanceTo(r.ts)
        continue
      }
      switch (copy.type) {
        case 'OrderSubmitted': {
          const order = copy.order
          if (order.owner !== 'manual') break
          if (order.clientOrderId.startsWith('kill-')) broker.inner.submit(order, r.ts, 0)
          else resubmitManualOrder(kernel, order)
          kernel.advanceTo(r.ts)
          break
        }
        case 'OrderCancelled': {
          const view = kernel.broker.account.order(copy.clientOrderId)
          // the user's cancel of a manual order; engines and the kill switch cancel again by themselves
          if (view?.owner === 'manual' && !broker.cancelRequested.has(copy.clientOrderId) && kernel.broker.account.openOrders().some((x) => x.clientOrderId === copy.clientOrderId)) {
            kernel.cancelOrder(copy.clientOrderId)
            kernel.advanceTo(r.ts)
          }
          break
        }
        case 'OrderDenied':
          // denials of the manual ticket are not made again (the request is not journaled); engines' are
          if (copy.owner === 'manual') {
            kernel.broker.outbox.push(copy)
            kernel.advanceTo(r.ts)
          }
          break
        case 'TradingStateChanged':
          // a halt while reconciling is not a kill switch, and the state to return to is the one before it
          if (copy.by === 'reconciliation') kernel.setTradingState(copy.state, copy.by, copy.reason)
          else {
            tradingState = copy.state
            if (copy.state === 'HALTED') {
              if (kernel.tradingState !== 'HALTED') kernel.killSwitch(copy.by, copy.reason, false)
            } else kernel.setTradingState(copy.state, copy.by, copy.reason)
          }
          break
        case 'EngineStateChanged': {
          const control = USER_CONTROLS.get(copy.reason)
          if (control !== undefined && kernel.engines().some((e) => e.id === copy.engineId)) control(kernel, copy.engineId)
          break
        }
        default:
          notRemade++
      }
    }
    kernel.advanceTo(lastTs)
  } finally {
    broker.sending = true
  }
  return { events, lastSeq, lastTs, tradingState, notRemade }
}
