import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { isoText } from '../../core/data/calendar'
import { DataQualityError } from '../../core/data/errors'
import { importFile } from '../../core/data/import-file'
import { IMPORT_FORMATS, type ImportOptions, type ImportReport } from '../../core/data/import-report'
import type { QualityReport } from '../../core/data/quality'
import { MarketStore, MarketStoreError, defaultSeriesId, type AppendResult, type OverlapConflict, type SeriesInfo } from '../../core/store'
import { defaultStorePath } from '../../host/data-folder'
import { parseFlags } from '../args'
import { CliError } from '../cli-error'
import { ProgressLine } from '../progress-line'
import { formatQualityIssues } from '../quality-summary'

export const IMPORT_HELP = `theorycraft import FILE [options]

Imports a market-data file (bars, trades or quotes; CSV, JSON or .gz; layout detected) into the
local market-data store through the data-quality gate, then prints what the gate found and the
series id. "theorycraft backtest --series ID" runs on it.

  --symbol SYM           symbol of the data (default: a symbol column, else the file name;
                         with --append: the series' symbol)
  --timeframe TF         bar timeframe (1m, 5m, 1h, 1d, 1w, 1M; default: detected;
                         with --append: the series' timeframe)
  --format NAME          force a layout instead of detecting it:
                         ${IMPORT_FORMATS.join(', ')}
  --timezone TZ          zone of timestamps written without one (IANA name or +02:00; default UTC)
  --stamp open|close     whether a bar's time in the file is its open or its close (default open)
  --adjust raw|adjusted  LEAN equities: factor-file adjustment (default adjusted when the factor
                         file exists); a LEAN ticker folder imports its trade bars
  --session regular|extended
                         LEAN usa equities: regular hours only (default) or the whole file
  --policy P             what the quality gate does with bad rows (default keep-gaps):
                           reject        any row error stores nothing (with --append, so does
                                         an overlapping row that differs from the stored one)
                           drop          drop bad rows, outliers and zero-volume filler bars
                           keep-gaps     drop bad rows; gaps stay gaps
                           forward-fill  as keep-gaps, then fill missing bars at the last close
  --store PATH           the store (default: the data folder's market-data.sqlite)
  --series ID            series id (default: SYMBOL-TIMEFRAME for bars, SYMBOL-trades, SYMBOL-quotes)
  --append               add to an existing series (created if missing) only the rows newer than
                         its last row; older rows are compared with the stored ones and those
                         that differ are reported, never written
  --issues N             issues listed with their line numbers (default 10)

Exit status: 0 stored, 1 rejected by the policy or failed, 2 bad usage.
`

const FLAGS = {
  symbol: { type: 'string' },
  timeframe: { type: 'string' },
  format: { type: 'string' },
  timezone: { type: 'string' },
  stamp: { type: 'string' },
  policy: { type: 'string' },
  adjust: { type: 'string' },
  session: { type: 'string' },
  store: { type: 'string' },
  series: { type: 'string' },
  append: { type: 'boolean' },
  issues: { type: 'string' }
} as const

