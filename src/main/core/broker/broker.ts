import type {
  BalanceView,
  Market,
  BrokerEvent,
  MarketEvent,
  OrderRequest,
  OrderView,
  PositionView
} from '../../../shared/events'

/** Read-only account state, as engines, the risk gate and the UI see it. */
export interface AccountView {
  readonly currency: string
  position(symbol: string): PositionView
  positions(): PositionView[]
  balance(currency: string): BalanceView
  balances(): BalanceView[]
  /** cash plus positions marked to the last known prices */
  equity(): number
  order(clientOrderId: string): OrderView | undefined
  /** orders that are not final, optionally of one owner and/or symbol */
  openOrders(owner?: string, symbol?: string): OrderView[]
  allOrders(): Iterable<OrderView>
  lastPrice(symbol: string): number | undefined
}

/**
 * A broker takes orders and produces BrokerEvents. Calls are synchronous; what they cause is
 * appended to `outbox` (with `seq: 0`; the kernel numbers them) and reaches engines later,
 * never within the call that submitted the order. The kernel also appends risk denials
 * (`OrderDenied`) there, so every order event keeps its creation order.
 */
export interface Broker {
  readonly outbox: BrokerEvent[]
  readonly account: AccountView
  /** true when fills may use prices an engine could not have seen when it ordered (reports flag it) */
  readonly lookAhead?: boolean
  /** the market's precision, limits and fees: as the venue publishes them, or as a simulated broker charges them */
  market(symbol: string): Market | undefined
  submit(order: OrderRequest, now: number, cause: number): void
  cancel(clientOrderId: string, now: number, cause: number): void
  /** market data reaches the broker before engines (simulated matching, marks) */
  onMarket(event: MarketEvent): void
  /** earliest time the broker must be woken (e.g. an order reaching the venue), or Infinity */
  nextWakeTs(): number
  wake(now: number, cause: number): void
}
