import type { BrokerEvent, FillEvent } from '../../../shared/broker-events'
import type { OrderRequest, OrderStatus, OrderView } from '../../../shared/orders'
import { toFifteenDigits } from '../decimal-rounding'
import { isFinalStatus, nextOrderStatus, type OrderAction } from './order-state-machine'

/** A broker event that names an order this tracker never saw submitted. */
export class OrderTrackerError extends Error {
  readonly type = 'OrderTrackerError'
  constructor(
    readonly orderId: string,
    readonly eventType: string,
    readonly seq: number
  ) {
    super(`order tracker: ${eventType} (seq ${seq}) names order ${orderId}, which was never submitted`)
    this.name = 'OrderTrackerError'
  }
}

const ACTIONS: Partial<Record<BrokerEvent['type'], OrderAction>> = {
  OrderAccepted: 'accept',
  OrderRejected: 'reject',
  OrderTriggered: 'trigger',
  OrderPartiallyFilled: 'fill-partial',
  OrderFilled: 'fill',
  OrderCancelled: 'cancel',
  OrderExpired: 'expire'
}

/**
 * A view with every field written out: V8 builds `{ ...view, status }` of a 19-field object
 * very slowly, and the tracker makes one per order event.
 */
function makeView(
  o: OrderRequest,
  id: string,
  status: OrderStatus,
  filled: number,
  remaining: number,
  average: number | null,
  submittedAt: number,
  updatedAt: number,
  amount = o.amount
): OrderView {
  return Object.freeze({
    clientOrderId: o.clientOrderId,
    owner: o.owner,
    symbol: o.symbol,
    type: o.type,
    side: o.side,
    amount,
    price: o.price,
    stopPrice: o.stopPrice,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    cost: o.cost,
    id,
    status,
    filled,
    remaining,
    average,
    submittedAt,
    updatedAt
  })
}

/** Sums of fill amounts without the binary noise of repeated float addition. */
export function addAmounts(a: number, b: number): number {
  return toFifteenDigits(a + b)
}

/** An order as the tracker holds it, for `applyTo`. */
export interface OrderHandle {
  readonly view: OrderView
}

/** One order: its current view, and the trade ids of the fills applied to it. */
interface OrderRecord {
  view: OrderView
  /** one trade id as a string until a second fill, then a set */
  fills: string | Set<string> | null
}

/**
 * Order state built from broker events alone, so the simulated broker and a live venue broker
 * can share it. Views are frozen snapshots, replaced on every change. A fill is applied once
 * per (order id, trade id): a venue that reports the same execution twice changes nothing.
 */
export class OrderTracker {
  // One record per order, shared by the indexes: a change replaces its view without re-indexing.
  private readonly byId = new Map<string, OrderRecord>()
  private readonly byClient = new Map<string, OrderRecord>()
  private readonly open = new Map<string, OrderRecord>()

  /**
   * Applies one broker event; returns the updated view, or undefined when the event does not
   * concern an order or changes nothing (repeated submission or fill). Throws
   * `InvalidOrderTransition` for a transition the table forbids and `OrderTrackerError` for an
   * unknown order.
   */
  apply(event: BrokerEvent): OrderView | undefined {
    if (event.type === 'OrderSubmitted') return this.submitted(event.orderId, event.order, event.ts)
    const action = ACTIONS[event.type]
    if (action === undefined || !('orderId' in event)) return undefined
    const record = this.byId.get(event.orderId)
    if (record === undefined) throw new OrderTrackerError(event.orderId, event.type, event.seq)
    return this.update(record, event, action)
  }

  /**
   * Tracks an order whose id the caller made and never used before (a simulated broker's own
   * ids): no check for a repeated submission. Returns its handle for `applyTo`.
   */
  submittedNew(orderId: string, order: OrderRequest, ts: number): OrderHandle {
    const record: OrderRecord = { view: makeView(order, orderId, 'submitted', 0, order.amount, null, ts, ts), fills: null }
    this.add(record, order.clientOrderId)
    return record
  }

