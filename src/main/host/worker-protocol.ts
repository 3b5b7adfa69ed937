import type { ApiError, BrokerSettings, CommandParams, Dataset, PushPayload, PushTopic, RunSummary } from '../../shared/api'
import type { ParamValue } from '../../shared/engine-params'
import type { QualityReport } from '../core/data/quality'
import type { RiskLimits } from '../core/risk/risk-gate'
import type { BacktestReport } from '../core/report/types'

/** Messages between the host and a session worker (structured clone, not the wire). */

/** Where a dataset's data is and how to read it. */
export interface DatasetSource {
  id: string
  /**
   * `market-data`: a file `loadMarketData` reads (bars, trades, quotes); `hftbacktest`: an L2
   * capture; `store`: series `seriesId` of the market-data store at `path`
   */
  reader: 'market-data' | 'hftbacktest' | 'store'
  path: string
  seriesId?: string
  symbol: string
  source: Dataset['source']
}

export interface ImportJob {
  path: string
  symbol: string
  timeframe?: string
  policy?: 'reject' | 'drop' | 'keep-gaps' | 'forward-fill'
  storePath: string
}

/** A file `reject` refused is an outcome with its report, not a thrown error: the report must reach the user. */
export type ImportOutcome =
  | { ok: true; seriesId: string; rows: number; quality: QualityReport }
  | { ok: false; error: string; quality: QualityReport }

export interface BacktestJob {
  runId: string
  dataset: DatasetSource
  engine: string
  params: Record<string, ParamValue>
  broker: BrokerSettings
  risk?: RiskLimits
  /** the data folder's journal; null: no journal (sweeps) */
  journalPath: string | null
}

export interface BacktestOutcome {
  summary: RunSummary
  report: BacktestReport
  events: number
}

export interface ReplaySpec {
  sessionId: string
  dataset: DatasetSource
  /** rows the dataset holds, for progress (0: unknown) */
  rows: number
  engine?: string
  params?: Record<string, ParamValue>
  broker?: BrokerSettings
  speed: number
  journalPath: string | null
}

/** Worker methods, their params and results. */
export interface WorkerMethods {
  describe: { params: DatasetSource; result: Dataset }
  backtest: { params: BacktestJob; result: BacktestOutcome }
  import: { params: ImportJob; result: ImportOutcome }
  'replay.open': { params: ReplaySpec; result: { ok: true } }
  'replay.control': { params: Omit<CommandParams<'replay.control'>, 'sessionId'>; result: { ok: boolean } }
  'engine.control': { params: Omit<CommandParams<'engine.control'>, 'sessionId'>; result: { state: string } }
  'order.create': {
    params: Omit<CommandParams<'order.create'>, 'sessionId'>
    result: { clientOrderId: string; denied: string | null }
  }
  'order.cancel': { params: { clientOrderId: string }; result: { ok: boolean } }
  'order.cancelAll': { params: { symbol?: string }; result: { ok: boolean } }
  killSwitch: { params: { flatten: boolean; reason: string; by: string; pressedAt: number }; result: { cancelled: number } }
}
export type WorkerMethod = keyof WorkerMethods

export type ToWorker = { type: 'call'; id: number; method: WorkerMethod; params: unknown }

export type FromWorker =
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'reply'; id: number; error: ApiError }
  /** progress of call `id` (backtest: events; import: bytes) */
  | { type: 'progress'; id: number; done: number; total: number; elapsedMs: number }
  /** replay views, already coalesced by the worker over its flush interval */
  | { type: 'views'; sessionId: string; views: Array<{ topic: PushTopic; payload: PushPayload<PushTopic> }> }
  /** the replay finished or stopped and has flushed its journal and views: the worker may go */
  | { type: 'ended'; sessionId: string }
