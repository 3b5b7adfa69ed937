import { detectFormat } from './detect-format'
import { DataQualityError, ImportOptionsError } from './errors'
import { importBars } from './import-bars'
import { IMPORT_FORMATS, type ImportOptions, type ImportResult, type ProgressCallback } from './import-report'
import { importQuotes } from './import-quotes'
import { importTrades } from './import-trades'
import { isLeanSource, readLean, type LeanOptions } from './lean'
import { TextFile } from './text-file'

/**
 * Imports one market-data file: detects bars / trades / quotes and the layout (or obeys
 * `options.format`), parses it streaming (gzip transparently), runs the quality gate under
 * `options.policy` and returns the series with its report. Under policy `reject` any error throws
 * DataQualityError carrying the full report. Progress is reported every 100k rows and at the end.
 */
export async function importFile(path: string, options: ImportOptions = {}, onProgress?: ProgressCallback): Promise<ImportResult> {
  if (options.format !== undefined && !IMPORT_FORMATS.includes(options.format)) {
    throw new ImportOptionsError('format', `${JSON.stringify(options.format)} is not one of ${IMPORT_FORMATS.join(', ')}`)
  }
  if (options.kind !== undefined && !['bars', 'trades', 'quotes'].includes(options.kind)) {
    throw new ImportOptionsError('kind', `${JSON.stringify(options.kind)} is not bars, trades or quotes`)
  }
  if (options.format === 'lean' || (options.format === undefined && isLeanSource(path))) return importLean(path, options)
  if (options.adjust !== undefined) throw new ImportOptionsError('adjust', 'applies to LEAN data only')
  if (options.session !== undefined) throw new ImportOptionsError('session', 'applies to LEAN data only')
  const file = new TextFile(path)
  const spec = await detectFormat(file, options)
  let result: ImportResult
  switch (spec.kind) {
    case 'bars':
      result = { kind: 'bars', ...(await importBars(file, spec, options, onProgress)) }
      break
    case 'trades':
      result = { kind: 'trades', ...(await importTrades(file, spec, options, onProgress)) }
      break
    case 'quotes':
      result = { kind: 'quotes', ...(await importQuotes(file, spec, options, onProgress)) }
      break
  }
  if (result.report.quality.policy === 'reject' && result.report.quality.errors > 0) throw new DataQualityError(result.report)
  return result
}

/**
 * LEAN data as one series: the trade bars, or the quotes when there are no trade zips. A folder
 * with both gives its bars; a backtest (`loadMarketData`) reads both.
 */
function importLean(path: string, options: ImportOptions): ImportResult {
  const lean = readLean(path, leanOptions(options))
  const result: ImportResult = lean.bars !== null ? { kind: 'bars', ...lean.bars } : { kind: 'quotes', ...lean.quotes! }
  if (lean.bars !== null && lean.quotes !== null) result.report.notes.push(`the folder's quote zips were not imported (${lean.quotes.report.rowsAccepted} quotes); import a quote zip on its own`)
  if (result.report.quality.policy === 'reject' && result.report.quality.errors > 0) throw new DataQualityError(result.report)
  return result
}

/** The import options that apply to LEAN data. */
export function leanOptions(options: ImportOptions): LeanOptions {
  if (options.kind !== undefined) throw new ImportOptionsError('kind', 'LEAN zips say what they hold (trade or quote); kind cannot be forced')
  return {
    symbol: options.symbol,
    adjust: options.adjust,
    session: options.session,
    timezone: options.timezone,
    policy: options.policy,
    outlierSigma: options.outlierSigma,
    maxIssues: options.maxIssues
  }
}
