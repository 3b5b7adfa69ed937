import path from 'node:path'
import { isoText } from './calendar'
import { MAX_FIELDS, readCsvRows } from './csv-reader'
import type { FormatSpec } from './detect-format'
import { ImportOptionsError } from './errors'
import type { ImportOptions, ImportProgress, ImportReport, ProgressCallback } from './import-report'
import { JSON_NULL, readJsonRows, type JsonRowSink } from './json-rows'
import { parseNumber } from './parse-number'
import { TimestampParser } from './parse-time'
import { IssueLog, QUALITY_POLICIES, type GateResult, type IssueKind, type QualityPolicy } from './quality'
import type { TextFile } from './text-file'
import { resolveZone, type Zone } from './timezone'

const PROGRESS_EVERY = 100_000

/**
 * State shared by the row parsers of one import: the timestamp parser, the issue log, progress,
 * and the rule that a problem on a cut-off last row is reported as `truncated`.
 */
export abstract class RowParser implements JsonRowSink {
  readonly kinds = new Uint8Array(MAX_FIELDS)
  readonly log: IssueLog
  readonly parser: TimestampParser
  readonly zone: Zone
  readonly policy: QualityPolicy
  readonly outlierSigma: number
  rowsRead = 0
  /** Symbol found in the file (Tardis `symbol` column), if any. */
  fileSymbol: string | undefined
  private nextProgress = PROGRESS_EVERY

  constructor(
    readonly file: TextFile,
    readonly spec: FormatSpec,
    readonly options: ImportOptions,
    private readonly onProgress: ProgressCallback | undefined
  ) {
    const policy = options.policy ?? 'keep-gaps'
    if (!QUALITY_POLICIES.includes(policy)) {
      throw new ImportOptionsError('policy', `${JSON.stringify(policy)} is not one of ${QUALITY_POLICIES.join(', ')}`)
    }
    this.policy = policy
    const sigma = options.outlierSigma ?? 10
    if (!(sigma >= 0)) throw new ImportOptionsError('outlierSigma', `must be a number ≥ 0 (0 disables), got ${sigma}`)
    this.outlierSigma = sigma
    const maxIssues = options.maxIssues ?? 1000
    if (!(Number.isInteger(maxIssues) && maxIssues >= 0)) throw new ImportOptionsError('maxIssues', `must be a whole number ≥ 0, got ${maxIssues}`)
    this.log = new IssueLog(maxIssues)
    oneOf('timeUnit', options.timeUnit, ['s', 'ms', 'us', 'ns'])
    oneOf('dateOrder', options.dateOrder, ['ymd', 'dmy', 'mdy'])
    oneOf('sessions', options.sessions, ['auto', '24x7', 'weekdays'])
    oneOf('stamp', options.stamp, ['open', 'close'])
    this.zone = resolveZone(options.timezone ?? spec.defaultTimezone)
    this.parser = new TimestampParser(this.zone, spec.dateOrder, options.timeUnit ?? spec.timeUnit)
  }

  abstract row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void

  truncated(record: number, detail: string): void {
    this.log.add(record, 'truncated', detail)
  }

  /** Reads the whole file through this parser. Returns the number of lines (CSV) or records (JSON). */
  async run(): Promise<number> {
    const lines = this.spec.container === 'json' ? await readJsonRows(this.file, this) : await readCsvRows(this.file, this.spec.layout, this)
    this.progress()
    return lines
  }

  /** Counts a data row; reports progress every 100k rows. */
  private counted(): void {
    if (++this.rowsRead >= this.nextProgress) {
      this.nextProgress += PROGRESS_EVERY
      this.progress()
    }
  }

  private progress(): void {
    if (!this.onProgress) return
    const p: ImportProgress = { rowsRead: this.rowsRead, bytesRead: this.file.bytesRead, totalBytes: this.file.totalBytes }
    this.onProgress(p)
  }

  /** Reports a row problem; on a last row that may be cut off (or a truncated gzip) it is `truncated`. */
  protected reject(line: number, last: boolean, kind: IssueKind, message: string): void {
    if (last && (this.file.truncated || kind === 'malformed' || kind === 'empty-field' || kind === 'bad-timestamp')) {
      this.log.add(line, 'truncated', this.log.full ? '' : `last line ends early (${message})`)
    } else this.log.add(line, kind, this.log.full ? '' : message)
  }

  /** Why field k is not a number: empty (or JSON null) vs not numeric. */
  protected numberProblem(text: string, s: number, e: number, k: number, name: string, line: number, last: boolean): void {
    if (s === e || (this.spec.container === 'json' && this.kinds[k] === JSON_NULL)) this.reject(line, last, 'empty-field', `${name} is empty`)
    else this.reject(line, last, 'not-a-number', `${name} is not a number: ${JSON.stringify(text.slice(s, Math.min(e, s + 40)))}`)
  }

  /**
   * Starts a data row: counts it, checks its field count and reads its time. NaN when the row is
   * rejected (the problem is logged); the caller then drops it.
   */
  protected begin(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): number {
    this.counted()
    if (count < this.spec.minFields) {
      this.reject(line, last, 'malformed', `expected at least ${this.spec.minFields} fields, found ${count}`)
      return NaN
    }
    const c = this.spec.columns
    const t =
      c.time >= 0
        ? this.parser.parse(text, starts[c.time], ends[c.time])
        : this.parser.parseDateAndTime(text, starts[c.date], ends[c.date], starts[c.timeOfDay], ends[c.timeOfDay])
    if (t !== t) this.timeProblem(text, starts, ends, line, last)
    return t
  }

