import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  MONDAY_ANCHOR_MS,
  SECOND_MS,
  WEEK_MS,
  monthIndexOf,
  monthStartMs
} from './calendar'
import { TimeframeError } from './errors'

export type TimeframeUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'y'

/** A parsed ccxt-style timeframe. `ms` is 0 for calendar months and years (their length varies). */
export interface Timeframe {
  readonly text: string
  readonly count: number
  readonly unit: TimeframeUnit
  readonly ms: number
  /** Months per bar for 'M' and 'y' units, 0 otherwise. */
  readonly months: number
}

const UNIT_MS: Record<TimeframeUnit, number> = {
  s: SECOND_MS,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: WEEK_MS,
  M: 0,
  y: 0
}

const cache = new Map<string, Timeframe>()

/**
 * Parses `<count><unit>` as ccxt writes it: `1m`, `5m`, `1h`, `4h`, `1d`, `1w`, `1M`, `1y`…
 * Units are case-sensitive because `m` (minute) and `M` (month) differ.
 */
export function parseTimeframe(text: string): Timeframe {
  const hit = cache.get(text)
  if (hit) return hit
  if (typeof text !== 'string' || text.length < 2) {
    throw new TimeframeError(`timeframe ${JSON.stringify(text)} is not <count><unit> (e.g. 1m, 4h, 1d, 1w, 1M)`)
  }
  const unit = text[text.length - 1] as TimeframeUnit
  const digits = text.slice(0, -1)
  if (!(unit in UNIT_MS)) {
    throw new TimeframeError(`timeframe ${JSON.stringify(text)} has unknown unit ${JSON.stringify(unit)}; use s, m, h, d, w, M or y`)
  }
  if (!/^[1-9][0-9]{0,5}$/.test(digits)) {
    throw new TimeframeError(`timeframe ${JSON.stringify(text)} needs a positive whole count before the unit`)
  }
  const count = Number(digits)
  const months = unit === 'M' ? count : unit === 'y' ? count * 12 : 0
  const tf: Timeframe = { text, count, unit, ms: count * UNIT_MS[unit], months }
  cache.set(text, tf)
  return tf
}

/** Milliseconds per bar; 0 for calendar months/years ('1M', '1y'), whose length varies. */
export function timeframeToMs(text: string): number {
  return parseTimeframe(text).ms
}

function asTimeframe(tf: Timeframe | string): Timeframe {
  return typeof tf === 'string' ? parseTimeframe(tf) : tf
}

/**
 * Open time of the calendar-aligned bar containing `ts` (UTC): seconds to days align to the
 * epoch, weeks to Monday 00:00 (ISO), months to the 1st (multi-month bars to January + k·count).
 */
export function timeframeFloor(tf: Timeframe | string, ts: number): number {
  const t = asTimeframe(tf)
  if (t.months) {
    const mi = monthIndexOf(ts)
    return monthStartMs(mi - (((mi % t.months) + t.months) % t.months))
  }
  if (t.unit === 'w') return Math.floor((ts - MONDAY_ANCHOR_MS) / t.ms) * t.ms + MONDAY_ANCHOR_MS
  return Math.floor(ts / t.ms) * t.ms
}

/** Close time (exclusive end) of a bar opening at `openTime`: openTime + length, or the next month start. */
export function timeframeNext(tf: Timeframe | string, openTime: number): number {
  const t = asTimeframe(tf)
  if (t.months) return monthStartMs(monthIndexOf(openTime) + t.months)
  return openTime + t.ms
}

/** Open time of the bar before the one opening at `openTime` (inverse of timeframeNext on aligned times). */
export function timeframePrev(tf: Timeframe | string, openTime: number): number {
  const t = asTimeframe(tf)
  if (t.months) return monthStartMs(monthIndexOf(openTime) - t.months)
  return openTime - t.ms
}

/** The shortest timeframe string for a fixed spacing (e.g. 300000 → '5m'); undefined if not whole seconds. */
export function timeframeFromMs(ms: number): string | undefined {
  if (!(ms > 0) || ms % SECOND_MS !== 0) return undefined
  if (ms % WEEK_MS === 0) return `${ms / WEEK_MS}w`
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`
  return `${ms / SECOND_MS}s`
}

/** Whether bars of `coarse` are whole unions of bars of `fine` (so resampling is exact). */
export function timeframeDivides(fine: Timeframe | string, coarse: Timeframe | string): boolean {
  const f = asTimeframe(fine)
  const c = asTimeframe(coarse)
  if (c.months) return f.months ? c.months % f.months === 0 : f.ms <= DAY_MS && DAY_MS % f.ms === 0
  if (f.months || (f.unit === 'w' && c.unit !== 'w')) return false
  if (c.unit === 'w') return f.unit === 'w' ? c.count % f.count === 0 : f.ms <= DAY_MS && DAY_MS % f.ms === 0
  return c.ms % f.ms === 0
}

const MAX_SPACING_SAMPLES = 200_000

/**
 * Timeframe from the most common positive spacing of consecutive timestamps (the first 200k):
 * 28–31 days read as '1M', 89–92 days as '3M', 365–366 days as '1y'; otherwise the exact spacing.
 * Undefined when there is no positive spacing or it is not whole seconds.
 */
export function detectTimeframe(times: Float64Array, length: number): string | undefined {
  const counts = new Map<number, number>()
  const n = Math.min(length, MAX_SPACING_SAMPLES + 1)
  let best = 0
  let bestCount = 0
  for (let i = 1; i < n; i++) {
    const d = times[i] - times[i - 1]
    if (!(d > 0)) continue
    const c = (counts.get(d) ?? 0) + 1
    counts.set(d, c)
    if (c > bestCount || (c === bestCount && d < best)) {
      best = d
      bestCount = c
    }
  }
  if (bestCount === 0) return undefined
  if (best >= 28 * DAY_MS && best <= 31 * DAY_MS) return '1M'
  if (best >= 89 * DAY_MS && best <= 92 * DAY_MS) return '3M'
  if (best >= 365 * DAY_MS && best <= 366 * DAY_MS) return '1y'
  return timeframeFromMs(best)
}
