import { z } from 'zod'

/**
 * The parts of a backtest report the panels draw. The contract validates reports loosely
 * (`looseObject`), so the view checks what it relies on and says precisely what is missing.
 */
const num = z.number()
const nullableNum = z.number().nullable()

export const TradeSchema = z.looseObject({
  symbol: z.string(),
  side: z.enum(['long', 'short']),
  entryTs: num,
  entryPrice: num,
  exitTs: num,
  exitPrice: num,
  amount: num,
  pnl: num,
  fees: num,
  returnPct: num,
  durationMs: num
})
export type ReportTrade = z.infer<typeof TradeSchema>

export const ReportSchema = z.looseObject({
  manifest: z.record(z.string(), z.unknown()).optional(),
  initialEquity: num,
  finalEquity: num,
  stats: z.looseObject({
    totalReturn: num,
    maxDrawdown: num,
    sharpe: nullableNum,
    tradeCount: num
  }),
  trades: z.array(TradeSchema),
  /** closed trades before the listed ones that the host left out of a long run's report */
  tradesOmitted: z.number().optional(),
  openTrades: z.array(TradeSchema).optional(),
  equity: z.looseObject({ ts: z.array(num), equity: z.array(num) }),
  drawdown: z.array(num),
  warnings: z.array(z.string()).optional()
})
export type Report = z.infer<typeof ReportSchema> & { stats: Record<string, unknown> }

export function parseReport(raw: unknown): Report {
  const r = ReportSchema.safeParse(raw)
  if (!r.success) {
    const detail = r.error.issues
      .slice(0, 4)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    throw new Error(`the report from the host is missing what the view needs — ${detail}`)
  }
  return r.data as Report
}

/** How each statistic reads: which are fractions (percent), durations, counts, times. */
const PCT = new Set(['totalReturn', 'cagr', 'maxDrawdown', 'volatility', 'winRate', 'expectancyPct', 'bestTradePct', 'worstTradePct', 'avgTradePct', 'exposure', 'buyAndHoldReturn', 'riskFreeRate'])
const MONEY = new Set(['initialEquity', 'finalEquity', 'peakEquity', 'grossProfit', 'grossLoss', 'expectancy'])
const TIMES = new Set(['startTs', 'endTs', 'maxDrawdownPeakTs', 'maxDrawdownTroughTs', 'maxDrawdownRecoveryTs'])
const DURATIONS = new Set(['durationMs', 'maxDrawdownDurationMs', 'avgTradeDurationMs'])
const COUNTS = new Set(['samples', 'tradeCount', 'winCount', 'lossCount'])

export type StatKind = 'pct' | 'money' | 'time' | 'duration' | 'count' | 'ratio' | 'text'

export function statKind(key: string, value: unknown): StatKind {
  if (typeof value === 'string') return 'text'
  if (PCT.has(key)) return 'pct'
  if (MONEY.has(key)) return 'money'
  if (TIMES.has(key)) return 'time'
  if (DURATIONS.has(key)) return 'duration'
  if (COUNTS.has(key)) return 'count'
  return 'ratio'
}

/** "maxDrawdownDurationDays" → "Max drawdown duration days" */
export function statLabel(key: string): string {
  const words = key
    .replace(/Ts$/, ' time')
    .replace(/Ms$/, '')
    .replace(/Pct$/, ' %')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  const fixed = words.replace(/\b(cagr|sqn)\b/g, (w) => w.toUpperCase())
  return fixed.charAt(0).toUpperCase() + fixed.slice(1)
}
