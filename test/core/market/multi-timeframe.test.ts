import { describe, expect, it } from 'vitest'
import type { MarketEvent } from '../../../src/shared/events'
import { defaultMarket } from '../../../src/shared/market'
import { runBacktest } from '../../../src/main/core/backtest/run-backtest'
import { importFile } from '../../../src/main/core/data/import-file'
import { defineEngine } from '../../../src/main/core/engine/engine'
import { Ema } from '../../../src/main/core/indicators/ema'
import { IndicatorStage } from '../../../src/main/core/market/indicator-stage'
import { ResampleStage } from '../../../src/main/core/market/resample-stage'
import { sharedDataPath } from '../../support/shared-data'

describe('multi-timeframe MarketSource on real 1-minute bars (backtrader 2006-01-02-volume-min-001)', () => {
  it('hands an engine each 1h bar only once it has closed, right after the 1m bar that completes it, with indicator values right after their bar', async () => {
    const imported = await importFile(sharedDataPath('backtrader/2006-01-02-volume-min-001.txt'), { symbol: 'FESX' })
    if (imported.kind !== 'bars') throw new Error('expected bars')
    const bars = imported.series
    const seen: { event: MarketEvent; now: number }[] = []
    const recorder = defineEngine({
      name: 'recorder',
      description: 'records what it is handed',
      params: {},
      create: () => ({ onMarket: (event, ctx) => void seen.push({ event, now: ctx.now() }) })
    })
    runBacktest({
      bars: [bars],
      markets: [{ ...defaultMarket('FESX'), quote: 'EUR' }],
      engines: [{ id: 'recorder', definition: recorder, params: {} }],
      broker: { currency: 'EUR', initialCash: 10_000 },
      stages: [
        new ResampleStage('FESX', '1m', '1h'),
        new IndicatorStage({ name: 'ema20-1h', indicator: 'ema', params: { period: 20 }, symbol: 'FESX', timeframe: '1h' })
      ]
    })
    const hourly = seen.filter((s) => s.event.type === 'bar' && s.event.timeframe === '1h')
    expect(hourly.length).toBeGreaterThan(500)
    const ema = new Ema(20)
    for (const { event, now } of hourly) {
      if (event.type !== 'bar') continue
      // never before its close
      expect(now).toBeGreaterThanOrEqual(event.closeTime)
      expect(event.ts).toBe(event.closeTime)
      expect(event.closed).toBe(true)
      // its close is the close of the last 1m bar inside the hour, which the engine got just before
      const i = seen.findIndex((s) => s.event === event)
      const previous = seen[i - 1].event
      expect(previous.type === 'bar' && previous.timeframe === '1m' && previous.openTime < event.closeTime).toBe(true)
      if (previous.type === 'bar') expect(event.close).toBe(previous.close)
      // the indicator layer comes right after the bar it was computed from
      const value = ema.update(event.close)
      if (!Number.isNaN(value)) {
        const next = seen[i + 1].event
        expect(next.type).toBe('indicator')
        if (next.type === 'indicator') {
          expect(next.ts).toBe(event.ts)
          expect(next.values.value ?? Object.values(next.values)[0]).toBeCloseTo(value, 9)
        }
      }
    }
    // the hourly OHLC equals the 1m bars it aggregates
    const first = hourly[0].event
    if (first.type === 'bar') {
      let o = NaN, h = -Infinity, l = Infinity, c = NaN, v = 0
      for (let k = 0; k < bars.length; k++) {
        if (bars.openTime[k] < first.openTime || bars.openTime[k] >= first.closeTime) continue
        if (Number.isNaN(o)) o = bars.open[k]
        h = Math.max(h, bars.high[k])
        l = Math.min(l, bars.low[k])
        c = bars.close[k]
        v += bars.volume[k]
      }
      expect([first.open, first.high, first.low, first.close]).toEqual([o, h, l, c])
      expect(first.volume).toBeCloseTo(v, 6)
    }
  })
})
