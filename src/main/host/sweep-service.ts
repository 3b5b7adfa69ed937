import { availableParallelism } from 'node:os'
import { WorkstationError, type CommandParams, type CommandResult, type RunSummary } from '../../shared/api'
import type { DatasetCatalog } from './dataset-catalog'
import { checkEngine } from './engine-check'
import { expandGrid, gridSize, MAX_SWEEP_RUNS } from './sweep-grid'
import type { ViewBatcher } from './view-batcher'
import type { WorkerClient } from './worker-client'
import type { BacktestJob } from './worker-protocol'

interface Sweep {
  sweepId: string
  total: number
  done: number
  results: RunSummary[]
  failures: string[]
  workers: WorkerClient[]
  cancelled: boolean
}

export interface SweepServiceDeps {
  catalog: DatasetCatalog
  batcher: ViewBatcher
  spawn: () => WorkerClient
  newId: (prefix: string) => string
  workers?: number
}

/**
 * Parameter sweeps: the grid's runs are shared out over one worker per core (each worker runs
 * its runs one after another and keeps the loaded data between them). `sweep.progress` carries
 * every result so far, so a dropped push loses nothing. A combination the engine refuses (say
 * fast ≥ slow) counts as done without a result.
 */
export class SweepService {
  private readonly sweeps = new Map<string, Sweep>()

  constructor(private readonly deps: SweepServiceDeps) {}

  async start(p: CommandParams<'sweep.start'>): Promise<CommandResult<'sweep.start'>> {
    const { source, dataset } = await this.deps.catalog.get(p.datasetId)
    if (dataset.kind === 'book') throw new WorkstationError('ValidationError', `dataset ${p.datasetId} is an L2 book capture; sweeps run on bars, trades or quotes`)
    const size = gridSize(p.grid)
    if (size > MAX_SWEEP_RUNS) throw new WorkstationError('ValidationError', `the grid has ${size} combinations; at most ${MAX_SWEEP_RUNS} are allowed`)
    const combos = expandGrid(p.grid, p.params)
    // types and ranges of every combination are checked up front; combinations are tried in the run
    for (const combo of combos) checkEngine(p.engine, combo, false)
    const sweepId = this.deps.newId('sweep')
    const sweep: Sweep = { sweepId, total: combos.length, done: 0, results: [], failures: [], workers: [], cancelled: false }
    this.sweeps.set(sweepId, sweep)
    const jobs: BacktestJob[] = combos.map((params, i) => ({
      runId: `${sweepId}-${i + 1}`,
      dataset: source,
      engine: p.engine,
      params,
      broker: p.broker,
      journalPath: null
    }))
    const n = Math.max(1, Math.min(this.deps.workers ?? availableParallelism(), jobs.length))
    let next = 0
    const drive = async (worker: WorkerClient): Promise<void> => {
      while (next < jobs.length && !sweep.cancelled) {
        const job = jobs[next++]
        try {
          const outcome = await worker.call('backtest', job)
          sweep.results.push(outcome.summary)
        } catch (err) {
          if (sweep.cancelled) return
          sweep.failures.push(`${job.runId}: ${err instanceof Error ? err.message : String(err)}`)
          if (!worker.alive) {
            // a crashed worker is replaced so the rest of the sweep still runs
            worker = this.deps.spawn()
            sweep.workers.push(worker)
          }
        }
        sweep.done++
        this.progress(sweep)
      }
    }
    for (let i = 0; i < n; i++) {
      const worker = this.deps.spawn()
      sweep.workers.push(worker)
      void drive(worker).finally(() => {
        if (sweep.done === sweep.total || sweep.cancelled) void Promise.all(sweep.workers.map((w) => w.terminate()))
      })
    }
    this.progress(sweep)
    return { sweepId, runs: combos.length }
  }

  has(sweepId: string): boolean {
    return this.sweeps.has(sweepId)
  }

  async cancel(sweepId: string): Promise<boolean> {
    const sweep = this.sweeps.get(sweepId)
    if (sweep === undefined || sweep.done === sweep.total || sweep.cancelled) return false
    sweep.cancelled = true
    await Promise.all(sweep.workers.map((w) => w.terminate()))
    return true
  }

  async close(): Promise<void> {
    for (const sweep of this.sweeps.values()) sweep.cancelled = true
    await Promise.all([...this.sweeps.values()].flatMap((s) => s.workers.map((w) => w.terminate())))
  }

  private progress(sweep: Sweep): void {
    this.deps.batcher.push('sweep.progress', sweep.sweepId, { sweepId: sweep.sweepId, done: sweep.done, total: sweep.total, results: [...sweep.results] })
  }
}
