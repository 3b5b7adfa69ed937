/**
 * Fixed-point decimals for the emulated venue: every price, quantity and balance is a bigint count
 * of 1e-8 units, the resolution Binance spot reports its numbers in, so balances and fills add up
 * exactly and print like Binance's strings ("61837.63000000").
 */

export type Dec = bigint

export const SCALE = 100_000_000n
export const ZERO = 0n

const DECIMAL = /^(\d{1,20})(?:\.(\d{1,20}))?$/

/** A non-negative decimal string as 1e-8 units; null if malformed or finer than 1e-8. */
export function parseDec(text: string): Dec | null {
  const m = DECIMAL.exec(text.trim())
  if (m === null) return null
  const frac = m[2] ?? ''
  if (frac.length > 8 && /[1-9]/.test(frac.slice(8))) return null
  return BigInt(m[1]) * SCALE + BigInt((frac.slice(0, 8) + '00000000').slice(0, 8))
}

/** A JS number as 1e-8 units, rounded to the nearest unit. */
export function fromNumber(n: number): Dec {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`)
  const negative = n < 0
  const units = BigInt(Math.round(Math.abs(n) * 1e8))
  return negative ? -units : units
}

/** Binance style: always 8 decimals. */
export function fmt(d: Dec): string {
  const negative = d < 0n
  const abs = negative ? -d : d
  const int = abs / SCALE
  const frac = (abs % SCALE).toString().padStart(8, '0')
  return `${negative ? '-' : ''}${int}.${frac}`
}

export function toNumber(d: Dec): number {
  return Number(fmt(d))
}

/** a × b, rounded half away from zero to 1e-8. */
export function mul(a: Dec, b: Dec): Dec {
  const p = a * b
  const q = p / SCALE
  const r = p % SCALE
  if (r * 2n >= SCALE) return q + 1n
  if (r * 2n <= -SCALE) return q - 1n
  return q
}

/** a ÷ b, truncated to 1e-8. */
export function div(a: Dec, b: Dec): Dec {
  return (a * SCALE) / b
}

/** The largest multiple of `step` not above `x`. */
export function floorTo(x: Dec, step: Dec): Dec {
  return x - (x % step)
}

export function min(a: Dec, b: Dec): Dec {
  return a < b ? a : b
}
