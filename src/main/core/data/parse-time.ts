import { DAY_MS, HOUR_MS, MINUTE_MS, daysFromCivil } from './calendar'
import type { Zone } from './timezone'

/** Order of day, month and year in dates written with a 2-digit first field (`02/03/2010`). */
export type DateOrder = 'ymd' | 'dmy' | 'mdy'
/** Unit of numeric epoch timestamps; detected from the magnitude of the first value when not given. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns'

/** Multiply seconds, divide µs and ns: dividing an exact integer by 10^k rounds correctly, multiplying by 1e-3 may not. */
const EPOCH_MUL: Record<EpochUnit, number> = { s: 1000, ms: 1, us: 1, ns: 1 }
const EPOCH_DIV: Record<EpochUnit, number> = { s: 1, ms: 1, us: 1000, ns: 1e6 }

/** Epoch unit by magnitude: up to 1e11 seconds (year 5138), then ms, µs, ns. */
export function epochUnitOf(value: number): EpochUnit {
  const a = Math.abs(value)
  if (a < 1e11) return 's'
  if (a < 1e14) return 'ms'
  if (a < 1e17) return 'us'
  return 'ns'
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/**
 * Hand-written timestamp parsing over text[start, end) (no regex, no allocation on the fast path).
 * Accepts epoch numbers and calendar text:
 *   `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`, `DD/MM/YYYY`, `MM/DD/YYYY` (per dateOrder),
 *   optionally followed by `T` or spaces and `HH:MM[:SS[.fff…]]`, `HHMM`, `HHMMSS[fff]`, ` AM|PM`,
 *   and a zone `Z`, `±HH:MM`, `±HHMM`, `±HH`, `UTC`, `GMT`.
 * Text without a zone is wall-clock time in `zone`. Results are integer ms (sub-ms precision is
 * truncated: the project keeps integer ms timestamps). NaN means unparseable.
 */
export class TimestampParser {
  /** 'epoch' or 'text', fixed by the first successfully parsed value. */
  mode: 'auto' | 'epoch' | 'text' = 'auto'
  unit: EpochUnit | undefined
  private mul = 1
  private div = 1
  /** Whether the last parsed text carried its own zone. */
  hadZone = false

  constructor(
    readonly zone: Zone,
    readonly dateOrder: DateOrder | undefined,
    unit?: EpochUnit
  ) {
    if (unit) this.setUnit(unit)
  }

  private setUnit(unit: EpochUnit): void {
    this.unit = unit
    this.mul = EPOCH_MUL[unit]
    this.div = EPOCH_DIV[unit]
  }

  /** Parses one timestamp field to UTC ms. */
  parse(text: string, start: number, end: number): number {
    if (this.mode === 'epoch') return this.parseEpoch(text, start, end)
    if (this.mode === 'text') return this.parseText(text, start, end)
    if (looksEpoch(text, start, end)) {
      const v = this.parseEpoch(text, start, end)
      if (v === v) this.mode = 'epoch'
      return v
    }
    const v = this.parseText(text, start, end)
    if (v === v) this.mode = 'text'
    return v
  }

  private parseEpoch(text: string, start: number, end: number): number {
    // Digits and at most one '.' or leading '-': fast integer path, Number() for fractions.
    let v = 0
    let i = start
    let neg = false
    if (text.charCodeAt(i) === 45) {
      neg = true
      i++
    }
    if (i >= end) return NaN
    for (; i < end; i++) {
      const c = text.charCodeAt(i)
      if (!isDigit(c)) break
      v = v * 10 + (c - 48)
    }
    if (i < end) {
      v = Number(text.slice(start, end))
      if (!Number.isFinite(v)) return NaN
    } else if (neg) v = -v
    if (this.unit === undefined) this.setUnit(epochUnitOf(v))
    if (i === end && !neg && this.div > 1 && end - start > 15) {
      // Nanosecond integers exceed 2^53: drop the sub-millisecond digits before converting.
      const keep = end - (this.div === 1000 ? 3 : 6)
      let ms = 0
      for (let k = start; k < keep; k++) ms = ms * 10 + (text.charCodeAt(k) - 48)
      return ms
    }
    return Math.floor((v * this.mul) / this.div)
  }

  /** Calendar text to UTC ms (NaN if invalid). */
  parseText(text: string, start: number, end: number): number {
    const wall = this.parseWall(text, start, end)
    if (wall !== wall) return NaN
    return this.hadZone ? wall - this.zoneOffset : this.zone.localToUtc(wall)
  }

  /** Calendar text to wall-clock ms; sets hadZone and zoneOffset when the text carries a zone. */
  private parseWall(text: string, start: number, end: number): number {
    let i = start
    let n1 = 0
    let d1 = 0
    while (i < end && isDigit(text.charCodeAt(i))) {
      n1 = n1 * 10 + (text.charCodeAt(i) - 48)
      d1++
      i++
    }
    let year: number
    let month: number
    let day: number
    let compact = false
    if (d1 === 8) {
      year = Math.floor(n1 / 10000)
      month = Math.floor(n1 / 100) % 100
      day = n1 % 100
      compact = true
    } else {
      if (i >= end || (d1 !== 4 && d1 > 2) || d1 === 0) return NaN
      const sep = text.charCodeAt(i)
      if (sep !== 45 && sep !== 47 && sep !== 46) return NaN
      i++
      let n2 = 0
      let d2 = 0
      while (i < end && isDigit(text.charCodeAt(i))) {
        n2 = n2 * 10 + (text.charCodeAt(i) - 48)
        d2++
        i++
      }
      if (d2 === 0 || d2 > 2 || i >= end || text.charCodeAt(i) !== sep) return NaN
      i++
      let n3 = 0
      let d3 = 0
      while (i < end && isDigit(text.charCodeAt(i))) {
        n3 = n3 * 10 + (text.charCodeAt(i) - 48)
        d3++
        i++
      }
      if (d1 === 4) {
        if (d3 === 0 || d3 > 2) return NaN
        year = n1
        month = n2
        day = n3
      } else {
        if (d3 !== 4) return NaN
        year = n3
        const order = this.dateOrder ?? 'dmy'
        if (order === 'mdy') {
          month = n1
          day = n2
        } else {
          day = n1
          month = n2
        }
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return NaN
    if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return NaN
    const ms = daysFromCivil(year, month, day) * DAY_MS
    this.hadZone = false
    if (i === end) return ms
    // Separator between date and time: 'T' or one or more spaces.
    const c = text.charCodeAt(i)
    if (c === 84 || c === 116) i++
    else if (c === 32) while (i < end && text.charCodeAt(i) === 32) i++
    else if (!(c === 90 || c === 43 || c === 45)) return NaN
    return ms + this.parseTimeOfDayAt(text, i, end, compact)
  }

  private zoneOffset = 0

  /** Time of day (ms since midnight) in `HH:MM[:SS[.f]]` or `HHMM[SS[fff]]`, with optional AM/PM and zone. */
  private parseTimeOfDayAt(text: string, start: number, end: number, allowCompact: boolean): number {
    let i = start
    let hh = 0
    let mm = 0
    let ss = 0
    let ms = 0
    let n = 0
    let d = 0
    while (i < end && isDigit(text.charCodeAt(i))) {
      n = n * 10 + (text.charCodeAt(i) - 48)
      d++
      i++
    }
    if (d === 0) {
      // Date followed directly by a zone ("2024-01-01Z"): midnight.
      if (!this.parseZone(text, i, end)) return NaN
      return 0
    }
    if (d <= 2 && i < end && text.charCodeAt(i) === 58) {
      hh = n
      i++
      const m0 = i
      while (i < end && isDigit(text.charCodeAt(i))) {
        mm = mm * 10 + (text.charCodeAt(i) - 48)
        i++
      }
      if (i - m0 !== 2) return NaN
      if (i < end && text.charCodeAt(i) === 58) {
        i++
        const s0 = i
        while (i < end && isDigit(text.charCodeAt(i))) {
          ss = ss * 10 + (text.charCodeAt(i) - 48)
          i++
        }
        if (i - s0 !== 2) return NaN
        if (i < end && (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44)) {
          i++
          let k = 0
          while (i < end && isDigit(text.charCodeAt(i))) {
            if (k < 3) ms = ms * 10 + (text.charCodeAt(i) - 48)
            k++
            i++
          }
          if (k === 0) return NaN
          if (k === 1) ms *= 100
          else if (k === 2) ms *= 10
        }
      }
    } else if (allowCompact && (d === 4 || d === 6 || d === 9)) {
      // HHMM, HHMMSS or HHMMSSfff (HistData ticks: `170000065`).
      if (d === 9) {
        ms = n % 1000
        n = Math.floor(n / 1000)
      }
      if (d >= 6) {
        ss = n % 100
        n = Math.floor(n / 100)
      }
      mm = n % 100
      hh = Math.floor(n / 100)
    } else if (d <= 2 && i === end) {
      hh = n
    } else return NaN
    // Optional AM/PM.
    let k = i
    while (k < end && text.charCodeAt(k) === 32) k++
    if (k + 1 < end && (text.charCodeAt(k + 1) | 32) === 109) {
      const ap = text.charCodeAt(k) | 32
      if (ap === 97 || ap === 112) {
        if (hh < 1 || hh > 12) return NaN
        if (ap === 97 && hh === 12) hh = 0
        else if (ap === 112 && hh !== 12) hh += 12
        i = k + 2
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return NaN
    if (i < end && !this.parseZone(text, i, end)) return NaN
    return hh * HOUR_MS + mm * MINUTE_MS + ss * 1000 + ms
  }

  /** Zone suffix at text[i, end): sets hadZone and zoneOffset; false if not a zone. */
  private parseZone(text: string, start: number, end: number): boolean {
    let i = start
    while (i < end && text.charCodeAt(i) === 32) i++
    if (i === end) return true
    const c = text.charCodeAt(i)
    if ((c === 90 || c === 122) && i + 1 === end) {
      this.hadZone = true
      this.zoneOffset = 0
      return true
    }
    if ((c === 85 || c === 71) && end - i >= 3) {
      const word = text.slice(i, i + 3).toUpperCase()
      if (word !== 'UTC' && word !== 'GMT') return false
      i += 3
      if (i === end) {
        this.hadZone = true
        this.zoneOffset = 0
        return true
      }
    }
    const sign = text.charCodeAt(i)
    if (sign !== 43 && sign !== 45) return false
    i++
    let digits = 0
    let hh = 0
    let mm = 0
    while (i < end) {
      const ch = text.charCodeAt(i)
      if (ch === 58) {
        i++
        continue
      }
      if (!isDigit(ch) || digits === 4) return false
      if (digits < 2) hh = hh * 10 + (ch - 48)
      else mm = mm * 10 + (ch - 48)
      digits++
      i++
    }
    if (digits !== 2 && digits !== 4) return false
    if (hh > 14 || mm > 59) return false
    this.hadZone = true
    this.zoneOffset = (sign === 45 ? -1 : 1) * (hh * HOUR_MS + mm * MINUTE_MS)
    return true
  }

  /**
   * Separate date and time columns: wall-clock midnight of the date plus the time of day.
   * A zone on either part applies to the sum; otherwise `zone` does.
   */
  parseDateAndTime(text: string, ds: number, de: number, ts: number, te: number): number {
    const date = this.parseWall(text, ds, de)
    if (date !== date) return NaN
    const dateZone = this.hadZone
    const dateOffset = this.zoneOffset
    this.hadZone = false
    const tod = this.parseTimeOfDayAt(text, ts, te, true)
    if (tod !== tod) return NaN
    const wall = date + tod
    if (this.hadZone) return wall - this.zoneOffset
    if (dateZone) return wall - dateOffset
    return this.zone.localToUtc(wall)
  }
}

/** True when the field is a plain number that is not an 8-digit YYYYMMDD date. */
function looksEpoch(text: string, start: number, end: number): boolean {
  let digits = 0
  let i = start
  if (text.charCodeAt(i) === 45) i++
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (isDigit(c)) digits++
    else if (c !== 46) return false
  }
  if (digits === 0) return false
  if (digits === 8 && end - start === 8) {
    const month = Number(text.slice(start + 4, start + 6))
    const day = Number(text.slice(start + 6, start + 8))
    const year = Number(text.slice(start, start + 4))
    if (year >= 1800 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= 31) return false
  }
  return true
}
