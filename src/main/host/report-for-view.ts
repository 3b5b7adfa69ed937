import type { BacktestReport } from '../core/report/types'

/** Orders a report keeps for the app (its views do not list them; the journal has them all). */
export const VIEW_ORDER_LIMIT = 10_000

/** A report as the app holds and sends it: `ordersOmitted` counts the orders left out. */
export type ViewReport = BacktestReport & { ordersOmitted?: number }

interface OrderLike {
  filled?: unknown
}

/**
 * The report the app keeps and sends to its page. An engine that moves a resting stop every bar
 * leaves a million cancelled orders over a million bars: held several times over and sent as
 * one message, they would not fit. Past `limit` orders, the report keeps the orders that filled
 * (the latest `limit` of them) and counts the rest; everything else is unchanged, and the
 * session's journal and `theorycraft backtest --json` keep every order.
 */
export function reportForView(report: BacktestReport, limit = VIEW_ORDER_LIMIT): ViewReport {
  if (report.orders.length <= limit) return report
  const filled = report.orders.filter((o) => typeof (o as OrderLike).filled === 'number' && ((o as OrderLike).filled as number) > 0)
  const kept = filled.length > limit ? filled.slice(filled.length - limit) : filled
  const omitted = report.orders.length - kept.length
  return {
    ...report,
    orders: kept,
    ordersOmitted: omitted,
    warnings: [...report.warnings, `${omitted.toLocaleString('en-US')} of ${report.orders.length.toLocaleString('en-US')} orders are not in this report (unfilled, or past the ${limit.toLocaleString('en-US')} kept); the session's journal has them all`]
  }
}
