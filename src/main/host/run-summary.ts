import type { RunSummary } from '../../shared/api'
import type { ParamValue } from '../../shared/engine-params'
import type { BacktestReport } from '../core/report/types'

/** The row a run gets in run lists and sweep results. */
export function runSummary(runId: string, engine: string, params: Record<string, ParamValue>, report: BacktestReport): RunSummary {
  const s = report.stats
  return {
    runId,
    engine,
    params,
    finalEquity: report.finalEquity,
    totalReturn: s.totalReturn,
    maxDrawdown: s.maxDrawdown,
    sharpe: s.sharpe,
    tradeCount: s.tradeCount
  }
}
