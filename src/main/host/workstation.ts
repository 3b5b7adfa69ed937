import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  COMMANDS,
  WorkstationError,
  type CommandHandlers,
  type CommandName,
  type CommandResult,
  type Dataset,
  type Mode,
  type PushPayload,
  type PushTopic,
  type VenueProfile
} from '../../shared/api'
import { openExchange } from '../adapters/ccxt/exchange'
import { BUILT_IN_ENGINES } from '../core/engines/registry'
import { Journal, type SessionInfo } from '../core/journal/journal'
import { APP_VERSION } from './app-version'
import { collectDiagnostics } from './diagnostics'
import { importSamples, isFirstRun } from './first-run'
import { createLogger, logsFolder, type Logger } from './logging'
import { CredentialStore, type Encryptor } from './credential-store'
import { defaultLiveExchange, LiveService } from './live-service'
import type { LiveExchange } from './live-session'
import type { ApiCredentials } from '../adapters/ccxt/secrets'
import { SettingsService } from './settings'
import { acquireWriterLock, type WriterKind, type WriterLock } from './writer-lock'
import { BacktestService } from './backtest-service'
import { captureSources, DatasetCatalog, sampleSources } from './dataset-catalog'
import { deleteDataset, showDataset } from './data-show'
import { toWorkstationError } from './errors'
import { ImportService } from './import-service'
import { journalSessions } from './journal-sessions'
import { replayJournaledSession, replaySummary } from './journal-replay'
import type { PaperExchange } from './paper-session'
import { PaperService } from './paper-service'
import { ReplayService } from './replay-service'
import { SweepService } from './sweep-service'
import { ViewBatcher } from './view-batcher'
import { WorkerClient } from './worker-client'
import type { DatasetSource, FromWorker } from './worker-protocol'
import { findWorkerScript } from './worker-script'

export interface WorkstationOptions {
  /** holds the journal (journal.sqlite) and the market-data store (market-data.sqlite) */
  dataFolder: string
  /** the bundled sample data (resources/sample) */
  sampleDir: string
  /** hftbacktest .gz captures offered as 'capture' datasets */
  captureFiles?: string[]
  /** the session-worker bundle; default: found next to this bundle (see worker-script.ts) */
  workerScript?: string
  /** who holds the journal's writer lock: the desktop app or `theorycraft serve` (default) */
  appKind?: Exclude<WriterKind, 'cli'>
  /** the shell's logger (same files); default: one over `<dataFolder>/logs`, closed with the host */
  logger?: Logger
  /**
   * a fresh ccxt.pro exchange for each paper session; default: Binance's public endpoints (paper
   * trading needs no keys). Tests point it at the emulated venue.
   */
  paperExchange?: () => Promise<PaperExchange>
  /**
   * a fresh ccxt.pro exchange with a venue profile's keys for each live session; default: ccxt's
   * client of the profile's exchange (its test network when the profile says sandbox). Tests
   * point it at the emulated venue.
   */
  liveExchange?: (profile: VenueProfile, credentials: ApiCredentials) => Promise<LiveExchange>
  /** the OS keychain for `credentials.set` (the Electron shell's safeStorage); none headless */
  encryptor?: Encryptor | null
}

export type PushListener = <T extends PushTopic>(topic: T, payload: PushPayload<T>) => void

export interface Workstation {
  handlers: CommandHandlers
  /** the host's log (`<dataFolder>/logs/workstation.log`) */
  log: Logger
  /** resolves when the first-run import of the sample data has finished (at once on a used data folder) */
  ready: Promise<void>
  /** returns an unsubscribe function */
  onPush(listener: PushListener): () => void
  close(): Promise<void>
}

/** Who the kill switch records: the API carries no user identity, so the person at the workstation. */
const KILL_SWITCH_BY = 'user (workstation)'

/**
 * The host: implements every command of the WorkstationApi over the core. Backtests, sweeps and
 * replays run in worker threads; their view updates reach `onPush` listeners batched and
 * rate-limited per topic and session.
 */
