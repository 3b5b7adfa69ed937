import type { MarketEvent, MarketStatusEvent } from '../../shared/market-events'
import { HftbacktestCaptureReader, type CaptureRecord } from '../core/data/hftbacktest-capture'
import type { Kernel } from '../core/kernel/kernel'
import { OrderBook } from '../core/market/order-book'
import { ResampleStage } from '../core/market/resample-stage'
import { barCursor, quoteCursor, tradeCursor } from '../core/market/series-cursor'
import { StoredSource } from '../core/market/stored-source'
import type { DatasetData } from './dataset-data'

/**
 * A replay's data, pulled a batch at a time and applied one item at a time, so that pacing,
 * pause and step work between any two items and the book shown is the one the kernel is at.
 */
export interface ReplayFeed<T = unknown> {
  readonly symbol: string
  /** timeframe of the bars the chart shows */
  readonly barTimeframe: string
  /** the synced L2 book, for captures */
  readonly book: OrderBook | null
  next(): Promise<T[] | null>
  /** data time of an item */
  timeOf(item: T): number
  /** hands one item to the kernel; returns how many market events that made */
  apply(item: T, kernel: Kernel): number
  /** end of data: what the stages still hold */
  finish(kernel: Kernel): void
  /** fraction of the data applied */
  progress(): number
}

/** Bars, trades or quotes from a file or the store. */
export class SeriesFeed implements ReplayFeed<MarketEvent> {
  readonly book = null
  readonly symbol: string
  readonly barTimeframe: string
  private readonly source: StoredSource

  constructor(data: DatasetData) {
    const { bars = [], trades = [], quotes = [] } = data.series
    this.source = new StoredSource([...bars.map((s) => barCursor(s)), ...trades.map((s) => tradeCursor(s)), ...quotes.map((s) => quoteCursor(s))], data.stages, 1024)
    this.symbol = bars[0]?.symbol ?? trades[0]?.symbol ?? quotes[0]?.symbol ?? ''
    this.barTimeframe = data.sampleBars?.timeframe ?? bars[0]?.timeframe ?? ''
  }

  async next(): Promise<MarketEvent[] | null> {
    return this.source.nextBatch()
  }

  timeOf(event: MarketEvent): number {
    return event.ts
  }

  apply(event: MarketEvent, kernel: Kernel): number {
    kernel.processMarket(event)
    return 1
  }

  finish(): void {}

  progress(): number {
    const p = this.source.progress()
    return p.total > 0 ? p.done / p.total : 1
  }
}

/** Timeframe of the bars built from a capture's trades (for the chart and bar-based engines). */
export const CAPTURE_BAR_TIMEFRAME = '1s'

/**
 * An hftbacktest capture. Depth messages go through the Binance-style sync of `OrderBook`; the
 * kernel sees a snapshot of the synced book when it (re)gains sync, then only the diffs that
 * continue it, and a `status` event when it loses sync: never a diff of a book out of sync.
 */
export class CaptureFeed implements ReplayFeed<CaptureRecord> {
  readonly book: OrderBook
  readonly barTimeframe = CAPTURE_BAR_TIMEFRAME
  private readonly reader: HftbacktestCaptureReader
  private readonly iterator: AsyncIterator<CaptureRecord[]>
  private readonly bars: ResampleStage
  private applied = 0
  private lastTradeTs = -Infinity

  constructor(
    path: string,
    readonly symbol: string,
    private readonly rows: number
  ) {
    this.reader = new HftbacktestCaptureReader(path, { symbol, batchSize: 1024 })
    this.iterator = this.reader.batches()[Symbol.asyncIterator]()
    this.book = new OrderBook(symbol, 'auto')
    this.bars = new ResampleStage(symbol, 'trades', CAPTURE_BAR_TIMEFRAME)
  }

  async next(): Promise<CaptureRecord[] | null> {
    const r = await this.iterator.next()
    return r.done ? null : r.value
  }

  timeOf(record: CaptureRecord): number {
    return record.event.ts
  }

  apply(record: CaptureRecord, kernel: Kernel): number {
    this.applied++
    const event = record.event
    if (event.type !== 'book') {
      kernel.processMarket(event)
      if (event.type !== 'trade') return 1
      // the bar builder needs time order; trades arrive in order on Binance, but do not trust it
      if (event.ts < this.lastTradeTs) return 1
      this.lastTradeTs = event.ts
      let n = 1
      this.bars.process(event, (bar) => {
        kernel.processMarket(bar)
        n++
      })
      return n
    }
    const book = this.book
    const was = book.status
    const outcome = book.apply(event, record.firstUpdateId, record.previousUpdateId)
    if (event.kind === 'snapshot') {
      if (book.status !== 'ok') {
        kernel.processMarket(this.status(event.ts, 'resyncing', book.reason))
        return 1
      }
      let n = 0
      if (was === 'resyncing') {
        kernel.processMarket(this.status(event.ts, 'ok', 'back in sync after a new snapshot'))
        n++
      }
      kernel.processMarket(book.toSnapshotEvent(event.ts))
      return n + 1
    }
    if (outcome === 'applied') {
      kernel.processMarket(event)
      return 1
    }
    if (outcome === 'gap') {
      kernel.processMarket(this.status(event.ts, 'resyncing', book.reason))
      return 1
    }
    return 0
  }

  finish(kernel: Kernel): void {
    this.bars.finish((bar) => kernel.processMarket(bar))
  }

  progress(): number {
    return this.rows > 0 ? Math.min(1, this.applied / this.rows) : 0
  }

  private status(ts: number, status: MarketStatusEvent['status'], reason: string): MarketStatusEvent {
    return { type: 'status', seq: 0, ts, symbol: this.symbol, status, reason }
  }
}
