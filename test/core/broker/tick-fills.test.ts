import { describe, expect, it } from 'vitest'
import { BrokerConfigError } from '../../../src/main/core/broker/config'
import { Harness, bar, order, quote, trade } from './harness'

describe('trade-driven fills', () => {
  it('a market order fills at the first trade at or after its arrival', () => {
    const h = new Harness({ latencyMs: 50, accountType: 'margin' }).market(trade(900, 50))
    const id = h.submit(order(), 950) // arrives at 1000
    h.market(trade(990, 50.5), trade(1000, 51), trade(1010, 52))
    expect(h.fills(id)).toMatchObject([{ price: 51, tradeTs: 1000, ts: 1000, liquidity: 'taker' }])
  })

  it('a resting buy limit fills at its price when a trade prints at or below it (maker)', () => {
    const h = new Harness().market(trade(0, 51))
    const id = h.submit(order({ type: 'limit', price: 50 }), 0)
    h.market(trade(1, 51), trade(2, 50.5))
    expect(h.fills(id)).toEqual([])
    h.market(trade(3, 49.8))
    expect(h.fills(id)).toMatchObject([{ price: 50, liquidity: 'maker', tradeTs: 3 }])
  })

  it('a buy limit marketable on arrival takes the trade price (taker)', () => {
    const h = new Harness().market(trade(0, 51))
    const id = h.submit(order({ type: 'limit', price: 52 }), 0)
    h.market(trade(1, 51.2))
    expect(h.fills(id)).toMatchObject([{ price: 51.2, liquidity: 'taker' }])
  })

  it('stops trigger on a trade at or through the stop and fill at that trade', () => {
    const h = new Harness({ accountType: 'margin' }).market(trade(0, 50))
    const buy = h.submit(order({ type: 'stop-market', stopPrice: 52 }), 0)
    const sell = h.submit(order({ type: 'stop-market', side: 'sell', stopPrice: 48 }), 0)
    h.market(trade(1, 51), trade(2, 52.3), trade(3, 47.5))
    expect(h.of(buy)[2]).toMatchObject({ type: 'OrderTriggered', price: 52.3 })
    expect(h.fills(buy)).toMatchObject([{ price: 52.3, liquidity: 'taker' }])
    expect(h.fills(sell)).toMatchObject([{ price: 47.5 }])
  })

  it('a stop-limit triggered outside its limit rests and later fills at the limit', () => {
    const h = new Harness().market(trade(0, 50))
    const id = h.submit(order({ type: 'stop-limit', stopPrice: 52, price: 52.5 }), 0)
    h.market(trade(1, 53)) // triggers at 53 > 52.5: rests
    expect(h.status(id)).toBe('triggered')
    h.market(trade(2, 52.4))
    expect(h.fills(id)).toMatchObject([{ price: 52.5, liquidity: 'maker' }])
  })

  it('partial fills: at most maxVolumeFraction of each trade amount', () => {
    const h = new Harness({ partialFills: { maxVolumeFraction: 0.5 } }).market(trade(0, 50))
    const id = h.submit(order({ amount: 1 }), 0)
    // 0.5 × 0.6 = 0.3, then 0.5 × 2 = 1 of which 0.7 is left
    h.market(trade(1, 50, 0.6), trade(2, 51, 2))
    expect(h.fills(id).map((f) => [f.price, f.amount, f.remaining])).toEqual([
      [50, 0.3, 0.7],
      [51, 0.7, 0]
    ])
  })

  it('bps slippage applies to the trade price of market fills', () => {
    const h = new Harness({ slippage: { kind: 'bps', bps: 20 } }).market(trade(0, 50))
    const id = h.submit(order(), 0)
    h.market(trade(1, 50))
    // 50 × 1.002 = 50.1
    expect(h.fills(id)[0]!.price).toBeCloseTo(50.1, 10)
  })

  it("'spread' slippage on trade data is a configuration error", () => {
    const h = new Harness({ slippage: { kind: 'spread', fraction: 0.5 } }).market(trade(0, 50))
    h.submit(order(), 0)
    expect(() => h.market(trade(1, 50))).toThrow(BrokerConfigError)
  })
})

