import type { Dataset } from '../../../../shared/api'
import { fmtTime } from '../../util/format'

const DAY_MS = 86_400_000

/** Issue kinds that do not make a row invalid (mirrors WARNING_KINDS in core/data/quality.ts). */
export const WARNING_KINDS: ReadonlySet<string> = new Set(['gap', 'outlier', 'zero-volume-filler'])

/** Dates only when both ends fall on midnight UTC (daily and longer bars), else date and time. */
export function fmtRange(from: number | null, to: number | null): string {
  if (from === null || to === null) return '—'
  if (from % DAY_MS === 0 && to % DAY_MS === 0) return `${fmtTime(from).slice(0, 10)} → ${fmtTime(to).slice(0, 10)}`
  // whole minutes: the seconds say nothing
  if (from % 60_000 === 0 && to % 60_000 === 0) return `${fmtTime(from).slice(0, 16)} → ${fmtTime(to).slice(0, 16)}`
  return `${fmtTime(from)} → ${fmtTime(to)}`
}

export function fmtBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US')
}

export interface SummaryPart {
  text: string
  tone: 'bad' | 'warn' | 'ok' | 'muted'
}

/**
 * The quality counts of a listed dataset in a few words. Files and store series carry the
 * importer's counts (errors, warnings, …); captures carry the order book's (gaps, crossed, skipped).
 */
export function qualitySummary(d: Dataset): SummaryPart[] {
  const q = d.quality
  if (q === null) return [{ text: 'not checked', tone: 'muted' }]
  const parts: SummaryPart[] = []
  const add = (n: number | undefined, label: string, tone: SummaryPart['tone']) => {
    if (n !== undefined && n > 0) parts.push({ text: `${fmtCount(n)} ${label}`, tone })
  }
  if ('errors' in q) {
    add(q.errors, q.errors === 1 ? 'error' : 'errors', 'bad')
    add(q.warnings, q.warnings === 1 ? 'warning' : 'warnings', 'warn')
    add(q.rowsDropped, 'dropped', 'warn')
    add(q.missingBars, 'missing bars', 'muted')
  } else {
    add(q.gaps, q.gaps === 1 ? 'gap' : 'gaps', 'warn')
    add(q.crossed, 'crossed', 'warn')
    add(q.skipped, 'skipped', 'warn')
  }
  return parts.length ? parts : [{ text: 'clean', tone: 'ok' }]
}

export function kindLabel(d: Dataset): string {
  return d.source === 'capture' ? 'book (L2)' : d.kind
}
