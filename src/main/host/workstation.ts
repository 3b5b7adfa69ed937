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
  type PushTopic
} from '../../shared/api'
import { BUILT_IN_ENGINES } from '../core/engines/registry'
import { Journal } from '../core/journal/journal'
import { APP_VERSION } from './app-version'
import { BacktestService } from './backtest-service'
import { captureSources, DatasetCatalog, sampleSources } from './dataset-catalog'
import { toWorkstationError } from './errors'
import { ImportService } from './import-service'
import { journalSessions } from './journal-sessions'
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
}

export type PushListener = <T extends PushTopic>(topic: T, payload: PushPayload<T>) => void

export interface Workstation {
  handlers: CommandHandlers
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
  // created and migrated here, once, so workers only ever open an existing journal
  Journal.open(journalPath).close()

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
  const imports = new ImportService({ batcher, spawn: () => spawn(), storePath, newId })
  let mode: Mode = 'backtest'

  const handlers: CommandHandlers = {
    'app.info': command('app.info', () => ({ appVersion: APP_VERSION, mode, dataFolder, versions: runtimeVersions() })),
    'mode.set': command('mode.set', (p) => {
      if (p.mode === 'live' && p.confirmation !== 'LIVE') {
        throw new WorkstationError('ValidationError', 'live trading needs the confirmation typed exactly as "LIVE"')
      }
      if (p.mode === 'paper' || p.mode === 'live') {
        throw new WorkstationError(
          'Unavailable',
          'paper and live trading arrive with the live-trading work (issue 5): the venue connection and the live market source are not built yet; backtest and replay are available'
        )
      }
      mode = p.mode
      return { mode }
    }),
    'engines.list': command('engines.list', () => ({
      engines: [...BUILT_IN_ENGINES.values()].map((d) => ({ name: d.name, description: d.description, params: d.params as Record<string, Record<string, unknown>> }))
    })),
    'data.list': command('data.list', async () => ({ datasets: await catalog.list() })),
    'data.import': command('data.import', (p) => imports.start(p)),
    'backtest.start': command('backtest.start', (p) => backtests.start(p)),
    'backtest.cancel': command('backtest.cancel', async (p) => (sweeps.has(p.runId) ? { cancelled: await sweeps.cancel(p.runId) } : backtests.cancel(p.runId))),
    'backtest.report': command('backtest.report', (p) => backtests.report(p.runId)),
    'backtest.runs': command('backtest.runs', () => backtests.list()),
    'sweep.start': command('sweep.start', (p) => sweeps.start(p)),
    'replay.start': command('replay.start', (p) => replays.start(p)),
    'replay.control': command('replay.control', (p) => replays.control(p)),
    'engine.control': command('engine.control', (p) => replays.engine(p)),
    'order.create': command('order.create', (p) => replays.createOrder(p)),
    'order.cancel': command('order.cancel', (p) => replays.cancelOrder(p)),
    'order.cancelAll': command('order.cancelAll', (p) => replays.cancelAll(p)),
    'killSwitch.press': command('killSwitch.press', (p) => replays.killSwitch(p, KILL_SWITCH_BY)),
    'session.list': command('session.list', () => replays.list()),
    'journal.sessions': command('journal.sessions', () => journalSessions(journalPath))
  }

  let closed = false
  return {
    handlers,
    onPush(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      await replays.close()
      await Promise.all([backtests.close(), sweeps.close(), imports.close()])
      await Promise.all([...workers].map((w) => w.terminate()))
      batcher.close()
      listeners.clear()
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
