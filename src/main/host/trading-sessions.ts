import { WorkstationError, type CommandParams, type CommandResult, type PushPayload } from '../../shared/api'
import type { View } from './replay-views'
import type { ViewBatcher } from './view-batcher'

/** What the host asks of a paper or live session, whatever its broker. */
export interface TradingSession {
  readonly sessionId: string
  readonly datasetId: string
  readonly status: string
  state(): PushPayload<'session.state'>
  stop(): Promise<void>
  engineControl(p: Omit<CommandParams<'engine.control'>, 'sessionId'>): { state: string }
  createOrder(p: Omit<CommandParams<'order.create'>, 'sessionId'>): { clientOrderId: string; denied: string | null }
  cancelOrder(clientOrderId: string): { ok: boolean }
  cancelAll(symbol: string | undefined): { ok: boolean }
  killSwitch(p: { flatten: boolean; reason: string; by: string; pressedAt: number }): { cancelled: number }
}

/**
 * The host's running paper or live sessions of one mode: commands routed by session id, the
 * kill switch on every running one, and the last state of each for `session.list` (a stopped
 * session stays listed; commands to it are refused by the session).
 */
export class TradingSessions<S extends TradingSession> {
  protected readonly sessions = new Map<string, { session: S; state: PushPayload<'session.state'> }>()

  constructor(
    private readonly mode: 'paper' | 'live',
    protected readonly batcher: ViewBatcher
  ) {}

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId)
  }

  /** Running and stopped sessions (tests and diagnostics). */
  get(sessionId: string): S | undefined {
    return this.sessions.get(sessionId)?.session
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

  /** The kill switch on every running session of this mode; returns what it reached. */
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
      mode: this.mode,
      status: session.status,
      datasetId: session.datasetId,
      tradingState: state.tradingState
    }))
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop()))
  }

  /** A session's views go to the batcher; its last state is kept for `session.list`. */
  protected poster(sessionId: string): (views: View[]) => void {
    return (views) => {
      const entry = this.sessions.get(sessionId)
      for (const view of views) {
        if (view.topic === 'session.state' && entry !== undefined) entry.state = view.payload as PushPayload<'session.state'>
        this.batcher.push(view.topic, sessionId, view.payload)
      }
    }
  }

  protected add(session: S): void {
    this.sessions.set(session.sessionId, { session, state: session.state() })
  }

  protected require(sessionId: string): S {
    const entry = this.sessions.get(sessionId)
    if (entry === undefined) throw new WorkstationError('NotFound', `no ${this.mode} session ${sessionId}`)
    return entry.session
  }
}
