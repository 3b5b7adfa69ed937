/** Number formatting used across panels: fixed locale so what the user sees is predictable. */
const LOCALE = 'en-US'

export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞'
  // no "-0.00": values that round to zero print as zero
  if (Math.abs(n) < 0.5 * 10 ** -digits) n = 0
  return n.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** Money: two decimals with thousands separators. */
export function fmtMoney(n: number | null | undefined): string {
  return fmtNum(n, 2)
}

/** A fraction as percent: 0.1234 → "12.34%". */
export function fmtPct(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return `${fmtNum(n * 100, digits)}%`
}

/** Enough decimals to tell neighbouring prices apart, without noise. */
export function fmtPrice(n: number | null | undefined, tick?: number): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return fmtNum(n, decimalsFor(tick ?? n))
}

export function decimalsFor(tickOrPrice: number): number {
  const a = Math.abs(tickOrPrice)
  if (a === 0 || a >= 100) return 2
  // small values: about four significant digits
  return Math.min(8, Math.max(2, 3 - Math.floor(Math.log10(a))))
}

/** Amounts: up to 6 decimals, trailing zeros dropped. */
export function fmtAmount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return n.toLocaleString(LOCALE, { minimumFractionDigits: 0, maximumFractionDigits: 6 })
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

/** UTC "2024-01-01 00:00:00" (milliseconds when asked). */
export function fmtTime(ms: number | null | undefined, withMs = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const d = new Date(ms)
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return withMs ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base
}

export function fmtClock(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
}

/** 90061000 → "1d 01:01:01"; 4200 → "4.2 s". */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  const days = Math.floor(s / 86400)
  const hms = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
  return days ? `${days}d ${hms}` : hms
}

/** 1234567 → "1.23 M" */
export function fmtCompact(n: number): string {
  if (!Number.isFinite(n)) return '—'
  const a = Math.abs(n)
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)} k`
  return n.toFixed(0)
}
