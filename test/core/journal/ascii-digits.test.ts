import { describe, expect, it } from 'vitest'
import { writeInteger, writeIntegerBefore } from '../../../src/main/core/journal/ascii-digits'
import { createRandom } from '../../../src/main/core/random'

const text = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1')

function integers(): number[] {
  const rnd = createRandom(5)
  const out = [0, -0, 1, -1, 9, 10, 11, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 1_600_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]
  for (let p = 1; p <= 1e15; p *= 10) out.push(p - 1, p, p + 1, -p)
  for (let i = 0; i < 200_000; i++) {
    const magnitude = 10 ** Math.floor(rnd() * 16)
    out.push(Math.floor((rnd() - 0.3) * magnitude))
  }
  return out
}

describe('integers written as bytes', () => {
  it('spells every safe integer as String does, forwards and backwards', () => {
    const bytes = new Uint8Array(64)
    for (const x of integers()) {
      const end = writeInteger(bytes, 3, x)
      expect(text(bytes, 3, end)).toBe(String(x))
      const start = writeIntegerBefore(bytes, 60, x)
      expect(text(bytes, start, 60)).toBe(String(x))
    }
  })

  it('writes -0 as JSON.stringify does', () => {
    const bytes = new Uint8Array(8)
    expect(text(bytes, 0, writeInteger(bytes, 0, -0))).toBe(JSON.stringify(-0))
  })
})
