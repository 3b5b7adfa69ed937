import type { EngineStatus } from '../core/kernel/kernel'
import type { BacktestReport } from '../core/report/types'

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`)
const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits))

/** The plain-text summary printed after a backtest. */
export function formatSummary(report: BacktestReport, engines: EngineStatus[]): string {
  const s = report.stats
  const rows: [string, string][] = [
    ['engines', engines.map((e) => `${e.id} (${e.state})`).join(', ')],
    ['period', `${new Date(s.startTs).toISOString()} .. ${new Date(s.endTs).toISOString()}`],
    ['initial equity', num(report.initialEquity)],
    ['final equity', num(report.finalEquity)],
    ['total return', pct(s.totalReturn)],
    ['CAGR', pct(s.cagr)],
    ['max drawdown', pct(s.maxDrawdown)],
    ['max drawdown duration', `${num(s.maxDrawdownDurationDays, 1)} days`],
    ['volatility (ann.)', pct(s.volatility)],
    ['Sharpe', num(s.sharpe, 3)],
    ['Sortino', num(s.sortino, 3)],
    ['Calmar', num(s.calmar, 3)],
    ['trades', String(s.tradeCount)],
    ['win rate', pct(s.winRate)],
    ['profit factor', s.profitFactor === null && s.nonFinite.profitFactor ? '∞' : num(s.profitFactor, 3)],
    ['expectancy', num(s.expectancy)],
    ['SQN', num(s.sqn, 3)],
    ['exposure', pct(s.exposure)],
    ['buy & hold return', pct(s.buyAndHoldReturn)],
    ['fills', String(report.fills.length)],
    ['journal hash', report.journalHash]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`)
  for (const w of report.warnings) lines.push(`warning: ${w}`)
  return `${lines.join('\n')}\n`
}