  /**
   * `apply` for an event of the order behind `handle` (from `submittedNew`): a broker that keeps
   * the handle with its order saves looking the order up by id.
   */
  applyTo(handle: OrderHandle, event: BrokerEvent): OrderView | undefined {
    const action = ACTIONS[event.type]
    if (action === undefined || !('orderId' in event)) return undefined
    const record = handle as OrderRecord
    if (event.orderId !== record.view.id) throw new OrderTrackerError(event.orderId, event.type, event.seq)
    return this.update(record, event, action)
  }

  private update(record: OrderRecord, event: Extract<BrokerEvent, { orderId: string }>, action: OrderAction): OrderView | undefined {
    if (event.type === 'OrderFilled' || event.type === 'OrderPartiallyFilled') return this.filled(record, event, action)
    const current = record.view
    const status = nextOrderStatus(current.status, action, current.id)
    return this.store(record, makeView(current, current.id, status, current.filled, current.remaining, current.average, current.submittedAt, event.ts))
  }

  get(clientOrderId: string): OrderView | undefined {
    return this.byClient.get(clientOrderId)?.view
  }

  getById(orderId: string): OrderView | undefined {
    return this.byId.get(orderId)?.view
  }

  /** Orders that are not final, in submission order, optionally of one owner and/or symbol. */
  openOrders(owner?: string, symbol?: string): OrderView[] {
    const out: OrderView[] = []
    for (const { view: o } of this.open.values()) {
      if ((owner === undefined || o.owner === owner) && (symbol === undefined || o.symbol === symbol)) out.push(o)
    }
    return out
  }

  /**
   * The open orders without building a list (for per-fill sums), each as `{ view }`: a Map's own
   * iterator, which optimised loops run without allocating (a generator allocates per order).
   */
  openRecords(): IterableIterator<{ readonly view: OrderView }> {
    return this.open.values()
  }

  *all(): IterableIterator<OrderView> {
    for (const record of this.byId.values()) yield record.view
  }

  private submitted(orderId: string, order: OrderRequest, ts: number): OrderView | undefined {
    if (this.byId.has(orderId)) return undefined
    const record: OrderRecord = { view: makeView(order, orderId, 'submitted', 0, order.amount, null, ts, ts), fills: null }
    this.add(record, order.clientOrderId)
    return record.view
  }

  private add(record: OrderRecord, clientOrderId: string): void {
    // A client order id may be reused once its earlier order is final; while that order is open
    // the id keeps naming it (the broker rejects the newcomer).
    const previous = this.byClient.get(clientOrderId)
    this.byId.set(record.view.id, record)
    this.open.set(record.view.id, record)
    if (previous === undefined || isFinalStatus(previous.view.status)) this.byClient.set(clientOrderId, record)
  }

  private filled(record: OrderRecord, event: FillEvent, action: OrderAction): OrderView | undefined {
    const current = record.view
    const applied = record.fills
    if (applied === event.tradeId || (applied instanceof Set && applied.has(event.tradeId))) return undefined
    const status = nextOrderStatus(current.status, action, current.id)
    if (applied === null) record.fills = event.tradeId
    else if (typeof applied === 'string') record.fills = new Set([applied, event.tradeId])
    else applied.add(event.tradeId)
    const filled = addAmounts(current.filled, event.amount)
    const average = ((current.average ?? 0) * current.filled + event.price * event.amount) / filled
    const remaining = status === 'filled' ? 0 : event.remaining
    // an order sized by cost learns its base amount from its fills
    const amount = current.cost !== null && current.amount === 0 ? addAmounts(filled, remaining) : current.amount
    return this.store(record, makeView(current, current.id, status, filled, remaining, average, current.submittedAt, event.ts, amount))
  }

  private store(record: OrderRecord, view: OrderView): OrderView {
    record.view = view
    // a final order leaves the open list; an open one keeps its place in it
    if (isFinalStatus(view.status)) this.open.delete(view.id)
    return view
  }
}
