import { useState } from 'react'
import { Empty, ErrorText } from '../../components/ui'
import type { EngineStatus } from '../../state/app-state'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtCompact, fmtNum } from '../../util/format'
import { startHint } from '../session/start-hint'

/** The active session's engines: state, counters, params, fault; pause/resume/stop each. */
export function EnginesPanel() {
  const ws = useWorkstation()
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const mode = useSlice(ws.store, (s) => s.mode)
  if (!session) return <Empty testId="engines-empty">No session. {startHint(mode)} with an engine chosen: its engines appear here.</Empty>
  if (session.engines.length === 0)
    return <Empty testId="engines-empty">No engines in session {session.sessionId}: it trades by hand. Start a session with an engine chosen to see it here.</Empty>

  const control = async (e: EngineStatus, action: 'pause' | 'resume' | 'stop') => {
    setError(null)
    setBusy(e.id + action)
    // success shows as the card's new state (from the next engines push); failures inline
    await ws.run('engine.control', { sessionId: session.sessionId, engineId: e.id, action }, { inline: (m) => setError(`${e.id}: ${m}`) })
    setBusy(null)
  }

  return (
    <div className="engines" data-testid="engines-panel">
      <ErrorText testId="engines-error">{error}</ErrorText>
      {session.engines.map((e) => (
        <div key={e.id} className={`engine-card state-${e.state}`} data-testid="engine" data-engine={e.id} data-state={e.state}>
          <div className="engine-head">
            <span className={`state-dot state-${e.state}`} />
            <strong className="engine-name" title={e.name}>
              {e.id}
            </strong>
            <span className={`engine-state state-${e.state}`} data-testid="engine-state">
              {e.state}
            </span>
            <span className="engine-actions">
              {e.state === 'paused' || e.state === 'stopped' ? (
                <button className="small" onClick={() => void control(e, 'resume')} disabled={busy !== null || e.state === 'stopped'} data-testid="engine-resume" title={e.state === 'stopped' ? 'A stopped engine cannot be restarted in this session' : 'Start (resume) the engine'}>
                  ▶ Start
                </button>
              ) : (
                <button className="small" onClick={() => void control(e, 'pause')} disabled={busy !== null || e.state !== 'running'} data-testid="engine-pause">
                  ❚❚ Pause
                </button>
              )}
              <button className="small danger-outline" onClick={() => void control(e, 'stop')} disabled={busy !== null || e.state === 'stopped'} data-testid="engine-stop">
                ■ Stop
              </button>
            </span>
          </div>
          <div className="engine-counters muted small">
            {e.name} · in {fmtCompact(e.eventsIn)} events · out {fmtCompact(e.ordersOut)} orders · last decision {e.lastDecisionMs >= 0 ? `${fmtNum(e.lastDecisionMs, 3)} ms` : "—"}
          </div>
          <div className="engine-params small" title="Parameters">
            {Object.entries(e.params)
              .filter(([, v]) => v !== '')
              .map(([k, v]) => (
                <span key={k} className="param-chip">
                  {k}={String(v)}
                </span>
              ))}
          </div>
          {e.fault ? (
            <div className="error-text" data-testid="engine-fault">
              Fault: {e.fault}
            </div>
          ) : null}
        </div>
      ))}
    </div>
  )
}
