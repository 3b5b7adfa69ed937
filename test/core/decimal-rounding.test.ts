import { describe, expect, it } from 'vitest'
import { floorToStep, roundToStep } from '../../src/main/core/broker/numbers'
import { clean } from '../../src/main/core/decimal-rounding'
import { createRandom } from '../../src/main/core/random'

/** What clean is defined as: toFixed's decimal rounding, parsed back. */
const reference = (value: number, decimals: number) => Number(value.toFixed(Math.min(decimals, 100)))

describe('clean', () => {
  it('equals toFixed-and-parse on sums and multiples of steps, with and without float noise', () => {
    const rnd = createRandom(5)
    let checked = 0
    const wrong: string[] = []
    for (let i = 0; i < 200_000; i++) {
      const decimals = Math.floor(rnd() * 13)
      const step = 10 ** -decimals * [1, 2, 5, 25][Math.floor(rnd() * 4)]!
      const k = Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)) * (rnd() < 0.3 ? -1 : 1)
      const values = [k * step, k * step + step * 0.1 * (rnd() - 0.5), k * step + (rnd() - 0.5) * 1e-9, (k * step) / 3, k * step + 0.1 + 0.2]
      for (const v of values) {
        if (!Object.is(clean(v, decimals + 2), reference(v, decimals + 2))) wrong.push(`${v} at ${decimals + 2}`)
        checked++
      }
    }
    expect(checked).toBe(1_000_000)
    expect(wrong).toEqual([])
  })

  it('equals toFixed-and-parse on random doubles of every magnitude, ties and edge values', () => {
    const rnd = createRandom(9)
    const edge = [0, -0, 1e-13, -1e-13, 0.5, -0.5, 0.125, 0.375, 2.5, 1.005, 1e15 + 0.3, 2 ** 50, 2 ** 53, 1e21, 1e22, -1e21, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE]
    for (const v of edge) for (let d = 0; d <= 30; d++) expect(Object.is(clean(v, d), reference(v, d)), `${v} at ${d}`).toBe(true)
    const wrong: string[] = []
    for (let i = 0; i < 300_000; i++) {
      const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20)
      const d = Math.floor(rnd() * 25)
      if (!Object.is(clean(v, d), reference(v, d))) wrong.push(`${v} at ${d}: ${clean(v, d)} ≠ ${reference(v, d)}`)
    }
    expect(wrong).toEqual([])
  })

  it('takes odd decimals the way toFixed does', () => {
    expect(clean(0.30000000000000004, 1)).toBe(0.3)
    expect(clean(1.23456, 2.5)).toBe(reference(1.23456, 2.5))
    expect(clean(1.23456, 150)).toBe(1.23456)
  })

  it('leaves floorToStep and roundToStep exact', () => {
    expect(floorToStep(0.30000000000000004, 0.1)).toBe(0.3)
    expect(floorToStep(103.13499442999, 1e-8)).toBe(103.13499442)
    expect(roundToStep(9696.034999, 0.01)).toBe(9696.03)
    expect(roundToStep(0.7 * 3, 0.05)).toBe(2.1)
  })
})
