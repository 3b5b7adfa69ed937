export type IndicatorErrorKind = 'bad-param' | 'unknown-indicator' | 'bad-input'

/**
 * Every failure of the indicators library: what went wrong (`kind`), in which indicator,
 * and which parameter / bar field (`field`).
 */
export class IndicatorError extends Error {
  readonly kind: IndicatorErrorKind
  readonly indicator: string
  readonly field: string | undefined

  constructor(kind: IndicatorErrorKind, indicator: string, field: string | undefined, detail: string) {
    super(`${indicator}${field === undefined ? '' : `.${field}`}: ${detail}`)
    this.name = 'IndicatorError'
    this.kind = kind
    this.indicator = indicator
    this.field = field
  }
}
