import { existsSync } from 'node:fs'
import { Journal } from '../../core/journal/journal'
import { defaultJournalPath } from '../../host/data-folder'
import { numberFlag, parseFlags } from '../args'
import { CliError } from '../cli-error'

export const JOURNAL_HELP = `theorycraft journal list|show|verify [options]

  journal list [--journal FILE]                 sessions: id, mode, status, events, start
  journal show SESSION [--journal FILE] [--from SEQ] [--limit N] [--type T]
                                                events of a session, one JSON line each
  journal verify SESSION [--journal FILE]       recompute the hash chain; exit 1 on a
                                                missing, changed or truncated event
  --journal FILE   the journal (default: the data folder's journal.sqlite)
`

const FLAGS = {
  journal: { type: 'string' },
  from: { type: 'string' },
  limit: { type: 'string' },
  type: { type: 'string', multiple: true }
} as const

export async function journalCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(JOURNAL_HELP)
    return sub === undefined ? 2 : 0
  }
  if (!['list', 'show', 'verify'].includes(sub)) throw new CliError(`journal: unknown subcommand "${sub}"; expected list, show or verify`)
  const { values: v, positionals } = parseFlags(`journal ${sub}`, rest, FLAGS)
  if (v.help) {
    process.stdout.write(JOURNAL_HELP)
    return 0
  }
  const path = v.journal ?? defaultJournalPath()
  if (!existsSync(path)) throw new CliError(`journal: no journal at ${path}`, 1)
  const journal = Journal.open(path, { readonly: true })
  try {
    if (sub === 'list') {
      const rows = journal.listSessions()
      if (rows.length === 0) process.stdout.write('no sessions\n')
      for (const s of rows)
        process.stdout.write(`${s.id}\t${s.mode}\t${s.status}\t${s.lastSeq} events\t${new Date(s.startedAt).toISOString()}\t${s.engines.map((e) => e.name).join(',')}\n`)
      return 0
    }
    const sessionId = positionals[0]
    if (!sessionId) throw new CliError(`journal ${sub}: give a SESSION id (see "theorycraft journal list")`)
    if (!journal.getSession(sessionId)) throw new CliError(`journal ${sub}: no session "${sessionId}" in ${path}`, 1)
    if (sub === 'show') {
      const fromSeq = numberFlag('journal show', 'from', v.from, 1)
      const limit = numberFlag('journal show', 'limit', v.limit, Infinity)
      let n = 0
      for (const e of journal.events(sessionId, { fromSeq, types: v.type })) {
        if (n++ >= limit) break
        process.stdout.write(`${JSON.stringify({ seq: e.seq, ts: e.ts, type: e.type, payload: e.payload })}\n`)
      }
      return 0
    }
    const result = journal.verify(sessionId)
    if (result.ok) {
      process.stdout.write(`ok: ${result.count} events, last seq ${result.lastSeq}, hash ${result.hash}\n`)
      return 0
    }
    process.stdout.write(`FAILED: ${result.problems.length} problem(s) in ${result.count} events\n`)
    for (const p of result.problems.slice(0, 50)) process.stdout.write(`  seq ${p.seq}: ${p.kind}: ${p.message}\n`)
    return 1
  } finally {
    journal.close()
  }
}
