import { describe, expect, it } from 'vitest'
import type { BarSeries } from '../../../src/main/core/data/bar-series'
import { DataFormatError, ImportOptionsError } from '../../../src/main/core/data/errors'
import { importFile } from '../../../src/main/core/data/import-file'
import type { ImportOptions, ImportReport } from '../../../src/main/core/data/import-report'
import { sharedDataPath } from '../../support/shared-data'

const utc = (iso: string): number => Date.parse(iso)

async function bars(rel: string[], options: ImportOptions = {}): Promise<{ s: BarSeries; report: ImportReport }> {
  const r = await importFile(sharedDataPath(...rel), options)
  if (r.kind !== 'bars') throw new Error(`expected bars, got ${r.kind}`)
  return { s: r.series, report: r.report }
}

/** [openTime, open, high, low, close, volume] of bar i. */
function row(s: BarSeries, i: number): number[] {
  const k = i < 0 ? s.length + i : i
  return [s.openTime[k], s.open[k], s.high[k], s.low[k], s.close[k], s.volume[k]]
}

describe('bar import from real files', () => {
  it('backtrader 2006-day-001.txt (Date,Open,…,OpenInterest)', async () => {
    const { s, report } = await bars(['backtrader', '2006-day-001.txt'])
    expect(s.length).toBe(255)
    expect([s.timeframe, s.timeframeMs, report.timeframeDetected]).toEqual(['1d', 86_400_000, true])
    expect(row(s, 0)).toEqual([utc('2006-01-02T00:00:00Z'), 3578.73, 3605.95, 3578.73, 3604.33, 0])
    expect(row(s, -1)).toEqual([utc('2006-12-29T00:00:00Z'), 4130.12, 4142.01, 4119.94, 4119.94, 0])
    expect(s.closeTime[0]).toBe(utc('2006-01-03T00:00:00Z'))
    expect(report.dialect).toBe('backtrader')
    // No bar on a weekend, so the weekday calendar applies: only the 5 holidays are gaps
    // (Good Friday + Easter Monday, 1 May, 25 + 26 December).
    expect(report.sessions).toBe('weekdays')
    expect(report.quality.missingBars).toBe(5)
    expect(report.quality.issues.filter((i) => i.kind === 'gap').map((i) => i.line)).toEqual([76, 85, 254])
    expect(report.quality.errors).toBe(0)
  })

  it('backtrader 2006-min-005.txt: separate Date and Time columns, stamped at bar close', async () => {
    const { s, report } = await bars(['backtrader', '2006-min-005.txt'], { stamp: 'close' })
    expect(s.length).toBe(2142)
    expect(s.timeframe).toBe('5m')
    // The first row is stamped 09:05 = the close of the 09:00–09:05 bar.
    expect(row(s, 0)).toEqual([utc('2006-01-02T09:00:00Z'), 3578.73, 3587.88, 3578.73, 3582.99, 0])
    expect(s.closeTime[0]).toBe(utc('2006-01-02T09:05:00Z'))
    expect(row(s, -1)).toEqual([utc('2006-01-30T17:25:00Z'), 3679.29, 3679.4, 3676.31, 3677.52, 0])
    expect(report.stamp).toBe('close')
    // Read as open stamps instead, the same rows sit five minutes later.
    const open = await bars(['backtrader', '2006-min-005.txt'])
    expect(open.s.openTime[0]).toBe(utc('2006-01-02T09:05:00Z'))
  })

  it('backtrader 2006-01-02-volume-min-001.txt: header one column short', async () => {
    const { s, report } = await bars(['backtrader', '2006-01-02-volume-min-001.txt'])
    expect(s.length).toBe(30889)
    expect(s.openTime[0]).toBe(utc('2006-01-02T09:01:00Z'))
    expect(s.openTime[s.length - 1]).toBe(utc('2006-02-27T22:00:00Z'))
    expect(report.notes.join()).toMatch(/Time column/)
    expect(report.quality.errors).toBe(0)
  })

  it('Yahoo orcl-1995-2014.txt (Adj Close ignored)', async () => {
    const { s, report } = await bars(['backtrader', 'orcl-1995-2014.txt'])
    expect(s.length).toBe(5036)
    expect(row(s, 0)).toEqual([utc('1995-01-03T00:00:00Z'), 2.179012, 2.191358, 2.117284, 2.117284, 36301200])
    expect(row(s, -1)).toEqual([utc('2014-12-31T00:00:00Z'), 45.450001, 45.560001, 44.970001, 44.970001, 13269200])
    expect(report.dialect).toBe('yahoo')
    expect(report.columns).toEqual(['time', 'open', 'high', 'low', 'close', 'volume'])
  })

  it('Yahoo daily dates in the exchange timezone', async () => {
    const { s, report } = await bars(['backtrader', 'orcl-2014.txt'], { timezone: 'America/New_York' })
    expect(s.length).toBe(252)
    // New York midnight: 05:00 UTC in winter, 04:00 UTC in summer.
    expect(s.openTime[0]).toBe(utc('2014-01-02T05:00:00Z'))
    expect(s.openTime[s.length - 1]).toBe(utc('2014-12-31T05:00:00Z'))
    expect(s.openTime.includes(utc('2014-07-01T04:00:00Z'))).toBe(true)
    expect(report.timezone).toBe('America/New_York')
    // DST shifts of ±1 h between bars are not gaps; the 8 NYSE holidays after 2 January are
    // (20 Jan, 17 Feb, 18 Apr, 26 May, 4 Jul, 1 Sep, 27 Nov, 25 Dec).
    expect(report.sessions).toBe('weekdays')
    expect(report.quality.missingBars).toBe(8)
  })

  it('Binance kline CSV without header: nautilus ADABTC-1m-2021-11-27.csv', async () => {
    const { s, report } = await bars(['nautilus_trader', 'ADABTC-1m-2021-11-27.csv'])
    expect(report.format).toBe('binance-klines')
    expect(s.length).toBe(10)
    expect(s.timeframe).toBe('1m')
    expect(row(s, 0)).toEqual([1637971200000, 0.00002853, 0.00002854, 0.00002851, 0.00002854, 36304.2])
    // The kline's close_time 1637971259999 is inclusive; closeTime here is exclusive.
    expect(s.closeTime[0]).toBe(1637971260000)
    expect(row(s, -1)).toEqual([1637971740000, 0.00002863, 0.00002865, 0.00002863, 0.00002865, 8160.5])
    expect(report.quality.missingBars).toBe(0)
    expect(report.timeUnit).toBe('ms')
  })

  it('nautilus btc-perp-20211231-20220201_1m.csv (microsecond text timestamps)', async () => {
    const { s, report } = await bars(['nautilus_trader', 'btc-perp-20211231-20220201_1m.csv'])
    expect(s.length).toBe(45031)
    expect(row(s, 0)).toEqual([utc('2021-12-31T23:01:00Z'), 46319, 46385, 46319, 46377, 2300413.7295])
    expect(row(s, -1)).toEqual([utc('2022-02-01T05:31:00Z'), 38525, 38546, 38525, 38544, 685906.9735])
    expect(report.quality.missingBars).toBe(0)
    expect(report.sessions).toBe('24x7')
  })

  it('nautilus fxcm/gbpusd-m1-bid-2012.csv (zone +00:00, no volume)', async () => {
    const { s, report } = await bars(['nautilus_trader', 'fxcm', 'gbpusd-m1-bid-2012.csv'])
    expect(s.length).toBe(30117)
    expect(row(s, 0).slice(0, 5)).toEqual([utc('2012-02-01T00:00:00Z'), 1.57597, 1.57606, 1.57576, 1.57576])
    expect(row(s, -1).slice(0, 5)).toEqual([utc('2012-03-01T00:00:00Z'), 1.59206, 1.59211, 1.59194, 1.59208])
    expect(s.volume[0]).toBeNaN()
    expect(report.columns).not.toContain('volume')
    expect(report.quality.counts['zero-volume-filler']).toBe(0)
  })

  it('nautilus xcme/6EH4…csv.gz (gzip, CME session breaks)', async () => {
    const { s, report } = await bars(['nautilus_trader', 'xcme', '6EH4.XCME_1min_bars_20240101_20240131.csv.gz'], { stamp: 'close' })
    expect(report.gzip).toBe(true)
    expect(s.length).toBe(29996)
    // The file stamps bars at their close: each session's last row is 22:00 and the next
    // session's first row 23:01, so read with stamp 'close' the first bar opens at 23:00.
    expect(row(s, 0)).toEqual([utc('2024-01-01T23:00:00Z'), 1.1076, 1.10785, 1.1076, 1.1078, 205])
    expect(row(s, -1)).toEqual([utc('2024-01-31T23:58:00Z'), 1.08225, 1.0824, 1.08225, 1.0823, 36])
    // Minutes without trades and the daily 22:00–23:00 UTC maintenance break are gaps.
    expect(report.quality.counts.gap).toBeGreaterThan(0)
    const gapText = report.quality.issues.filter((i) => i.kind === 'gap').map((i) => i.message)
    expect(gapText.some((m) => /between 2024-01-02T22:00:00\.000Z and 2024-01-02T23:00:00\.000Z/.test(m))).toBe(true)
  })

  it('freqtrade JSON candles: UNITTEST_BTC-1m.json and XRP_ETH-1m.json', async () => {
    const { s, report } = await bars(['freqtrade', 'at-4d3740d', 'UNITTEST_BTC-1m.json'])
    expect(report.format).toBe('json-candles')
    expect(report.lineUnit).toBe('record')
    expect(s.length).toBe(13681)
    expect(row(s, 0)).toEqual([1509836520000, 0.00162008, 0.00162008, 0.00162008, 0.00162008, 108.14853839])
    expect(row(s, -1)).toEqual([1510700340000, 0.00270001, 0.00270002, 0.00270001, 0.00270002, 1.94577668])
    // Forward-filling the gaps gives one bar per minute from first to last.
    const filled = await bars(['freqtrade', 'at-4d3740d', 'UNITTEST_BTC-1m.json'], { policy: 'forward-fill' })
    expect(filled.s.length).toBe((1510700340000 - 1509836520000) / 60_000 + 1)
    expect(filled.report.quality.syntheticBars).toBe(filled.s.length - 13681)
    expect(filled.report.quality.syntheticBars).toBe(report.quality.missingBars)

    // XRP/ETH: continuous minutes, untraded ones written as O=H=L=C=previous close, volume 0.
    const xrp = await bars(['freqtrade', 'at-4d3740d', 'XRP_ETH-1m.json'])
    expect(xrp.s.length).toBe(3560)
    expect(xrp.report.quality.counts['zero-volume-filler']).toBe(3560 - 2469)
    expect(row(xrp.s, -1)).toEqual([1570965540000, 0.00152814, 0.00152817, 0.00152787, 0.00152787, 785])
    // Policy drop removes the filler bars (and would remove outliers: disabled here).
    const dropped = await bars(['freqtrade', 'at-4d3740d', 'XRP_ETH-1m.json'], { policy: 'drop', outlierSigma: 0 })
    expect(dropped.s.length).toBe(2469)
  })

  it('backtesting.py GOOG.csv (unnamed index column) and monthly BTCUSD.csv', async () => {
    const { s, report } = await bars(['backtesting.py', 'GOOG.csv'])
    expect(s.length).toBe(2148)
    expect(row(s, 0)).toEqual([utc('2004-08-19T00:00:00Z'), 100, 104.06, 95.96, 100.34, 22351900])
    expect(row(s, -1)).toEqual([utc('2013-03-01T00:00:00Z'), 797.8, 807.14, 796.15, 806.19, 2175400])
    expect(report.dialect).toBe('pandas')

    // Month-end labels (pandas 'M'): detected as 1M and stored by the month's first instant.
    const m = await bars(['backtesting.py', 'BTCUSD.csv'])
    expect(m.s.length).toBe(156)
    expect([m.s.timeframe, m.s.timeframeMs]).toEqual(['1M', 0])
    expect(row(m.s, 0)).toEqual([utc('2012-01-01T00:00:00Z'), 4.58, 7.38, 3.8, 5.55, 2012.25343589])
    expect(m.s.closeTime[0]).toBe(utc('2012-02-01T00:00:00Z'))
    expect(m.s.openTime[m.s.length - 1]).toBe(utc('2024-12-01T00:00:00Z'))
    expect(m.report.quality.missingBars).toBe(0)
  })

  it('Kraken REST OHLC JSON (string prices, seconds)', async () => {
    const { s, report } = await bars(['nautilus_trader', 'kraken', 'http_ohlc.json'])
    expect(report.format).toBe('kraken-ohlc-json')
    expect(s.length).toBe(721)
    expect(row(s, 0)).toEqual([1762777020000, 106038.2, 106038.2, 106038.2, 106038.2, 0])
    expect(s.openTime[720]).toBe(1762820220000)
  })

  it('explains what it cannot read', async () => {
    // TA-Lib's reference bars have an integer index but no time at all.
    await expect(importFile(sharedDataPath('derived', 'talib_regtest_ref_daily_252.csv'))).rejects.toThrow(DataFormatError)
    // Irregular tick rows read as bars have no timeframe to detect…
    await expect(importFile(sharedDataPath('backtrader', 'ticksample.csv'))).rejects.toThrow(ImportOptionsError)
    await expect(importFile(sharedDataPath('backtrader', 'ticksample.csv'), { timeframe: '5x' })).rejects.toThrow(/5x/)
    await expect(importFile(sharedDataPath('nope', 'missing.csv'))).rejects.toThrow(DataFormatError)
  })
})
