import { existsSync, writeFileSync } from 'node:fs'
import type { BrokerSettings } from '../../../shared/api'
import { resolveParams, ParamError, type ParamValues } from '../../../shared/engine-params'
import { defaultMarket, type Market } from '../../../shared/market'
import type { SimulatedBrokerConfig } from '../../core/broker/config'
import { Journal, type SessionInfo } from '../../core/journal/journal'
import { replaySession, type ReplayOrder, type ReplayResult } from '../../core/replay/replay'
import type { RiskLimits } from '../../core/risk/risk-gate'
import { brokerConfig } from '../../host/broker-settings'
import { defaultJournalPath } from '../../host/data-folder'
import { loadEngine } from '../../host/engine-loader'
import { parseFlags } from '../args'
import { CliError } from '../cli-error'

export const REPLAY_HELP = `theorycraft replay SESSION [--journal FILE] [--json FILE]

Replay parity: re-runs the engine of a journaled session (paper, live, or a backtest run with
--journal-market) on the session's journaled market events, in journal order and at their
recorded times, through the simulated broker, and compares the engine's orders with the
journaled ones (engine, client order id, symbol, type, side, amount, price, stop price, and
the market event each followed). Orders not placed by the engine (manual ticket, kill switch,
end-of-data settlement) are left out of the comparison and counted apart.

  SESSION          a session id (see "theorycraft journal list")
  --journal FILE   the journal (default: the data folder's journal.sqlite); only read
  --json FILE      write the comparison and both order lists as JSON

Exit status: 0 identical, 1 diverged (the first divergence is shown: its seq and both orders),
2 usage error; a session that cannot be replayed is reported with exit status 1.
`

const FLAGS = {
  journal: { type: 'string' },
  json: { type: 'string' }
} as const

/** What a session's stored config must hold to be replayed (paper and backtest sessions both store it). */
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

export async function replayCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('replay', argv, FLAGS)
  if (v.help) {
    process.stdout.write(REPLAY_HELP)
    return 0
  }
  const sessionId = positionals[0]
  if (sessionId === undefined) throw new CliError('replay: give a SESSION id (see "theorycraft journal list")\nRun "theorycraft replay --help" for the flags.')
  if (positionals.length > 1) throw new CliError(`replay: unexpected argument "${positionals[1]}"`)
  const path = v.journal ?? defaultJournalPath()
  if (!existsSync(path)) throw new CliError(`replay: no journal at ${path}`, 1)
  const journal = Journal.open(path, { readonly: true })
  let session: SessionInfo
  let result: ReplayResult
  try {
    const found = journal.getSession(sessionId)
    if (found === undefined) throw new CliError(`replay: no session "${sessionId}" in ${path} (see "theorycraft journal list --journal ${path}")`, 1)
    session = found
    const config = storedConfig(session)
    const definition = await loadEngine(config.engine!)
    let values: ParamValues
    try {
      values = resolveParams(definition.params, config.params)
    } catch (err) {
      if (err instanceof ParamError) throw new CliError(`replay: session ${sessionId}: config.params: ${err.message}`, 1)
      throw err
    }
    const markets = config.markets ?? marketsFromEvents(journal, sessionId, config)
    const broker = 'initialCash' in config.broker ? config.broker : brokerConfig(config.broker, markets[0])
    result = replaySession(journal.events(sessionId), {
      engines: [{ id: definition.name, definition, values }],
      broker,
      markets,
      risk: config.risk ?? {},
      seed: config.seed ?? 1,
      closeAtEnd: config.closeAtEnd
    })
  } finally {
    journal.close()
  }
  const c = result.comparison
  if (v.json) writeFileSync(v.json, JSON.stringify({ sessionId, mode: session.mode, ...result }, null, 2))
  const lines = [
    `session ${sessionId} (${session.mode}, ${session.engines.map((e) => e.name).join(', ')}): ${c.marketEvents} market events replayed`,
    `orders: ${c.recorded} recorded, ${c.replayed} replayed: ${c.same} identical, ${c.different} different, ${c.missing} missing, ${c.extra} extra`
  ]
  if (c.notCompared > 0) lines.push(`${c.notCompared} order(s) not placed by the engine (manual ticket, kill switch, end-of-data settlement) were left out of the comparison`)
  const d = c.firstDivergence
  if (d === null) lines.push('replay parity: IDENTICAL')
  else {
    lines.push(`replay parity: DIVERGED; first divergence at seq ${d.seq}: ${d.kind}${d.fields.length ? ` (${d.fields.join(', ')})` : ''}`)
    lines.push(`  recorded  ${describe(d.recorded)}`)
    lines.push(`  replayed  ${describe(d.replayed)}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  return c.identical ? 0 : 1
}

function storedConfig(session: SessionInfo): StoredConfig {
  const c = session.config as Partial<StoredConfig> | null
  const where = `replay: session ${session.id} (${session.mode})`
  if (session.mode === 'replay') throw new CliError(`${where}: a replay session holds no recorded decisions to compare`, 1)
  if (typeof c !== 'object' || c === null) throw new CliError(`${where}: its stored config is not an object`, 1)
  if (typeof c.engine !== 'string' || c.engine === '') throw new CliError(`${where}: config.engine: the session ran no engine, so there are no decisions to replay`, 1)
  if (typeof c.broker !== 'object' || c.broker === null) throw new CliError(`${where}: config.broker is missing`, 1)
  if (c.markets !== undefined && (!Array.isArray(c.markets) || c.markets.length === 0)) throw new CliError(`${where}: config.markets must be a non-empty list`, 1)
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

function describe(o: ReplayOrder | null): string {
  if (o === null) return '(none)'
  const price = o.price === null ? '' : ` @ ${o.price}`
  const stop = o.stopPrice === null ? '' : ` stop ${o.stopPrice}`
  return `seq ${o.seq} after market event ${o.marketSeq}: ${o.engine} ${o.clientOrderId} ${o.symbol} ${o.type} ${o.side} ${o.amount}${price}${stop}`
}
