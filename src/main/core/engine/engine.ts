import type {
  BalanceView,
  BrokerEvent,
  BrokerEventType,
  CreateOrderParams,
  LogLevel,
  Market,
  MarketEvent,
  MarketEventType,
  OrderType,
  OrderView,
  PositionView,
  Side,
  TimerFired
} from '../../../shared/events'
import type { ParamSpecs, ParamValues } from '../../../shared/engine-params'

/** Which streams an engine receives; omitted filters mean "all". */
export interface Subscription {
  market?: { symbols?: readonly string[]; types?: readonly MarketEventType[] } | false
  broker?: { types?: readonly BrokerEventType[] } | false
}

/**
 * What an engine can see and do. There is deliberately no access to stored data or to
 * anything after `now()`: engines learn about the market only through the events they
 * are handed.
 */
export interface EngineContext<P extends ParamValues = ParamValues> {
  readonly engineId: string
  readonly params: Readonly<P>
  now(): number
  /** ccxt's createOrder; returns the client order id. Denials arrive as `OrderDenied`. */
  createOrder(symbol: string, type: OrderType, side: Side, amount: number, price?: number, params?: CreateOrderParams): string
  cancelOrder(clientOrderId: string): void
  cancelAllOrders(symbol?: string): void
  /** the market's precision, limits and fees (undefined for an unknown symbol) */
  market(symbol: string): Market | undefined
  /** ccxt's priceToPrecision: the price rounded to the nearest tick of the market */
  priceToPrecision(symbol: string, price: number): number
  /** ccxt's amountToPrecision: the amount rounded down to the market's amount step */
  amountToPrecision(symbol: string, amount: number): number
  /** this engine's orders that are not final */
  openOrders(symbol?: string): readonly OrderView[]
  order(clientOrderId: string): OrderView | undefined
  position(symbol: string): PositionView
  balance(currency: string): BalanceView
  /** account equity marked to the last known prices */
  equity(): number
  /** fires `onTimer` at virtual/wall time `at`; returns the timer id */
  setTimer(at: number, timerId?: string): string
  cancelTimer(timerId: string): void
  log(message: string, level?: LogLevel): void
  metric(name: string, value: number): void
  alert(message: string, level?: LogLevel): void
  /** seeded, so a backtest is reproducible */
  random(): number
}

export interface Engine<P extends ParamValues = ParamValues> {
  onStart?(ctx: EngineContext<P>): void
  onMarket?(event: MarketEvent, ctx: EngineContext<P>): void
  onBroker?(event: BrokerEvent, ctx: EngineContext<P>): void
  onTimer?(event: TimerFired, ctx: EngineContext<P>): void
  onStop?(ctx: EngineContext<P>): void
}

/** What an engine file exports (default export), built-in or user-written. */
export interface EngineDefinition<P extends ParamValues = ParamValues> {
  name: string
  description: string
  params: ParamSpecs
  subscription?: Subscription
  create(params: P): Engine<P>
}

/** Identity helper that gives user engine files type inference. */
export function defineEngine<P extends ParamValues>(definition: EngineDefinition<P>): EngineDefinition<P> {
  return definition
}
