import { isoText } from './calendar'
import { DataFormatError } from './errors'
import { parseTimeframe, timeframeFloor, timeframeNext, type Timeframe } from './timeframe'
import { resolveZone, type Zone } from './timezone'

/** A higher-timeframe bar produced by BarAggregator (timestamps in UTC ms; closeTime exclusive). */
export interface AggregatedBar {
  timeframe: string
  openTime: number
  closeTime: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  /** Inputs (lower bars or trades) that went into the bar. */
  count: number
  /** True when every input was a forward-filled (synthetic) bar. */
  synthetic: boolean
}

export interface AggregatorOptions {
  /**
   * Zone whose calendar the buckets follow (IANA name or fixed offset); default UTC. With
   * 'America/New_York' a '1d' bar runs from New York midnight to midnight.
   */
  timezone?: string
}

/**
 * Streaming aggregation of lower-timeframe bars or trades into calendar-aligned higher-timeframe
 * bars (weeks start Monday 00:00, months on the 1st), as a multi-timeframe MarketSource needs it.
 *
 * A bar is emitted only once it has closed, never while it can still change:
 *  - as soon as a pushed lower bar reaches the bucket's close time (its last constituent arrived);
 *  - when an input arrives at or past the bucket's close time (the previous bucket is then final);
 *  - on advanceTo(t) with t ≥ close time (time passed without data), or on flush() (end of data).
 * Trades never complete a bucket by themselves: another trade may still come before its close.
 * O = first open, H = max, L = min, C = last close, V = sum. Synthetic (forward-filled) inputs
 * count only when a bucket has no real input, so filled values never widen a real bar's range.
 */
export class BarAggregator {
  readonly timeframe: Timeframe
  private readonly zone: Zone | undefined
  private forming = false
  private openTime = 0
  private closeTime = 0
  private o = 0
  private h = 0
  private l = 0
  private c = 0
  private v = 0
  private count = 0
  private real = 0

  constructor(
    timeframe: string,
    private readonly onBar: (bar: AggregatedBar) => void,
    options: AggregatorOptions = {}
  ) {
    this.timeframe = parseTimeframe(timeframe)
    const zone = resolveZone(options.timezone)
    this.zone = zone.name === 'UTC' ? undefined : zone
  }

  /** Adds a lower-timeframe bar (inputs must come in time order). */
  pushBar(openTime: number, closeTime: number, open: number, high: number, low: number, close: number, volume: number, synthetic = false): void {
    this.enter(openTime)
    if (!synthetic) {
      if (this.real === 0) {
        this.o = open
        this.h = high
        this.l = low
        this.v = volume
      } else {
        if (high > this.h) this.h = high
        if (low < this.l) this.l = low
        this.v += volume
      }
      this.c = close
      this.real++
    } else if (this.real === 0) {
      if (this.count === 0) {
        this.o = open
        this.h = high
        this.l = low
        this.v = volume
      } else {
        if (high > this.h) this.h = high
        if (low < this.l) this.l = low
        this.v += volume
      }
      this.c = close
    }
    this.count++
    if (closeTime >= this.closeTime) this.emit()
  }

  /** Adds a trade (inputs must come in time order). */
  pushTrade(ts: number, price: number, amount: number): void {
    this.enter(ts)
    if (this.count === 0) {
      this.o = this.h = this.l = price
      this.v = amount
    } else {
      if (price > this.h) this.h = price
      if (price < this.l) this.l = price
      this.v += amount
    }
    this.c = price
    this.count++
    this.real++
  }

  /** Time has reached `ts` with no further input: emits the forming bar if it has closed. */
  advanceTo(ts: number): void {
    if (this.forming && ts >= this.closeTime) this.emit()
  }

  /** End of data: emits the forming bar, complete or not. */
  flush(): void {
    if (this.forming) this.emit()
  }

  /** The bar being formed (not yet closed), for display; undefined when none. */
  current(): AggregatedBar | undefined {
    return this.forming ? this.snapshot() : undefined
  }

  private enter(ts: number): void {
    if (this.forming) {
      if (ts >= this.closeTime) this.emit()
      else if (ts < this.openTime) {
        throw new DataFormatError(`input at ${isoText(ts)} is before the ${this.timeframe.text} bar forming since ${isoText(this.openTime)}: inputs must be in time order`)
      } else return
    }
    this.start(ts)
  }

  private start(ts: number): void {
    const tf = this.timeframe
    if (this.zone) {
      const local = ts + this.zone.offsetAt(ts)
      const lo = timeframeFloor(tf, local)
      this.openTime = this.zone.localToUtc(lo)
      this.closeTime = this.zone.localToUtc(timeframeNext(tf, lo))
    } else {
      this.openTime = timeframeFloor(tf, ts)
      this.closeTime = timeframeNext(tf, this.openTime)
    }
    this.forming = true
    this.count = 0
    this.real = 0
  }

  private snapshot(): AggregatedBar {
    return {
      timeframe: this.timeframe.text,
      openTime: this.openTime,
      closeTime: this.closeTime,
      open: this.o,
      high: this.h,
      low: this.l,
      close: this.c,
      volume: this.v,
      count: this.count,
      synthetic: this.real === 0
    }
  }

  private emit(): void {
    this.forming = false
    this.onBar(this.snapshot())
  }
}
