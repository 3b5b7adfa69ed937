import { z } from 'zod'
import { OrderTypeSchema, SideSchema, TimeInForceSchema } from './market'

/** What an engine (or the manual ticket) asks for; ccxt's createOrder arguments. */
export const OrderRequestSchema = z.strictObject({
  clientOrderId: z.string().min(1).max(64),
  /** who placed it: an engine id, or `manual` for the order ticket */
  owner: z.string().min(1),
  symbol: z.string().min(1),
  type: OrderTypeSchema,
  side: SideSchema,
  /** base amount; for a market order sized by `cost`, 0 until filled */
  amount: z.number().finite().nonnegative(),
  /** limit price (limit and stop-limit) */
  price: z.number().finite().positive().nullable(),
  /** trigger price (stop-market and stop-limit) */
  stopPrice: z.number().finite().positive().nullable(),
  timeInForce: TimeInForceSchema,
  postOnly: z.boolean(),
  reduceOnly: z.boolean(),
  /** quote amount to spend (market orders only, like Binance quoteOrderQty); sized at fill time */
  cost: z.number().finite().positive().nullable(),
  /**
   * with `cost`: spend this fraction of the account equity as it is at the fill (the cost is
   * recomputed then; `cost` holds the estimate at submission, used for the checks before it)
   */
  equityFraction: z.number().finite().positive().max(100).nullable().optional()
})
export type OrderRequest = z.infer<typeof OrderRequestSchema>

export const OrderStatusSchema = z.enum([
  'submitted',
  'accepted',
  'triggered',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired'
])
export type OrderStatus = z.infer<typeof OrderStatusSchema>

/** Read-only view of an order, as engines and the UI see it. */
export interface OrderView extends OrderRequest {
  id: string
  status: OrderStatus
  filled: number
  remaining: number
  /** amount-weighted average fill price, or null before the first fill */
  average: number | null
  submittedAt: number
  updatedAt: number
}

export interface PositionView {
  symbol: string
  /** signed: > 0 long, < 0 short */
  amount: number
  /** average entry price of the open amount, 0 when flat */
  entryPrice: number
  realizedPnl: number
  unrealizedPnl: number
  /** last price used for marking */
  markPrice: number
}

export interface BalanceView {
  currency: string
  free: number
  used: number
  total: number
}

/** ccxt-like order params accepted by `createOrder`. */
export interface CreateOrderParams {
  stopPrice?: number
  timeInForce?: 'GTC' | 'IOC' | 'FOK'
  postOnly?: boolean
  reduceOnly?: boolean
  clientOrderId?: string
  cost?: number
  /** market orders: spend this fraction of equity, measured at the fill (see OrderRequest) */
  equityFraction?: number
}