export async function importCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('import', argv, FLAGS)
  if (v.help) {
    process.stdout.write(IMPORT_HELP)
    return 0
  }
  if (positionals.length === 0) throw new CliError('import: give the FILE to import\nRun "theorycraft import --help" for the flags.')
  if (positionals.length > 1) throw new CliError(`import: one FILE at a time, got ${positionals.length} ("${positionals[1]}" …)`)
  const issuesShown = v.issues === undefined ? 10 : Number(v.issues)
  if (!Number.isInteger(issuesShown) || issuesShown < 0) throw new CliError(`import: --issues expects a whole number ≥ 0, got "${v.issues}"`)
  const file = resolve(positionals[0]!)
  const storePath = v.store ?? defaultStorePath()
  // A new store file is created only once there is something to put in it.
  let store = existsSync(storePath) ? MarketStore.open(storePath) : null
  try {
    const existing = v.series === undefined ? undefined : store?.getSeries(v.series)
    if (existing && !v.append) {
      throw new CliError(`import: series ${existing.id} already exists in ${storePath}; add --append to add newer rows, or choose another --series`, 1)
    }
    const options: ImportOptions = {
      // Appending defaults to the series' identity, so a file named differently still fits.
      symbol: v.symbol ?? existing?.symbol,
      timeframe: v.timeframe ?? existing?.timeframe ?? undefined,
      format: v.format as ImportOptions['format'],
      timezone: v.timezone,
      stamp: v.stamp as ImportOptions['stamp'],
      policy: v.policy as ImportOptions['policy'],
      adjust: v.adjust as ImportOptions['adjust'],
      session: v.session as ImportOptions['session']
    }
    const progress = new ProgressLine('importing', 'bytes')
    let result
    try {
      result = await importFile(file, options, (p) => progress.update(p.bytesRead, p.totalBytes))
    } catch (err) {
      if (!(err instanceof DataQualityError)) throw err
      progress.done()
      process.stdout.write(formatImportReport(err.report, issuesShown))
      process.stderr.write(`import: rejected under policy reject: ${err.report.quality.errors} row error(s); nothing was stored\n`)
      return 1
    } finally {
      progress.done()
    }
    const { report, series } = result
    store ??= MarketStore.open(storePath)
    const id = v.series ?? defaultSeriesId(result.kind, series.symbol, report.timeframe)
    let info: SeriesInfo
    let append: AppendResult | null = null
    const target = existing ?? store.getSeries(id)
    if (target && !v.append) {
      process.stdout.write(formatImportReport(report, issuesShown))
      throw new CliError(`import: series ${id} already exists in ${storePath}; add --append to add newer rows, or choose another --series`, 1)
    }
    try {
      if (target) {
        append = store.appendSeries(id, series, { report, sourceFile: file, rejectConflicts: report.quality.policy === 'reject' })
        info = append.info
      } else info = store.importSeries(series, { id, report, sourceFile: file })
    } catch (err) {
      process.stdout.write(formatImportReport(report, issuesShown))
      if (err instanceof MarketStoreError && err.code === 'overlap-conflict') {
        process.stderr.write(`import: rejected under policy reject: ${err.message}; nothing was stored\n`)
        return 1
      }
      throw err
    }
    let out = formatImportReport(report, issuesShown)
    if (append) out += formatAppend(append)
    out += `series   ${info.id}${target ? '' : ' (new)'}: ${formatSeriesLine(info)}\n`
    process.stdout.write(out)
    return 0
  } finally {
    store?.close()
  }
}

/** What the gate found: counts per kind and the first issues with their line numbers. */
export function formatImportReport(report: ImportReport, issuesShown: number): string {
  const lines: string[] = []
  const unit = report.lineUnit === 'record' ? 'records' : 'lines'
  lines.push(`file     ${report.file}`)
  lines.push(
    `format   ${report.format}${report.dialect && report.dialect !== report.format ? ` (${report.dialect})` : ''}, ${report.kind} ${report.symbol}${report.timeframe ? ` ${report.timeframe}${report.timeframeDetected ? ' (detected)' : ''}` : ''}, ${report.lines} ${unit}`
  )
  lines.push(`rows     ${report.rowsRead} read, ${report.rowsAccepted} accepted, ${report.quality.rowsDropped} dropped`)
  if (report.first !== null && report.last !== null) lines.push(`range    ${isoText(report.first)} .. ${isoText(report.last)}`)
  lines.push(qualityLine(report.quality))
  return `${lines.join('\n')}\n${formatQualityIssues(report, issuesShown)}`
}

export function qualityLine(q: QualityReport): string {
  const extra = [q.missingBars ? `${q.missingBars} missing bar(s)` : '', q.syntheticBars ? `${q.syntheticBars} synthetic bar(s)` : ''].filter(Boolean)
  return `quality  policy ${q.policy}: ${q.errors} error(s), ${q.warnings} warning(s), ${q.rowsDropped} row(s) dropped${extra.length ? `, ${extra.join(', ')}` : ''}`
}

function formatAppend(a: AppendResult): string {
  const lines = [
    `append   ${a.appended} new row(s) appended${a.firstAppended !== null ? ` (${isoText(a.firstAppended)} .. ${isoText(a.lastAppended!)})` : ''}; ` +
      `overlap with the stored rows: ${a.identical} identical, ${a.conflicts} conflicting (not written)`
  ]
  for (const c of a.conflictSamples) lines.push(`  ${formatConflict(c)}`)
  if (a.conflicts > a.conflictSamples.length) lines.push(`  … and ${a.conflicts - a.conflictSamples.length} more`)
  return `${lines.join('\n')}\n`
}

function formatConflict(c: OverlapConflict): string {
  const values = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k}=${k === 'ts' || k.endsWith('Time') ? isoText(n) : n}`).join(' ')
  return c.kind === 'differs'
    ? `row ${c.index + 1} at ${isoText(c.time)} differs: stored ${values(c.stored!)}; file ${values(c.incoming)}`
    : `row ${c.index + 1} at ${isoText(c.time)} is not in the store (before its last row): ${values(c.incoming)}`
}

export function formatSeriesLine(s: SeriesInfo): string {
  const range = s.firstTime !== null && s.lastTime !== null ? `${isoText(s.firstTime)} .. ${isoText(s.lastTime)}` : 'empty'
  return `${s.kind} ${s.symbol}${s.timeframe ? ` ${s.timeframe}` : ''}, ${s.rows} rows, ${range}, ${s.fingerprint}`
}
