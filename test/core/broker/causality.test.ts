import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../src/main/core/random'
import type { BarEvent } from '../../../src/shared/market-events'
import type { OrderRequest } from '../../../src/shared/orders'
import { sharedDataPath } from '../../support/shared-data'
import { Harness, market, order } from './harness'

const DAY = 86_400_000

function randomBars(seed: number, count: number, stepMs: number): BarEvent[] {
  const rnd = createRandom(seed)
  const round = (x: number): number => Math.round(x * 100) / 100
  const out: BarEvent[] = []
  let close = 100
  for (let i = 0; i < count; i++) {
    // gaps of up to ±3 % between close and the next open, so stops and limits get gapped through
    const open = round(close * (1 + (rnd() - 0.5) * 0.06))
    close = round(open * (1 + (rnd() - 0.5) * 0.04))
    const high = round(Math.max(open, close) * (1 + rnd() * 0.02))
    const low = round(Math.min(open, close) * (1 - rnd() * 0.02))
    const openTime = i * stepMs
    out.push({ type: 'bar', seq: 0, ts: openTime + stepMs, symbol: 'BTC/USDT', timeframe: 'x', openTime, closeTime: openTime + stepMs, open, high, low, close, volume: Math.round(rnd() * 50), closed: true })
  }
  return out
}

function realBars(): BarEvent[] {
  const lines = readFileSync(sharedDataPath('backtrader', '2006-day-001.txt'), 'utf8').trim().split('\n').slice(1)
  return lines.map((line) => {
    const [date, o, h, l, c] = line.split(',')
    const openTime = Date.parse(`${date}T00:00:00Z`)
    return { type: 'bar', seq: 0, ts: openTime + DAY, symbol: 'BTC/USDT', timeframe: '1d', openTime, closeTime: openTime + DAY, open: Number(o), high: Number(h), low: Number(l), close: Number(c), volume: 0, closed: true }
  })
}

/**
 * Feeds the bars to a broker, submitting and cancelling random orders between them at random
 * times (never before the last bar's close), then checks every fill against the bar it used.
 */
function run(seed: number, bars: BarEvent[], config: ConstructorParameters<typeof Harness>[0]): { fills: number; checked: number } {
  const rnd = createRandom(seed)
  const h = new Harness({ accountType: 'margin', leverage: 1000, initialCash: 1e12, markets: [market({ precision: { price: 0.01, amount: 0.001 } })], ...config })
  const latency = h.broker.config.latencyMs
  const arrival = new Map<string, number>()
  const types: OrderRequest['type'][] = ['market', 'limit', 'stop-market', 'stop-limit']
  const tifs: OrderRequest['timeInForce'][] = ['GTC', 'GTC', 'IOC', 'FOK']
  const tick = (x: number): number => Math.max(0.01, Math.round(x * 100) / 100)
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!
    h.market(b)
    const gap = (bars[i + 1]?.ts ?? b.ts + 1) - b.ts
    let now = b.ts
    const orders = Math.floor(rnd() * 3)
    for (let k = 0; k < orders; k++) {
      now += Math.floor(rnd() * (gap / 4))
      const type = types[Math.floor(rnd() * types.length)]!
      const side = rnd() < 0.5 ? 'buy' : 'sell'
      const away = (rnd() - 0.5) * 0.08
      const price = tick(b.close * (1 + away))
      const stopPrice = tick(b.close * (1 + (side === 'buy' ? Math.abs(away) : -Math.abs(away))))
      const o = order({
        type,
        side,
        amount: 0.001 + Math.floor(rnd() * 3000) / 1000,
        price: type === 'limit' || type === 'stop-limit' ? price : null,
        stopPrice: type === 'stop-market' || type === 'stop-limit' ? stopPrice : null,
        timeInForce: tifs[Math.floor(rnd() * tifs.length)]!
      })
      h.submit(o, now)
      arrival.set(o.clientOrderId, now + latency)
    }
    if (rnd() < 0.2) {
      const open = h.broker.account.openOrders()
      const victim = open[Math.floor(rnd() * open.length)]
      if (victim !== undefined) h.cancel(victim.clientOrderId, now)
    }
  }
  const byOpen = new Map(bars.map((b) => [b.openTime, b]))
  let checked = 0
  for (const f of h.fills()) {
    const b = byOpen.get(f.tradeTs)
    expect(b, `fill ${f.tradeId} names a bar`).toBeDefined()
    // never a bar that opened (let alone ended) before the order reached the venue
    expect(b!.openTime).toBeGreaterThanOrEqual(arrival.get(f.clientOrderId)!)
    expect(b!.closeTime).toBeGreaterThan(arrival.get(f.clientOrderId)!)
    expect(f.price).toBeGreaterThanOrEqual(b!.low)
    expect(f.price).toBeLessThanOrEqual(b!.high)
    // the fill is reported when that bar is seen, not earlier
    expect(f.ts).toBe(b!.ts)
    checked++
  }
  return { fills: h.fills().length, checked }
}

describe('causality: no fill uses a price the order could not have met', () => {
  const configs: Array<[string, ConstructorParameters<typeof Harness>[0]]> = [
    ['no latency', {}],
    ['latency 40 % of a bar', { latencyMs: 24_000 }],
    ['latency longer than a bar, slippage 30 bps', { latencyMs: 90_000, slippage: { kind: 'bps', bps: 30 } }],
    ['partial fills', { partialFills: { maxVolumeFraction: 0.2 }, latencyMs: 1 }]
  ]
  for (const [name, config] of configs) {
    it(`random bars and orders, ${name}`, () => {
      let fills = 0
      for (let seed = 1; seed <= 20; seed++) {
        const result = run(seed, randomBars(1000 + seed, 150, 60_000), config)
        expect(result.checked).toBe(result.fills)
        fills += result.fills
      }
      // the property was exercised, not vacuously true
      expect(fills).toBeGreaterThan(500)
    })
  }

  it('real daily bars (backtrader 2006-day-001) with random orders', () => {
    const bars = realBars()
    expect(bars).toHaveLength(255)
    let fills = 0
    for (let seed = 1; seed <= 10; seed++) fills += run(seed, bars, { latencyMs: seed % 2 === 0 ? 0 : 3_600_000 }).fills
    expect(fills).toBeGreaterThan(500)
  })
})
