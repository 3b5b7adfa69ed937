import { describe, expect, it } from 'vitest'
import { ImportOptionsError } from '../../../src/main/core/data/errors'
import { parseNumber } from '../../../src/main/core/data/parse-number'
import { TimestampParser, type DateOrder } from '../../../src/main/core/data/parse-time'
import { resolveZone } from '../../../src/main/core/data/timezone'

const utc = (iso: string): number => Date.parse(iso)

function parse(text: string, zone = 'UTC', order?: DateOrder): number {
  return new TimestampParser(resolveZone(zone), order).parse(text, 0, text.length)
}

describe('parseNumber', () => {
  it('matches Number() on decimal text, exactly', () => {
    for (const s of ['0', '1', '-1', '+2.5', '3578.73', '0.00002853', '36304.20000000', '1.57597', '9682', '46319.0', '5.', '123456789012345', '1e-5', '2.5E3', '0.1234567890123456789', '12345678901234567']) {
      expect(parseNumber(s, 0, s.length), s).toBe(Number(s))
    }
  })
  it('returns NaN for empty or non-numeric text and reads inside a larger string', () => {
    for (const s of ['', '-', '.', 'NaN', 'abc', '1,5', 'Infinity', '1.2.3']) expect(parseNumber(s, 0, s.length), s).toBeNaN()
    const line = 'x,101.25,y'
    expect(parseNumber(line, 2, 8)).toBe(101.25)
  })
})

