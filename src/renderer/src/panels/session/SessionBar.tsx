import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import type { SessionView } from '../../state/app-state'
import { fmtTime } from '../../util/format'

export function sessionLabel(s: SessionView): string {
  const st = s.state
  return `${s.sessionId}${s.datasetId ? ` · ${s.datasetId}` : ''}${st ? ` · ${st.status}` : ''}`
}

/** Which session the live panels (chart, book, orders, engines) follow. */
export function SessionPicker() {
  const ws = useWorkstation()
  const sessions = useSlice(ws.store, (s) => s.sessions)
  const active = useSlice(ws.store, (s) => s.activeSessionId)
  const current = active ? sessions.get(active) : undefined
  if (sessions.size === 0) return <span className="muted session-none">no session</span>
  return (
    <div className="session-picker">
      <select value={active ?? ''} onChange={(e) => ws.setActiveSession(e.target.value || null)} aria-label="Session shown in the live panels" data-testid="session-picker">
        {[...sessions.values()].map((s) => (
          <option key={s.sessionId} value={s.sessionId}>
            {sessionLabel(s)}
          </option>
        ))}
      </select>
      {current?.state ? (
        <span className="session-clock" title="Data time of the session (UTC)" data-testid="session-clock">
          {fmtTime(current.state.clock)}
          <span className={`trading-state ts-${current.state.tradingState}`} data-testid="trading-state">
            {current.state.tradingState}
          </span>
        </span>
      ) : null}
    </div>
  )
}

export function ConnectionBanner() {
  const ws = useWorkstation()
  const c = useSlice(ws.store, (s) => s.connection)
  if (c.status === 'connected') return null
  if (c.status === 'connecting')
    return (
      <div className="banner banner-info" data-testid="connection-banner">
        Connecting to the workstation…
      </div>
    )
  return (
    <div className="banner banner-bad" role="alert" data-testid="connection-banner">
      <strong>{c.status === 'no-token' ? 'No access token.' : 'Not connected.'}</strong> {c.detail}
    </div>
  )
}

export function Toasts() {
  const ws = useWorkstation()
  const toasts = useSlice(ws.store, (s) => s.toasts)
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} onClick={() => ws.dismissToast(t.id)} title="Click to dismiss">
          {t.text}
        </div>
      ))}
    </div>
  )
}
