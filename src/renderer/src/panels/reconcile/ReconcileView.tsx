import { useEffect, useRef, useState } from 'react'
import type { ReconcileItem, Reconciliation } from '../../../../shared/api'
import { Empty, ErrorText } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import './reconcile.css'

type Action = ReconcileItem['proposed']

const KIND_LABELS: Record<ReconcileItem['kind'], string> = {
  'unknown-order-at-venue': 'Order at the venue, not in the journal',
  'order-missing-at-venue': 'Journaled order missing at the venue',
  'fill-not-journaled': 'Fill not in the journal',
  'balance-mismatch': 'Balance differs',
  'position-mismatch': 'Position differs'
}

const ACTION_LABELS: Record<Action, string> = {
  adopt: 'Adopt venue state',
  cancel: 'Cancel at venue',
  flatten: 'Flatten position',
  ignore: 'Ignore'
}

const ACTION_HINTS: Record<Action, string> = {
  adopt: 'take what the venue reports into the local state (and the journal)',
  cancel: 'cancel the order at the venue',
  flatten: 'close the position at the venue with a market order',
  ignore: 'leave it as it is; the local state keeps what the journal says'
}

const UNCHECKED_LABELS: Record<Reconciliation['unchecked'][number], string> = {
  'open-orders': 'open orders',
  trades: 'trades since the last journaled fill',
  balances: 'balances',
  positions: 'positions'
}

/** Pending (or applying) reconciliations: the banner under the top bar says trading waits on them. */
export function ReconcileBanner() {
  const ws = useWorkstation()
  const all = useSlice(ws.store, (s) => s.reconciliations)
  const open = [...all.values()].filter((r) => r.status !== 'resolved')
  if (open.length === 0) return null
  return (
    <div className="banner banner-bad reconcile-banner" role="alert" data-testid="reconcile-banner">
      {open.map((r) => {
        const left = r.items.filter((i) => i.chosen === null).length
        return (
          <div key={r.sessionId}>
            <strong>Session {r.sessionId}: engines halted until every difference is resolved.</strong> {left} of {r.items.length} difference{r.items.length === 1 ? '' : 's'} open
            {r.status === 'applying' ? ' · applying choices…' : ''}.{' '}
            <button className="small" onClick={() => ws.store.set({ reconcileSessionId: r.sessionId, centerTab: 'reconcile' })} data-testid="reconcile-review">
              Review
            </button>
          </div>
        )
      })}
    </div>
  )
}

/**
 * The reconciliation screen: every difference the host found between the journal and the venue,
 * the action it proposes and the user's choice per row; Apply sends the choices for the open rows.
 */
