import { useEffect } from 'react'
import type { CommandResult } from '../../../../shared/api'
import { SortableTable, type Column } from '../../components/SortableTable'
import { Empty, ErrorText } from '../../components/ui'
import { Store, useSlice } from '../../state/store'
import { useWorkstation, type Workstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'
import './journal.css'

type JournalSession = CommandResult<'journal.sessions'>['sessions'][number]
type Parity = CommandResult<'journal.replay'>

interface RowState {
  busy: 'replay' | 'resume' | null
  parity: Parity | null
  error: string | null
  /** what failed: a replay, or a resume */
  errorOf: 'replay' | 'resume' | null
}

interface JournalView {
  sessions: JournalSession[] | null
  loading: boolean
  error: string | null
  rows: ReadonlyMap<string, RowState>
  /** the session whose parity result is shown in full under the table */
  shown: string | null
}

/** Kept outside the component: a replay's result survives switching tabs. */
const view = new Store<JournalView>({ sessions: null, loading: false, error: null, rows: new Map(), shown: null })

function patchRow(id: string, patch: Partial<RowState>): void {
  view.set((v) => {
    const rows = new Map(v.rows)
    rows.set(id, { ...(rows.get(id) ?? { busy: null, parity: null, error: null, errorOf: null }), ...patch })
    return { rows }
  })
}

async function loadSessions(ws: Workstation): Promise<void> {
  view.set({ loading: true })
  const r = await ws.run('journal.sessions', {}, { inline: (m) => view.set({ error: m }) })
  view.set(r ? { sessions: r.sessions, error: null, loading: false } : { loading: false })
}

async function replayParity(ws: Workstation, id: string): Promise<void> {
  patchRow(id, { busy: 'replay', error: null, errorOf: null })
  view.set({ shown: id })
  const r = await ws.run('journal.replay', { sessionId: id }, { inline: (m) => patchRow(id, { error: m, errorOf: 'replay' }) })
  patchRow(id, { busy: null, ...(r ? { parity: r } : {}) })
}

async function resume(ws: Workstation, id: string): Promise<void> {
  patchRow(id, { busy: 'resume', error: null, errorOf: null })
  view.set({ shown: id })
  const r = await ws.run('session.resume', { sessionId: id }, { inline: (m) => patchRow(id, { error: m, errorOf: 'resume' }) })
  patchRow(id, { busy: null })
  if (!r) return
  ws.patchSession(r.sessionId, () => ({}))
  ws.setActiveSession(r.sessionId)
  ws.noteReconciliation(r.reconciliation, true)
  if (r.reconciliation.status === 'resolved' && r.reconciliation.items.length === 0) ws.toast('success', `Session ${r.sessionId} resumed: the journal and the venue agree.`)
  void loadSessions(ws)
}

const replayable = (s: JournalSession) => s.mode === 'paper' || s.mode === 'live'

function ParityBadge({ row }: { row: RowState | undefined }) {
  if (row?.busy === 'replay') return <span className="muted">replaying…</span>
  if (row?.error && row.errorOf === 'replay') return <span className="bad" title={row.error}>failed</span>
  const p = row?.parity
  if (!p) return null
  return p.identical ? (
    <span className="parity parity-ok" data-testid="parity-badge" data-identical="true">
      IDENTICAL
    </span>
  ) : (
    <span className="parity parity-bad" data-testid="parity-badge" data-identical="false">
      DIVERGED
    </span>
  )
}

function ParityDetail({ id, row }: { id: string; row: RowState | undefined }) {
  if (!row) return null
  const p = row.parity
  return (
    <div className="journal-detail" data-testid="parity-result" data-session={id} data-identical={p ? String(p.identical) : ''}>
      {row.error ? <div className="muted small">{row.errorOf === 'resume' ? `Resume of ${id} failed:` : `Replay parity of ${id} failed:`}</div> : null}
      <ErrorText testId="journal-row-error">{row.error}</ErrorText>
      {p ? (
        <>
          <div>
            Replay parity of <strong>{id}</strong>:{' '}
            {p.identical ? <span className="parity parity-ok">IDENTICAL</span> : <span className="parity parity-bad">DIVERGED</span>} — its engine re-run on {p.marketEvents.toLocaleString('en-US')}{' '}
            journaled market events through the simulated broker.
          </div>
          <div className="parity-counts" data-testid="parity-counts">
            <span data-count="recorded">recorded {p.recorded}</span>
            <span data-count="replayed">replayed {p.replayed}</span>
            <span data-count="different" className={p.different ? 'bad' : undefined}>
              different {p.different}
            </span>
            <span data-count="missing" className={p.missing ? 'bad' : undefined}>
              missing {p.missing}
            </span>
            <span data-count="extra" className={p.extra ? 'bad' : undefined}>
              extra {p.extra}
            </span>
            <span data-count="notCompared" title="orders the comparison leaves out (e.g. manual orders)">
              not compared {p.notCompared}
            </span>
          </div>
          {p.firstDivergence ? (
            <div className="parity-divergence" data-testid="parity-divergence">
              First divergence: {p.firstDivergence}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  )
}

/** The Journal tab: every session recorded in the data folder's journal, with Resume and Replay parity. */
export function JournalSessions() {
  const ws = useWorkstation()
  const v = useSlice(view, (s) => s)

  useEffect(() => {
    void loadSessions(ws)
  }, [ws])

  const columns: Column<JournalSession>[] = [
    { key: 'id', label: 'Session', render: (s) => <span title={s.id}>{s.id}</span>, sortValue: (s) => s.id, width: 'minmax(160px, 1.4fr)' },
    { key: 'mode', label: 'Mode', render: (s) => <span className={`jmode jmode-${s.mode}`}>{s.mode}</span>, sortValue: (s) => s.mode, width: '70px' },
    {
      key: 'status',
      label: 'Status',
      // the journal still says "running" for a session that never ended and is not running now
      render: (s) =>
        s.resumable ? (
          <span className="warn-text" title={`the journal says "${s.status}", but it is not running: it never ended (a crash or a kill)`}>
            interrupted
          </span>
        ) : (
          s.status
        ),
      sortValue: (s) => s.status,
      width: '130px'
    },
    { key: 'events', label: 'Events', render: (s) => s.events.toLocaleString('en-US'), sortValue: (s) => s.events, align: 'right', width: '80px' },
    { key: 'startedAt', label: 'Started (UTC)', render: (s) => fmtTime(s.startedAt), sortValue: (s) => s.startedAt, width: '140px' },
    { key: 'parity', label: 'Parity', render: (s) => <ParityBadge row={v.rows.get(s.id)} />, width: '80px' },
    {
      key: 'actions',
      label: '',
      width: '210px',
      render: (s) => {
        const row = v.rows.get(s.id)
        return (
          <span className="journal-actions">
            {s.resumable ? (
              <button className="small primary" disabled={row?.busy !== null && row?.busy !== undefined} onClick={() => void resume(ws, s.id)} data-testid="journal-resume" data-session={s.id} title="Rebuild it from the journal, compare it with the venue, and reconcile before trading resumes">
                {row?.busy === 'resume' ? 'Resuming…' : 'Resume'}
              </button>
            ) : null}
            {replayable(s) ? (
              <button className="small" disabled={row?.busy !== null && row?.busy !== undefined} onClick={() => void replayParity(ws, s.id)} data-testid="journal-replay" data-session={s.id} title="Re-run its engine on its journaled market events and compare the orders">
                {row?.busy === 'replay' ? 'Replaying…' : 'Replay parity'}
              </button>
            ) : null}
            {row && (row.parity || row.error) && v.shown !== s.id ? (
              <button className="small link" onClick={() => view.set({ shown: s.id })}>
                details
              </button>
            ) : null}
          </span>
        )
      }
    }
  ]

  const shownRow = v.shown ? v.rows.get(v.shown) : undefined
  return (
    <div className="journal" data-testid="journal-sessions">
      <div className="toolbar">
        <span className="muted small">Sessions recorded in the data folder’s journal. Resume restarts one that never ended; Replay parity re-runs a paper or live session’s engine.</span>
        <button className="small right" onClick={() => void loadSessions(ws)} disabled={v.loading} data-testid="journal-reload">
          {v.loading ? 'Loading…' : 'Reload'}
        </button>
      </div>
      <ErrorText testId="journal-error">{v.error}</ErrorText>
      {v.shown && shownRow && (shownRow.parity || shownRow.error) ? <ParityDetail id={v.shown} row={shownRow} /> : null}
      {v.sessions === null ? (
        v.error ? null : <Empty>Loading the journal…</Empty>
      ) : (
        <SortableTable
          columns={columns}
          rows={v.sessions}
          rowKey={(s) => s.id}
          testId="journal-table"
          initialSort={{ key: 'startedAt', dir: 'desc' }}
          rowHeight={26}
          empty="The journal holds no sessions yet. Backtests, replays and paper or live sessions are recorded as they run."
        />
      )}
    </div>
  )
}
