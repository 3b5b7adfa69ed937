import type { ImportReport } from './import-report'

/** Where a data problem is: the file, the 1-based line (or JSON record) and the field, as far as known. */
export interface DataErrorWhere {
  file?: string
  line?: number
  field?: string
  cause?: unknown
}

/** Base of every market-data error; `type` is stable and crosses IPC as `{ type, message }`. */
export class DataError extends Error {
  readonly type: string
  readonly file: string | undefined
  readonly line: number | undefined
  readonly field: string | undefined

  constructor(type: string, message: string, where: DataErrorWhere = {}) {
    super(withWhere(message, where), where.cause === undefined ? undefined : { cause: where.cause })
    this.name = new.target.name
    this.type = type
    this.file = where.file
    this.line = where.line
    this.field = where.field
  }
}

/** A timeframe string that is not a ccxt-style `<n><unit>` (units s m h d w M y). */
export class TimeframeError extends DataError {
  constructor(message: string) {
    super('TimeframeError', message)
  }
}

/** An import option that is invalid or missing (bad timezone, ambiguous date order, undetectable timeframe…). */
export class ImportOptionsError extends DataError {
  readonly option: string
  constructor(option: string, message: string, where: DataErrorWhere = {}) {
    super('ImportOptionsError', `option ${option}: ${message}`, where)
    this.option = option
  }
}

/** The file cannot be read as any supported format (unknown layout, missing columns, broken JSON, I/O failure). */
export class DataFormatError extends DataError {
  constructor(message: string, where: DataErrorWhere = {}) {
    super('DataFormatError', message, where)
  }
}

/** Policy `reject` met at least one error; the full report is attached and no data is returned. */
export class DataQualityError extends DataError {
  readonly report: ImportReport
  constructor(report: ImportReport) {
    const errors = report.quality.errors
    const first = report.quality.issues[0]
    const firstText = first ? `; first: line ${first.line} ${first.kind}: ${first.message}` : ''
    super('DataQualityError', `${errors} row error(s) under policy reject${firstText}`, {
      file: report.file,
      line: first?.line
    })
    this.report = report
  }
}

function withWhere(message: string, where: DataErrorWhere): string {
  const parts: string[] = []
  if (where.file !== undefined) parts.push(where.file)
  if (where.line !== undefined) parts.push(`line ${where.line}`)
  if (where.field !== undefined) parts.push(`field ${where.field}`)
  return parts.length ? `${parts.join(', ')}: ${message}` : message
}
