import { WorkstationError, type BrokerSettings, type CommandParams, type CommandResult } from '../../shared/api'
import type { ParamValues } from '../../shared/engine-params'
import { Journal, type JournalRecord, type SessionInfo } from '../core/journal/journal'
import { checkEngine } from './engine-check'
import { PaperSession, type PaperExchange } from './paper-session'
import { TradingSessions } from './trading-sessions'
import type { ViewBatcher } from './view-batcher'

export interface PaperServiceDeps {
  batcher: ViewBatcher
  /** a fresh ccxt.pro exchange per session (public data only); the session closes it */
  exchange: () => Promise<PaperExchange>
  journalPath: string
  newId: (prefix: string) => string
}

/** Paper sessions, in the host process. */
export class PaperService extends TradingSessions<PaperSession> {
  constructor(private readonly deps: PaperServiceDeps) {
    super('paper', deps.batcher)
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
        this.poster(sessionId),
        records === undefined ? undefined : { records }
      )
    } catch (err) {
      await exchange.close?.().catch(() => undefined)
      this.deps.batcher.forget(sessionId)
      throw err
    }
    this.add(session)
    return session
  }
}
