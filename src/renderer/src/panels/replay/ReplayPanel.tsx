import { useState } from 'react'
import { Empty, ErrorText, Field, ProgressBar } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtPct, fmtTime } from '../../util/format'
import { EngineSelect } from '../backtest/BacktestRunner'
import { DatasetSelect } from '../backtest/DatasetSelect'
import { ParamForm } from '../backtest/ParamForm'
import { paramSpecs, parseBroker, parseParams, runForm } from '../backtest/run-form'

export const SPEEDS: { value: number; label: string }[] = [
  { value: 1, label: '1×' },
  { value: 10, label: '10×' },
  { value: 100, label: '100×' },
  { value: 0, label: 'max' }
]

/** Start a replay over bars (with an engine) or an order-book capture; play, pause, step, seek, stop. */
export function ReplayPanel() {
  const ws = useWorkstation()
  const form = useSlice(runForm, (s) => s)
  const datasets = useSlice(ws.store, (s) => s.datasets)
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const activeId = useSlice(ws.store, (s) => s.activeSessionId)
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [seekText, setSeekText] = useState('')

  const dataset = datasets?.find((d) => d.id === form.replayDatasetId)
  const engineSpec = specs?.find((e) => e.name === form.replayEngine)
  const pSpecs = paramSpecs(engineSpec)
  const st = session?.state
  const live = !!st && (st.status === 'running' || st.status === 'paused')

  const start = async () => {
    setError(null)
    const all: Record<string, string> = {}
    if (!dataset) all.dataset = 'Choose a dataset'
    let params
    if (engineSpec) {
      const p = parseParams(form, form.replayEngine, pSpecs)
      Object.assign(all, p.errors)
      params = p.values
    }
    const b = parseBroker(form.broker)
    Object.assign(all, b.errors)
    setErrors(all)
    if (Object.keys(all).length || !b.broker) return
    const r = await ws.run(
      'replay.start',
      { datasetId: form.replayDatasetId, ...(engineSpec ? { engine: form.replayEngine, params } : {}), broker: b.broker, speed: form.replaySpeed },
      { inline: setError }
    )
    if (r) {
      ws.patchSession(r.sessionId, () => ({ datasetId: form.replayDatasetId }))
      ws.setActiveSession(r.sessionId)
      ws.store.set({ centerTab: 'chart' })
    }
  }

  const control = async (action: 'play' | 'pause' | 'step' | 'seek' | 'speed' | 'stop', value?: number) => {
    if (!activeId) return
    setError(null)
    await ws.run('replay.control', value === undefined ? { sessionId: activeId, action } : { sessionId: activeId, action, value }, { inline: setError })
  }

  const setSpeed = (v: number) => {
    runForm.set({ replaySpeed: v })
    if (live) void control('speed', v)
  }

  const seek = () => {
    const t = Date.parse(seekText.includes('T') || seekText.endsWith('Z') ? seekText : `${seekText.replace(' ', 'T')}Z`)
    if (!Number.isFinite(t)) {
      setError(`Seek: "${seekText}" is not a time; use YYYY-MM-DD HH:MM:SS (UTC)`)
      return
    }
    if (st && t <= st.clock) {
      setError(`Seek goes forward only: choose a time after ${fmtTime(st.clock)}`)
      return
    }
    void control('seek', t)
  }

  return (
    <div className="runner" data-testid="replay-panel">
      <Field label="Dataset">
        <DatasetSelect
          value={form.replayDatasetId}
          onChange={(id) => {
            const d = datasets?.find((x) => x.id === id)
            runForm.set({ replayDatasetId: id, ...(d?.source === 'capture' ? { replayEngine: '' } : {}) })
          }}
          filter={() => true}
          testId="replay-dataset"
        />
      </Field>
      <ErrorText>{errors.dataset}</ErrorText>
      <Field label="Engine">
        <EngineSelect value={form.replayEngine} onChange={(name) => runForm.set({ replayEngine: name })} allowNone="none (watch the data)" testId="replay-engine" />
      </Field>
      {engineSpec ? (
        <details className="group">
          <summary>Parameters</summary>
          <ParamForm engine={form.replayEngine} specs={pSpecs} errors={errors} />
        </details>
      ) : null}
      <Field label="Speed">
        <div className="segmented" role="radiogroup" aria-label="Replay speed" data-testid="replay-speed">
          {SPEEDS.map((s) => (
            <button key={s.label} role="radio" aria-checked={form.replaySpeed === s.value} className={form.replaySpeed === s.value ? 'active' : ''} onClick={() => setSpeed(s.value)} data-speed={s.value}>
              {s.label}
            </button>
          ))}
        </div>
      </Field>
      <div className="actions">
        <button className="primary" onClick={() => void start()} data-testid="replay-start">
          Start replay
        </button>
      </div>
      <ErrorText testId="replay-error">{error}</ErrorText>
      {!st ? (
        <Empty>Choose a dataset — bars with an engine, or the Binance order-book capture — and Start. The chart, order book, orders and log follow the session.</Empty>
      ) : (
        <div className="replay-status" data-testid="replay-status" data-status={st.status}>
          <div className="replay-controls">
            <button onClick={() => void control('play')} disabled={st.status === 'running' || !live} data-testid="replay-play" title="Play">
              ▶ Play
            </button>
            <button onClick={() => void control('pause')} disabled={st.status !== 'running'} data-testid="replay-pause" title="Pause">
              ❚❚ Pause
            </button>
            <button onClick={() => void control('step')} disabled={!live} data-testid="replay-step" title="Advance one event (paused)">
              Step
            </button>
            <button className="danger-outline" onClick={() => void control('stop')} disabled={!live} data-testid="replay-stop" title="Stop the session">
              ■ Stop
            </button>
          </div>
          <ProgressBar fraction={st.progress} label={`${st.status} · ${fmtPct(st.progress, 1)}`} testId="replay-progress" tone={st.status === 'finished' ? 'ok' : 'accent'} />
          <div className="muted small">
            session {st.sessionId} · data time {fmtTime(st.clock, true)} UTC · speed {st.speed === 0 ? 'max' : `${st.speed}×`} · trading {st.tradingState}
          </div>
          <form
            className="seek"
            onSubmit={(e) => {
              e.preventDefault()
              seek()
            }}
          >
            <input value={seekText} onChange={(e) => setSeekText(e.target.value)} placeholder={st ? fmtTime(st.clock) : 'YYYY-MM-DD HH:MM:SS'} aria-label="Seek to data time (UTC)" disabled={!live} data-testid="replay-seek-input" />
            <button type="submit" disabled={!live || !seekText}>
              Seek
            </button>
          </form>
        </div>
      )}
    </div>
  )
}
