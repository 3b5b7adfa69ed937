import type { BacktestReport } from '../core/report/types'

/** Orders a report keeps for the app (its views do not list them; the journal has them all). */
export const VIEW_ORDER_LIMIT = 10_000
/** Fills a report keeps for the app (its views do not list them either). */
export const VIEW_FILL_LIMIT = 10_000
/** Closed trades a report keeps for the app's trade table (the statistics count them all). */
export const VIEW_TRADE_LIMIT = 10_000

/** A report as the app holds and sends it: the counts say how many were left out. */
export type ViewReport = BacktestReport & { ordersOmitted?: number; fillsOmitted?: number; tradesOmitted?: number }

export interface ViewLimits {
  orders?: number
  fills?: number
  trades?: number
}

interface OrderLike {
  filled?: unknown
}

const count = (n: number) => n.toLocaleString('en-US')

/**
 * The report the app keeps and sends to its page. An engine that moves a resting stop every bar
 * leaves a million cancelled orders over a million bars, and one that trades every few bars
 * a million fills: held several times over and sent as one message, they would not fit. Past
 * `orders` orders the report keeps the orders that filled (the latest of them) and counts the
 * rest; past `fills` fills and `trades` closed trades it keeps the latest and counts the rest.
 * The statistics, the curves and everything else are unchanged (they were computed from all of
 * them), and the session's journal and `theorycraft backtest --json` keep everything.
 */
export function reportForView(report: BacktestReport, limits: ViewLimits = {}): ViewReport {
  const orderLimit = limits.orders ?? VIEW_ORDER_LIMIT
  const fillLimit = limits.fills ?? VIEW_FILL_LIMIT
  const tradeLimit = limits.trades ?? VIEW_TRADE_LIMIT
  if (report.orders.length <= orderLimit && report.fills.length <= fillLimit && report.trades.length <= tradeLimit) return report
  const view: ViewReport = { ...report, warnings: [...report.warnings] }
  if (report.orders.length > orderLimit) {
    const filled = report.orders.filter((o) => typeof (o as OrderLike).filled === 'number' && ((o as OrderLike).filled as number) > 0)
    view.orders = filled.length > orderLimit ? filled.slice(filled.length - orderLimit) : filled
    view.ordersOmitted = report.orders.length - view.orders.length
    view.warnings.push(
      `${count(view.ordersOmitted)} of ${count(report.orders.length)} orders are not in this report (unfilled, or past the ${count(orderLimit)} kept); the session's journal has them all`
    )
  }
  if (report.fills.length > fillLimit) {
    view.fills = report.fills.slice(report.fills.length - fillLimit)
    view.fillsOmitted = report.fills.length - fillLimit
    view.warnings.push(`the first ${count(view.fillsOmitted)} of ${count(report.fills.length)} fills are not in this report; the session's journal has them all`)
  }
  if (report.trades.length > tradeLimit) {
    view.trades = report.trades.slice(report.trades.length - tradeLimit)
    view.tradesOmitted = report.trades.length - tradeLimit
    view.warnings.push(`the trade table lists the last ${count(tradeLimit)} of ${count(report.trades.length)} trades; the statistics count them all`)
  }
  return view
}
