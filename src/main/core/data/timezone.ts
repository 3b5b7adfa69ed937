import { DAY_MS, MINUTE_MS, daysFromCivil } from './calendar'
import { ImportOptionsError } from './errors'

/** A time zone for interpreting wall-clock timestamps that carry no zone of their own. */
export interface Zone {
  readonly name: string
  /** UTC offset in ms (local = utc + offset) in effect at a UTC instant. */
  offsetAt(utc: number): number
  /**
   * UTC instant of a wall-clock time (given as ms as if it were UTC). Ambiguous times (DST fall-back)
   * resolve to the earlier instant; non-existent ones (spring-forward gap) use the offset before
   * the transition, i.e. they move forward, as JavaScript's Date does.
   */
  localToUtc(local: number): number
}

class FixedZone implements Zone {
  constructor(
    readonly name: string,
    private readonly offset: number
  ) {}
  offsetAt(): number {
    return this.offset
  }
  localToUtc(local: number): number {
    return local - this.offset
  }
}

const QUARTER_HOUR_MS = 15 * MINUTE_MS
/** Offsets lie within [-12 h, +14 h], so the instant of a local time lies within this window of it. */
const MAX_EAST_MS = 14 * 3_600_000
const MAX_WEST_MS = 12 * 3_600_000

/**
 * IANA zone through Intl.DateTimeFormat (no dependency). Intl calls cost microseconds, so offsets
 * are cached per UTC day: one call per day boundary, and per quarter hour only on the rare day
 * whose two boundaries disagree (a DST transition; every modern transition falls on a quarter hour).
 */
class IanaZone implements Zone {
  private readonly format: Intl.DateTimeFormat
  private readonly boundary = new Map<number, number>()
  private readonly fine = new Map<number, number>()

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short'
    })
  }

  offsetAt(utc: number): number {
    const day = Math.floor(utc / DAY_MS)
    const a = this.boundaryOffset(day)
    if (a === this.boundaryOffset(day + 1)) return a
    const q = Math.floor(utc / QUARTER_HOUR_MS)
    let o = this.fine.get(q)
    if (o === undefined) {
      o = this.exactOffset(q * QUARTER_HOUR_MS)
      this.fine.set(q, o)
    }
    return o
  }

  localToUtc(local: number): number {
    const before = this.offsetAt(local - MAX_EAST_MS)
    const after = this.offsetAt(local + MAX_WEST_MS)
    const uBefore = local - before
    if (before === after) return uBefore
    const uAfter = local - after
    const beforeValid = this.offsetAt(uBefore) === before
    const afterValid = this.offsetAt(uAfter) === after
    if (beforeValid && afterValid) return Math.min(uBefore, uAfter)
    if (afterValid) return uAfter
    return uBefore
  }

  private boundaryOffset(day: number): number {
    let o = this.boundary.get(day)
    if (o === undefined) {
      o = this.exactOffset(day * DAY_MS)
      this.boundary.set(day, o)
    }
    return o
  }

  /** Offset at a whole-second UTC instant: the wall-clock fields read back as if UTC, minus the instant. */
  private exactOffset(utc: number): number {
    let y = 0
    let mo = 1
    let d = 1
    let h = 0
    let mi = 0
    let s = 0
    let bc = false
    for (const part of this.format.formatToParts(utc)) {
      switch (part.type) {
        case 'year':
          y = Number(part.value)
          break
        case 'month':
          mo = Number(part.value)
          break
        case 'day':
          d = Number(part.value)
          break
        case 'hour':
          h = Number(part.value)
          break
        case 'minute':
          mi = Number(part.value)
          break
        case 'second':
          s = Number(part.value)
          break
        case 'era':
          bc = part.value.startsWith('B')
          break
      }
    }
    if (bc) y = 1 - y
    const wall = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000
    return wall - utc
  }
}

const UTC_NAMES = new Set(['utc', 'z', 'gmt', 'etc/utc', 'etc/gmt', 'uct', 'zulu', 'universal'])

/** Parses `±HH:MM`, `±HHMM` or `±HH` into ms; undefined if it is not such an offset. */
export function parseFixedOffset(text: string): number | undefined {
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim())
  if (!m) return undefined
  const hours = Number(m[2])
  const minutes = m[3] === undefined ? 0 : Number(m[3])
  if (hours > 14 || minutes > 59) return undefined
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * MINUTE_MS
}

const zones = new Map<string, Zone>()

/** Resolves `UTC`, a fixed offset like `+02:00`, or an IANA name like `America/New_York`. */
export function resolveZone(name: string | undefined): Zone {
  const key = name === undefined || name === '' ? 'UTC' : name
  const hit = zones.get(key)
  if (hit) return hit
  let zone: Zone
  if (UTC_NAMES.has(key.toLowerCase())) zone = new FixedZone('UTC', 0)
  else {
    const fixed = parseFixedOffset(key)
    if (fixed !== undefined) zone = new FixedZone(key, fixed)
    else {
      try {
        zone = new IanaZone(key)
      } catch (cause) {
        throw new ImportOptionsError('timezone', `${JSON.stringify(key)} is neither an IANA zone name nor an offset like +02:00`, { cause })
      }
    }
  }
  zones.set(key, zone)
  return zone
}
