import { z } from 'zod'
import { BrokerEventSchema, type BrokerEvent } from './broker-events'
import { KernelEventSchema, type KernelEvent } from './engine-events'
import { MarketEventSchema, type MarketEvent } from './market-events'

export * from './market'
export * from './market-events'
export * from './broker-events'
export * from './engine-events'
export * from './orders'

/** Everything that can stand in a session's journal. */
export type JournalEvent = MarketEvent | BrokerEvent | KernelEvent
export const JournalEventSchema = z.union([MarketEventSchema, BrokerEventSchema, KernelEventSchema])
