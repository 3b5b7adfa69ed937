import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { Logger } from './logging'
import { sampleSources } from './dataset-catalog'
import type { ImportJob, ImportOutcome } from './worker-protocol'

export interface FirstRunResult {
  imported: { file: string; seriesId: string; rows: number }[]
  failed: { file: string; error: string }[]
  /** the dataset the backtest form starts on: the first sample imported */
  datasetId: string | null
}

/** A data folder is new when it has no market-data store yet (the CLI and the app both create it on first use). */
export function isFirstRun(storePath: string): boolean {
  return !existsSync(storePath)
}

/**
 * First start on a data folder: the bundled sample files go into the market-data store as stored
 * series (one after another: one writer to the store), so the app opens with data to backtest.
 * A sample that fails is reported and skipped; the rest still go in.
 */
export async function importSamples(options: {
  sampleDir: string
  storePath: string
  /** runs one import (in a session worker, in the host) */
  runImport: (job: ImportJob) => Promise<ImportOutcome>
  log?: Logger
}): Promise<FirstRunResult> {
  const result: FirstRunResult = { imported: [], failed: [], datasetId: null }
  for (const source of sampleSources(options.sampleDir)) {
    const file = basename(source.path)
    try {
      const outcome = await options.runImport({ path: source.path, symbol: source.symbol, storePath: options.storePath })
      if (outcome.ok) {
        result.imported.push({ file, seriesId: outcome.seriesId, rows: outcome.rows })
        result.datasetId ??= `store:${outcome.seriesId}`
        options.log?.info(`first run: imported sample ${file}`, { seriesId: outcome.seriesId, rows: outcome.rows })
      } else {
        result.failed.push({ file, error: outcome.error })
        options.log?.warn(`first run: sample ${file} refused by the quality gate`, { error: outcome.error })
      }
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      result.failed.push({ file, error })
      options.log?.error(`first run: sample ${file} could not be imported`, { error })
    }
  }
  return result
}
