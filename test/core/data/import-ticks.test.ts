import { describe, expect, it } from 'vitest'
import type { QuoteSeries, TradeSeries } from '../../../src/main/core/data/bar-series'
import { ImportOptionsError } from '../../../src/main/core/data/errors'
import { importFile } from '../../../src/main/core/data/import-file'
import type { ImportOptions, ImportReport } from '../../../src/main/core/data/import-report'
import { sharedDataPath } from '../../support/shared-data'

const utc = (iso: string): number => Date.parse(iso)

async function trades(rel: string[], options: ImportOptions = {}): Promise<{ s: TradeSeries; report: ImportReport }> {
  const r = await importFile(sharedDataPath(...rel), options)
  if (r.kind !== 'trades') throw new Error(`expected trades, got ${r.kind}`)
  return { s: r.series, report: r.report }
}

async function quotes(rel: string[], options: ImportOptions = {}): Promise<{ s: QuoteSeries; report: ImportReport }> {
  const r = await importFile(sharedDataPath(...rel), options)
  if (r.kind !== 'quotes') throw new Error(`expected quotes, got ${r.kind}`)
  return { s: r.series, report: r.report }
}

/** [ts, price, amount, side] of trade i. */
function trade(s: TradeSeries, i: number): number[] {
  const k = i < 0 ? s.length + i : i
  return [s.ts[k], s.price[k], s.amount[k], s.side[k]]
}

/** [ts, bid, ask, bidSize, askSize] of quote i. */
function quote(s: QuoteSeries, i: number): number[] {
  const k = i < 0 ? s.length + i : i
  return [s.ts[k], s.bid[k], s.ask[k], s.bidSize[k], s.askSize[k]]
}

describe('trade import from real files', () => {
  it('freqtrade XRP_ETH-trades.json.gz (gzip JSON rows [ts, id, order, side, price, amount, cost])', async () => {
    const { s, report } = await trades(['freqtrade', 'at-4d3740d', 'XRP_ETH-trades.json.gz'])
    expect(report.format).toBe('freqtrade-trades-json')
    expect(report.gzip).toBe(true)
    expect(s.length).toBe(12477)
    expect(trade(s, 0)).toEqual([1570752011620, 0.00141342, 23, -1])
    expect(trade(s, 3)).toEqual([1570752028907, 0.00141379, 581, 1])
    expect(trade(s, -1)).toEqual([1570965568844, 0.00152787, 130, -1])
    expect(report.symbol).toBe('XRP_ETH-trades')
  })

  it('Tardis trades (µs timestamps, symbol column, taker side)', async () => {
    const { s, report } = await trades(['nautilus_trader', 'tardis-at-8a2858d', 'trades.csv'])
    expect([report.format, report.dialect, report.symbol, report.timeUnit]).toEqual(['csv-trades', 'tardis', 'BTCUSDT', 'us'])
    expect(s.length).toBe(9999)
    expect(trade(s, 0)).toEqual([1582329602111, 9682, 0.132, 1])
    expect(trade(s, -1)).toEqual([1582337147728, 9666.84, 0.07, -1])

    const bitmex = await trades(['nautilus_trader', 'tardis', 'bitmex_trades_XBTUSD.csv'])
    expect(bitmex.s.length).toBe(10)
    expect(trade(bitmex.s, 0)).toEqual([1583020803145, 8531.5, 2152, -1])
    expect(bitmex.report.symbol).toBe('XBTUSD')
  })

  it('Kraken trade CSV without header (unix_s, price, volume) and REST trades JSON', async () => {
    const { s, report } = await trades(['freqtrade', 'at-c9ae5e1', 'kraken', 'BCHEUR.csv'], { symbol: 'BCH/EUR' })
    expect(report.format).toBe('kraken-trades-csv')
    expect(s.length).toBe(148)
    expect(trade(s, 0)).toEqual([1672531436000, 90.54, 1.1044842, 0])
    expect(trade(s, -1)).toEqual([1672615187000, 90.53, 1, 0])
    expect(s.symbol).toBe('BCH/EUR')
    const inc = await trades(['freqtrade', 'at-c9ae5e1', 'kraken', 'incremental_q2', 'BCHEUR.csv'])
    expect(inc.s.length).toBe(486)

    const rest = await trades(['nautilus_trader', 'kraken', 'http_trades.json'])
    expect(rest.report.format).toBe('kraken-trades-json')
    expect(rest.s.length).toBe(1000)
    expect(trade(rest.s, 0)).toEqual([1762795433971, 105433.6, 0.00027625, 1])
    expect(trade(rest.s, -1)).toEqual([1762820035982, 105899.4, 0.00009443, -1])
  })

  it('freqtrade order-flow CSV (pandas index, ms timestamps)', async () => {
    const { s, report } = await trades(['freqtrade', 'at-c9ae5e1', 'orderflow', 'public_trades_list.csv'])
    expect(report.format).toBe('csv-trades')
    expect(s.length).toBe(1000)
    expect(trade(s, 0)).toEqual([1675329600138, 1666.8, 26.062, 1])
    expect(trade(s, 1)).toEqual([1675329600214, 1666.79, 0.152, -1])
    expect(trade(s, -1)).toEqual([1675329807493, 1667.3, 0.018, 1])
  })

  it('a tick file written as O=H=L=C bars reads as trades when told', async () => {
    const { s, report } = await trades(['backtrader', 'ticksample.csv'], { kind: 'trades' })
    expect(s.length).toBe(135)
    expect(trade(s, 0)).toEqual([utc('2015-09-23T20:57:42.146Z'), 3067, 180, 0])
    expect(trade(s, -1)).toEqual([utc('2015-09-23T21:00:00.238Z'), 3069, 1, 0])
    expect(report.notes.join()).toMatch(/close used as the trade price/)
  })
})

