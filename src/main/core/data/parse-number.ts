/** Exact powers of ten as doubles (10^0 … 10^22 are all representable). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

/**
 * Decimal number in text[start, end) without allocating: plain `[-+]ddd[.ddd]` with at most 15
 * significant digits is built as integer mantissa / 10^k, which is exact and correctly rounded
 * (both operands are exact doubles). Anything else (exponents, long mantissas) goes through
 * Number(). Returns NaN for empty, non-numeric or infinite text.
 */
export function parseNumber(text: string, start: number, end: number): number {
  if (start >= end) return NaN
  let i = start
  let c = text.charCodeAt(i)
  let neg = false
  if (c === 45 /* - */) {
    neg = true
    i++
  } else if (c === 43 /* + */) i++
  let mant = 0
  let digits = 0
  let frac = 0
  for (; i < end; i++) {
    c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    mant = mant * 10 + (c - 48)
    digits++
  }
  if (i < end && c === 46 /* . */) {
    for (i++; i < end; i++) {
      c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      mant = mant * 10 + (c - 48)
      digits++
      frac++
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = frac === 0 ? mant : mant / POW10[frac]
    return neg ? -v : v
  }
  const v = Number(text.slice(start, end))
  return Number.isFinite(v) ? v : NaN
}
