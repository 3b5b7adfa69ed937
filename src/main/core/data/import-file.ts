import { detectFormat } from './detect-format'
import { DataQualityError, ImportOptionsError } from './errors'
import { importBars } from './import-bars'
import { IMPORT_FORMATS, type ImportOptions, type ImportResult, type ProgressCallback } from './import-report'
import { importQuotes } from './import-quotes'
import { importTrades } from './import-trades'
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
