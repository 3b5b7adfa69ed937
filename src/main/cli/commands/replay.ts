import { existsSync } from 'node:fs'
import { WorkstationError } from '../../../shared/api'
import { defaultJournalPath } from '../../host/data-folder'
import { describeOrder, replayJournaledSession, type JournalReplay } from '../../host/journal-replay'
import { parseFlags } from '../args'
import { CliError } from '../cli-error'
import { writeJsonFile } from '../json-file'

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
  let replay: JournalReplay
  try {
    replay = await replayJournaledSession(path, sessionId)
  } catch (err) {
    if (!(err instanceof WorkstationError)) throw err
    const hint = err.type === 'NotFound' ? ` (see "theorycraft journal list --journal ${path}")` : ''
    throw new CliError(`replay: ${err.message}${hint}`, 1)
  }
  const { session, result } = replay
  const c = result.comparison
  if (v.json) writeJsonFile(v.json, { sessionId, mode: session.mode, ...result })
  const lines = [
    `session ${sessionId} (${session.mode}, ${session.engines.map((e) => e.name).join(', ')}): ${c.marketEvents} market events replayed`,
    `orders: ${c.recorded} recorded, ${c.replayed} replayed: ${c.same} identical, ${c.different} different, ${c.missing} missing, ${c.extra} extra`
  ]
  if (c.notCompared > 0) lines.push(`${c.notCompared} order(s) not placed by the engine (manual ticket, kill switch, end-of-data settlement) were left out of the comparison`)
  const d = c.firstDivergence
  if (d === null) lines.push('replay parity: IDENTICAL')
  else {
    lines.push(`replay parity: DIVERGED; first divergence at seq ${d.seq}: ${d.kind}${d.fields.length ? ` (${d.fields.join(', ')})` : ''}`)
    lines.push(`  recorded  ${describeOrder(d.recorded)}`)
    lines.push(`  replayed  ${describeOrder(d.replayed)}`)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
  return c.identical ? 0 : 1
}
