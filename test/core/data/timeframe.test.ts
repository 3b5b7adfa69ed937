import { describe, expect, it } from 'vitest'
import { BarSeriesBuilder, QuoteSeriesBuilder, TradeSeriesBuilder } from '../../../src/main/core/data/bar-series'
import { civilFromDays, daysFromCivil, isoText, isoWeekday } from '../../../src/main/core/data/calendar'
import { TimeframeError } from '../../../src/main/core/data/errors'
import {
  detectTimeframe,
  parseTimeframe,
  timeframeDivides,
  timeframeFloor,
  timeframeFromMs,
  timeframeNext,
  timeframePrev,
  timeframeToMs
} from '../../../src/main/core/data/timeframe'

const utc = (iso: string): number => Date.parse(iso)

describe('timeframeToMs', () => {
  it('converts ccxt timeframe strings', () => {
    expect(timeframeToMs('1s')).toBe(1000)
    expect(timeframeToMs('1m')).toBe(60_000)
    expect(timeframeToMs('5m')).toBe(300_000)
    expect(timeframeToMs('15m')).toBe(900_000)
    expect(timeframeToMs('1h')).toBe(3_600_000)
    expect(timeframeToMs('4h')).toBe(14_400_000)
    expect(timeframeToMs('1d')).toBe(86_400_000)
    expect(timeframeToMs('1w')).toBe(604_800_000)
    // Calendar months and years have no fixed length.
    expect(timeframeToMs('1M')).toBe(0)
    expect(timeframeToMs('3M')).toBe(0)
    expect(timeframeToMs('1y')).toBe(0)
    expect(parseTimeframe('3M').months).toBe(3)
    expect(parseTimeframe('1y').months).toBe(12)
  })

  it('rejects bad strings with a TimeframeError naming the input', () => {
    for (const bad of ['', 'm', '0m', '1x', '1.5h', '-1m', '1 m', 'M1', '01m', '1H']) {
      expect(() => timeframeToMs(bad), bad).toThrow(TimeframeError)
    }
    expect(() => timeframeToMs('1x')).toThrow(/"1x".*unit/)
  })
})

