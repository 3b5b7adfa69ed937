import { WorkstationError, type CommandParams, type CommandResult, type RunSummary } from '../../shared/api'
import type { BacktestReport } from '../core/report/types'
import type { DatasetCatalog } from './dataset-catalog'
import { checkEngine } from './engine-check'
import type { ViewBatcher } from './view-batcher'
import type { WorkerClient } from './worker-client'

/** Reports kept in memory; older runs keep their summary in `backtest.runs`. */
const KEPT_REPORTS = 50

interface Run {
  runId: string
  state: 'running' | 'finished' | 'failed' | 'cancelled'
  worker: WorkerClient | null
  summary: RunSummary | null
  report: BacktestReport | null
}

export interface BacktestServiceDeps {
  catalog: DatasetCatalog
  batcher: ViewBatcher
  spawn: () => WorkerClient
  journalPath: string
  newId: (prefix: string) => string
}

/**
 * Single backtests, each in its own worker: progress goes out through the batcher, the report
 * stays here (in memory) for `backtest.report`, and every run ends with one `backtest.finished`.
 */
export class BacktestService {
  private readonly runs = new Map<string, Run>()

  constructor(private readonly deps: BacktestServiceDeps) {}

  async start(p: CommandParams<'backtest.start'>): Promise<CommandResult<'backtest.start'>> {
    const { source, dataset } = await this.deps.catalog.get(p.datasetId)
    if (dataset.kind === 'book') {
      throw new WorkstationError('ValidationError', `dataset ${p.datasetId} is an L2 book capture; backtests run on bars, trades or quotes (replay it instead)`)
    }
    checkEngine(p.engine, p.params, true)
    const runId = this.deps.newId('bt')
    const worker = this.deps.spawn()
    const run: Run = { runId, state: 'running', worker, summary: null, report: null }
    this.runs.set(runId, run)
    const { batcher } = this.deps
    worker
      .call('backtest', { runId, dataset: source, engine: p.engine, params: p.params, broker: p.broker, risk: p.risk, journalPath: this.deps.journalPath }, (done, total, elapsedMs) => {
        const eventsPerSecond = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0
        const etaMs = eventsPerSecond > 0 ? ((total - done) / eventsPerSecond) * 1000 : 0
        batcher.push('backtest.progress', runId, { runId, done, total, eventsPerSecond, etaMs })
      })
      .then(
        (outcome) => {
          run.state = 'finished'
          run.summary = outcome.summary
          run.report = outcome.report
          this.dropOldReports()
          this.finish(run, null)
        },
        (err: unknown) => {
          if (run.state === 'cancelled') return
          run.state = 'failed'
          this.finish(run, err instanceof Error ? err.message : String(err))
        }
      )
    return { runId }
  }

  async cancel(runId: string): Promise<CommandResult<'backtest.cancel'>> {
    const run = this.require(runId)
    if (run.state !== 'running') return { cancelled: false }
    run.state = 'cancelled'
    await run.worker?.terminate()
    this.finish(run, 'cancelled by the user')
    return { cancelled: true }
  }

  report(runId: string): CommandResult<'backtest.report'> {
    const run = this.require(runId)
    if (run.state === 'running') throw new WorkstationError('Unavailable', `run ${runId} has not finished yet`)
    if (run.report === null) {
      const why = run.state === 'cancelled' ? 'it was cancelled' : run.state === 'failed' ? 'it failed' : `only the last ${KEPT_REPORTS} reports are kept`
      throw new WorkstationError('NotFound', `run ${runId} has no report: ${why}`)
    }
    return { report: run.report as unknown as Record<string, unknown> }
  }

  list(): CommandResult<'backtest.runs'> {
    const runs: RunSummary[] = []
    for (const run of this.runs.values()) if (run.summary !== null) runs.push(run.summary)
    return { runs }
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.worker?.terminate()))
  }

  private finish(run: Run, error: string | null): void {
    const worker = run.worker
    run.worker = null
    void worker?.terminate()
    // the last progress goes out before the finish, never after it
    this.deps.batcher.forget(run.runId)
    this.deps.batcher.pushNow('backtest.finished', { runId: run.runId, summary: run.summary, error })
  }

  private dropOldReports(): void {
    const withReport = [...this.runs.values()].filter((r) => r.report !== null)
    for (const run of withReport.slice(0, Math.max(0, withReport.length - KEPT_REPORTS))) run.report = null
  }

  private require(runId: string): Run {
    const run = this.runs.get(runId)
    if (run === undefined) throw new WorkstationError('NotFound', `no backtest run ${runId}`)
    return run
  }
}