export function createWorkstation(options: WorkstationOptions): Workstation {
  const dataFolder = resolve(options.dataFolder)
  mkdirSync(dataFolder, { recursive: true })
  const journalPath = join(dataFolder, 'journal.sqlite')
  const storePath = join(dataFolder, 'market-data.sqlite')
  const ownLogger = options.logger === undefined
  const log = (options.logger ?? createLogger({ dir: logsFolder(dataFolder) })).child('host')
  const firstRun = isFirstRun(storePath)
  // one writer per journal: a second app or server on this data folder stops here, naming the first
  let writerLock: WriterLock
  try {
    writerLock = acquireWriterLock(journalPath, { kind: options.appKind ?? 'server' })
  } catch (err) {
    log.error('journal writer lock refused', { error: err })
    if (ownLogger) log.close()
    throw err
  }
  if (writerLock.tookOverFrom) log.warn('took over a stale journal writer lock', { from: writerLock.tookOverFrom })
  log.info(`host starting (app ${APP_VERSION}, node ${process.versions.node}${process.versions.electron ? `, electron ${process.versions.electron}` : ''})`, { dataFolder, firstRun })
  const settings = new SettingsService(dataFolder, log)
  try {
    // created and migrated here, once, so workers only ever open an existing journal
    Journal.open(journalPath).close()
  } catch (err) {
    writerLock.release()
    log.error('the journal cannot be opened', { error: err })
    if (ownLogger) log.close()
    throw err
  }

  const listeners = new Set<PushListener>()
  const emit = (topic: PushTopic, payload: PushPayload<PushTopic>): void => {
    for (const listener of listeners) {
      try {
        listener(topic, payload)
      } catch (err) {
        // a failing listener (a closed socket) must not stop the others or the session
        console.error(`push listener failed on ${topic}:`, err)
      }
    }
  }
  const batcher = new ViewBatcher(emit)

  const workerScript = options.workerScript ?? findWorkerScript()
  const workers = new Set<WorkerClient>()
  const spawn = (onMessage?: (msg: FromWorker) => void, onExit?: (error: string | null) => void): WorkerClient => {
    if (workerScript === null) throw new WorkstationError('Unavailable', 'the session-worker bundle was not found; run "npm run build:node"')
    const worker = new WorkerClient(workerScript, onMessage, (error) => {
      workers.delete(worker)
      if (error !== null) log.error('a session worker stopped with an error', { error })
      onExit?.(error)
    })
    workers.add(worker)
    return worker
  }

  let idCounter = 0
  const stamp = Date.now().toString(36)
  const newId = (prefix: string): string => `${prefix}-${stamp}-${++idCounter}`

  const describeAll = (sources: DatasetSource[]): Map<string, Promise<Dataset>> => {
    const worker = spawn()
    const out = new Map(sources.map((s) => [s.id, worker.call('describe', s)] as const))
    void Promise.allSettled(out.values()).then(() => worker.terminate())
    return out
  }
  const catalog = new DatasetCatalog([...sampleSources(options.sampleDir), ...captureSources(options.captureFiles ?? [])], describeAll, storePath)

  const backtests = new BacktestService({ catalog, batcher, spawn: () => spawn(), journalPath, newId })
  const sweeps = new SweepService({ catalog, batcher, spawn: () => spawn(), newId })
  const replays = new ReplayService({ catalog, batcher, spawn, journalPath, newId })
  const paperExchange = options.paperExchange ?? (async () => (await openExchange({ exchangeId: 'binance', now: () => Date.now() })) as unknown as PaperExchange)
  const papers = new PaperService({ batcher, exchange: paperExchange, journalPath, newId })
  const imports = new ImportService({ batcher, spawn: () => spawn(), storePath, newId })
  const credentials = new CredentialStore(dataFolder, options.encryptor ?? null, process.env, (secret) => log.addSecret(secret))
  const venueLog = log.child('venue')
  const lives = new LiveService({
    batcher,
    exchange: options.liveExchange ?? ((profile, keys) => defaultLiveExchange(profile, keys, (line) => venueLog.info(line))),
    credentials,
    profiles: () => settings.settings.venueProfiles,
    journalPath,
    newId,
    log: venueLog
  })
  /** the in-process session service (paper or live) that runs `sessionId`, if any */
  const trading = (sessionId: string): PaperService | LiveService | null => (papers.has(sessionId) ? papers : lives.has(sessionId) ? lives : null)

  // first start on this folder: the sample data goes into the store, the backtest form starts on it
  const ready: Promise<void> = firstRun
    ? importSamples({
        sampleDir: options.sampleDir,
        storePath,
        log,
        runImport: (job) => {
          const worker = spawn()
          return worker.call('import', job).finally(() => void worker.terminate())
        }
      }).then(
        (r) => {
          for (const f of r.failed) settings.addWarning(`The sample ${f.file} could not be imported into the market-data store: ${f.error}`)
          if (r.datasetId !== null && settings.settings.backtest.datasetId === null) settings.update((s) => ({ backtest: { ...s.backtest, datasetId: r.datasetId } }))
        },
        (err: unknown) => log.error('first run failed', { error: err })
      )
    : Promise.resolve()
  let mode: Mode = 'backtest'

  const handlers: CommandHandlers = {
    'app.info': command('app.info', () => ({ appVersion: APP_VERSION, mode, dataFolder, versions: runtimeVersions() })),
    'mode.set': command('mode.set', (p) => {
      if (p.mode === 'live' && p.confirmation !== 'LIVE') {
        throw new WorkstationError('ValidationError', 'live trading needs the confirmation typed exactly as "LIVE"')
      }
      mode = p.mode
      return { mode }
    }),
    'engines.list': command('engines.list', () => ({
      engines: [...BUILT_IN_ENGINES.values()].map((d) => ({ name: d.name, description: d.description, params: d.params as Record<string, Record<string, unknown>> }))
    })),
    'data.list': command('data.list', async () => {
      await ready
      return { datasets: await catalog.list() }
    }),
    'data.import': command('data.import', (p) => {
      const started = imports.start(p)
      settings.addRecentFile(resolve(p.path))
      return started
    }),
    'data.show': command('data.show', (p) => showDataset(catalog, p.datasetId)),
    'data.delete': command('data.delete', (p) => deleteDataset(catalog, p.datasetId)),
    // the settings' risk limits apply to a backtest that brings none of its own
    'backtest.start': command('backtest.start', (p) => backtests.start({ ...p, risk: p.risk ?? settings.settings.backtest.risk })),
    'backtest.cancel': command('backtest.cancel', async (p) => (sweeps.has(p.runId) ? { cancelled: await sweeps.cancel(p.runId) } : backtests.cancel(p.runId))),
    'backtest.report': command('backtest.report', (p) => backtests.report(p.runId)),
    'backtest.runs': command('backtest.runs', () => backtests.list()),
    'sweep.start': command('sweep.start', (p) => sweeps.start(p)),
    'replay.start': command('replay.start', (p) => replays.start(p)),
    'paper.start': command('paper.start', (p) => papers.start(p)),
    'replay.control': command('replay.control', (p) => {
      const service = trading(p.sessionId)
      if (service === null) return replays.control(p)
      // a paper or live session follows the market: it can only be stopped
      if (p.action !== 'stop') throw new WorkstationError('ValidationError', `replay.control: action: a ${service === papers ? 'paper' : 'live'} session can only be stopped, not ${p.action}`)
      return service.stop(p.sessionId)
    }),
    'engine.control': command('engine.control', (p) => (trading(p.sessionId) ?? replays).engine(p)),
    'order.create': command('order.create', (p) => (trading(p.sessionId) ?? replays).createOrder(p)),
    'order.cancel': command('order.cancel', (p) => (trading(p.sessionId) ?? replays).cancelOrder(p)),
    'order.cancelAll': command('order.cancelAll', (p) => (trading(p.sessionId) ?? replays).cancelAll(p)),
    'killSwitch.press': command('killSwitch.press', async (p) => {
      // live first: its cancels have the furthest to go
      const live = lives.killSwitch(p, KILL_SWITCH_BY, Date.now())
      const paper = papers.killSwitch(p, KILL_SWITCH_BY, Date.now())
      const replay = await replays.killSwitch(p, KILL_SWITCH_BY)
      return { sessions: live.sessions + paper.sessions + replay.sessions, cancelled: live.cancelled + paper.cancelled + replay.cancelled }
    }),
    'session.list': command('session.list', () => ({ sessions: [...replays.list().sessions, ...papers.list(), ...lives.list()] })),
    'journal.sessions': command('journal.sessions', () => journalSessions(journalPath, (id) => trading(id) !== null)),
    'journal.replay': command('journal.replay', async (p) => replaySummary(await replayJournaledSession(journalPath, p.sessionId))),
    'live.start': command('live.start', (p) => {
      if (mode !== 'live') throw new WorkstationError('ValidationError', 'live.start: switch the workstation to LIVE first (mode.set with "LIVE" typed)')
      return lives.start(p)
    }),
    'session.resume': command('session.resume', async (p) => {
      if (trading(p.sessionId) !== null) throw new WorkstationError('ValidationError', `session.resume: session ${p.sessionId} is running`)
      const info = readSession(journalPath, p.sessionId)
      if (info === undefined) throw new WorkstationError('NotFound', `no session ${p.sessionId} in the journal`)
      if (info.mode !== 'paper' && info.mode !== 'live') throw new WorkstationError('ValidationError', `session.resume: session ${p.sessionId} is a ${info.mode} session; only paper and live sessions are resumed`)
      if (info.status !== 'running' && info.status !== 'crashed') throw new WorkstationError('ValidationError', `session.resume: session ${p.sessionId} has ended (${info.status})`)
      if (info.mode === 'live' && mode !== 'live') throw new WorkstationError('ValidationError', `session.resume: ${p.sessionId} is a live session: switch the workstation to LIVE first (mode.set with "LIVE" typed)`)
      return info.mode === 'live' ? lives.resume(info) : papers.resume(info)
    }),
    'reconcile.get': command('reconcile.get', (p) => {
      if (lives.has(p.sessionId)) return lives.reconciliation(p.sessionId)
      if (papers.has(p.sessionId)) return papers.reconciliation(p.sessionId)
      throw new WorkstationError('NotFound', `no running paper or live session ${p.sessionId}`)
    }),
    'reconcile.resolve': command('reconcile.resolve', (p) => {
      if (lives.has(p.sessionId)) return lives.resolve(p)
      if (papers.has(p.sessionId)) throw new WorkstationError('ValidationError', `reconcile.resolve: paper session ${p.sessionId} has no venue to reconcile with`)
      throw new WorkstationError('NotFound', `no running live session ${p.sessionId}`)
    }),
    'credentials.status': command('credentials.status', (p) => credentials.status(lives.profile(p.profileId))),
    'credentials.set': command('credentials.set', (p) => credentials.set(lives.profile(p.profileId), p.apiKey, p.secret)),
    'credentials.clear': command('credentials.clear', (p) => ({ cleared: credentials.clear(lives.profile(p.profileId).id) })),
    'settings.get': command('settings.get', async () => {
      await ready
      return settings.get()
    }),
    'settings.set': command('settings.set', (p) => settings.set(p.settings)),
    'log.report': command('log.report', (p) => {
      const where = p.source ? ` at ${p.source}${p.line !== undefined ? `:${p.line}:${p.column ?? 0}` : ''}` : ''
      log.child('renderer').error(`${p.kind}: ${p.message}${where}`, p.stack ? { stack: p.stack } : undefined)
      return { logged: true }
    }),
    'app.diagnostics': command('app.diagnostics', (p) =>
      collectDiagnostics({
        appVersion: APP_VERSION,
        dataFolder,
        logsFolder: log.dir,
        settingsFile: settings.file,
        settings: settings.settings,
        userAgent: p.userAgent,
        recentProblems: log.recentProblems(),
        redact: log.redact
      })
    )
  }
  for (const name of Object.keys(handlers) as CommandName[]) {
    const inner = handlers[name] as (params: unknown) => Promise<unknown>
    // failures the user did not cause go to the log with the command's name
    ;(handlers as Record<CommandName, (params: unknown) => Promise<unknown>>)[name] = (params) =>
      inner(params).catch((err: unknown) => {
        if (err instanceof WorkstationError && err.type !== 'InternalError') log.info(`${name}: ${err.type}: ${err.message}`)
        else log.error(`${name} failed`, { error: err })
        throw err
      })
  }

  let closed = false
  return {
    handlers,
    log,
    ready,
    onPush(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      await Promise.all([replays.close(), papers.close(), lives.close()])
      await Promise.all([backtests.close(), sweeps.close(), imports.close()])
      await Promise.all([...workers].map((w) => w.terminate()))
      await ready
      batcher.close()
      listeners.clear()
      writerLock.release()
      log.info('host closed')
      if (ownLogger) log.close()
    }
  }
}

/**
 * One command's handler: params are checked against the contract (callers other than the
 * transports skip its validation), and anything thrown leaves as a typed WorkstationError.
 */
function command<K extends CommandName>(
  name: K,
  fn: (params: Parameters<CommandHandlers[K]>[0]) => Promise<CommandResult<K>> | CommandResult<K>
): CommandHandlers[K] {
  const schema = COMMANDS[name].params
  const handler = async (params: unknown): Promise<CommandResult<K>> => {
    const parsed = schema.safeParse(params ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
      throw new WorkstationError('ValidationError', `${name}: ${where}${issue?.message ?? 'invalid parameters'}`)
    }
    try {
      return await fn(parsed.data as Parameters<CommandHandlers[K]>[0])
    } catch (err) {
      throw toWorkstationError(err)
    }
  }
  return handler as CommandHandlers[K]
}

function runtimeVersions(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of ['node', 'v8', 'electron', 'chrome', 'sqlite'] as const) {
    const v = process.versions[key]
    if (typeof v === 'string') out[key] = v
  }
  return out
}

function readSession(path: string, sessionId: string): SessionInfo | undefined {
  const journal = Journal.open(path, { readonly: true })
  try {
    return journal.getSession(sessionId)
  } finally {
    journal.close()
  }
}