describe('calendar alignment', () => {
  it('floors to epoch-aligned fixed periods', () => {
    expect(timeframeFloor('5m', utc('2024-01-03T10:07:59.999Z'))).toBe(utc('2024-01-03T10:05:00Z'))
    expect(timeframeFloor('4h', utc('2024-01-03T10:07:00Z'))).toBe(utc('2024-01-03T08:00:00Z'))
    expect(timeframeFloor('1d', utc('2024-01-03T23:59:59Z'))).toBe(utc('2024-01-03T00:00:00Z'))
  })

  it('floors weeks to Monday 00:00 UTC (ISO weeks)', () => {
    // 2024-01-03 is a Wednesday; 2024-01-07 a Sunday; 1970-01-01 a Thursday.
    expect(timeframeFloor('1w', utc('2024-01-03T12:00:00Z'))).toBe(utc('2024-01-01T00:00:00Z'))
    expect(timeframeFloor('1w', utc('2024-01-07T23:59:59Z'))).toBe(utc('2024-01-01T00:00:00Z'))
    expect(timeframeFloor('1w', utc('2024-01-08T00:00:00Z'))).toBe(utc('2024-01-08T00:00:00Z'))
    expect(timeframeFloor('1w', 0)).toBe(utc('1969-12-29T00:00:00Z'))
    expect(timeframeNext('1w', utc('2024-01-01T00:00:00Z'))).toBe(utc('2024-01-08T00:00:00Z'))
  })

  it('floors months to the 1st and steps by calendar months', () => {
    expect(timeframeFloor('1M', utc('2024-02-29T13:00:00Z'))).toBe(utc('2024-02-01T00:00:00Z'))
    expect(timeframeNext('1M', utc('2024-01-01T00:00:00Z'))).toBe(utc('2024-02-01T00:00:00Z'))
    expect(timeframeNext('1M', utc('2024-12-01T00:00:00Z'))).toBe(utc('2025-01-01T00:00:00Z'))
    expect(timeframePrev('1M', utc('2024-03-01T00:00:00Z'))).toBe(utc('2024-02-01T00:00:00Z'))
    // Quarters start in January, April, July, October.
    expect(timeframeFloor('3M', utc('2024-05-20T00:00:00Z'))).toBe(utc('2024-04-01T00:00:00Z'))
    expect(timeframeFloor('1y', utc('2024-05-20T00:00:00Z'))).toBe(utc('2024-01-01T00:00:00Z'))
    expect(timeframeFloor('1M', utc('1969-07-20T20:17:00Z'))).toBe(utc('1969-07-01T00:00:00Z'))
  })

  it('knows which timeframes resample exactly into which', () => {
    expect(timeframeDivides('1m', '5m')).toBe(true)
    expect(timeframeDivides('5m', '1h')).toBe(true)
    expect(timeframeDivides('1d', '1w')).toBe(true)
    expect(timeframeDivides('1d', '1M')).toBe(true)
    expect(timeframeDivides('1M', '3M')).toBe(true)
    expect(timeframeDivides('7m', '1h')).toBe(false)
    expect(timeframeDivides('1w', '1M')).toBe(false)
    expect(timeframeDivides('2d', '1w')).toBe(false)
    expect(timeframeDivides('1w', '14d')).toBe(false)
  })

  it('names spacings and detects the modal spacing', () => {
    expect(timeframeFromMs(300_000)).toBe('5m')
    expect(timeframeFromMs(86_400_000)).toBe('1d')
    expect(timeframeFromMs(604_800_000)).toBe('1w')
    expect(timeframeFromMs(1500)).toBeUndefined()
    const day = 86_400_000
    // Weekdays only: spacing 1 d four times in five.
    const t = new Float64Array([0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => d * day))
    expect(detectTimeframe(t, t.length)).toBe('1d')
    // Month-end dates (pandas 'M' labels): 28–31 day spacings read as one month.
    const ends = ['2012-01-31', '2012-02-29', '2012-03-31', '2012-04-30', '2012-05-31'].map((d) => utc(`${d}T00:00:00Z`))
    expect(detectTimeframe(new Float64Array(ends), ends.length)).toBe('1M')
    expect(detectTimeframe(new Float64Array([5]), 1)).toBeUndefined()
  })

  it('converts civil dates without Date objects', () => {
    for (const iso of ['1970-01-01', '2000-02-29', '1900-03-01', '2024-12-31', '1601-01-01']) {
      const days = utc(`${iso}T00:00:00Z`) / 86_400_000
      const [y, m, d] = iso.split('-').map(Number)
      expect(daysFromCivil(y, m, d)).toBe(days)
      expect(civilFromDays(days)).toEqual([y, m, d])
    }
    expect(isoWeekday(utc('2024-01-01T12:00:00Z'))).toBe(1)
    expect(isoWeekday(utc('2024-01-07T12:00:00Z'))).toBe(7)
    expect(isoText(utc('2021-12-31T23:01:00.250Z'))).toBe('2021-12-31T23:01:00.250Z')
  })
})

describe('series builders', () => {
  it('grow past their initial capacity and build right-sized columns', () => {
    const b = new BarSeriesBuilder('X/Y', '1m', 60_000)
    for (let i = 0; i < 3000; i++) b.push(i * 60_000, (i + 1) * 60_000, i, i + 2, i - 1, i + 1, 10, i === 2999)
    const s = b.build()
    expect(s.length).toBe(3000)
    expect(s.openTime.length).toBe(3000)
    expect(s.closeTime[2999]).toBe(3000 * 60_000)
    expect(s.high[1500]).toBe(1502)
    expect(s.synthetic?.[2999]).toBe(1)
    expect(s.synthetic?.[0]).toBe(0)
    const plain = new BarSeriesBuilder('X/Y', '1m', 60_000)
    plain.push(0, 60_000, 1, 1, 1, 1, 0)
    expect(plain.build().synthetic).toBeUndefined()

    const t = new TradeSeriesBuilder('X/Y')
    for (let i = 0; i < 2000; i++) t.push(i, 100 + i, 1, i % 2 ? 1 : -1)
    const ts = t.build()
    expect([ts.length, ts.price[1999], ts.side[1], ts.side[2]]).toEqual([2000, 2099, 1, -1])

    const q = new QuoteSeriesBuilder('X/Y')
    for (let i = 0; i < 1500; i++) q.push(i, 1, 2, NaN, 3)
    const qs = q.build()
    expect([qs.length, qs.ask[1499], qs.askSize[0]]).toEqual([1500, 2, 3])
    expect(qs.bidSize[0]).toBeNaN()
  })
})
