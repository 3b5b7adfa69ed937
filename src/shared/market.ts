import { z } from 'zod'

/** ccxt-style market (instrument) description. Precision values are step sizes. */
export const MarketSchema = z.strictObject({
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  venue: z.string().min(1),
  precision: z.strictObject({ price: z.number().positive(), amount: z.number().positive() }),
  limits: z.strictObject({
    amount: z.strictObject({ min: z.number().nonnegative() }),
    cost: z.strictObject({ min: z.number().nonnegative() })
  }),
  maker: z.number(),
  taker: z.number(),
  sessions: z.enum(['24x7', 'weekdays'])
})
export type Market = z.infer<typeof MarketSchema>

export const SideSchema = z.enum(['buy', 'sell'])
export type Side = z.infer<typeof SideSchema>

export const OrderTypeSchema = z.enum(['market', 'limit', 'stop-market', 'stop-limit'])
export type OrderType = z.infer<typeof OrderTypeSchema>

export const TimeInForceSchema = z.enum(['GTC', 'IOC', 'FOK'])
export type TimeInForce = z.infer<typeof TimeInForceSchema>

/** A default market for symbols that come without metadata (e.g. a plain CSV). */
export function defaultMarket(symbol: string, venue = 'sim'): Market {
  const [base, quote] = symbol.includes('/') ? symbol.split('/') : [symbol, 'USD']
  return {
    symbol,
    base: base || symbol,
    quote: quote || 'USD',
    venue,
    precision: { price: 1e-8, amount: 1e-8 },
    limits: { amount: { min: 0 }, cost: { min: 0 } },
    maker: 0,
    taker: 0,
    sessions: '24x7'
  }
}