export function ReconcileView() {
  const ws = useWorkstation()
  const all = useSlice(ws.store, (s) => s.reconciliations)
  const shownId = useSlice(ws.store, (s) => s.reconcileSessionId)
  const rec = (shownId ? all.get(shownId) : undefined) ?? [...all.values()][0]
  const [choices, setChoices] = useState<Record<number, Action>>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const box = useRef<HTMLDivElement>(null)
  const sessionId = rec?.sessionId
  const status = rec?.status

  // another session's report starts from the proposals again
  useEffect(() => {
    setChoices({})
    setError(null)
  }, [sessionId])

  // resolved: back to the top, where the screen says so
  useEffect(() => {
    if (status === 'resolved') box.current?.scrollTo({ top: 0 })
  }, [status])

  if (!rec) return <Empty testId="reconcile-empty">No reconciliation. Resuming a session that did not end (Journal tab, Resume) compares it with the venue and lists the differences here.</Empty>

  const open = rec.items.filter((i) => i.chosen === null)
  const choiceOf = (item: ReconcileItem): Action => choices[item.index] ?? item.proposed
  const others = [...all.values()].filter((r) => r.sessionId !== rec.sessionId)

  const apply = async () => {
    setError(null)
    setBusy(true)
    const r = await ws.run('reconcile.resolve', { sessionId: rec.sessionId, choices: open.map((i) => ({ index: i.index, action: choiceOf(i) })) }, { inline: setError })
    setBusy(false)
    if (r) ws.noteReconciliation(r)
  }

  const refresh = async () => {
    setError(null)
    const r = await ws.run('reconcile.get', { sessionId: rec.sessionId }, { inline: setError })
    if (r) ws.noteReconciliation(r)
  }

  return (
    <div ref={box} className="reconcile" data-testid="reconcile-view" data-session={rec.sessionId} data-status={rec.status}>
      <div className="reconcile-head">
        <h4>
          Reconciliation · session {rec.sessionId}
          <span className={`rec-status rec-${rec.status}`} data-testid="reconcile-status">
            {rec.status}
          </span>
        </h4>
        {others.length ? (
          <select value={rec.sessionId} onChange={(e) => ws.store.set({ reconcileSessionId: e.target.value })} aria-label="Session to reconcile">
            {[rec, ...others].map((r) => (
              <option key={r.sessionId} value={r.sessionId}>
                {r.sessionId} ({r.status})
              </option>
            ))}
          </select>
        ) : null}
        <button className="small right" onClick={() => void refresh()} title="Ask the host for this reconciliation again">
          Refresh
        </button>
      </div>
      {rec.status === 'resolved' ? (
        <div className="rec-note rec-note-ok" data-testid="reconcile-resolved">
          Every difference has a choice: trading resumed for this session.
        </div>
      ) : (
        <div className="rec-note rec-note-bad">
          Engines are halted until every difference is resolved. Review each row, choose what to do, then Apply; choices that act at the venue (cancel, flatten) are sent
          there.
        </div>
      )}
      {rec.unchecked.length ? (
        <div className="rec-note rec-note-warn" data-testid="reconcile-unchecked">
          Could not be read from the venue, so nothing was concluded about them (not even “flat” or “no orders”): {rec.unchecked.map((u) => UNCHECKED_LABELS[u]).join(', ')}. Check
          them at the venue yourself.
        </div>
      ) : null}
      {rec.items.length === 0 ? (
        <Empty>The journal and the venue agree: no differences.</Empty>
      ) : (
        <div className="rec-table" role="table" data-testid="reconcile-table" data-rows={rec.items.length}>
          <div className="rec-row rec-headrow" role="row">
            <span role="columnheader">#</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader">Subject</span>
            <span role="columnheader">Difference</span>
            <span role="columnheader">Proposed</span>
            <span role="columnheader">Action</span>
          </div>
          {rec.items.map((item) => (
            <div key={item.index} className={`rec-row ${item.chosen ? 'rec-done' : ''}`} role="row" data-index={item.index} data-kind={item.kind} data-testid="reconcile-item">
              <span role="cell" className="muted">
                {item.index}
              </span>
              <span role="cell" className="rec-kind" title={item.kind}>
                {KIND_LABELS[item.kind]}
              </span>
              <span role="cell" className="rec-subject">
                {item.subject}
              </span>
              <span role="cell" className="rec-summary">
                <span data-col="summary">{item.summary}</span>
                <span className="muted small" data-col="detail">
                  {item.detail}
                </span>
              </span>
              <span role="cell" data-col="proposed">
                {item.proposed}
              </span>
              <span role="cell">
                {item.chosen ? (
                  <span className="rec-chosen" data-testid="reconcile-chosen">
                    ✓ {item.chosen}
                  </span>
                ) : (
                  <select
                    value={choiceOf(item)}
                    onChange={(e) => setChoices((c) => ({ ...c, [item.index]: e.target.value as Action }))}
                    disabled={busy || rec.status === 'applying'}
                    aria-label={`Action for difference ${item.index}`}
                    data-testid="reconcile-choice"
                  >
                    {(item.options.length ? item.options : [item.proposed]).map((o) => (
                      <option key={o} value={o} title={ACTION_HINTS[o]}>
                        {ACTION_LABELS[o]}
                      </option>
                    ))}
                  </select>
                )}
              </span>
            </div>
          ))}
        </div>
      )}
      {rec.errors.length ? (
        <div className="rec-errors" data-testid="reconcile-errors">
          {rec.errors.map((e, i) => (
            <ErrorText key={i}>{e}</ErrorText>
          ))}
        </div>
      ) : null}
      <ErrorText testId="reconcile-error">{error}</ErrorText>
      {open.length ? (
        <div className="actions">
          <span className="muted small">
            {open.length} difference{open.length === 1 ? '' : 's'} open · choices that differ from the proposal: {open.filter((i) => choiceOf(i) !== i.proposed).length}
          </span>
          <button className="primary" onClick={() => void apply()} disabled={busy || rec.status === 'applying'} data-testid="reconcile-apply">
            {busy || rec.status === 'applying' ? 'Applying…' : `Apply ${open.length} choice${open.length === 1 ? '' : 's'}`}
          </button>
        </div>
      ) : null}
    </div>
  )
}
