/**
 * Columnar market data in memory. Typed-array columns take ~46 MB per million bars against
 * ~170 MB for an array of objects, and scan much faster (ARCHITECTURE §9).
 */

export { timeframeToMs, parseTimeframe, timeframeFloor, timeframeNext } from './timeframe'
export type { Timeframe } from './timeframe'

/** Bars stamped by OPEN time, with the exclusive close time stored explicitly. */
export interface BarSeries {
  symbol: string
  timeframe: string
  /** Milliseconds per bar; 0 for calendar months/years. */
  timeframeMs: number
  length: number
  openTime: Float64Array
  closeTime: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
  /** NaN when the source has no volume column. */
  volume: Float64Array
  /** Present only when some bar was forward-filled: 1 = synthetic. */
  synthetic?: Uint8Array
}

/** Trade prints. `side` is the taker side: 1 buy, -1 sell, 0 unknown. */
export interface TradeSeries {
  symbol: string
  length: number
  ts: Float64Array
  price: Float64Array
  amount: Float64Array
  side: Int8Array
}

/** Top-of-book quotes. Sizes are NaN when the source has none. */
export interface QuoteSeries {
  symbol: string
  length: number
  ts: Float64Array
  bid: Float64Array
  ask: Float64Array
  bidSize: Float64Array
  askSize: Float64Array
}

const INITIAL_CAPACITY = 1024

function grow<T extends Float64Array | Int8Array | Uint8Array>(a: T, capacity: number): T {
  const next = new (a.constructor as new (n: number) => T)(capacity)
  next.set(a)
  return next
}

/** Growable builder for a BarSeries; `build()` returns right-sized copies. */
export class BarSeriesBuilder {
  length = 0
  private cap = INITIAL_CAPACITY
  private ot = new Float64Array(INITIAL_CAPACITY)
  private ct = new Float64Array(INITIAL_CAPACITY)
  private o = new Float64Array(INITIAL_CAPACITY)
  private h = new Float64Array(INITIAL_CAPACITY)
  private l = new Float64Array(INITIAL_CAPACITY)
  private c = new Float64Array(INITIAL_CAPACITY)
  private v = new Float64Array(INITIAL_CAPACITY)
  private syn = new Uint8Array(INITIAL_CAPACITY)
  private anySynthetic = false

  constructor(
    readonly symbol: string,
    readonly timeframe: string,
    readonly timeframeMs: number
  ) {}

  push(openTime: number, closeTime: number, o: number, h: number, l: number, c: number, v: number, synthetic = false): void {
    if (this.length === this.cap) this.resize(this.cap * 2)
    const i = this.length++
    this.ot[i] = openTime
    this.ct[i] = closeTime
    this.o[i] = o
    this.h[i] = h
    this.l[i] = l
    this.c[i] = c
    this.v[i] = v
    if (synthetic) {
      this.syn[i] = 1
      this.anySynthetic = true
    }
  }

  /** Close of the last pushed bar (NaN when empty). */
  lastClose(): number {
    return this.length ? this.c[this.length - 1] : NaN
  }

  build(): BarSeries {
    const n = this.length
    const series: BarSeries = {
      symbol: this.symbol,
      timeframe: this.timeframe,
      timeframeMs: this.timeframeMs,
      length: n,
      openTime: this.ot.slice(0, n),
      closeTime: this.ct.slice(0, n),
      open: this.o.slice(0, n),
      high: this.h.slice(0, n),
      low: this.l.slice(0, n),
      close: this.c.slice(0, n),
      volume: this.v.slice(0, n)
    }
    if (this.anySynthetic) series.synthetic = this.syn.slice(0, n)
    return series
  }

  private resize(cap: number): void {
    this.cap = cap
    this.ot = grow(this.ot, cap)
    this.ct = grow(this.ct, cap)
    this.o = grow(this.o, cap)
    this.h = grow(this.h, cap)
    this.l = grow(this.l, cap)
    this.c = grow(this.c, cap)
    this.v = grow(this.v, cap)
    this.syn = grow(this.syn, cap)
  }
}

/** Growable builder for a TradeSeries. */
export class TradeSeriesBuilder {
  length = 0
  private cap = INITIAL_CAPACITY
  private t = new Float64Array(INITIAL_CAPACITY)
  private p = new Float64Array(INITIAL_CAPACITY)
  private a = new Float64Array(INITIAL_CAPACITY)
  private s = new Int8Array(INITIAL_CAPACITY)

  constructor(readonly symbol: string) {}

  push(ts: number, price: number, amount: number, side: number): void {
    if (this.length === this.cap) {
      this.cap *= 2
      this.t = grow(this.t, this.cap)
      this.p = grow(this.p, this.cap)
      this.a = grow(this.a, this.cap)
      this.s = grow(this.s, this.cap)
    }
    const i = this.length++
    this.t[i] = ts
    this.p[i] = price
    this.a[i] = amount
    this.s[i] = side
  }

  build(): TradeSeries {
    const n = this.length
    return {
      symbol: this.symbol,
      length: n,
      ts: this.t.slice(0, n),
      price: this.p.slice(0, n),
      amount: this.a.slice(0, n),
      side: this.s.slice(0, n)
    }
  }
}

/** Growable builder for a QuoteSeries. */
export class QuoteSeriesBuilder {
  length = 0
  private cap = INITIAL_CAPACITY
  private t = new Float64Array(INITIAL_CAPACITY)
  private b = new Float64Array(INITIAL_CAPACITY)
  private a = new Float64Array(INITIAL_CAPACITY)
  private bs = new Float64Array(INITIAL_CAPACITY)
  private as = new Float64Array(INITIAL_CAPACITY)

  constructor(readonly symbol: string) {}

  push(ts: number, bid: number, ask: number, bidSize: number, askSize: number): void {
    if (this.length === this.cap) {
      this.cap *= 2
      this.t = grow(this.t, this.cap)
      this.b = grow(this.b, this.cap)
      this.a = grow(this.a, this.cap)
      this.bs = grow(this.bs, this.cap)
      this.as = grow(this.as, this.cap)
    }
    const i = this.length++
    this.t[i] = ts
    this.b[i] = bid
    this.a[i] = ask
    this.bs[i] = bidSize
    this.as[i] = askSize
  }

  build(): QuoteSeries {
    const n = this.length
    return {
      symbol: this.symbol,
      length: n,
      ts: this.t.slice(0, n),
      bid: this.b.slice(0, n),
      ask: this.a.slice(0, n),
      bidSize: this.bs.slice(0, n),
      askSize: this.as.slice(0, n)
    }
  }
}
