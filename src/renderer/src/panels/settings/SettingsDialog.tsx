import { useCallback, useState } from 'react'
import type { Settings, SettingsPatch, VenueProfile } from '../../../../shared/api'
import { ErrorText, Field } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { brokerDraft, parseBroker, runForm, type BrokerDraft } from '../backtest/run-form'
import { Dialog } from '../about/Dialog'
import './settings.css'

type RiskKey = keyof Settings['backtest']['risk']
const RISK_FIELDS: [RiskKey, string, boolean][] = [
  ['maxOrderAmount', 'Max order amount (base)', false],
  ['maxOrderNotional', 'Max order notional (quote)', false],
  ['maxPosition', 'Max position (base)', false],
  ['maxOpenOrders', 'Max open orders', true],
  ['maxOrdersPerSecond', 'Max orders per second', true]
]

type VenueDraft = Omit<VenueProfile, 'apiKeyEnv' | 'secretEnv'> & { apiKeyEnv: string; secretEnv: string }

/**
 * settings.json, edited: theme, the backtest form's defaults and risk limits, venue profiles
 * (credentials stay in environment variables; only their names are stored), recent files and
 * the layout. Each section is saved whole; the host validates and writes the file.
 */
export function SettingsDialog() {
  const ws = useWorkstation()
  const settings = useSlice(ws.store, (s) => s.settings)
  const file = useSlice(ws.store, (s) => s.settingsFile)
  const close = useCallback(() => ws.store.set({ dialog: null }), [ws])
  const [theme, setTheme] = useState<Settings['theme']>(settings?.theme ?? 'dark')
  const [broker, setBroker] = useState<BrokerDraft>(() => brokerDraft(settings?.backtest.broker ?? { cash: 10_000, takerFee: 0.001, makerFee: 0.0005, fixedFee: 0, slippageBps: 0, latencyMs: 0, accountType: 'spot', leverage: 1 }))
  const [risk, setRisk] = useState<Record<RiskKey, string>>(() => {
    const r = settings?.backtest.risk ?? {}
    return Object.fromEntries(RISK_FIELDS.map(([k]) => [k, r[k] === undefined ? '' : String(r[k])])) as Record<RiskKey, string>
  })
  const [venues, setVenues] = useState<VenueDraft[]>(() => (settings?.venueProfiles ?? []).map((v) => ({ ...v, apiKeyEnv: v.apiKeyEnv ?? '', secretEnv: v.secretEnv ?? '' })))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saveError, setSaveError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  if (!settings) {
    return (
      <Dialog title="Settings" onClose={close} testId="settings-dialog" actions={<button onClick={close}>Close</button>}>
        <div className="muted">The settings have not been loaded from the host yet.</div>
      </Dialog>
    )
  }

  const save = async () => {
    setSaveError(null)
    const b = parseBroker(broker)
    const all: Record<string, string> = { ...b.errors }
    const limits: Settings['backtest']['risk'] = {}
    for (const [key, label, integer] of RISK_FIELDS) {
      const raw = risk[key].trim()
      if (raw === '') continue
      const n = Number(raw)
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) all[key] = `${label}: ${integer ? 'a whole number' : 'a number'} above 0, or empty for no limit`
      else limits[key] = n
    }
    setErrors(all)
    if (Object.keys(all).length || !b.broker) return
    const patch: SettingsPatch = {
      theme,
      backtest: { ...settings.backtest, broker: b.broker, risk: limits },
      venueProfiles: venues.map((v) => ({ ...v, apiKeyEnv: v.apiKeyEnv.trim() || null, secretEnv: v.secretEnv.trim() || null }))
    }
    setSaving(true)
    const r = await ws.run('settings.set', { settings: patch }, { inline: setSaveError })
    setSaving(false)
    if (!r) return
    ws.store.set({ settings: r.settings })
    document.documentElement.dataset.theme = r.settings.theme
    // the form follows the new defaults at once
    runForm.set({ broker: brokerDraft(r.settings.backtest.broker) })
    ws.toast('success', 'Settings saved')
    close()
  }

  const setVenue = (i: number, patch: Partial<VenueDraft>) => setVenues((list) => list.map((v, k) => (k === i ? { ...v, ...patch } : v)))
  const brokerField = (key: keyof BrokerDraft, label: string) => (
    <>
      <Field label={label}>
        <input value={broker[key]} onChange={(e) => setBroker({ ...broker, [key]: e.target.value })} data-settings={key} />
      </Field>
      <ErrorText>{errors[key]}</ErrorText>
    </>
  )

  return (
    <Dialog
      title="Settings"
      onClose={close}
      testId="settings-dialog"
      actions={
        <>
          <button onClick={close}>Cancel</button>
          <button className="primary" onClick={() => void save()} disabled={saving} data-testid="settings-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="muted small">Kept in {file ?? 'settings.json'}.</div>
      <h4>Appearance</h4>
      <Field label="Theme">
        <select value={theme} onChange={(e) => setTheme(e.target.value as Settings['theme'])} data-testid="settings-theme">
          <option value="dark">Dark</option>
          <option value="high-contrast">High contrast</option>
        </select>
      </Field>

      <h4>Backtest defaults</h4>
      <div className="settings-grid">
        <div>
          {brokerField('cash', 'Initial cash')}
          {brokerField('takerFeePct', 'Taker fee %')}
          {brokerField('makerFeePct', 'Maker fee %')}
          {brokerField('fixedFee', 'Fixed fee per fill')}
        </div>
        <div>
          {brokerField('slippageBps', 'Slippage (bps)')}
          {brokerField('latencyMs', 'Latency (ms)')}
          <Field label="Account">
            <select value={broker.accountType} onChange={(e) => setBroker({ ...broker, accountType: e.target.value as BrokerDraft['accountType'] })}>
              <option value="spot">spot (long only)</option>
              <option value="margin">margin</option>
            </select>
          </Field>
          {brokerField('leverage', 'Leverage')}
        </div>
      </div>

      <h4>Risk limits (backtests; empty = no limit)</h4>
      <div className="settings-grid">
        {RISK_FIELDS.map(([key, label]) => (
          <div key={key}>
            <Field label={label}>
              <input value={risk[key]} onChange={(e) => setRisk({ ...risk, [key]: e.target.value })} data-settings={key} />
            </Field>
            <ErrorText>{errors[key]}</ErrorText>
          </div>
        ))}
      </div>

      <h4>Venue profiles</h4>
      <div className="muted small">API keys and secrets are never stored here: put them in environment variables and name those variables.</div>
      {venues.length ? (
        <div className="venue-row venue-head">
          <span>Id</span>
          <span>Name</span>
          <span>Exchange</span>
          <span>Sandbox</span>
          <span>Key variable</span>
          <span>Secret variable</span>
          <span />
        </div>
      ) : null}
      {venues.map((v, i) => (
        <div className="venue-row" key={i} data-testid="venue-row">
          <input value={v.id} onChange={(e) => setVenue(i, { id: e.target.value })} aria-label="Profile id" />
          <input value={v.name} onChange={(e) => setVenue(i, { name: e.target.value })} aria-label="Profile name" />
          <input value={v.exchange} onChange={(e) => setVenue(i, { exchange: e.target.value })} aria-label="ccxt exchange id" />
          <input type="checkbox" checked={v.sandbox} onChange={(e) => setVenue(i, { sandbox: e.target.checked })} aria-label="Sandbox" />
          <input value={v.apiKeyEnv} onChange={(e) => setVenue(i, { apiKeyEnv: e.target.value })} placeholder="BINANCE_API_KEY" aria-label="API key environment variable" />
          <input value={v.secretEnv} onChange={(e) => setVenue(i, { secretEnv: e.target.value })} placeholder="BINANCE_SECRET" aria-label="Secret environment variable" />
          <button onClick={() => setVenues((list) => list.filter((_, k) => k !== i))} title="Remove this profile">
            ✕
          </button>
        </div>
      ))}
      <button
        onClick={() =>
          setVenues((list) => [...list, { id: `venue-${list.length + 1}`, name: 'New venue', exchange: 'binance', sandbox: true, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: 'BINANCE_SECRET' }])
        }
      >
        Add profile
      </button>

      <h4>Recent files</h4>
      {settings.recentFiles.length ? (
        <>
          <ol className="recent-files">
            {settings.recentFiles.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ol>
          <button onClick={() => void ws.saveSettings({ recentFiles: [] })}>Clear the list</button>
        </>
      ) : (
        <div className="muted">None yet. Files you import appear here.</div>
      )}

      <h4>Layout</h4>
      <button onClick={() => void resetLayout()} data-testid="settings-reset-layout">
        Reset panel sizes and tabs
      </button>
      <ErrorText testId="settings-error">{saveError}</ErrorText>
    </Dialog>
  )

  async function resetLayout(): Promise<void> {
    if (await ws.saveSettings({ layout: { splits: {}, centerTab: 'chart', bottomTab: 'orders' } })) {
      ws.store.set((s) => ({ centerTab: 'chart', bottomTab: 'orders', layoutEpoch: s.layoutEpoch + 1 }))
    }
  }
}
