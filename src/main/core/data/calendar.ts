/** Proleptic Gregorian calendar arithmetic on UTC milliseconds, without Date objects. */

export const SECOND_MS = 1000
export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
export const WEEK_MS = 7 * DAY_MS
/** 1970-01-01 was a Thursday, so the ISO week containing the epoch began on Monday 1969-12-29. */
export const MONDAY_ANCHOR_MS = -3 * DAY_MS

/** Days since 1970-01-01 of a civil date (month 1..12). Uses 400-year eras so it is exact for any year. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = month > 2 ? month - 3 : month + 9
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Year*12 + (month-1) of a day number; the inverse of daysFromCivil restricted to year and month. */
export function monthIndexOfDays(days: number): number {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  return year * 12 + month - 1
}

/** Civil date of a day number as [year, month 1..12, day 1..31]. */
export function civilFromDays(days: number): [number, number, number] {
  const mi = monthIndexOfDays(days)
  const year = Math.floor(mi / 12)
  const month = mi - year * 12 + 1
  return [year, month, days - daysFromCivil(year, month, 1) + 1]
}

/** UTC ms of the first instant of a month index (year*12 + month-1). */
export function monthStartMs(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12)
  return daysFromCivil(year, monthIndex - year * 12 + 1, 1) * DAY_MS
}

/** Month index of a UTC ms timestamp. */
export function monthIndexOf(ts: number): number {
  return monthIndexOfDays(Math.floor(ts / DAY_MS))
}

/** ISO weekday of a UTC ms timestamp: 1 = Monday … 7 = Sunday. */
export function isoWeekday(ts: number): number {
  const days = Math.floor(ts / DAY_MS)
  // Day 0 (1970-01-01) was a Thursday (4).
  return ((((days + 3) % 7) + 7) % 7) + 1
}

/** Short ISO text for messages: `2024-01-02T03:04:05.006Z` (no Date object involved). */
export function isoText(ts: number): string {
  if (!Number.isFinite(ts)) return String(ts)
  const days = Math.floor(ts / DAY_MS)
  const [y, m, d] = civilFromDays(days)
  let rest = ts - days * DAY_MS
  const hh = Math.floor(rest / HOUR_MS)
  rest -= hh * HOUR_MS
  const mm = Math.floor(rest / MINUTE_MS)
  rest -= mm * MINUTE_MS
  const ss = Math.floor(rest / SECOND_MS)
  const ms = Math.round(rest - ss * SECOND_MS)
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n
  const p3 = (n: number): string => (n < 10 ? '00' : n < 100 ? '0' : '') + n
  const year = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y)
  return `${year}-${p2(m)}-${p2(d)}T${p2(hh)}:${p2(mm)}:${p2(ss)}.${p3(ms)}Z`
}
