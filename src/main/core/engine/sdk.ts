/**
 * What a user engine file may import as `theorycraft`: the engine types, `defineEngine`, and
 * the streaming indicators. The engine loader maps the bare specifier `theorycraft` here.
 */
export { defineEngine } from './engine'
export type { Engine, EngineContext, EngineDefinition, Subscription } from './engine'
export * from '../indicators/index'
export type {
  BarEvent,
  BrokerEvent,
  MarketEvent,
  OrderFilled,
  OrderView,
  PositionView,
  QuoteEvent,
  TradeEvent
} from '../../../shared/events'
