import { z } from 'zod'
import { SideSchema } from './market'
import { OrderRequestSchema } from './orders'

const base = {
  seq: z.number().int().nonnegative(),
  ts: z.number().int().nonnegative(),
  /** seq of the event during whose processing this event was produced (0: none) */
  cause: z.number().int().nonnegative()
}
const orderRef = { orderId: z.string(), clientOrderId: z.string(), symbol: z.string() }

export const OrderSubmittedSchema = z.strictObject({
  type: z.literal('OrderSubmitted'),
  ...base,
  orderId: z.string(),
  order: OrderRequestSchema
})
export const OrderAcceptedSchema = z.strictObject({ type: z.literal('OrderAccepted'), ...base, ...orderRef })
export const OrderRejectedSchema = z.strictObject({
  type: z.literal('OrderRejected'),
  ...base,
  ...orderRef,
  reason: z.string()
})
/** Denied by the pre-trade risk gate; the order never reached the broker. */
export const OrderDeniedSchema = z.strictObject({
  type: z.literal('OrderDenied'),
  ...base,
  clientOrderId: z.string(),
  symbol: z.string(),
  owner: z.string(),
  rule: z.string(),
  reason: z.string()
})
export const OrderTriggeredSchema = z.strictObject({
  type: z.literal('OrderTriggered'),
  ...base,
  ...orderRef,
  price: z.number()
})

const fill = {
  ...base,
  ...orderRef,
  owner: z.string(),
  tradeId: z.string(),
  side: SideSchema,
  price: z.number().finite().positive(),
  amount: z.number().finite().positive(),
  fee: z.strictObject({ cost: z.number().finite(), currency: z.string() }),
  liquidity: z.enum(['maker', 'taker']),
  /** execution time at the venue (for bar fills at the open: the bar's open time) */
  tradeTs: z.number().int().nonnegative(),
  /** cumulative filled amount and remaining amount of the order after this fill */
  filled: z.number().finite(),
  remaining: z.number().finite()
}
export const OrderPartiallyFilledSchema = z.strictObject({ type: z.literal('OrderPartiallyFilled'), ...fill })
export const OrderFilledSchema = z.strictObject({ type: z.literal('OrderFilled'), ...fill })

export const OrderCancelledSchema = z.strictObject({
  type: z.literal('OrderCancelled'),
  ...base,
  ...orderRef,
  reason: z.string()
})
export const OrderExpiredSchema = z.strictObject({ type: z.literal('OrderExpired'), ...base, ...orderRef })
export const CancelRejectedSchema = z.strictObject({
  type: z.literal('CancelRejected'),
  ...base,
  orderId: z.string(),
  reason: z.string()
})

export const PositionChangedSchema = z.strictObject({
  type: z.literal('PositionChanged'),
  ...base,
  symbol: z.string(),
  amount: z.number().finite(),
  entryPrice: z.number().finite(),
  realizedPnl: z.number().finite()
})
export const BalanceUpdatedSchema = z.strictObject({
  type: z.literal('BalanceUpdated'),
  ...base,
  currency: z.string(),
  free: z.number().finite(),
  used: z.number().finite(),
  total: z.number().finite()
})

export const BrokerEventSchema = z.discriminatedUnion('type', [
  OrderSubmittedSchema,
  OrderAcceptedSchema,
  OrderRejectedSchema,
  OrderDeniedSchema,
  OrderTriggeredSchema,
  OrderPartiallyFilledSchema,
  OrderFilledSchema,
  OrderCancelledSchema,
  OrderExpiredSchema,
  CancelRejectedSchema,
  PositionChangedSchema,
  BalanceUpdatedSchema
])

export type OrderSubmitted = z.infer<typeof OrderSubmittedSchema>
export type OrderAccepted = z.infer<typeof OrderAcceptedSchema>
export type OrderRejected = z.infer<typeof OrderRejectedSchema>
export type OrderDenied = z.infer<typeof OrderDeniedSchema>
export type OrderTriggered = z.infer<typeof OrderTriggeredSchema>
export type OrderPartiallyFilled = z.infer<typeof OrderPartiallyFilledSchema>
export type OrderFilled = z.infer<typeof OrderFilledSchema>
export type FillEvent = OrderPartiallyFilled | OrderFilled
export type OrderCancelled = z.infer<typeof OrderCancelledSchema>
export type OrderExpired = z.infer<typeof OrderExpiredSchema>
export type CancelRejected = z.infer<typeof CancelRejectedSchema>
export type PositionChanged = z.infer<typeof PositionChangedSchema>
export type BalanceUpdated = z.infer<typeof BalanceUpdatedSchema>
export type BrokerEvent = z.infer<typeof BrokerEventSchema>
export type BrokerEventType = BrokerEvent['type']

