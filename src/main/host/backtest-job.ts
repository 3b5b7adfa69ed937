import { defaultMarket } from '../../shared/market'
import { runBacktest } from '../core/backtest/run-backtest'
import { Journal } from '../core/journal/journal'
import { APP_VERSION } from './app-version'
import { brokerConfig } from './broker-settings'
import { backtestAppender, prestartWriterThread } from './journal-writer'
import { loadEngine } from './engine-loader'
import { loadDatasetData, type DatasetData } from './dataset-data'
import { reportForView } from './report-for-view'
import { runSummary } from './run-summary'
import type { BacktestJob, BacktestOutcome } from './worker-protocol'

/**
 * Loaded data kept for the next job of the same worker (a sweep runs many jobs on one file).
 * Data with source stages is not kept: stages hold state from the run that used them.
 */
const cache = new Map<string, DatasetData>()

/**
 * Runs one backtest in this worker; `onProgress` gets source events done and in total, and the
 * ms since the run itself began (loading the data and the engine not counted).
 */
export async function runBacktestJob(job: BacktestJob, onProgress: (done: number, total: number, elapsedMs: number) => void): Promise<BacktestOutcome> {
  const { dataset } = job
  // the journal's thread boots while the data loads
  if (job.journalPath !== null) prestartWriterThread()
  const data = cache.get(dataset.id) ?? (await loadDatasetData(dataset))
  if (data.stages.length === 0) cache.set(dataset.id, data)
  const definition = await loadEngine(job.engine)
  const market = defaultMarket(dataset.symbol)
  const broker = brokerConfig(job.broker, market)
  const journal = job.journalPath === null ? null : Journal.open(job.journalPath)
  try {
    const sessionId = journal?.createSession({
      id: job.runId,
      mode: 'backtest',
      config: { dataset: dataset.id, engine: job.engine, params: job.params, broker: job.broker, risk: job.risk ?? {} },
      engines: [{ name: definition.name, version: APP_VERSION }],
      appVersion: APP_VERSION,
      dataFingerprint: data.fingerprint,
      startedAt: Date.now()
    })
    // Without a journal this is a sweep, one run per core: the hash chain stays on the run's thread.
    const appender = journal && sessionId ? backtestAppender(journal, sessionId) : null
    try {
      const started = performance.now()
      const result = runBacktest({
        ...data.series,
        stages: data.stages,
        sampleBars: data.sampleBars,
        markets: [market],
        engines: [{ id: definition.name, definition, params: job.params }],
        broker,
        risk: job.risk,
        journal: appender,
        manifest: {
          engine: definition.name,
          data: dataset.path,
          datasetId: dataset.id,
          dataFingerprint: data.fingerprint,
          dataQuality: data.quality,
          appVersion: APP_VERSION,
          sessionId: sessionId ?? null
        },
        warnings: data.warnings,
        onProgress: (done, total) => onProgress(done, total, performance.now() - started)
      })
      appender?.close('completed', Date.now())
      return { summary: runSummary(job.runId, definition.name, job.params, result.report), report: reportForView(result.report), events: result.events }
    } catch (err) {
      appender?.close('failed', Date.now())
      throw err
    }
  } finally {
    journal?.close()
  }
}
