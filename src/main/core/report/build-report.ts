import { chartPrice, equityChartIndices, pick, toArray } from './downsample'
import { drawdownSeries } from './drawdown'
import { buildRoundTrips, countBarsHeld, type MarkPrice } from './round-trips'
import { computeStatistics, validateEquityCurve } from './statistics'
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

function validatePrice(price: PriceSeries): void {
  const n = price.ts.length
  if (n === 0) throw new ReportInputError('price', null, 'needs at least one sample')
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

/** Everything the report shows, from the kernel's outputs. JSON-safe. */
export function buildReport(input: BuildReportInput): BacktestReport {
  const { equity: curve, initialEquity, price } = input
  validateEquityCurve(curve, initialEquity)
  if (price !== undefined) validatePrice(price)
  const n = curve.ts.length
  const endTs = curve.ts[n - 1]
  const priceSymbol = price === undefined ? undefined : (price.symbol ?? input.fills[0]?.symbol)

  const marks: Record<string, MarkPrice> = {}
  if (price !== undefined && priceSymbol !== undefined) {
    const last = price.ts.length - 1
    marks[priceSymbol] = { ts: price.ts[last], price: price.close[last] }
  }
  const { trades, openTrades, markedAtLastFill } = buildRoundTrips(input.fills, { marks, endTs })
  for (const t of [...trades, ...openTrades]) t.barsHeld = countBarsHeld(t, curve.ts)
  const openTrade = openTrades.find((t) => t.symbol === priceSymbol) ?? openTrades[0] ?? null

  const drawdown = drawdownSeries(curve.equity, initialEquity)
  const stats = computeStatistics({
    equity: curve,
    drawdown,
    initialEquity,
    trades,
    openTrades,
    position: input.position,
    benchmarkClose: price?.close,
    periodsPerYear: input.periodsPerYear,
    riskFreeRate: input.riskFreeRate
  })

  const warnings = [...(input.warnings ?? [])]
  for (const s of markedAtLastFill) {
    warnings.push(`The open ${s} trade is valued at its last fill price: there is no price series for ${s}.`)
  }
  if (n < 3) warnings.push(`The equity curve has ${n} sample(s): volatility, Sharpe and Sortino need at least 3.`)
  if (input.manifest.lookAheadWarning === true) {
    warnings.push('The run was flagged for possible look-ahead: results may use information not available at decision time.')
  }

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
    equity: { ts: [], equity: [] },
    drawdown: [],
    journalHash: input.journalHash ?? '',
    warnings
  }
  // Chart-only series; very long runs keep each bucket's extremes (statistics above use every sample).
  const kept = equityChartIndices(curve.equity, drawdown)
  report.equity.ts = kept === null ? toArray(curve.ts) : pick(curve.ts, kept)
  report.equity.equity = kept === null ? toArray(curve.equity) : pick(curve.equity, kept)
  report.drawdown = kept === null ? toArray(drawdown) : pick(drawdown, kept)
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
