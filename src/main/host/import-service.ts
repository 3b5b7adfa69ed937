import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { WorkstationError, type CommandParams, type CommandResult, type PushPayload } from '../../shared/api'
import type { ViewBatcher } from './view-batcher'
import type { WorkerClient } from './worker-client'

export interface ImportServiceDeps {
  batcher: ViewBatcher
  spawn: () => WorkerClient
  storePath: string
  newId: (prefix: string) => string
}

/**
 * `data.import`: a file goes through the importer's quality gate into the market-data store, in
 * a worker. Progress (bytes) goes out through the batcher; the last `import.progress` has
 * `finished` and either the new dataset's id or the error, and the quality report when the
 * importer produced one (a file `reject` refused included).
 */
export class ImportService {
  private readonly running = new Map<string, WorkerClient>()

  constructor(private readonly deps: ImportServiceDeps) {}

  start(p: CommandParams<'data.import'>): CommandResult<'data.import'> {
    const path = resolve(p.path)
    if (!existsSync(path) || !statSync(path).isFile()) throw new WorkstationError('ValidationError', `no file at ${path}`)
    const importId = this.deps.newId('import')
    const worker = this.deps.spawn()
    this.running.set(importId, worker)
    const { batcher } = this.deps
    const progress = (over: Partial<PushPayload<'import.progress'>>): PushPayload<'import.progress'> => ({
      importId,
      done: 0,
      total: 0,
      finished: false,
      error: null,
      datasetId: null,
      ...over
    })
    batcher.push('import.progress', importId, progress({}))
    const end = (last: PushPayload<'import.progress'>): void => {
      this.running.delete(importId)
      void worker.terminate()
      // what is pending goes first: the finished push is the last one
      batcher.forget(importId)
      batcher.pushNow('import.progress', last)
    }
    worker
      .call('import', { path, symbol: p.symbol, timeframe: p.timeframe, policy: p.policy, storePath: this.deps.storePath }, (done, total) =>
        batcher.push('import.progress', importId, progress({ done, total }))
      )
      .then(
        (r) =>
          end(
            r.ok
              ? progress({ done: 1, total: 1, finished: true, datasetId: `store:${r.seriesId}`, quality: r.quality })
              : progress({ finished: true, error: r.error, quality: r.quality })
          ),
        (err: unknown) => end(progress({ finished: true, error: err instanceof Error ? err.message : String(err), quality: null }))
      )
    return { importId }
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((w) => w.terminate()))
  }
}
