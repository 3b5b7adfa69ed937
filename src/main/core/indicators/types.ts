import { IndicatorError } from './errors'

/**
 * Which library's warm-up and seeding rules to follow where TA-Lib and Tulip Indicators
 * differ (see README.md in this folder). Default everywhere: 'talib'.
 */
export type Convention = 'talib' | 'tulip'

export interface ConventionOptions {
  /** Seeding / first-output rules to follow where the libraries differ. Default 'talib'. */
  readonly convention?: Convention
  /**
   * Extra bars to compute but not report after the nominal warm-up (TA-Lib's "unstable
   * period"). It only delays `ready`; values are the same as with 0. Default 0.
   */
  readonly unstablePeriod?: number
}

/** Resolved options; every indicator keeps these so `reset()` can restore the start state. */
export interface ResolvedConvention {
  readonly convention: Convention
  readonly unstablePeriod: number
}

export function resolveConvention(indicator: string, options: ConventionOptions | undefined): ResolvedConvention {
  const convention = options?.convention ?? 'talib'
  if (convention !== 'talib' && convention !== 'tulip') {
    throw new IndicatorError('bad-param', indicator, 'convention', `convention must be 'talib' or 'tulip', got ${String(convention)}`)
  }
  const unstablePeriod = options?.unstablePeriod ?? 0
  requireInteger(indicator, 'unstablePeriod', unstablePeriod, 0)
  return { convention, unstablePeriod }
}

/** Throws unless `value` is an integer >= `min` (periods, counts). */
export function requireInteger(indicator: string, field: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new IndicatorError('bad-param', indicator, field, `${field} must be an integer >= ${min}, got ${String(value)}`)
  }
  return value
}

/** Throws unless `value` is a finite number >= `min` (multipliers, offsets). */
export function requireFinite(indicator: string, field: string, value: number, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const bound = min === -Infinity ? 'a finite number' : `a finite number >= ${min}`
    throw new IndicatorError('bad-param', indicator, field, `${field} must be ${bound}, got ${String(value)}`)
  }
  return value
}

/** Minimal surface every streaming indicator class shares. */
export interface StreamingIndicator {
  /** Primary output of the last update; NaN until `ready`. */
  readonly value: number
  /** True once the warm-up (plus any unstable period) is over. */
  readonly ready: boolean
  /** Forget all history; the next update is treated as the first bar. */
  reset(): void
}