describe('quote-driven fills', () => {
  it('market buys fill at the ask and sells at the bid of the first quote after arrival', () => {
    const h = new Harness({ accountType: 'margin' }).market(quote(0, 99.9, 100.1))
    const buy = h.submit(order({ side: 'buy' }), 0)
    const sell = h.submit(order({ side: 'sell' }), 0)
    h.market(quote(5, 99.8, 100.2))
    expect(h.fills(buy)).toMatchObject([{ price: 100.2, tradeTs: 5 }])
    expect(h.fills(sell)).toMatchObject([{ price: 99.8 }])
    // marked at the mid (99.8 + 100.2) / 2 = 100
    expect(h.broker.account.lastPrice('BTC/USDT')).toBe(100)
  })

  it('a resting buy limit fills at its price when the ask touches it', () => {
    const h = new Harness().market(quote(0, 99.9, 100.1))
    const id = h.submit(order({ type: 'limit', price: 100 }), 0)
    h.market(quote(1, 99.95, 100.05))
    expect(h.fills(id)).toEqual([])
    h.market(quote(2, 99.9, 99.98))
    expect(h.fills(id)).toMatchObject([{ price: 100, liquidity: 'maker' }])
  })

  it('stops trigger on the side a market order would fill: buy stops on the ask, sell stops on the bid', () => {
    const h = new Harness({ accountType: 'margin' }).market(quote(0, 99.9, 100.1))
    const buy = h.submit(order({ type: 'stop-market', stopPrice: 100.5 }), 0)
    const sell = h.submit(order({ type: 'stop-market', side: 'sell', stopPrice: 99.5 }), 0)
    h.market(quote(1, 100.4, 100.6)) // ask 100.6 ≥ 100.5
    expect(h.fills(buy)).toMatchObject([{ price: 100.6 }])
    h.market(quote(2, 99.6, 99.7)) // bid 99.6 > 99.5: no trigger
    expect(h.fills(sell)).toEqual([])
    h.market(quote(3, 99.4, 99.6))
    expect(h.fills(sell)).toMatchObject([{ price: 99.4 }])
  })

  it('spread slippage moves taker fills by a fraction of the spread', () => {
    const h = new Harness({ slippage: { kind: 'spread', fraction: 0.5 } }).market(quote(0, 99.9, 100.1))
    const id = h.submit(order(), 0)
    h.market(quote(1, 99.9, 100.1))
    // 100.1 + 0.5 × (100.1 − 99.9) = 100.2
    expect(h.fills(id)[0]!.price).toBeCloseTo(100.2, 10)
  })

  it('a postOnly limit crossing the known ask is rejected', () => {
    const h = new Harness().market(quote(0, 99.9, 100.1))
    const crossing = h.submit(order({ type: 'limit', price: 100.1, postOnly: true }), 0)
    const resting = h.submit(order({ type: 'limit', price: 100, postOnly: true }), 0)
    expect(h.reason(crossing)).toBe('postOnly would take liquidity: buy at 100.1 crosses 100.1')
    expect(h.status(resting)).toBe('accepted')
  })

  it('partial fills are capped by the quoted size on the side taken', () => {
    const h = new Harness({ partialFills: { maxVolumeFraction: 1 } }).market(quote(0, 99.9, 100.1))
    const id = h.submit(order({ amount: 3 }), 0)
    h.market(quote(1, 99.9, 100.1, 10, 2), quote(2, 99.9, 100.2, 10, 5))
    expect(h.fills(id).map((f) => [f.price, f.amount])).toEqual([
      [100.1, 2],
      [100.2, 1]
    ])
  })

  it('bars of a second timeframe do not fill orders', () => {
    const h = new Harness().market(bar(0, 100, 101, 99, 100))
    h.submit(order(), 60_000)
    const hourly = { ...bar(1, 90, 91, 89, 90), timeframe: '1h' }
    h.market(hourly)
    expect(h.fills()).toEqual([])
    h.market(bar(1, 101, 102, 100, 101))
    expect(h.fills()).toMatchObject([{ price: 101 }])
  })
})
