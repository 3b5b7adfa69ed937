import { WorkstationError, type CommandParams, type CommandResult, type PushPayload } from '../../shared/api'
import { checkEngine } from './engine-check'
import { PaperSession, type PaperExchange } from './paper-session'
import type { ViewBatcher } from './view-batcher'

export interface PaperServiceDeps {
  batcher: ViewBatcher
  /** a fresh ccxt.pro exchange per session (public data only); the session closes it */
  exchange: () => Promise<PaperExchange>
  journalPath: string
  newId: (prefix: string) => string
}

/**
 * Paper sessions, in the host process. A stopped session keeps its last state for
 * `session.list`; commands to it are refused like those to an ended replay.
 */
export class PaperService {
  private readonly sessions = new Map<string, { session: PaperSession; state: PushPayload<'session.state'> }>()

  constructor(private readonly deps: PaperServiceDeps) {}

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId)
  }

  async start(p: CommandParams<'paper.start'>): Promise<CommandResult<'paper.start'>> {
    if (p.engine !== undefined) checkEngine(p.engine, p.params ?? {}, true)
    const sessionId = this.deps.newId('paper')
    const exchange = await this.deps.exchange()
    let session: PaperSession
    try {
      session = await PaperSession.open(
        { sessionId, venue: p.venue, symbol: p.symbol, engine: p.engine, params: p.params, broker: p.broker, journalPath: this.deps.journalPath },
        exchange,
        (views) => {
          const entry = this.sessions.get(sessionId)
          for (const view of views) {
            if (view.topic === 'session.state' && entry !== undefined) entry.state = view.payload as PushPayload<'session.state'>
            this.deps.batcher.push(view.topic, sessionId, view.payload)
          }
        }
      )
    } catch (err) {
      await exchange.close?.().catch(() => undefined)
      this.deps.batcher.forget(sessionId)
      throw err
    }
    this.sessions.set(sessionId, { session, state: session.state() })
    return { sessionId }
  }

  async stop(sessionId: string): Promise<{ ok: boolean }> {
    await this.require(sessionId).stop()
    return { ok: true }
  }

  engine(p: CommandParams<'engine.control'>): CommandResult<'engine.control'> {
    return this.require(p.sessionId).engineControl(p)
  }

  createOrder(p: CommandParams<'order.create'>): CommandResult<'order.create'> {
    const { sessionId, ...order } = p
    return this.require(sessionId).createOrder(order)
  }

  cancelOrder(p: CommandParams<'order.cancel'>): CommandResult<'order.cancel'> {
    return this.require(p.sessionId).cancelOrder(p.clientOrderId)
  }

  cancelAll(p: CommandParams<'order.cancelAll'>): CommandResult<'order.cancelAll'> {
    return this.require(p.sessionId).cancelAll(p.symbol)
  }

  /** The kill switch on every running paper session; returns what it reached. */
  killSwitch(p: CommandParams<'killSwitch.press'>, by: string, pressedAt: number): { sessions: number; cancelled: number } {
    let sessions = 0
    let cancelled = 0
    for (const { session } of this.sessions.values()) {
      if (session.status !== 'running') continue
      cancelled += session.killSwitch({ flatten: p.flatten, reason: p.reason, by, pressedAt }).cancelled
      sessions++
    }
    return { sessions, cancelled }
  }

  list(): CommandResult<'session.list'>['sessions'] {
    return [...this.sessions.values()].map(({ session, state }) => ({
      sessionId: session.sessionId,
      mode: 'paper' as const,
      status: session.status,
      datasetId: session.datasetId,
      tradingState: state.tradingState
    }))
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop()))
  }

  private require(sessionId: string): PaperSession {
    const entry = this.sessions.get(sessionId)
    if (entry === undefined) throw new WorkstationError('NotFound', `no paper session ${sessionId}`)
    return entry.session
  }
}