  /** Field k as a number; NaN when it is not one (the problem is logged under `name`). */
  protected number(text: string, starts: Int32Array, ends: Int32Array, k: number, name: string, line: number, last: boolean): number {
    const v = parseNumber(text, starts[k], ends[k])
    if (v !== v) this.numberProblem(text, starts[k], ends[k], k, name, line, last)
    return v
  }

  /**
   * Last check of a row whose values passed: false (logged) when a cut-off stream ends inside it.
   * Otherwise notes the file's symbol from the first row kept.
   */
  protected admit(text: string, starts: Int32Array, ends: Int32Array, line: number, last: boolean): boolean {
    if (last && this.file.truncated) {
      this.reject(line, last, 'truncated', 'compressed stream ends inside this line')
      return false
    }
    const k = this.spec.columns.symbol
    if (k >= 0 && this.fileSymbol === undefined) this.fileSymbol = text.slice(starts[k], ends[k])
    return true
  }

  private timeProblem(text: string, starts: Int32Array, ends: Int32Array, line: number, last: boolean): void {
    const c = this.spec.columns
    const k = c.time >= 0 ? c.time : c.date
    let shown = text.slice(starts[k], Math.min(ends[k], starts[k] + 40))
    if (c.time < 0) shown += ' ' + text.slice(starts[c.timeOfDay], ends[c.timeOfDay])
    if (starts[k] === ends[k]) this.reject(line, last, 'empty-field', 'time is empty')
    else this.reject(line, last, 'bad-timestamp', `cannot read time ${JSON.stringify(shown)}`)
  }

  /** The report for this import once the gate has run. */
  buildReport(extra: {
    lines: number
    gate: GateResult<{ length: number }>
    first: number | null
    last: number | null
    symbol: string
    columns: string[]
    notes: string[]
    timeframe?: string
    timeframeDetected?: boolean
  }): ImportReport {
    const spec = this.spec
    const synthetic = extra.gate.syntheticBars
    const report: ImportReport = {
      file: this.file.path,
      format: spec.format,
      dialect: spec.dialect,
      kind: spec.kind,
      symbol: extra.symbol,
      timezone: this.zone.name,
      columns: extra.columns,
      gzip: this.file.gzip,
      bytes: this.file.totalBytes,
      lineUnit: spec.container === 'json' ? 'record' : 'line',
      lines: extra.lines,
      rowsRead: this.rowsRead,
      rowsAccepted: extra.gate.series.length - synthetic,
      first: extra.first,
      last: extra.last,
      notes: [...spec.notes, ...extra.notes],
      quality: this.log.report({
        policy: this.policy,
        rowsDropped: this.rowsRead - (extra.gate.series.length - synthetic),
        missingBars: extra.gate.missingBars,
        syntheticBars: synthetic,
        sessions: extra.gate.sessions,
        outlierSigma: this.outlierSigma
      })
    }
    if (extra.timeframe !== undefined) {
      report.timeframe = extra.timeframe
      report.timeframeDetected = extra.timeframeDetected
    }
    if (this.parser.mode === 'epoch' && this.parser.unit) report.timeUnit = this.parser.unit
    if (spec.dateOrder) report.dateOrder = spec.dateOrder
    if (extra.gate.sessions) report.sessions = extra.gate.sessions
    if (this.parser.mode === 'epoch' && (this.parser.unit === 'us' || this.parser.unit === 'ns')) {
      report.notes.push(`timestamps in ${this.parser.unit} truncated to whole milliseconds`)
    }
    if (extra.first !== null && extra.last !== null) report.notes.push(`range ${isoText(extra.first)} .. ${isoText(extra.last)}`)
    return report
  }
}

function oneOf(option: string, value: unknown, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new ImportOptionsError(option, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`)
  }
}

/** Symbol: the option, else the file's symbol column, else the file name without extensions. */
export function symbolFor(file: string, options: ImportOptions, fromFile: string | undefined): string {
  if (options.symbol) return options.symbol
  if (fromFile) return fromFile
  let base = path.basename(file)
  for (;;) {
    const ext = path.extname(base).toLowerCase()
    if (!['.gz', '.csv', '.txt', '.json', '.tsv'].includes(ext)) break
    base = base.slice(0, -ext.length)
  }
  return base
}

/** Taker side from text: b/buy → 1, s/sell → -1 (or Binance is_buyer_maker true → -1), else 0. */
export function sideOf(text: string, s: number, e: number, buyerMaker: boolean): number {
  if (s >= e) return 0
  const c = text.charCodeAt(s) | 32
  if (buyerMaker) return c === 116 /* t */ || c === 49 /* 1 */ ? -1 : c === 102 /* f */ || c === 48 /* 0 */ ? 1 : 0
  if (c === 98 /* b */) return 1
  if (c === 115 /* s */) return -1
  if (c === 49 && e - s === 1) return 1
  if (c === 45 && e - s === 2 && text.charCodeAt(s + 1) === 49) return -1
  return 0
}
