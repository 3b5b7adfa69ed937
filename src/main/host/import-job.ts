import { WorkstationError } from '../../shared/api'
import { DataQualityError } from '../core/data/errors'
import { importFile } from '../core/data/import-file'
import { MarketStore, defaultSeriesId } from '../core/store'
import type { ImportJob, ImportOutcome } from './worker-protocol'

/**
 * Imports one file into the market-data store (in a worker): the importer's quality gate, then
 * one store transaction. An existing series is never overwritten.
 */
export async function runImportJob(job: ImportJob, onProgress: (done: number, total: number) => void): Promise<ImportOutcome> {
  let result
  try {
    result = await importFile(job.path, { symbol: job.symbol, timeframe: job.timeframe, policy: job.policy }, (p) => onProgress(p.bytesRead, p.totalBytes))
  } catch (err) {
    if (err instanceof DataQualityError) return { ok: false, error: err.message, quality: err.report.quality }
    throw err
  }
  const store = MarketStore.open(job.storePath)
  try {
    const id = defaultSeriesId(result.kind, result.series.symbol, result.report.timeframe)
    if (store.getSeries(id) !== undefined) {
      throw new WorkstationError('ValidationError', `series ${id} is already in the market-data store; "theorycraft import --append" adds newer rows to it`)
    }
    const info = store.importSeries(result.series, { id, report: result.report, sourceFile: job.path })
    return { ok: true, seriesId: info.id, rows: info.rows, quality: result.report.quality }
  } finally {
    store.close()
  }
}
