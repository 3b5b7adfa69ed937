import type { BrokerEvent, FillEvent } from '../../../shared/broker-events'
import type { OrderRequest, OrderStatus, OrderView } from '../../../shared/orders'
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
  updatedAt: number
): OrderView {
  return Object.freeze({
    clientOrderId: o.clientOrderId,
    owner: o.owner,
    symbol: o.symbol,
    type: o.type,
    side: o.side,
    amount: o.amount,
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
function addAmounts(a: number, b: number): number {
  return Number((a + b).toPrecision(15))
}

/**
 * Order state built from broker events alone, so the simulated broker and a live venue broker
 * can share it. Views are frozen snapshots, replaced on every change. A fill is applied once
 * per (order id, trade id): a venue that reports the same execution twice changes nothing.
 */
export class OrderTracker {
  private readonly byId = new Map<string, OrderView>()
  private readonly byClient = new Map<string, OrderView>()
  private readonly open = new Map<string, OrderView>()
  private readonly appliedFills = new Set<string>()

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
    const current = this.byId.get(event.orderId)
    if (current === undefined) throw new OrderTrackerError(event.orderId, event.type, event.seq)
    if (event.type === 'OrderFilled' || event.type === 'OrderPartiallyFilled') return this.filled(current, event, action)
    const status = nextOrderStatus(current.status, action, current.id)
    return this.store(makeView(current, current.id, status, current.filled, current.remaining, current.average, current.submittedAt, event.ts))
  }

  get(clientOrderId: string): OrderView | undefined {
    return this.byClient.get(clientOrderId)
  }

  getById(orderId: string): OrderView | undefined {
    return this.byId.get(orderId)
  }

  /** Orders that are not final, in submission order, optionally of one owner and/or symbol. */
  openOrders(owner?: string, symbol?: string): OrderView[] {
    const out: OrderView[] = []
    for (const o of this.open.values()) {
      if ((owner === undefined || o.owner === owner) && (symbol === undefined || o.symbol === symbol)) out.push(o)
    }
    return out
  }

  /** The open orders themselves, without building a list (for per-fill sums). */
  openViews(): IterableIterator<OrderView> {
    return this.open.values()
  }

  all(): Iterable<OrderView> {
    return this.byId.values()
  }

  private submitted(orderId: string, order: OrderRequest, ts: number): OrderView | undefined {
    if (this.byId.has(orderId)) return undefined
    const view = makeView(order, orderId, 'submitted', 0, order.amount, null, ts, ts)
    // A client order id may be reused once its earlier order is final; while that order is open
    // the id keeps naming it (the broker rejects the newcomer).
    const previous = this.byClient.get(order.clientOrderId)
    this.byId.set(orderId, view)
    this.open.set(orderId, view)
    if (previous === undefined || isFinalStatus(previous.status)) this.byClient.set(order.clientOrderId, view)
    return view
  }

  private filled(current: OrderView, event: FillEvent, action: OrderAction): OrderView | undefined {
    const key = `${event.orderId}\u0000${event.tradeId}`
    if (this.appliedFills.has(key)) return undefined
    const status = nextOrderStatus(current.status, action, current.id)
    this.appliedFills.add(key)
    const filled = addAmounts(current.filled, event.amount)
    const average = ((current.average ?? 0) * current.filled + event.price * event.amount) / filled
    const remaining = status === 'filled' ? 0 : event.remaining
    // an order sized by cost learns its base amount from its fills
    const amount = current.cost !== null && current.amount === 0 ? addAmounts(filled, remaining) : current.amount
    const request = amount === current.amount ? current : { ...current, amount }
    return this.store(makeView(request, current.id, status, filled, remaining, average, current.submittedAt, event.ts))
  }

  private store(view: OrderView): OrderView {
    this.byId.set(view.id, view)
    if (this.byClient.get(view.clientOrderId)?.id === view.id) this.byClient.set(view.clientOrderId, view)
    if (isFinalStatus(view.status)) this.open.delete(view.id)
    else this.open.set(view.id, view)
    return view
  }
}
