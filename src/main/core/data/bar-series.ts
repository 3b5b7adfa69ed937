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

/**
 * Columns of exactly `n` values: the array itself when it is full (no copy: the builder only
 * ever writes past `length`, and a full builder reallocates before its next push), else a copy.
 */
function fit<T extends Float64Array | Int8Array | Uint8Array>(a: T, n: number): T {
  return (a.length === n ? a : a.slice(0, n)) as T
}

/** Growable builder for a BarSeries; `build()` returns right-sized columns. */
export class BarSeriesBuilder {
  length = 0
  private cap: number
  private ot: Float64Array
  private ct: Float64Array
  private o: Float64Array
  private h: Float64Array
  private l: Float64Array
  private c: Float64Array
  private v: Float64Array
  private syn: Uint8Array
  private anySynthetic = false

  /** `capacity`: expected number of bars (the builder still grows past it). */
  constructor(
    readonly symbol: string,
    readonly timeframe: string,
    readonly timeframeMs: number,
    capacity = INITIAL_CAPACITY
  ) {
    const n = Math.max(1, capacity)
    this.cap = n
    this.ot = new Float64Array(n)
    this.ct = new Float64Array(n)
    this.o = new Float64Array(n)
    this.h = new Float64Array(n)
    this.l = new Float64Array(n)
    this.c = new Float64Array(n)
    this.v = new Float64Array(n)
    this.syn = new Uint8Array(n)
  }

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
      openTime: fit(this.ot, n),
      closeTime: fit(this.ct, n),
      open: fit(this.o, n),
      high: fit(this.h, n),
      low: fit(this.l, n),
      close: fit(this.c, n),
      volume: fit(this.v, n)
    }
    if (this.anySynthetic) series.synthetic = fit(this.syn, n)
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
  private cap: number
  private t: Float64Array
  private p: Float64Array
  private a: Float64Array
  private s: Int8Array

  constructor(
    readonly symbol: string,
    capacity = INITIAL_CAPACITY
  ) {
    const n = Math.max(1, capacity)
    this.cap = n
    this.t = new Float64Array(n)
    this.p = new Float64Array(n)
    this.a = new Float64Array(n)
    this.s = new Int8Array(n)
  }

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
      ts: fit(this.t, n),
      price: fit(this.p, n),
      amount: fit(this.a, n),
      side: fit(this.s, n)
    }
  }
}

/** Growable builder for a QuoteSeries. */
export class QuoteSeriesBuilder {
  length = 0
  private cap: number
  private t: Float64Array
  private b: Float64Array
  private a: Float64Array
  private bs: Float64Array
  private as: Float64Array

  constructor(
    readonly symbol: string,
    capacity = INITIAL_CAPACITY
  ) {
    const n = Math.max(1, capacity)
    this.cap = n
    this.t = new Float64Array(n)
    this.b = new Float64Array(n)
    this.a = new Float64Array(n)
    this.bs = new Float64Array(n)
    this.as = new Float64Array(n)
  }

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
      ts: fit(this.t, n),
      bid: fit(this.b, n),
      ask: fit(this.a, n),
      bidSize: fit(this.bs, n),
      askSize: fit(this.as, n)
    }
  }
}
