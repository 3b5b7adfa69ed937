/** What went wrong in the market-data store; stable, so callers and tests can branch on it. */
export type MarketStoreErrorCode =
  | 'open-failed'
  | 'schema-too-new'
  | 'schema-too-old'
  | 'migration-failed'
  | 'closed'
  | 'readonly'
  | 'bad-argument'
  | 'bad-series'
  | 'unknown-series'
  | 'series-exists'
  | 'series-mismatch'
  | 'overlap-conflict'
  | 'ambiguous-instrument'
  | 'corrupt-chunk'
  | 'write-failed'
  | 'backup-failed'

export interface MarketStoreErrorWhere {
  path?: string
  seriesId?: string
  /** 0-based row of the series being written, when a row is at fault. */
  row?: number
  cause?: unknown
}

/** Every failure of the store; `type` is stable and crosses IPC as `{ type, message }` like DataError's. */
export class MarketStoreError extends Error {
  readonly type = 'MarketStoreError'
  readonly code: MarketStoreErrorCode
  readonly path: string | undefined
  readonly seriesId: string | undefined
  readonly row: number | undefined

  constructor(code: MarketStoreErrorCode, message: string, where: MarketStoreErrorWhere = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause })
    this.name = 'MarketStoreError'
    this.code = code
    this.path = where.path
    this.seriesId = where.seriesId
    this.row = where.row
  }
}

/** Short description of a thrown value for error messages. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}