describe('quote import from real files', () => {
  it('Tardis quotes (ask_amount, ask_price, bid_price, bid_amount)', async () => {
    const { s, report } = await quotes(['nautilus_trader', 'tardis-at-8a2858d', 'quotes.csv'])
    expect([report.format, report.dialect, report.symbol]).toEqual(['csv-quotes', 'tardis', 'BTCUSDT'])
    expect(s.length).toBe(9999)
    expect(quote(s, 0)).toEqual([1582329601096, 9681.92, 9682, 0.67, 0.84])
    expect(quote(s, -1)).toEqual([1582329827061, 9671.19, 9672.09, 0.012, 0.031])
    expect(report.quality.counts['crossed-quote']).toBe(0)

    const huobi = await quotes(['nautilus_trader', 'tardis', 'huobi-dm-swap_quotes_BTC-USD.csv'])
    expect(huobi.s.length).toBe(10)
    expect(quote(huobi.s, 0)).toEqual([1588291201099, 8629.2, 8629.3, 806, 5494])
  })

  it('TrueFX usdjpy-ticks.csv (ISO with +00:00 and µs digits)', async () => {
    const { s, report } = await quotes(['nautilus_trader', 'truefx', 'usdjpy-ticks.csv'])
    expect(s.length).toBe(1000)
    expect(quote(s, 0).slice(0, 3)).toEqual([utc('2013-01-01T22:00:00.295Z'), 86.655, 86.728])
    expect(quote(s, -1).slice(0, 3)).toEqual([utc('2013-01-01T22:35:13.494Z'), 86.836, 86.854])
    expect(s.bidSize[0]).toBeNaN()
    expect(report.columns).toEqual(['time', 'bid', 'ask'])
  })

  it('backtrader bidask.csv needs the date order (dd/mm/yyyy) to be stated', async () => {
    await expect(importFile(sharedDataPath('backtrader', 'bidask.csv'))).rejects.toThrow(ImportOptionsError)
    await expect(importFile(sharedDataPath('backtrader', 'bidask.csv'))).rejects.toThrow(/dateOrder/)
    const { s, report } = await quotes(['backtrader', 'bidask.csv'], { dateOrder: 'dmy' })
    expect(report.dateOrder).toBe('dmy')
    expect(s.length).toBe(10)
    expect(quote(s, 0).slice(0, 3)).toEqual([utc('2010-03-02T16:53:50Z'), 0.5346, 0.5347])
    expect(quote(s, -1).slice(0, 3)).toEqual([utc('2010-03-02T16:53:59Z'), 0.5684, 0.5688])
  })

  it('HistData ticks (yyyyMMdd HHmmssfff, EST without DST)', async () => {
    const { s, report } = await quotes(['nautilus_trader', 'quote_tick_data.csv'])
    expect([report.format, report.timezone]).toEqual(['histdata-quotes', '-05:00'])
    expect(s.length).toBe(9500)
    expect(quote(s, 0).slice(0, 3)).toEqual([utc('2020-01-01T22:00:00.065Z'), 1.1212, 1.12172])
    expect(quote(s, -1).slice(0, 3)).toEqual([utc('2020-01-02T04:00:52.125Z'), 1.1213, 1.12132])
    // A stated timezone wins over the format's default.
    const asUtc = await quotes(['nautilus_trader', 'quote_tick_data.csv'], { timezone: 'UTC' })
    expect(asUtc.s.ts[0]).toBe(utc('2020-01-01T17:00:00.065Z'))
  })
})
