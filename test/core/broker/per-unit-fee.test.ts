import { describe, expect, it } from 'vitest'
import { Harness, bar, order } from './harness'

/** Interactive Brokers' fixed US-equity pricing: 0.005 per share, at least 1, at most 1 % of the value. */
const IB = { taker: 0, maker: 0, fixed: 0, perUnit: 0.005, min: 1, maxRate: 0.01 }

/** Fills one market buy of `amount` at the next open `price`; returns its fee. */
function feeOf(fees: Record<string, number | null>, amount: number, price: number, cash = 1_000_000): number {
  const h = new Harness({ accountType: 'margin', initialCash: cash, fees })
  h.market(bar(0, price, price, price, price))
  const id = h.submit(order({ amount }), 60_000)
  h.market(bar(1, price, price, price, price))
  const [fill] = h.fills(id)
  return fill.fee.cost
}

describe('per-unit fee (fill rule 10.3)', () => {
  it('0.005 per unit: 688 shares pay 3.44 (LEAN BasicTemplateAlgorithm)', () => {
    expect(feeOf(IB, 688, 144.78)).toBeCloseTo(3.44, 12)
  })

  it('raised to the minimum: 100 shares pay 1, not 0.50', () => {
    expect(feeOf(IB, 100, 50)).toBe(1)
  })

  it('capped at maxRate × value: 1000 units at 0.30 pay 3 (1 % of 300), not 5', () => {
    expect(feeOf({ ...IB, min: 0 }, 1000, 0.3)).toBeCloseTo(3, 12)
  })

  it('the minimum wins over the cap: 100 units at 0.20 pay 1 although 1 % of 20 is 0.20', () => {
    expect(feeOf(IB, 100, 0.2)).toBe(1)
  })

  it('adds to the rate and the fixed fee: 0.1 % of 1 000 + 2 + max(0.05, 1) = 4', () => {
    expect(feeOf({ taker: 0.001, maker: 0.001, fixed: 2, perUnit: 0.005, min: 1, maxRate: 0.01 }, 10, 100)).toBeCloseTo(4, 12)
  })

  it('off by default: no per-unit part', () => {
    expect(feeOf({ taker: 0.001 }, 10, 100)).toBeCloseTo(1, 12)
  })
})

describe('equity-fraction sizing with a per-unit fee (fill rule 12.3)', () => {
  function sized(fees: Record<string, number | null>, price: number): { amount: number; fee: number; cash: number } {
    const h = new Harness({ accountType: 'spot', initialCash: 10_000, fees })
    h.market(bar(0, price, price, price, price))
    const id = h.submit(order({ amount: 0, cost: 10_000, equityFraction: 1 }), 60_000)
    h.market(bar(1, price, price, price, price))
    const [fill] = h.fills(id)
    return { amount: fill.amount, fee: fill.fee.cost, cash: h.broker.account.cashBalance() }
  }

  it('divides by price + per-unit fee: 10 000 / (100 + 0.5) = 99.50… → 99.502 at step 0.001', () => {
    const r = sized({ perUnit: 0.5 }, 100)
    expect(r.amount).toBe(99.502)
    expect(r.fee).toBeCloseTo(49.751, 9)
    expect(r.cash).toBeGreaterThanOrEqual(0)
  })

  it('when the minimum applies, spends cost − min: (10 000 − 5) / 10 = 999.5', () => {
    const r = sized({ perUnit: 0.001, min: 5 }, 10)
    expect(r.amount).toBe(999.5)
    expect(r.fee).toBe(5)
    expect(r.cash).toBeCloseTo(0, 9)
  })

  it('when the cap applies, divides by price × (1 + maxRate): 10 000 / 50.5 = 198.019…', () => {
    const r = sized({ perUnit: 1, maxRate: 0.01 }, 50)
    expect(r.amount).toBe(198.019)
    expect(r.fee).toBeCloseTo(0.01 * 50 * 198.019, 9)
    expect(r.cash).toBeGreaterThanOrEqual(0)
  })
})
