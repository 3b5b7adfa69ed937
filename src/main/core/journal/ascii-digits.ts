/**
 * Decimal digits of safe integers written straight into bytes, as `String(x)` spells them (and
 * `JSON.stringify`: -0 is "0"). Rows are hashed and journaled as bytes; an integer formatted
 * this way makes no string. The digits come from 32-bit integer arithmetic: `%` on doubles
 * is a call into C.
 */

const MINUS = 0x2d
const ZERO = 0x30
const LOW = 1e8

/** Writes `x` (a safe integer) so that it ends just before `end`; returns where it starts. */
export function writeIntegerBefore(out: Uint8Array, end: number, x: number): number {
  let n = x < 0 ? -x : x
  let i = end
  if (n >= LOW) {
    // a safe integer is below 2^53 < 1e8 × 2^31: the high part fits in 32 bits, and so does the low
    const high = Math.floor(n / LOW)
    let low = n - high * LOW
    for (let k = 0; k < 8; k++) {
      const q = (low / 10) | 0
      out[--i] = ZERO + (low - q * 10)
      low = q
    }
    n = high
  }
  let m = n | 0
  do {
    const q = (m / 10) | 0
    out[--i] = ZERO + (m - q * 10)
    m = q
  } while (m > 0)
  if (x < 0) out[--i] = MINUS
  return i
}

/** Writes `x` (a safe integer) at `o`; returns the offset after it. */
export function writeInteger(out: Uint8Array, o: number, x: number): number {
  const n = x < 0 ? -x : x
  let length = x < 0 ? 2 : 1
  for (let p = 10; p <= n; p *= 10) length++
  writeIntegerBefore(out, o + length, x)
  return o + length
}
