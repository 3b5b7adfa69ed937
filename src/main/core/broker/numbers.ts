/** Step arithmetic for amounts and prices: exchanges count in whole steps, floats do not. */
import { clean } from '../decimal-rounding'

let lastStep = NaN
let lastDecimals = 0

/** Decimals needed to write a step such as 0.001 or 1e-8 exactly. */
export function stepDecimals(step: number): number {
  // Asked with the same market step fill after fill: remember the last answer.
  if (step === lastStep) return lastDecimals
  lastDecimals = countDecimals(step)
  lastStep = step
  return lastDecimals
}

function countDecimals(step: number): number {
  const s = step.toString()
  const exp = s.indexOf('e-')
  if (exp >= 0) {
    const mantissa = s.slice(0, exp)
    const dot = mantissa.indexOf('.')
    return Number(s.slice(exp + 2)) + (dot >= 0 ? mantissa.length - dot - 1 : 0)
  }
  const dot = s.indexOf('.')
  return dot >= 0 ? s.length - dot - 1 : 0
}


/** Steps in `value`, rounded down, where a value within float noise of a whole step counts as that step. */
function wholeSteps(value: number, step: number): number {
  const q = value / step
  const r = Math.round(q)
  const tolerance = Math.max(1e-9, Math.abs(q) * 1e-14)
  return Math.abs(q - r) <= tolerance ? r : Math.floor(q)
}

/** Rounds down to a multiple of `step`. */
export function floorToStep(value: number, step: number): number {
  if (!(value > 0)) return 0
  return clean(wholeSteps(value, step) * step, stepDecimals(step))
}

/** True when `price` is a positive whole number of `step`s (relative tolerance 1e-9). */
export function isStepMultiple(price: number, step: number): boolean {
  if (!(price > 0) || !Number.isFinite(price)) return false
  const k = Math.round(price / step)
  return k >= 1 && Math.abs(price - k * step) <= 1e-9 * price
}

/** a ≤ b allowing for float noise relative to the operands. */
export function lessOrClose(a: number, b: number): boolean {
  return a <= b + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
}

/** Rounds to the nearest multiple of `step` (prices: ccxt's priceToPrecision). */
export function roundToStep(value: number, step: number): number {
  return clean(Math.round(value / step) * step, stepDecimals(step))
}
