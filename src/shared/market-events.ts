import { z } from 'zod'
import { MarketSchema, SideSchema } from './market'

const finite = z.number().finite()
const time = z.number().int().nonnegative()
const level = z.tuple([finite, finite])

/** Fields every event carries: `seq` is assigned by the kernel, `ts` is the event time (ms UTC). */
const base = { seq: z.number().int().nonnegative(), ts: time }

export const TradeEventSchema = z.strictObject({
  type: z.literal('trade'),
  ...base,
  symbol: z.string(),
  price: finite,
  amount: finite,
  /** taker side, when the venue reports it */
  side: SideSchema.nullable(),
  id: z.string().nullable()
})

export const QuoteEventSchema = z.strictObject({
  type: z.literal('quote'),
  ...base,
  symbol: z.string(),
  bid: finite,
  ask: finite,
  bidSize: finite,
  askSize: finite
})

/**
 * A bar. Closed bars are emitted at their close time (`ts === closeTime`); an in-progress
 * update has `closed: false` and `ts` set to the time of the update.
 */
export const BarEventSchema = z.strictObject({
  type: z.literal('bar'),
  ...base,
  symbol: z.string(),
  timeframe: z.string(),
  openTime: time,
  closeTime: time,
  open: finite,
  high: finite,
  low: finite,
  close: finite,
  /** NaN when the data has no volume */
  volume: z.union([finite, z.nan()]),
  closed: z.boolean()
})

export const BookEventSchema = z.strictObject({
  type: z.literal('book'),
  ...base,
  symbol: z.string(),
  kind: z.enum(['snapshot', 'delta']),
  bids: z.array(level),
  asks: z.array(level),
  /** venue sequence number (Binance lastUpdateId / u) */
  nonce: z.number().nullable()
})

export const IndicatorEventSchema = z.strictObject({
  type: z.literal('indicator'),
  ...base,
  symbol: z.string(),
  timeframe: z.string(),
  /** layer name as configured, e.g. `ema20` */
  name: z.string(),
  values: z.record(z.string(), z.number())
})

export const InstrumentEventSchema = z.strictObject({
  type: z.literal('instrument'),
  ...base,
  market: MarketSchema
})

export const SessionEventSchema = z.strictObject({
  type: z.literal('session'),
  ...base,
  symbol: z.string(),
  state: z.enum(['open', 'closed'])
})

/** Feed health: a stale or resyncing book is never handed out as fresh. */
export const MarketStatusEventSchema = z.strictObject({
  type: z.literal('status'),
  ...base,
  symbol: z.string(),
  status: z.enum(['ok', 'stale', 'resyncing', 'disconnected']),
  reason: z.string()
})

export const MarketEventSchema = z.discriminatedUnion('type', [
  TradeEventSchema,
  QuoteEventSchema,
  BarEventSchema,
  BookEventSchema,
  IndicatorEventSchema,
  InstrumentEventSchema,
  SessionEventSchema,
  MarketStatusEventSchema
])

export type TradeEvent = z.infer<typeof TradeEventSchema>
export type QuoteEvent = z.infer<typeof QuoteEventSchema>
export type BarEvent = z.infer<typeof BarEventSchema>
export type BookEvent = z.infer<typeof BookEventSchema>
export type IndicatorEvent = z.infer<typeof IndicatorEventSchema>
export type InstrumentEvent = z.infer<typeof InstrumentEventSchema>
export type SessionEvent = z.infer<typeof SessionEventSchema>
export type MarketStatusEvent = z.infer<typeof MarketStatusEventSchema>
export type MarketEvent = z.infer<typeof MarketEventSchema>
export type MarketEventType = MarketEvent['type']
