import type { BrokerSettings } from '../../../../shared/api'
import { parseParam, type ParamSpec, type ParamValues } from '../../../../shared/engine-params'
import type { EngineSpec } from '../../state/app-state'
import { Store } from '../../state/store'
import { loadJson, saveJson } from '../../util/persist'

/** Raw (as typed) form values; parsed only when a run starts, so half-typed numbers are fine. */
export interface BrokerDraft {
  cash: string
  takerFeePct: string
  makerFeePct: string
  fixedFee: string
  slippageBps: string
  latencyMs: string
  accountType: 'spot' | 'margin'
  leverage: string
}

export interface RunForm {
  datasetId: string
  engine: string
  /** per engine: parameter name → raw value */
  params: Record<string, Record<string, string | boolean>>
  broker: BrokerDraft
  replayDatasetId: string
  /** '' = no engine (watch the data only) */
  replayEngine: string
  replaySpeed: number
}

const DEFAULT_FORM: RunForm = {
  datasetId: '',
  engine: 'sma-cross',
  params: {},
  broker: { cash: '10000', takerFeePct: '0.1', makerFeePct: '0.05', fixedFee: '0', slippageBps: '0', latencyMs: '0', accountType: 'spot', leverage: '1' },
  replayDatasetId: '',
  replayEngine: '',
  replaySpeed: 100
}

const KEY = 'run-form.v1'

const saved = loadJson<Partial<RunForm> | null>(KEY, null, (v) => typeof v === 'object' && v !== null)
/** false on a fresh profile: the form then takes the backtest defaults of the settings */
export const hasSavedDraft = saved !== null

/** The backtest, sweep and replay forms share one draft, remembered across reloads. */
export const runForm = new Store<RunForm>({
  ...DEFAULT_FORM,
  ...saved
})
runForm.subscribe(() => saveJson(KEY, runForm.get()))

/** The engine spec's params, with the loosely-typed contract narrowed to ParamSpec. */
export function paramSpecs(spec: EngineSpec | undefined): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {}
  if (!spec) return out
  for (const [name, raw] of Object.entries(spec.params)) {
    const t = raw.type
    if (t === 'integer' || t === 'number' || t === 'boolean' || t === 'string' || t === 'enum') out[name] = raw as unknown as ParamSpec
  }
  return out
}

export function rawParamValue(form: RunForm, engine: string, name: string, spec: ParamSpec): string | boolean {
  const v = form.params[engine]?.[name]
  if (v !== undefined) return v
  return spec.type === 'boolean' ? spec.default : String(spec.default)
}

/** Parses every parameter; returns the values or the per-field errors. */
export function parseParams(form: RunForm, engine: string, specs: Record<string, ParamSpec>): { values: ParamValues; errors: Record<string, string> } {
  const values: ParamValues = {}
  const errors: Record<string, string> = {}
  for (const [name, spec] of Object.entries(specs)) {
    try {
      values[name] = parseParam(name, spec, rawParamValue(form, engine, name, spec))
    } catch (err) {
      errors[name] = err instanceof Error ? err.message : String(err)
    }
  }
  return { values, errors }
}

function num(label: string, raw: string, errors: Record<string, string>, key: string): number {
  const n = raw.trim() === '' ? NaN : Number(raw)
  if (!Number.isFinite(n)) errors[key] = `${label}: enter a number`
  return n
}

/** Settings' broker values as the form shows them (fees in percent). */
export function brokerDraft(b: BrokerSettings): BrokerDraft {
  const text = (n: number) => String(Number(n.toPrecision(12)))
  return {
    cash: text(b.cash),
    takerFeePct: text(b.takerFee * 100),
    makerFeePct: text(b.makerFee * 100),
    fixedFee: text(b.fixedFee),
    slippageBps: text(b.slippageBps),
    latencyMs: text(b.latencyMs),
    accountType: b.accountType,
    leverage: text(b.leverage)
  }
}

export function parseBroker(d: BrokerDraft): { broker: BrokerSettings | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const cash = num('Cash', d.cash, errors, 'cash')
  const taker = num('Taker fee', d.takerFeePct, errors, 'takerFeePct') / 100
  const maker = num('Maker fee', d.makerFeePct, errors, 'makerFeePct') / 100
  const fixedFee = num('Fixed fee', d.fixedFee, errors, 'fixedFee')
  const slippageBps = num('Slippage', d.slippageBps, errors, 'slippageBps')
  const latencyMs = num('Latency', d.latencyMs, errors, 'latencyMs')
  const leverage = num('Leverage', d.leverage, errors, 'leverage')
  if (!errors.cash && cash <= 0) errors.cash = 'Cash: must be above 0'
  if (!errors.takerFeePct && (taker < 0 || taker > 0.1)) errors.takerFeePct = 'Taker fee: 0 to 10 %'
  if (!errors.makerFeePct && (maker < 0 || maker > 0.1)) errors.makerFeePct = 'Maker fee: 0 to 10 %'
  if (!errors.fixedFee && fixedFee < 0) errors.fixedFee = 'Fixed fee: 0 or more'
  if (!errors.slippageBps && (slippageBps < 0 || slippageBps > 10_000)) errors.slippageBps = 'Slippage: 0 to 10,000 bps'
  if (!errors.latencyMs && (latencyMs < 0 || !Number.isInteger(latencyMs) || latencyMs > 3_600_000)) errors.latencyMs = 'Latency: whole ms, 0 to 3,600,000'
  if (!errors.leverage && (leverage <= 0 || leverage > 100)) errors.leverage = 'Leverage: above 0, at most 100'
  if (Object.keys(errors).length) return { broker: null, errors }
  return {
    broker: { cash, takerFee: taker, makerFee: maker, fixedFee, slippageBps, latencyMs, accountType: d.accountType, leverage },
    errors
  }
}
