/**
 * Decimal rounding of doubles as toFixed and toPrecision round them, without formatting and
 * parsing a string where arithmetic provably gives the same double (amounts and prices are
 * rounded on every fill).
 */

/** 10^d for the d whose power of ten is an exact double. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, d) => 10 ** d)
/** Below this, a product is at most 1/8 away from the exact one (its ulp is at most 1/4). */
const EXACT_SCALED_LIMIT = 2 ** 50

/**
 * Drops binary noise (0.30000000000000004 → 0.3) from a value that is a whole number of steps:
 * `Number(value.toFixed(decimals))`, without formatting and parsing a string where the result is
 * known. When value × 10^d lies within 1/8 of an integer j (and 10^d is exact), toFixed would
 * write j's digits, and parsing them gives the double nearest to j / 10^d, which is what the
 * correctly rounded division j / 10^d gives; otherwise the string way decides.
 */
export function clean(value: number, decimals: number): number {
  const scale = EXACT_POWERS_OF_TEN[decimals]
  if (scale !== undefined) {
    const scaled = value * scale
    const whole = Math.round(scaled)
    if (Math.abs(scaled) < EXACT_SCALED_LIMIT && Math.abs(scaled - whole) < 0.125) {
      // toFixed writes "-0.00…" for a negative value that rounds to zero, and "0.00…" for -0
      return whole === 0 ? (value < 0 ? -0 : 0) : whole / scale
    }
  }
  return Number(value.toFixed(Math.min(decimals, 100)))
}

/**
 * A value rounded to 15 significant digits, dropping the binary noise of float sums:
 * `Number(value.toPrecision(15))`, without formatting and parsing a string where the result is
 * known. With e the value's decimal exponent, when value × 10^(14−e) lies within 1/8 of an
 * integer n with 10^14 < |n| < 10^15 (the product is then below 2^50, so off by at most 1/16), toPrecision
 * writes n's digits, and parsing them gives the double nearest n / 10^(14−e): what the correctly
 * rounded division gives. Anything else (a wrong exponent, more digits, n = 10^14 for a value
 * that may lie just below 10^e, where toPrecision takes the exponent below) takes the string way.
 */
export function toFifteenDigits(value: number): number {
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-7 && magnitude < 1e15) {
    const e = Math.floor(Math.log10(magnitude))
    const scale = EXACT_POWERS_OF_TEN[14 - e]
    if (scale !== undefined) {
      const scaled = value * scale
      const n = Math.round(scaled)
      const digits = Math.abs(n)
      // n = 10^14 is safe when the value is not below 10^e, which an exact power can tell
      const exponentRight = digits > 1e14 || (digits === 1e14 && e >= 0 && magnitude >= EXACT_POWERS_OF_TEN[e]!)
      if (Math.abs(scaled - n) < 0.125 && exponentRight && digits < 1e15) return n / scale
    }
  }
  return Number(value.toPrecision(15))
}
