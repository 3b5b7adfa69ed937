import { useState } from 'react'
import type { CommandParams } from '../../../../shared/api'
import { Empty, ErrorText, Field } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'
import { EngineSelect } from '../backtest/BacktestRunner'
import { ParamForm } from '../backtest/ParamForm'
import { paramSpecs, parseParams, runForm } from '../backtest/run-form'
import { CredentialsBox } from './CredentialsBox'
import { liveForm, parseLiveRisk, parseSymbol, PRE_TRADE_FIELDS, type LiveDraft } from './live-form'
import './live.css'

type TextKey = Exclude<keyof LiveDraft, 'flattenOnKill'>

/**
 * Arming live trading: a venue profile and where its keys come from, the symbol and engine, the
 * risk limits live requires (loss, drawdown, dead-man, flatten on kill) and the optional pre-trade
 * limits, and "LIVE" typed once more before anything is sent.
 */
export function LivePanel() {
  const ws = useWorkstation()
  const draft = useSlice(liveForm, (s) => s)
  const form = useSlice(runForm, (s) => s)
  const settings = useSlice(ws.store, (s) => s.settings)
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const [typed, setTyped] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)
  const [preTradeOpen, setPreTradeOpen] = useState(false)

  const profiles = settings?.venueProfiles ?? []
  const profile = profiles.find((p) => p.id === draft.profileId) ?? profiles[0]
  const engineSpec = specs?.find((e) => e.name === draft.engine)
  const pSpecs = paramSpecs(engineSpec)
  const st = session?.state?.mode === 'live' ? session.state : undefined
  const running = st?.status === 'running' || st?.status === 'paused'
  const set = (patch: Partial<LiveDraft>) => liveForm.set(patch)
  const openSettings = () => ws.store.set({ dialog: 'settings' })

  if (!settings) return <Empty>Loading the venue profiles from the settings…</Empty>
  if (!profile)
    return (
      <div className="runner live" data-testid="live-panel">
        <Empty testId="live-no-profile">
          Live trading needs a venue profile: the exchange, testnet or real, and where its API keys come from.{' '}
          <button className="link" onClick={openSettings} data-testid="live-open-settings">
            Add one in Settings
          </button>
        </Empty>
      </div>
    )

  const start = async () => {
    setError(null)
    const all: Record<string, string> = {}
    const sym = parseSymbol(draft.symbol)
    if (sym.error) all.symbol = sym.error
    let params
    if (engineSpec) {
      const p = parseParams(form, draft.engine, pSpecs)
      Object.assign(all, p.errors)
      params = p.values
    }
    const r = parseLiveRisk(draft)
    Object.assign(all, r.errors)
    setErrors(all)
    if (Object.keys(all).length || !r.risk) {
      setError(`Not started: ${Object.keys(all).length} field${Object.keys(all).length === 1 ? '' : 's'} to fix.`)
      return
    }
    if (typed !== 'LIVE') return
    const request: CommandParams<'live.start'> = {
      profileId: profile.id,
      symbol: sym.symbol,
      ...(engineSpec ? { engine: draft.engine, params } : {}),
      risk: r.risk,
      confirmation: 'LIVE'
    }
    setStarting(true)
    const started = await ws.run('live.start', request, { inline: setError })
    setStarting(false)
    if (!started) return
    setTyped('')
    // as the host names it (session.list): the exchange, not the profile
    ws.patchSession(started.sessionId, () => ({ datasetId: `live:${profile.exchange}:${sym.symbol}` }))
    ws.setActiveSession(started.sessionId)
    ws.store.set({ centerTab: 'chart' })
  }

  const stop = async () => {
    if (!st) return
    setError(null)
    await ws.run('replay.control', { sessionId: st.sessionId, action: 'stop' }, { inline: setError })
  }

  // label left (long labels stay readable), number right, the field's error under both
  const riskInput = (key: TextKey, label: string, hint: string, unit?: string) => (
    <label className="live-num" title={hint}>
      <span className="field-label">{label}</span>
      <input
        value={draft[key]}
        onChange={(e) => set({ [key]: e.target.value } as Partial<LiveDraft>)}
        className={errors[key] ? 'invalid' : undefined}
        inputMode="decimal"
        aria-label={label}
        data-live={key}
        placeholder={unit}
      />
      {errors[key] ? (
        <span className="field-error" role="alert" data-testid={`live-error-${key}`}>
          {errors[key]}
        </span>
      ) : null}
    </label>
  )

  return (
    <div className="runner live" data-testid="live-panel">
      <div className="live-warning">Real orders, real money. Every field below is checked before anything is sent.</div>
      {st ? (
        <div className={`live-status status-${st.status}`} data-testid="live-status" data-status={st.status}>
          <strong>{st.sessionId}</strong> · {st.status} · trading <span className={`trading-state ts-${st.tradingState}`}>{st.tradingState}</span>
          <div className="muted small">session clock {fmtTime(st.clock, true)} UTC</div>
        </div>
      ) : null}
      <Field label="Venue profile">
        <select value={profile.id} onChange={(e) => set({ profileId: e.target.value })} aria-label="Venue profile" data-testid="live-profile">
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.id})
            </option>
          ))}
        </select>
      </Field>
      <div className="live-profile small">
        <span>{profile.exchange}</span>
        <span className={profile.sandbox ? 'net-sandbox' : 'net-real'} data-testid="live-network">
          {profile.sandbox ? 'testnet (sandbox)' : 'REAL network'}
        </span>
        <button className="link right" onClick={openSettings} title="Venue profiles are edited in Settings">
          Manage profiles
        </button>
      </div>
      <CredentialsBox key={profile.id} profile={profile} />

      <Field label="Symbol">
        <input value={draft.symbol} onChange={(e) => set({ symbol: e.target.value })} className={errors.symbol ? 'invalid' : undefined} aria-label="Symbol" data-testid="live-symbol" spellCheck={false} />
      </Field>
      <ErrorText>{errors.symbol}</ErrorText>
      <Field label="Engine">
        <EngineSelect value={draft.engine} onChange={(engine) => set({ engine })} allowNone="none (trade by hand)" testId="live-engine" />
      </Field>
      {engineSpec ? (
        <details className="group">
          <summary>Parameters</summary>
          <ParamForm engine={draft.engine} specs={pSpecs} errors={errors} />
        </details>
      ) : null}

      <fieldset className="live-risk" data-testid="live-risk">
        <legend>Kill-switch limits (required)</legend>
        {riskInput('maxLoss', 'Max loss (quote)', 'Loss in the quote currency at which trading halts and every order is cancelled', 'e.g. 500')}
        {riskInput('maxDrawdownPct', 'Max drawdown (% of peak)', 'Drop from the peak equity, in percent, at which trading halts', 'e.g. 5')}
        {riskInput('deadManSec', 'Dead-man (seconds offline)', 'How long the venue connection may be lost before trading halts and orders are cancelled', 'seconds')}
        <label className="live-check" title="Cancelling orders always happens; this also closes the positions">
          <input type="checkbox" checked={draft.flattenOnKill} onChange={(e) => set({ flattenOnKill: e.target.checked })} data-testid="live-flatten" />
          Flatten positions too when a limit or the dead-man fires
        </label>
      </fieldset>
      <details className="group" open={preTradeOpen || PRE_TRADE_FIELDS.some(([k]) => errors[k] !== undefined)} onToggle={(e) => setPreTradeOpen(e.currentTarget.open)}>
        <summary>Pre-trade limits (optional; empty = no limit)</summary>
        <div className="live-pretrade">{PRE_TRADE_FIELDS.map(([key, label]) => riskInput(key, label, `${label}; orders over it are denied before they are sent`))}</div>
      </details>

      <Field label="Confirm">
        <input className="live-confirm-input" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="type LIVE" aria-label="Type LIVE to start live trading" data-testid="live-start-confirm" autoComplete="off" spellCheck={false} />
      </Field>
      <div className="actions">
        <button className="danger" onClick={() => void start()} disabled={starting || running || typed !== 'LIVE'} data-testid="live-start" title={typed === 'LIVE' ? 'Start live trading' : 'Type LIVE to enable'}>
          {starting ? 'Connecting…' : 'Start live'}
        </button>
        <button className="danger-outline" onClick={() => void stop()} disabled={!running} data-testid="live-stop">
          ■ Stop
        </button>
      </div>
      <ErrorText testId="live-error">{error}</ErrorText>
    </div>
  )
}
