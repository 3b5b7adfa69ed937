import { parentPort } from 'node:worker_threads'
import { WorkstationError } from '../../shared/api'
import { runBacktestJob } from './backtest-job'
import { describeDataset } from './describe-dataset'
import { toApiError } from './errors'
import { runImportJob } from './import-job'
import { ReplaySession } from './replay-session'
import type { FromWorker, ToWorker, WorkerMethod, WorkerMethods } from './worker-protocol'

/**
 * Entry of a session worker thread (bundled to out/node/session-worker.js). One worker runs
 * describes, imports, backtests (one after another) or one replay session; the host talks to it with
 * numbered calls and gets replies, progress, and the replay's views.
 */
const port = parentPort
if (port === null) throw new Error('session-worker must run in a worker thread')

const send = (msg: FromWorker): void => port.postMessage(msg)
let session: ReplaySession | null = null
/** progress posts per call are spaced by this much; the host's batcher rate-limits again */
const PROGRESS_INTERVAL_MS = 50

function requireSession(): ReplaySession {
  if (session === null) throw new WorkstationError('NotFound', 'this worker runs no replay session')
  return session
}

type Handler<M extends WorkerMethod> = (params: WorkerMethods[M]['params'], id: number) => Promise<WorkerMethods[M]['result']> | WorkerMethods[M]['result']

const handlers: { [M in WorkerMethod]: Handler<M> } = {
  describe: (source) => describeDataset(source),
  backtest: (job, id) => {
    let last = -Infinity
    return runBacktestJob(job, (done, total, elapsedMs) => {
      if (elapsedMs - last < PROGRESS_INTERVAL_MS && done < total) return
      last = elapsedMs
      send({ type: 'progress', id, done, total, elapsedMs })
    })
  },
  import: (job, id) => {
    let last = -Infinity
    return runImportJob(job, (done, total) => {
      const now = performance.now()
      if (now - last < PROGRESS_INTERVAL_MS) return
      last = now
      send({ type: 'progress', id, done, total, elapsedMs: 0 })
    })
  },
  'replay.open': async (spec) => {
    if (session !== null) throw new WorkstationError('ValidationError', 'this worker already runs a replay session')
    session = await ReplaySession.open(
      spec,
      (views) => send({ type: 'views', sessionId: spec.sessionId, views }),
      () => send({ type: 'ended', sessionId: spec.sessionId })
    )
    return { ok: true }
  },
  'replay.control': (p) => requireSession().control(p),
  'engine.control': (p) => requireSession().engineControl(p),
  'order.create': (p) => requireSession().createOrder(p),
  'order.cancel': (p) => requireSession().cancelOrder(p.clientOrderId),
  'order.cancelAll': (p) => requireSession().cancelAll(p.symbol),
  killSwitch: (p) => requireSession().killSwitch(p)
}

port.on('message', (msg: ToWorker) => {
  const handler = handlers[msg.method] as Handler<WorkerMethod> | undefined
  if (handler === undefined) {
    send({ type: 'reply', id: msg.id, error: { type: 'InternalError', message: `unknown worker method ${String(msg.method)}` } })
    return
  }
  Promise.resolve()
    .then(() => handler(msg.params as never, msg.id))
    .then(
      (result) => send({ type: 'reply', id: msg.id, result }),
      (err: unknown) => send({ type: 'reply', id: msg.id, error: toApiError(err) })
    )
})
