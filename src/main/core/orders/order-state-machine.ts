import type { OrderStatus } from '../../../shared/orders'

/** What can happen to an order, as reported by a broker or a venue. */
export type OrderAction = 'accept' | 'reject' | 'trigger' | 'fill-partial' | 'fill' | 'cancel' | 'expire'

/**
 * The allowed transitions, one row per state. A venue may skip the acknowledgement (an order
 * can fill or be cancelled straight from `submitted`), and a stop may fill in the same step
 * it triggers; everything not listed is an `InvalidOrderTransition`.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>>> = {
  submitted: {
    accept: 'accepted',
    reject: 'rejected',
    trigger: 'triggered',
    'fill-partial': 'partially_filled',
    fill: 'filled',
    cancel: 'cancelled',
    expire: 'expired'
  },
  accepted: {
    trigger: 'triggered',
    'fill-partial': 'partially_filled',
    fill: 'filled',
    cancel: 'cancelled',
    expire: 'expired'
  },
  triggered: {
    'fill-partial': 'partially_filled',
    fill: 'filled',
    cancel: 'cancelled',
    expire: 'expired'
  },
  partially_filled: {
    'fill-partial': 'partially_filled',
    fill: 'filled',
    cancel: 'cancelled',
    expire: 'expired'
  },
  filled: {},
  cancelled: {},
  rejected: {},
  expired: {}
}

export class InvalidOrderTransition extends Error {
  readonly type = 'InvalidOrderTransition'
  constructor(
    readonly from: OrderStatus,
    readonly action: OrderAction,
    readonly orderId: string
  ) {
    super(`order ${orderId}: cannot ${action} an order that is ${from}`)
  }
}

export function nextOrderStatus(from: OrderStatus, action: OrderAction, orderId = '?'): OrderStatus {
  const to = TRANSITIONS[from][action]
  if (to === undefined) throw new InvalidOrderTransition(from, action, orderId)
  return to
}

export function canTransition(from: OrderStatus, action: OrderAction): boolean {
  return TRANSITIONS[from][action] !== undefined
}

export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'filled' || status === 'cancelled' || status === 'rejected' || status === 'expired'
}

export const ORDER_STATUSES = Object.keys(TRANSITIONS) as OrderStatus[]
export const ORDER_ACTIONS: readonly OrderAction[] = ['accept', 'reject', 'trigger', 'fill-partial', 'fill', 'cancel', 'expire']
