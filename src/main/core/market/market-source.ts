import type { MarketEvent } from '../../../shared/events'

/**
 * Hands the kernel market events in time order, a batch at a time, so the hot loop has no
 * await per event. A backtest source returns null when exhausted.
 */
export interface MarketSource {
  nextBatch(): MarketEvent[] | null
  /** events handed out so far and in total (total -1 when unknown) */
  progress(): { done: number; total: number }
}
