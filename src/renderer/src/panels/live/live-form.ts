import type { LiveRisk } from '../../../../shared/api'
import { Store } from '../../state/store'
import { loadJson, saveJson } from '../../util/persist'

/** The live arming form as typed. Nothing secret lives here: API keys never enter this draft. */
export interface LiveDraft {
  profileId: string
  symbol: string
  /** '' = no engine (trade by hand) */
  engine: string
  maxLoss: string
  /** percent of peak equity, as the user types it */
  maxDrawdownPct: string
  deadManSec: string
  flattenOnKill: boolean
  maxOrderAmount: string
  maxOrderNotional: string
  maxPosition: string
  maxOpenOrders: string
  maxOrdersPerSecond: string
}

// the kill-switch limits start empty: live trading starts only on limits the user chose
const DEFAULT_DRAFT: LiveDraft = {
  profileId: '',
  symbol: 'BTC/USDT',
  engine: '',
  maxLoss: '',
  maxDrawdownPct: '',
  deadManSec: '30',
  flattenOnKill: false,
  maxOrderAmount: '',
  maxOrderNotional: '',
  maxPosition: '',
  maxOpenOrders: '',
  maxOrdersPerSecond: ''
}

const KEY = 'live-form.v1'

/** Remembered across reloads, like the backtest form. */
export const liveForm = new Store<LiveDraft>({
  ...DEFAULT_DRAFT,
  ...loadJson<Partial<LiveDraft>>(KEY, {}, (v) => typeof v === 'object' && v !== null && !Array.isArray(v))
})
liveForm.subscribe(() => saveJson(KEY, liveForm.get()))

type OptionalKey = 'maxOrderAmount' | 'maxOrderNotional' | 'maxPosition' | 'maxOpenOrders' | 'maxOrdersPerSecond'

/** The optional pre-trade limits: key, label, whole number. */
export const PRE_TRADE_FIELDS: [OptionalKey, string, boolean][] = [
  ['maxOrderAmount', 'Max order amount (base)', false],
  ['maxOrderNotional', 'Max order notional (quote)', false],
  ['maxPosition', 'Max position (base)', false],
  ['maxOpenOrders', 'Max open orders', true],
  ['maxOrdersPerSecond', 'Max orders per second', true]
]

function number(raw: string): number {
  return raw.trim() === '' ? NaN : Number(raw.trim())
}

/** Parses the risk part of the draft into the contract's LiveRisk, or says per field what is wrong. */
export function parseLiveRisk(d: LiveDraft): { risk: LiveRisk | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const maxLoss = number(d.maxLoss)
  if (d.maxLoss.trim() === '') errors.maxLoss = 'Max loss: required — the loss (in the quote currency) at which the kill switch fires'
  else if (!Number.isFinite(maxLoss) || maxLoss <= 0) errors.maxLoss = 'Max loss: a number above 0'
  const ddPct = number(d.maxDrawdownPct)
  if (d.maxDrawdownPct.trim() === '') errors.maxDrawdownPct = 'Max drawdown: required — the drop from peak equity (%) at which the kill switch fires'
  else if (!Number.isFinite(ddPct) || ddPct <= 0 || ddPct >= 100) errors.maxDrawdownPct = 'Max drawdown: a percentage above 0 and below 100'
  const deadSec = number(d.deadManSec)
  if (d.deadManSec.trim() === '') errors.deadManSec = 'Dead-man: required — how long the venue connection may be lost before trading halts'
  else if (!Number.isFinite(deadSec) || deadSec < 1 || deadSec > 3600) errors.deadManSec = 'Dead-man: seconds, from 1 to 3600'
  const limits: Partial<Record<OptionalKey, number>> = {}
  for (const [key, label, integer] of PRE_TRADE_FIELDS) {
    const raw = d[key].trim()
    if (raw === '') continue
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) errors[key] = `${label}: ${integer ? 'a whole number' : 'a number'} above 0, or empty for no limit`
    else limits[key] = n
  }
  if (Object.keys(errors).length) return { risk: null, errors }
  return {
    risk: { ...limits, maxLoss, maxDrawdown: ddPct / 100, deadManMs: Math.round(deadSec * 1000), flattenOnKill: d.flattenOnKill },
    errors
  }
}

/** A spot symbol in ccxt's unified form. */
export function parseSymbol(raw: string): { symbol: string; error: string | null } {
  const symbol = raw.trim().toUpperCase()
  return /^[A-Z0-9]+\/[A-Z0-9]+$/.test(symbol) ? { symbol, error: null } : { symbol, error: 'Enter a spot symbol like BTC/USDT' }
}
