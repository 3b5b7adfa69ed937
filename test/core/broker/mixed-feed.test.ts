import { describe, expect, it } from 'vitest'
import { Harness, MINUTE, bar, order, quote, trade } from './harness'

/*
 * A symbol fed by bars and quotes (LEAN minute data: the trade bar, then the quote bar's close
 * at the same minute end). README fill rules 7.4 (market orders take the next quote) and 16.3
 * (bars mark the symbol, quotes do not).
 */
describe('mixed bar + quote feed', () => {
  it('a market buy decided on a bar fills at the ask of the quote that ends the same minute', () => {
    const h = new Harness({ accountType: 'margin' })
    h.market(quote(0, 99.9, 100.1))
    h.market(bar(0, 100, 101, 99.5, 100.4))
    // decided on bar 0 (reported at 60 000); the quote of minute 0 is stamped at its end, 60 000
    const buy = h.submit(order({ amount: 2 }), MINUTE)
    h.market(quote(MINUTE, 100.3, 100.5))
    expect(h.fills(buy)).toMatchObject([{ price: 100.5, amount: 2, tradeTs: MINUTE, ts: MINUTE, liquidity: 'taker' }])
  })

  it('once quotes are seen, bars no longer fill market orders: the next quote does (bid for a sell)', () => {
    const h = new Harness({ accountType: 'margin' })
    h.market(bar(0, 100, 101, 99.5, 100.4), quote(MINUTE, 100.3, 100.5))
    const sell = h.submit(order({ side: 'sell', amount: 1 }), MINUTE + 1)
    // bar 1 opened before the arrival; bar 2 would fill at its open 100.7 under the bar rule
    h.market(bar(1, 100.4, 100.9, 100.2, 100.6), bar(2, 100.7, 100.8, 100.1, 100.2))
    expect(h.fills(sell)).toEqual([])
    h.market(quote(3 * MINUTE, 100.1, 100.3))
    expect(h.fills(sell)).toMatchObject([{ price: 100.1, tradeTs: 3 * MINUTE }])
  })

  it('limit orders keep the bar rules on a mixed feed', () => {
    const h = new Harness({ accountType: 'margin' })
    h.market(bar(0, 100, 101, 99.5, 100.4), quote(MINUTE, 100.3, 100.5))
    const limit = h.submit(order({ type: 'limit', price: 99 }), MINUTE)
    h.market(bar(1, 100.2, 100.3, 98.8, 99.4))
    expect(h.fills(limit)).toMatchObject([{ price: 99, liquidity: 'maker', tradeTs: MINUTE }])
  })

  it('before the first quote a market order fills at the next bar open, as on a bar feed', () => {
    const h = new Harness({ accountType: 'margin' })
    h.market(bar(0, 100, 101, 99.5, 100.4))
    const buy = h.submit(order(), MINUTE)
    h.market(bar(1, 100.6, 101, 100.2, 100.9), quote(2 * MINUTE, 100.8, 101))
    expect(h.fills(buy)).toMatchObject([{ price: 100.6, tradeTs: MINUTE }])
  })
})

describe('marks', () => {
  it('a symbol fed by bars is marked at bar closes, not at quote mids', () => {
    const h = new Harness({ accountType: 'margin' })
    h.market(bar(0, 100, 101, 99.5, 100.4), quote(MINUTE, 100.3, 100.7))
    expect(h.broker.account.lastPrice('BTC/USDT')).toBe(100.4)
    const buy = h.submit(order({ amount: 10 }), MINUTE)
    h.market(quote(MINUTE, 100.3, 100.7))
    expect(h.fills(buy)).toMatchObject([{ price: 100.7 }])
    // cash 10 000 − 1 007 = 8 993; marked at the close 100.4, not the mid 100.5
    expect(h.broker.account.equity()).toBeCloseTo(8_993 + 1_004, 9)
    h.market(bar(1, 100.4, 101, 100, 100.9), quote(2 * MINUTE, 101, 101.2))
    expect(h.broker.account.equity()).toBeCloseTo(8_993 + 1_009, 9)
  })

  it('a symbol fed only by quotes is marked at the mid; by trades, at the trade price', () => {
    const q = new Harness().market(quote(0, 99, 101))
    expect(q.broker.account.lastPrice('BTC/USDT')).toBe(100)
    const t = new Harness().market(trade(0, 99.5), quote(1, 99, 101))
    expect(t.broker.account.lastPrice('BTC/USDT')).toBe(100)
    t.market(trade(2, 100.25))
    expect(t.broker.account.lastPrice('BTC/USDT')).toBe(100.25)
  })
})
