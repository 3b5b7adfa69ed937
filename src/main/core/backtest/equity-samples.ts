import type { Account } from '../broker/account'
import type { BarSeries } from '../data/bar-series'

export interface PriceColumns {
  ts: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
}

/**
 * A backtest's equity curve: after every closed bar of the primary series (or every event of the
 * primary trade or quote series) the account's equity and position in the primary symbol, and
 * the price it was marked at; a fill refreshes the last sample.
 *
 * When the data is one bar series and nothing else, the samples are not taken bar by bar: the
 * bars are counted, and the account's cash and position are noted at each fill. Equity then
 * moves only with the bar closes, which mark the position, so the curve is computed at the end
 * over the close column, with the same arithmetic as `Account.equity()` and the same values. A
 * fill in another symbol (which has no data to mark it) ends this: from then on the samples
 * are taken bar by bar.
 */
export class EquitySamples {
  /** the samples' times; while deferred, none: they will be the series' close times */
  private ts: Float64Array | null
  private readonly equity: Float64Array
  private readonly position: Float64Array
  private count = 0
  private readonly prices: PriceSamples
  /** bars are counted and the curve computed at the end */
  private deferred: boolean
  /** the account's cash before the first fill */
  private readonly startCash: number
  // account state noted at each fill while deferred: it holds from sample `changeAt - 1` on
  private readonly changeAt: number[] = []
  private readonly changeCash: number[] = []
  private readonly changeAmount: number[] = []
  private readonly changeEntry: number[] = []

  /**
   * `series`/`start`: the primary bar series when the samples are its bars, from row `start`;
   * `deferred`: its bars are the only data and have strictly increasing close times.
   */
  constructor(
    capacity: number,
    private readonly account: Account,
    private readonly symbol: string,
    private readonly series: BarSeries | null,
    private readonly start: number,
    deferred: boolean
  ) {
    this.deferred = deferred && series !== null
    this.ts = this.deferred ? null : new Float64Array(capacity)
    this.equity = new Float64Array(capacity)
    this.position = new Float64Array(capacity)
    this.prices = new PriceSamples(capacity, series, start)
    this.startCash = account.cashBalance()
  }

  get length(): number {
    return this.count
  }

  /** The samples so far: time, equity and position columns (call after `finish`). */
  columns(): { ts: Float64Array; equity: Float64Array; position: Float64Array } {
    const n = this.count
    const ts = this.ts ?? this.series!.closeTime.subarray(this.start, this.start + n)
    return { ts: ts.subarray(0, n), equity: this.equity.subarray(0, n), position: this.position.subarray(0, n) }
  }

  /** True while bars are only counted: call `countBar` for each primary bar instead of `add`. */
  get counting(): boolean {
    return this.deferred
  }

  countBar(): void {
    this.count++
  }

  /** A sample now; one at or before the last sample's time is left out. */
  add(ts: number, openTime: number, o: number, h: number, l: number, c: number): void {
    const n = this.count
    const times = this.ts!
    if (n > 0 && ts <= times[n - 1]) return
    times[n] = ts
    this.equity[n] = this.account.equity()
    this.position[n] = this.account.positionAmount(this.symbol)
    this.prices.add(n, openTime, o, h, l, c)
    this.count = n + 1
  }

  /** After a fill in `symbol`: the last sample shows the account after it. */
  afterFill(symbol: string): void {
    const n = this.count
    if (this.deferred) {
      if (symbol === this.symbol) {
        const p = this.account.position(this.symbol)
        this.changeAt.push(n)
        this.changeCash.push(this.account.cashBalance())
        this.changeAmount.push(p.amount)
        this.changeEntry.push(p.entryPrice)
        return
      }
      this.materialize()
      // sampling bar by bar from here: the times so far are the series' close times
      this.ts = new Float64Array(this.equity.length)
      this.ts.set(this.series!.closeTime.subarray(this.start, this.start + n))
      this.deferred = false
    }
    if (n > 0) {
      this.equity[n - 1] = this.account.equity()
      this.position[n - 1] = this.account.positionAmount(this.symbol)
    }
  }

  /** Ends the run: computes what was deferred. */
  finish(): void {
    if (!this.deferred) return
    this.materialize()
    this.deferred = false
  }

  priceColumns(): PriceColumns {
    return this.prices.columns(this.count)
  }

  /**
   * The equity and position of the samples so far, from the close column and the noted fills, as
   * `add` and `afterFill` would have written them: the mark is the last positive close (a bar
   * without one leaves the mark where it was), and a position without a mark counts at its entry
   * price.
   */
  private materialize(): void {
    const s = this.series!
    const n = this.count
    const close = s.close
    const at = this.changeAt
    let next = 0
    // the state before the first fill: cash only, no position
    let cash = this.startCash
    let amount = 0
    let entry = 0
    let traded = false
    let mark = NaN
    for (let k = 0; k < n; k++) {
      const c = close[this.start + k]!
      if (c > 0 && Number.isFinite(c)) mark = c
      while (next < at.length && at[next]! - 1 <= k) {
        cash = this.changeCash[next]!
        amount = this.changeAmount[next]!
        entry = this.changeEntry[next]!
        traded = true
        next++
      }
      let equity = cash
      if (traded) equity += amount * (mark === mark ? mark : entry)
      this.equity[k] = equity
      this.position[k] = amount
    }
  }
}

/**
 * The price of each equity sample (bar open time and OHLC). While the samples are the bars of
 * the data's own series one after another, the same values, they are a slice of its columns and
 * nothing is copied (40 MB saved per million bars); from the first sample that is not, they are
 * copied into columns of their own.
 */
class PriceSamples {
  private copy: PriceColumns | null = null

  constructor(
    private readonly capacity: number,
    private readonly series: BarSeries | null,
    private readonly start: number
  ) {
    if (series === null) this.copy = PriceSamples.allocate(capacity)
  }

  add(k: number, openTime: number, open: number, high: number, low: number, close: number): void {
    const s = this.series
    if (this.copy === null && s !== null) {
      const j = this.start + k
      if (j < s.length && s.openTime[j] === openTime && s.open[j] === open && s.high[j] === high && s.low[j] === low && s.close[j] === close) return
      this.copy = PriceSamples.allocate(this.capacity)
      for (let i = 0; i < k; i++) this.set(i, s.openTime[this.start + i], s.open[this.start + i], s.high[this.start + i], s.low[this.start + i], s.close[this.start + i])
    }
    this.set(k, openTime, open, high, low, close)
  }

  columns(n: number): PriceColumns {
    const c = this.copy
    if (c !== null) return { ts: c.ts.subarray(0, n), open: c.open.subarray(0, n), high: c.high.subarray(0, n), low: c.low.subarray(0, n), close: c.close.subarray(0, n) }
    const s = this.series!
    const end = this.start + n
    return {
      ts: s.openTime.subarray(this.start, end),
      open: s.open.subarray(this.start, end),
      high: s.high.subarray(this.start, end),
      low: s.low.subarray(this.start, end),
      close: s.close.subarray(this.start, end)
    }
  }

  private set(k: number, openTime: number, open: number, high: number, low: number, close: number): void {
    const c = this.copy!
    c.ts[k] = openTime
    c.open[k] = open
    c.high[k] = high
    c.low[k] = low
    c.close[k] = close
  }

  private static allocate(capacity: number): PriceColumns {
    const col = () => new Float64Array(capacity)
    return { ts: col(), open: col(), high: col(), low: col(), close: col() }
  }
}
