import { WorkstationError, type CommandParams, type CommandResult, type PushPayload } from '../../shared/api'
import type { DatasetCatalog } from './dataset-catalog'
import { checkEngine } from './engine-check'
import type { ViewBatcher } from './view-batcher'
import type { WorkerClient } from './worker-client'
import type { FromWorker, WorkerMethod, WorkerMethods } from './worker-protocol'

type State = PushPayload<'session.state'>

interface Session {
  sessionId: string
  datasetId: string
  worker: WorkerClient | null
  state: State
}

export interface ReplayServiceDeps {
  catalog: DatasetCatalog
  batcher: ViewBatcher
  spawn: (onMessage: (msg: FromWorker) => void, onExit: (error: string | null) => void) => WorkerClient
  journalPath: string
  newId: (prefix: string) => string
}

/**
 * Replay sessions, one worker each. The worker's views go through the batcher keyed by session;
 * commands go to the worker as calls. A session that finished or stopped keeps its last state
 * for `session.list`; its worker is let go.
 */
export class ReplayService {
  private readonly sessions = new Map<string, Session>()

  constructor(private readonly deps: ReplayServiceDeps) {}

  async start(p: CommandParams<'replay.start'>): Promise<CommandResult<'replay.start'>> {
    const { source, dataset } = await this.deps.catalog.get(p.datasetId)
    if (p.engine !== undefined) checkEngine(p.engine, p.params ?? {}, true)
    const sessionId = this.deps.newId('replay')
    const session: Session = {
      sessionId,
      datasetId: p.datasetId,
      worker: null,
      state: { sessionId, mode: 'replay', status: 'running', clock: 0, speed: p.speed, tradingState: 'ACTIVE', progress: 0 }
    }
    const worker = this.deps.spawn(
      (msg) => this.receive(session, msg),
      (error) => this.exited(session, error)
    )
    session.worker = worker
    this.sessions.set(sessionId, session)
    try {
      await worker.call('replay.open', {
        sessionId,
        dataset: source,
        rows: dataset.rows,
        engine: p.engine,
        params: p.params,
        broker: p.broker,
        speed: p.speed,
        journalPath: this.deps.journalPath
      })
    } catch (err) {
      this.sessions.delete(sessionId)
      session.worker = null
      await worker.terminate()
      this.deps.batcher.forget(sessionId)
      throw err
    }
    return { sessionId }
  }

  async control(p: CommandParams<'replay.control'>): Promise<CommandResult<'replay.control'>> {
    const session = this.require(p.sessionId)
    if (session.worker === null) {
      if (p.action === 'stop') return { ok: true }
      throw new WorkstationError('ValidationError', `session ${p.sessionId} has ${session.state.status}`)
    }
    return this.call(session, 'replay.control', { action: p.action, value: p.value })
  }

  engine(p: CommandParams<'engine.control'>): Promise<CommandResult<'engine.control'>> {
    return this.call(this.requireLive(p.sessionId), 'engine.control', { engineId: p.engineId, action: p.action })
  }

  createOrder(p: CommandParams<'order.create'>): Promise<CommandResult<'order.create'>> {
    const { sessionId, ...order } = p
    return this.call(this.requireLive(sessionId), 'order.create', order)
  }

  cancelOrder(p: CommandParams<'order.cancel'>): Promise<CommandResult<'order.cancel'>> {
    return this.call(this.requireLive(p.sessionId), 'order.cancel', { clientOrderId: p.clientOrderId })
  }

  cancelAll(p: CommandParams<'order.cancelAll'>): Promise<CommandResult<'order.cancelAll'>> {
    return this.call(this.requireLive(p.sessionId), 'order.cancelAll', { symbol: p.symbol })
  }

  /** The kill switch on every live session at once; who, when and why go to each session's journal. */
  async killSwitch(p: CommandParams<'killSwitch.press'>, by: string): Promise<CommandResult<'killSwitch.press'>> {
    const live = [...this.sessions.values()].filter((s) => s.worker !== null)
    const pressedAt = Date.now()
    const results = await Promise.allSettled(live.map((s) => this.call(s, 'killSwitch', { flatten: p.flatten, reason: p.reason, by, pressedAt })))
    let sessions = 0
    let cancelled = 0
    for (const r of results) {
      if (r.status !== 'fulfilled') continue
      sessions++
      cancelled += r.value.cancelled
    }
    return { sessions, cancelled }
  }

  list(): CommandResult<'session.list'> {
    return {
      sessions: [...this.sessions.values()].map((s) => ({
        sessionId: s.sessionId,
        mode: s.state.mode,
        status: s.state.status,
        datasetId: s.datasetId,
        tradingState: s.state.tradingState
      }))
    }
  }

  /** Stops every session (their journals close as completed) and lets the workers go. */
  async close(): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => s.worker !== null)
    await Promise.all(
      live.map(async (s) => {
        const worker = s.worker!
        await Promise.race([worker.call('replay.control', { action: 'stop' }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))])
        await worker.terminate()
      })
    )
  }

  private async call<M extends WorkerMethod>(session: Session, method: M, params: WorkerMethods[M]['params']): Promise<WorkerMethods[M]['result']> {
    const worker = session.worker
    if (worker === null) throw new WorkstationError('ValidationError', `session ${session.sessionId} has ${session.state.status}`)
    return worker.call(method, params)
  }

  private receive(session: Session, msg: FromWorker): void {
    if (msg.type === 'views') {
      for (const view of msg.views) {
        if (view.topic === 'session.state') session.state = view.payload as State
        this.deps.batcher.push(view.topic, session.sessionId, view.payload)
      }
    } else if (msg.type === 'ended') {
      const worker = session.worker
      session.worker = null
      worker?.release()
    }
  }

  private exited(session: Session, error: string | null): void {
    session.worker = null
    if (error === null || session.state.status === 'finished' || session.state.status === 'stopped') return
    session.state = { ...session.state, status: 'stopped' }
    const { batcher } = this.deps
    batcher.push('logs', session.sessionId, {
      sessionId: session.sessionId,
      lines: [{ seq: 0, ts: session.state.clock, engineId: 'kernel', kind: 'system', level: 'error', message: error }]
    })
    batcher.push('session.state', session.sessionId, session.state)
  }

  private require(sessionId: string): Session {
    const session = this.sessions.get(sessionId)
    if (session === undefined) throw new WorkstationError('NotFound', `no session ${sessionId}`)
    return session
  }

  private requireLive(sessionId: string): Session {
    const session = this.require(sessionId)
    if (session.worker === null) throw new WorkstationError('ValidationError', `session ${sessionId} has ${session.state.status}`)
    return session
  }
}