describe('TimestampParser', () => {
  it('reads epoch numbers, choosing s / ms / µs / ns by magnitude', () => {
    expect(parse('1672531436')).toBe(1672531436000)
    expect(parse('1637971200000')).toBe(1637971200000)
    expect(parse('1582329602111000')).toBe(1582329602111)
    expect(parse('1582329602111999999')).toBe(1582329602111)
    // Kraken float seconds: sub-millisecond digits are truncated.
    expect(parse('1762795433.9717445')).toBe(1762795433971)
  })

  it('reads ISO text with or without zone and fraction', () => {
    expect(parse('2006-01-02')).toBe(utc('2006-01-02T00:00:00Z'))
    expect(parse('2021-12-31 23:01:00.000000')).toBe(utc('2021-12-31T23:01:00Z'))
    expect(parse('2012-02-01 00:00:00+00:00')).toBe(utc('2012-02-01T00:00:00Z'))
    expect(parse('2013-01-01 22:00:00.295000+00:00')).toBe(utc('2013-01-01T22:00:00.295Z'))
    expect(parse('2015-09-23T20:57:42.146')).toBe(utc('2015-09-23T20:57:42.146Z'))
    expect(parse('2024-01-01T10:00:00Z')).toBe(utc('2024-01-01T10:00:00Z'))
    expect(parse('2024-01-01T10:00:00+0230')).toBe(utc('2024-01-01T07:30:00Z'))
    expect(parse('2024-01-01 10:00:00 UTC')).toBe(utc('2024-01-01T10:00:00Z'))
    expect(parse('2024-01-01T10:00:00.5-05:00')).toBe(utc('2024-01-01T15:00:00.500Z'))
    expect(parse('2024/01/02 03:04')).toBe(utc('2024-01-02T03:04:00Z'))
    expect(parse('20131007 00:00')).toBe(utc('2013-10-07T00:00:00Z'))
    expect(parse('20131007')).toBe(utc('2013-10-07T00:00:00Z'))
    expect(parse('1/2/2024 3:04:05 PM', 'UTC', 'mdy')).toBe(utc('2024-01-02T15:04:05Z'))
  })

  it('reads day-first and month-first dates as told', () => {
    expect(parse('02/03/2010 16:53:50', 'UTC', 'dmy')).toBe(utc('2010-03-02T16:53:50Z'))
    expect(parse('02/03/2010 16:53:50', 'UTC', 'mdy')).toBe(utc('2010-02-03T16:53:50Z'))
    expect(parse('01.02.2019 00:00:00.000', 'UTC', 'dmy')).toBe(utc('2019-02-01T00:00:00Z'))
  })

  it('rejects impossible dates and times', () => {
    for (const s of ['2023-02-29', '2024-13-01', '2024-01-32', '2024-01-01 24:00', '2024-01-01 10:60', 'yesterday', '2024-01-01 10:00 +99:00', '']) {
      expect(parse(s), s).toBeNaN()
    }
    expect(parse('2024-02-29')).toBe(utc('2024-02-29T00:00:00Z'))
  })

  it('applies a timezone only to text without its own zone', () => {
    expect(parse('2024-01-15 09:30', '+02:00')).toBe(utc('2024-01-15T07:30:00Z'))
    expect(parse('2024-01-15 09:30', '-0500')).toBe(utc('2024-01-15T14:30:00Z'))
    expect(parse('2024-01-15 09:30Z', '+02:00')).toBe(utc('2024-01-15T09:30:00Z'))
    expect(parse('2024-01-15 09:30', 'America/New_York')).toBe(utc('2024-01-15T14:30:00Z'))
    expect(parse('2024-07-15 09:30', 'America/New_York')).toBe(utc('2024-07-15T13:30:00Z'))
    expect(parse('2024-07-15 09:30', 'Asia/Kolkata')).toBe(utc('2024-07-15T04:00:00Z'))
    // Epoch numbers are UTC already.
    expect(parse('1637971200000', 'America/New_York')).toBe(1637971200000)
  })

  it('resolves DST gaps forward and overlaps to the earlier instant', () => {
    // New York springs forward 2024-03-10 02:00 EST → 03:00 EDT: 02:30 does not exist.
    expect(parse('2024-03-10 02:30', 'America/New_York')).toBe(utc('2024-03-10T07:30:00Z'))
    expect(parse('2024-03-10 03:30', 'America/New_York')).toBe(utc('2024-03-10T07:30:00Z'))
    expect(parse('2024-03-10 01:59', 'America/New_York')).toBe(utc('2024-03-10T06:59:00Z'))
    // Falls back 2024-11-03 02:00 EDT → 01:00 EST: 01:30 happens twice.
    expect(parse('2024-11-03 01:30', 'America/New_York')).toBe(utc('2024-11-03T05:30:00Z'))
    expect(parse('2024-11-03 02:30', 'America/New_York')).toBe(utc('2024-11-03T07:30:00Z'))
    // Berlin falls back 2024-10-27 03:00 CEST → 02:00 CET.
    expect(parse('2024-10-27 02:30', 'Europe/Berlin')).toBe(utc('2024-10-27T00:30:00Z'))
    // Newfoundland (UTC-3:30 / -2:30) changes on a half hour of UTC.
    expect(parse('2024-03-10 03:30', 'America/St_Johns')).toBe(utc('2024-03-10T06:00:00Z'))
    expect(parse('2024-03-10 01:30', 'America/St_Johns')).toBe(utc('2024-03-10T05:00:00Z'))
  })

  it('reads separate date and time columns', () => {
    const p = new TimestampParser(resolveZone('UTC'), undefined)
    const line = '2006-01-02,09:05:00,3578.73'
    expect(p.parseDateAndTime(line, 0, 10, 11, 19)).toBe(utc('2006-01-02T09:05:00Z'))
    const ny = new TimestampParser(resolveZone('America/New_York'), undefined)
    expect(ny.parseDateAndTime(line, 0, 10, 11, 19)).toBe(utc('2006-01-02T14:05:00Z'))
  })

  it('rejects unknown zones with a typed error', () => {
    expect(() => resolveZone('Mars/Olympus')).toThrow(ImportOptionsError)
    expect(() => resolveZone('+25:00')).toThrow(ImportOptionsError)
    expect(resolveZone('Z').name).toBe('UTC')
  })
})
