import { useSlice } from '../../state/store'
import { runForm, type BrokerDraft } from './run-form'

const FIELDS: { key: Exclude<keyof BrokerDraft, 'accountType'>; label: string; title: string }[] = [
  { key: 'cash', label: 'Cash', title: 'Starting cash in the quote currency' },
  { key: 'takerFeePct', label: 'Taker fee %', title: 'Fee on taker fills, percent of notional (0.1 = 0.1%)' },
  { key: 'makerFeePct', label: 'Maker fee %', title: 'Fee on maker fills, percent of notional' },
  { key: 'fixedFee', label: 'Fixed fee', title: 'Fixed fee per fill, quote currency' },
  { key: 'slippageBps', label: 'Slippage bps', title: 'Adverse slippage on market fills, basis points' },
  { key: 'latencyMs', label: 'Latency ms', title: 'Delay between an order and its arrival at the simulated venue' },
  { key: 'leverage', label: 'Leverage', title: 'Margin accounts only' }
]

/** Fees, cash, slippage and latency for the simulated broker. */
export function BrokerForm({ errors }: { errors: Record<string, string> }) {
  const draft = useSlice(runForm, (s) => s.broker)
  const set = (patch: Partial<BrokerDraft>) => runForm.set((f) => ({ broker: { ...f.broker, ...patch } }))
  return (
    <div className="broker-form grid2">
      {FIELDS.map((f) => (
        <label key={f.key} className="field" title={f.title}>
          <span className="field-label">{f.label}</span>
          <span className="field-input">
            <input type="number" step="any" value={draft[f.key]} onChange={(e) => set({ [f.key]: e.target.value })} className={errors[f.key] ? 'invalid' : undefined} data-broker={f.key} />
          </span>
          {errors[f.key] ? <span className="field-error">{errors[f.key]}</span> : null}
        </label>
      ))}
      <label className="field" title="Spot: no shorting or borrowing; margin: leverage applies">
        <span className="field-label">Account</span>
        <span className="field-input">
          <select value={draft.accountType} onChange={(e) => set({ accountType: e.target.value === 'margin' ? 'margin' : 'spot' })}>
            <option value="spot">spot</option>
            <option value="margin">margin</option>
          </select>
        </span>
      </label>
    </div>
  )
}
