import { WorkstationError, type BrokerSettings, type CommandParams, type CommandResult, type PushPayload } from '../../shared/api'
import type { ParamValues } from '../../shared/engine-params'
import { Journal, type JournalRecord, type SessionInfo } from '../core/journal/journal'
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
    await this.open(sessionId, p)
    return { sessionId }
  }

  /** Rebuilds a journaled paper session that never ended (see PaperSession.open) and lets it continue. */
  async resume(info: SessionInfo): Promise<CommandResult<'session.resume'>> {
    const c = info.config as { venue?: unknown; symbol?: unknown; engine?: unknown; params?: unknown; broker?: unknown } | null
    if (typeof c !== 'object' || c === null || c.venue !== 'binance' || typeof c.symbol !== 'string' || typeof c.broker !== 'object' || c.broker === null)
      throw new WorkstationError('DataError', `session ${info.id}: its stored config lacks what a resume needs (venue, symbol, broker)`)
    const journal = Journal.open(this.deps.journalPath, { readonly: true })
    let records: JournalRecord[]
    try {
      records = [...journal.events(info.id)]
    } finally {
      journal.close()
    }
    const session = await this.open(
      info.id,
      { venue: c.venue, symbol: c.symbol, engine: typeof c.engine === 'string' ? c.engine : undefined, params: (c.params ?? {}) as ParamValues, broker: c.broker as BrokerSettings },
      records
    )
    return { sessionId: info.id, reconciliation: session.reconciliation! }
  }

  reconciliation(sessionId: string): CommandResult<'reconcile.get'> {
    const session = this.require(sessionId)
    return session.reconciliation ?? { sessionId, status: 'resolved', items: [], unchecked: [], errors: [] }
  }

  private async open(sessionId: string, p: CommandParams<'paper.start'>, records?: JournalRecord[]): Promise<PaperSession> {
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
        },
        records === undefined ? undefined : { records }
      )
    } catch (err) {
      await exchange.close?.().catch(() => undefined)
      this.deps.batcher.forget(sessionId)
      throw err
    }
    this.sessions.set(sessionId, { session, state: session.state() })
    return session
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
