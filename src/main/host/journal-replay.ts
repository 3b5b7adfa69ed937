import type { BrokerSettings, CommandResult } from '../../shared/api'
import { WorkstationError } from '../../shared/api'
import { resolveParams, ParamError, type ParamValues } from '../../shared/engine-params'
import { defaultMarket, type Market } from '../../shared/market'
import type { SimulatedBrokerConfig } from '../core/broker/config'
import { Journal, type SessionInfo } from '../core/journal/journal'
import { replaySession, type ReplayOrder, type ReplayResult } from '../core/replay/replay'
import type { RiskLimits } from '../core/risk/risk-gate'
import { brokerConfig } from './broker-settings'
import { loadEngine } from './engine-loader'

/** What a session's stored config must hold to be replayed (paper, live and backtest sessions store it). */
interface StoredConfig {
  engine: string | null
  params: Record<string, unknown>
  broker: BrokerSettings | Omit<SimulatedBrokerConfig, 'markets'>
  markets?: Market[]
  symbol?: string
  risk?: RiskLimits
  seed?: number
  closeAtEnd?: 'none' | 'close' | 'open'
}

export interface JournalReplay {
  session: SessionInfo
  result: ReplayResult
}

/**
 * Replay parity of one journaled session: its engine re-run on its journaled market events
 * through the simulated broker, the orders compared with the journaled ones. The journal is
 * only read. Errors are WorkstationErrors that name the session and what is missing.
 */
export async function replayJournaledSession(path: string, sessionId: string): Promise<JournalReplay> {
  const journal = Journal.open(path, { readonly: true })
  try {
    const session = journal.getSession(sessionId)
    if (session === undefined) throw new WorkstationError('NotFound', `no session "${sessionId}" in ${path}`)
    const config = storedConfig(session)
    const definition = await loadEngine(config.engine!)
    let values: ParamValues
    try {
      values = resolveParams(definition.params, config.params)
    } catch (err) {
      if (err instanceof ParamError) throw new WorkstationError('ValidationError', `session ${sessionId}: config.params: ${err.message}`)
      throw err
    }
    const markets = config.markets ?? marketsFromEvents(journal, sessionId, config)
    const broker = 'initialCash' in config.broker ? config.broker : brokerConfig(config.broker, markets[0])
    const result = replaySession(journal.events(sessionId), {
      engines: [{ id: definition.name, definition, values }],
      broker,
      markets,
      risk: config.risk ?? {},
      seed: config.seed ?? 1,
      closeAtEnd: config.closeAtEnd
    })
    return { session, result }
  } finally {
    journal.close()
  }
}

/** The comparison as the `journal.replay` command returns it. */
export function replaySummary({ session, result }: JournalReplay): CommandResult<'journal.replay'> {
  const c = result.comparison
  const d = c.firstDivergence
  return {
    sessionId: session.id,
    identical: c.identical,
    marketEvents: c.marketEvents,
    recorded: c.recorded,
    replayed: c.replayed,
    different: c.different,
    missing: c.missing,
    extra: c.extra,
    notCompared: c.notCompared,
    firstDivergence:
      d === null
        ? null
        : `seq ${d.seq}: ${d.kind}${d.fields.length ? ` (${d.fields.join(', ')})` : ''}; recorded ${describeOrder(d.recorded)}; replayed ${describeOrder(d.replayed)}`
  }
}

export function describeOrder(o: ReplayOrder | null): string {
  if (o === null) return '(none)'
  const price = o.price === null ? '' : ` @ ${o.price}`
  const stop = o.stopPrice === null ? '' : ` stop ${o.stopPrice}`
  return `seq ${o.seq} after market event ${o.marketSeq}: ${o.engine} ${o.clientOrderId} ${o.symbol} ${o.type} ${o.side} ${o.amount}${price}${stop}`
}

function storedConfig(session: SessionInfo): StoredConfig {
  const c = session.config as Partial<StoredConfig> | null
  const where = `session ${session.id} (${session.mode})`
  if (session.mode === 'replay') throw new WorkstationError('ValidationError', `${where}: a replay session holds no recorded decisions to compare`)
  if (typeof c !== 'object' || c === null) throw new WorkstationError('DataError', `${where}: its stored config is not an object`)
  if (typeof c.engine !== 'string' || c.engine === '') throw new WorkstationError('ValidationError', `${where}: config.engine: the session ran no engine, so there are no decisions to replay`)
  if (typeof c.broker !== 'object' || c.broker === null) throw new WorkstationError('DataError', `${where}: config.broker is missing`)
  if (c.markets !== undefined && (!Array.isArray(c.markets) || c.markets.length === 0)) throw new WorkstationError('DataError', `${where}: config.markets must be a non-empty list`)
  return { ...c, engine: c.engine, params: c.params ?? {}, broker: c.broker } as StoredConfig
}

/**
 * Sessions journaled before their config recorded markets: the default market of each symbol
 * traded (what a backtest without precision flags used).
 */
function marketsFromEvents(journal: Journal, sessionId: string, config: StoredConfig): Market[] {
  const symbols = new Set<string>()
  if (config.symbol) symbols.add(config.symbol)
  else {
    for (const r of journal.events(sessionId, { types: ['bar', 'trade', 'quote', 'book'] })) {
      symbols.add((r.payload as { symbol: string }).symbol)
      break
    }
  }
  if (symbols.size === 0) return [defaultMarket('UNKNOWN/USD')]
  return [...symbols].map((s) => defaultMarket(s))
}
