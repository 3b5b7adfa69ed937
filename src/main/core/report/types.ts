/** One execution reported by the broker. */
export interface Fill {
  /** Execution time, ms UTC. */
  ts: number
  symbol: string
  side: 'buy' | 'sell'
  price: number
  /** Base amount, > 0. */
  amount: number
  /** In quote currency, >= 0. */
  fee: number
  orderId: string
  tradeId: string
}

/** Mark-to-market equity in the account currency, one sample per bar close. */
export interface EquityCurve {
  ts: Float64Array
  equity: Float64Array
}

/** A price series for the chart and the buy-and-hold return (close of the first symbol). */
export interface PriceSeries {
  /** The symbol whose trades get entry/exit markers on the price chart; all trades when absent. */
  symbol?: string
  ts: ArrayLike<number>
  open?: ArrayLike<number>
  high?: ArrayLike<number>
  low?: ArrayLike<number>
  close: ArrayLike<number>
}

/** A round trip: from the position leaving 0 to its return to 0. */
export interface Trade {
  symbol: string
  side: 'long' | 'short'
  /** Time of the first entry fill. */
  entryTs: number
  /** Amount-weighted average of all entry fills. */
  entryPrice: number
  /** Time of the fill that brought the position back to 0 (for an open trade: the mark time). */
  exitTs: number
  /** Amount-weighted average of all exit fills (for an open trade the rest counts as exited at the mark). */
  exitPrice: number
  /** Largest absolute position during the trade. */
  amount: number
  /** Net of fees. */
  pnl: number
  grossPnl: number
  fees: number
  /** pnl / (entryPrice * amount). */
  returnPct: number
  /** Equity samples t with entryTs < t <= exitTs (set when an equity curve is known). */
  barsHeld?: number
  durationMs: number
}

/** Sign of a statistic whose exact value is infinite; the statistic itself is stored as null. */
export type NonFinite = 'Infinity' | '-Infinity'

/**
 * Every field is JSON-safe: a value that is undefined (too little data) is null, and an
 * infinite value is null with its sign recorded in `nonFinite`. Fractions, not percent.
 * Definitions: README.md, "Statistics".
 */
export interface Statistics {
  startTs: number
  endTs: number
  durationMs: number
  samples: number
  initialEquity: number
  finalEquity: number
  peakEquity: number
  totalReturn: number
  cagr: number | null
  /** <= 0. */
  maxDrawdown: number
  /** Peak, trough and recovery of the deepest drawdown; null when there was none (or no recovery). */
  maxDrawdownPeakTs: number | null
  maxDrawdownTroughTs: number | null
  maxDrawdownRecoveryTs: number | null
  /** Longest drawdown period (peak to recovery, or to the end), not necessarily the deepest one. */
  maxDrawdownDurationMs: number
  maxDrawdownDurationDays: number
  volatility: number | null
  sharpe: number | null
  sortino: number | null
  calmar: number | null
  periodsPerYear: number | null
  periodsPerYearSource: 'given' | 'inferred' | 'none'
  riskFreeRate: number
  tradeCount: number
  winCount: number
  lossCount: number
  winRate: number | null
  grossProfit: number
  grossLoss: number
  profitFactor: number | null
  expectancy: number | null
  expectancyPct: number | null
  sqn: number | null
  bestTradePct: number | null
  worstTradePct: number | null
  avgTradePct: number | null
  avgTradeDurationMs: number | null
  avgTradeDurationDays: number | null
  exposure: number | null
  exposureSource: 'position' | 'trades'
  buyAndHoldReturn: number | null
  nonFinite: Partial<Record<StatisticKey, NonFinite>>
}

export type StatisticKey = Exclude<keyof Statistics, 'nonFinite'>

export interface BacktestReport {
  manifest: Record<string, unknown>
  initialEquity: number
  finalEquity: number
  stats: Statistics
  trades: Trade[]
  /** The open trade of the price symbol (else the first one), marked to the last price. */
  openTrade: Trade | null
  /** Every trade still open at the end, one per symbol. */
  openTrades: Trade[]
  fills: Fill[]
  orders: unknown[]
  equity: { ts: number[]; equity: number[] }
  drawdown: number[]
  price?: {
    symbol?: string
    ts: number[]
    open?: number[]
    high?: number[]
    low?: number[]
    close: number[]
  }
  journalHash: string
  warnings: string[]
}

/** Bad input to the report: says which field of which element is wrong. */
export class ReportInputError extends Error {
  readonly field: string
  readonly index: number | null
  constructor(field: string, index: number | null, message: string) {
    super(`${field}${index === null ? '' : `[${index}]`}: ${message}`)
    this.name = 'ReportInputError'
    this.field = field
    this.index = index
  }
}
