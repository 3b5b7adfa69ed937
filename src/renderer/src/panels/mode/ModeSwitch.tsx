import { useState } from 'react'
import type { Mode } from '../../../../shared/api'
import { Modal } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'

export const MODES: { mode: Mode; label: string; hint: string }[] = [
  { mode: 'backtest', label: 'Backtest', hint: 'Run engines over stored data as fast as possible' },
  { mode: 'replay', label: 'Replay', hint: 'Play stored data at a chosen speed and watch the panels update' },
  { mode: 'paper', label: 'Paper', hint: 'Live market data with simulated fills' },
  { mode: 'live', label: 'Live', hint: 'Real orders on a real venue — requires typed confirmation' }
]

/** The host's current mode, as a coloured badge. */
export function ModeBadge() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  return (
    <span className={`mode-badge mode-${mode ?? 'unknown'}`} data-testid="mode-badge" title="Current mode of the workstation">
      {mode ? mode.toUpperCase() : '…'}
    </span>
  )
}

/** Segmented switch; live asks for the word LIVE typed before anything is sent. */
export function ModeSwitch() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  const notice = useSlice(ws.store, (s) => s.modeNotice)
  const [confirming, setConfirming] = useState(false)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)

  const choose = async (m: Mode) => {
    if (m === 'live') {
      setTyped('')
      setConfirming(true)
      return
    }
    setBusy(true)
    await ws.setMode(m)
    setBusy(false)
  }

  const confirmLive = async () => {
    if (typed !== 'LIVE') return
    setConfirming(false)
    setBusy(true)
    await ws.setMode('live', typed)
    setBusy(false)
  }

  return (
    <div className="mode-switch" role="radiogroup" aria-label="Mode" data-testid="mode-switch">
      {MODES.map(({ mode: m, label, hint }) => {
        const selected = notice ? notice.mode === m : mode === m
        return (
          <button
            key={m}
            role="radio"
            aria-checked={selected}
            className={`mode-btn mode-${m} ${mode === m ? 'current' : ''} ${notice?.mode === m ? 'refused' : ''}`}
            data-mode={m}
            title={hint}
            disabled={busy}
            onClick={() => void choose(m)}
          >
            {label}
          </button>
        )
      })}
      {confirming ? (
        <Modal title="Switch to LIVE trading" onClose={() => setConfirming(false)} testId="live-confirm">
          <p className="warn-text">Live mode sends real orders to a real venue with real money. Type LIVE to confirm.</p>
          <form
            onSubmit={(e) => {
              e.preventDefault()
              void confirmLive()
            }}
          >
            <input className="confirm-input" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="LIVE" aria-label="Type LIVE to confirm" data-testid="live-confirm-input" autoComplete="off" spellCheck={false} />
            <div className="modal-actions">
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="submit" className="danger" disabled={typed !== 'LIVE'} data-testid="live-confirm-submit">
                Switch to live
              </button>
            </div>
          </form>
        </Modal>
      ) : null}
    </div>
  )
}

/** Shown in place of a mode's controls when the host refused the switch (paper and live for now). */
export function ModeUnavailable() {
  const ws = useWorkstation()
  const notice = useSlice(ws.store, (s) => s.modeNotice)
  const mode = useSlice(ws.store, (s) => s.mode)
  if (!notice) return null
  const label = MODES.find((m) => m.mode === notice.mode)?.label ?? notice.mode
  return (
    <div className="mode-unavailable" data-testid="mode-unavailable" role="alert">
      <h3>{label} mode is not available</h3>
      <p data-testid="mode-unavailable-message">{notice.message}</p>
      <p className="muted">
        The workstation stays in <strong>{mode ?? 'its current'}</strong> mode. Use Backtest or Replay to run engines on stored data.
      </p>
      <button onClick={() => ws.store.set({ modeNotice: null })}>Back to {mode ?? 'backtest'}</button>
    </div>
  )
}
