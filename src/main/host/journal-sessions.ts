import { existsSync } from 'node:fs'
import type { CommandResult } from '../../shared/api'
import { Journal } from '../core/journal/journal'

/**
 * The sessions recorded in the data folder's journal, newest first. `running(id)`: whether the
 * host runs that session now (so it is not resumable).
 */
export function journalSessions(path: string, running: (id: string) => boolean = () => false): CommandResult<'journal.sessions'> {
  if (!existsSync(path)) return { sessions: [] }
  const journal = Journal.open(path, { readonly: true })
  try {
    const sessions = journal
      .listSessions()
      .map((s) => ({
        id: s.id,
        mode: s.mode,
        status: s.status,
        events: s.lastSeq,
        startedAt: s.startedAt,
        resumable: (s.mode === 'paper' || s.mode === 'live') && (s.status === 'running' || s.status === 'crashed') && !running(s.id)
      }))
      .sort((a, b) => b.startedAt - a.startedAt)
    return { sessions }
  } finally {
    journal.close()
  }
}
