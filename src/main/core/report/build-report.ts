import { chartPrice, equityChart } from './downsample'
import { buildRoundTrips, countBarsHeld, type MarkPrice } from './round-trips'
import { computeValidatedStatistics, validateEquityCurve } from './statistics'
import { ReportInputError, type BacktestReport, type EquityCurve, type Fill, type PriceSeries } from './types'

export interface BuildReportInput {
  /**
   * Run manifest, shown as given. Keys the HTML report puts first: engine, params,
   * dataFingerprint, appVersion, seed, fillRules, lookAheadWarning (true shows a banner).
   */
  manifest: Record<string, unknown>
  /** In time order. */
  fills: readonly Fill[]
  orders?: readonly unknown[]
  equity: EquityCurve
  initialEquity: number
  /**
   * Benchmark prices (close of the first symbol, optionally OHLC) for the price chart and the
   * buy-and-hold return. Its last close marks the open trade of `price.symbol` (default: the
   * symbol of the first fill).
   */
  price?: PriceSeries
  /** Position per equity sample, for exposure; without it exposure comes from the trades. */
  position?: ArrayLike<number>
  periodsPerYear?: number
  riskFreeRate?: number
  journalHash?: string
  warnings?: readonly string[]
}

/** Throws at the first bad value, column by column (close, open, high, low, then ts). */
function validatePrice(price: PriceSeries): void {
  const n = price.ts.length
  if (n === 0) throw new ReportInputError('price', null, 'needs at least one sample')
  if (priceRowsValid(price)) return
  for (const field of ['close', 'open', 'high', 'low'] as const) {
    const col = price[field]
    if (col === undefined) continue
    if (col.length !== n) throw new ReportInputError(`price.${field}`, null, `has ${col.length} samples but price.ts has ${n}`)
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new ReportInputError(`price.${field}`, i, `must be finite, got ${col[i]}`)
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(price.ts[i])) throw new ReportInputError('price.ts', i, `must be a finite ms timestamp, got ${price.ts[i]}`)
    if (i > 0 && !(price.ts[i] > price.ts[i - 1])) {
      throw new ReportInputError('price.ts', i, `timestamps must strictly increase (${price.ts[i]} after ${price.ts[i - 1]})`)
    }
  }
}

/**
 * Whether validatePrice passes, in one pass over the rows: the column-by-column checks, which
 * name the first bad value in their order, take five passes over a million samples. A number x
 * is finite exactly when x - x is 0, so one comparison checks a row (typeof costs nothing on
 * typed columns).
 */
function priceRowsValid({ ts, close, open = close, high = close, low = close }: PriceSeries): boolean {
  const n = ts.length
  if (close.length !== n || open.length !== n || high.length !== n || low.length !== n) return false
  let prev = -Infinity
  for (let i = 0; i < n; i++) {
    const t = ts[i]
    const c = close[i]
    const o = open[i]
    const h = high[i]
    const l = low[i]
    const numbers = typeof t === 'number' && typeof c === 'number' && typeof o === 'number' && typeof h === 'number' && typeof l === 'number'
    if (!(numbers && t - t + (c - c) + (o - o) + (h - h) + (l - l) === 0 && t > prev)) return false
    prev = t
  }
  return true
}

function float64(xs: ArrayLike<number>): Float64Array {
  return xs instanceof Float64Array ? xs : Float64Array.from(xs)
}

function float64Price(price: PriceSeries): PriceSeries {
  const { open, high, low } = price
  return {
    ...price,
    ts: float64(price.ts),
    close: float64(price.close),
    open: open === undefined ? undefined : float64(open),
    high: high === undefined ? undefined : float64(high),
    low: low === undefined ? undefined : float64(low)
  }
}

/** Everything the report shows, from the kernel's outputs. JSON-safe. */
export function buildReport(input: BuildReportInput): BacktestReport {
  const { initialEquity } = input
  validateEquityCurve(input.equity, initialEquity)
  if (input.price !== undefined) validatePrice(input.price)
  // Validated columns hold finite numbers only, so Float64Array copies of plain ones hold the same
  // values; every pass below then sees one kind of array (a mix made them ~20% slower).
  const curve: EquityCurve = { ts: float64(input.equity.ts), equity: float64(input.equity.equity) }
  const price = input.price === undefined ? undefined : float64Price(input.price)
  const n = curve.ts.length
  const endTs = curve.ts[n - 1]
  const priceSymbol = price === undefined ? undefined : (price.symbol ?? input.fills[0]?.symbol)

  const marks: Record<string, MarkPrice> = {}
  if (price !== undefined && priceSymbol !== undefined) {
    const last = price.ts.length - 1
    marks[priceSymbol] = { ts: price.ts[last], price: price.close[last] }
  }
  const { trades, openTrades, markedAtLastFill } = buildRoundTrips(input.fills, { marks, endTs })
  countBarsHeld([...trades, ...openTrades], curve.ts)
  const openTrade = openTrades.find((t) => t.symbol === priceSymbol) ?? openTrades[0] ?? null

  const stats = computeValidatedStatistics({
    equity: curve,
    initialEquity,
    trades,
    openTrades,
    position: input.position,
    benchmarkClose: price?.close,
    periodsPerYear: input.periodsPerYear,
    riskFreeRate: input.riskFreeRate
  }, true)

  const warnings = [...(input.warnings ?? [])]
  for (const s of markedAtLastFill) {
    warnings.push(`The open ${s} trade is valued at its last fill price: there is no price series for ${s}.`)
  }
  if (n < 3) warnings.push(`The equity curve has ${n} sample(s): volatility, Sharpe and Sortino need at least 3.`)
  if (input.manifest.lookAheadWarning === true) {
    warnings.push('The run was flagged for possible look-ahead: results may use information not available at decision time.')
  }

  // Chart-only series; very long runs keep each bucket's extremes (statistics above use every sample).
  const curveChart = equityChart(curve.ts, curve.equity, initialEquity)
  const report: BacktestReport = {
    manifest: input.manifest,
    initialEquity,
    finalEquity: curve.equity[n - 1],
    stats,
    trades,
    openTrade,
    openTrades,
    fills: [...input.fills],
    orders: [...(input.orders ?? [])],
    equity: { ts: curveChart.ts, equity: curveChart.equity },
    drawdown: curveChart.drawdown,
    journalHash: input.journalHash ?? '',
    warnings
  }
  if (price !== undefined) {
    const chart = chartPrice(price)
    report.price = { ts: chart.ts, close: chart.close }
    if (priceSymbol !== undefined) report.price.symbol = priceSymbol
    if (chart.open && chart.high && chart.low) {
      report.price.open = chart.open
      report.price.high = chart.high
      report.price.low = chart.low
    }
  }
  return report
}
