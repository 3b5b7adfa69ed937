import type { BarSeries, QuoteSeries, TradeSeries } from '../core/data/bar-series'
import { seriesFingerprint } from '../core/data/fingerprint'
import { createHash } from 'node:crypto'
import { DataQualityError } from '../core/data/errors'
import { importFile, leanOptions } from '../core/data/import-file'
import { isLeanSource, readLean } from '../core/data/lean'
import type { ImportOptions, ImportReport } from '../core/data/import-report'
import { ISSUE_KINDS, type QualityReport } from '../core/data/quality'
import { ResampleStage } from '../core/market/resample-stage'
import type { SourceStage } from '../core/market/stored-source'
import { MarketStore, type SeriesImport, type SeriesInfo, type StoredSeries } from '../core/store'
import type { Market } from '../../shared/market'

export interface LoadOptions {
  symbol: string
  timeframe?: string
  format?: string
  timezone?: string
  stamp?: string
  policy?: string
  /** LEAN equities: raw | adjusted */
  adjust?: string
  /** LEAN usa equities: regular | extended */
  session?: string
  onProgress?: (done: number, total: number) => void
}

export interface LoadedMarketData {
  series: { bars?: BarSeries[]; trades?: TradeSeries[]; quotes?: QuoteSeries[] }
  /** trades with a timeframe become bars built by the MarketSource */
  stages: SourceStage[]
  /** the bars those stages build, for equity sampling */
  sampleBars?: { symbol: string; timeframe: string }
  fingerprint: string
  quality: QualityReport
  /** The file's import report; for a stored series, that of the import that created it (if recorded). */
  report?: ImportReport
  /** Set when the data came from the market-data store. */
  stored?: { store: string; series: SeriesInfo; imports: SeriesImport[]; instrument?: Market }
  warnings: string[]
}

/** Loads one data file for a backtest: import, quality gate, fingerprint and the source stages. */
export async function loadMarketData(path: string, options: LoadOptions): Promise<LoadedMarketData> {
  const importOptions: ImportOptions = {
    symbol: options.symbol,
    timeframe: options.timeframe,
    format: options.format as ImportOptions['format'],
    timezone: options.timezone,
    stamp: options.stamp as ImportOptions['stamp'],
    policy: options.policy as ImportOptions['policy'],
    adjust: options.adjust as ImportOptions['adjust'],
    session: options.session as ImportOptions['session']
  }
  if (importOptions.format === 'lean' || (importOptions.format === undefined && isLeanSource(path))) return loadLean(path, importOptions)
  const result = await importFile(path, importOptions, (p) => options.onProgress?.(p.bytesRead, p.totalBytes))
  return { ...forBacktest(result, seriesFingerprint(result.series), result.report.quality, options.timeframe, options.timezone), report: result.report }
}

/**
 * LEAN data: the trade bars and, when the folder has them, the quotes (stamped at each quote
 * bar's end, so for one minute the bar comes first, then the quote). Both go through the
 * quality gate; the report is the bars' (or the quotes' when there are no bars) with the
 * quality of both.
 */
function loadLean(path: string, options: ImportOptions): LoadedMarketData {
  const lean = readLean(path, leanOptions(options))
  const primary = lean.bars ?? lean.quotes!
  for (const part of [lean.bars, lean.quotes]) {
    if (part !== null && part.report.quality.policy === 'reject' && part.report.quality.errors > 0) throw new DataQualityError(part.report)
  }
  const quality = lean.bars !== null && lean.quotes !== null ? mergeQuality(lean.bars.report.quality, lean.quotes.report.quality) : primary.report.quality
  const fingerprint =
    lean.bars !== null && lean.quotes !== null
      ? `sha256:${createHash('sha256').update(`${seriesFingerprint(lean.bars.series)}\n${seriesFingerprint(lean.quotes.series)}`).digest('hex')}`
      : seriesFingerprint(primary.series)
  const warnings: string[] = []
  if (quality.errors > 0) warnings.push(`data quality: ${quality.errors} row(s) rejected under policy ${quality.policy} (see manifest.dataQuality)`)
  if (quality.counts.gap > 0) warnings.push(`data quality: ${quality.counts.gap} gap(s) in the bars`)
  const series = { ...(lean.bars && { bars: [lean.bars.series] }), ...(lean.quotes && { quotes: [lean.quotes.series] }) }
  return { series, stages: [], fingerprint, quality, warnings, report: { ...primary.report, quality } }
}

/** Bars' and quotes' quality in one report: counts add up; quote issues follow the bars' ones. */
function mergeQuality(bars: QualityReport, quotes: QualityReport): QualityReport {
  const counts = { ...bars.counts }
  for (const k of ISSUE_KINDS) counts[k] += quotes.counts[k]
  const max = 1000
  const issues = [...bars.issues, ...quotes.issues.map((i) => ({ ...i, message: `quotes: ${i.message}` }))]
  return {
    ...bars,
    errors: bars.errors + quotes.errors,
    warnings: bars.warnings + quotes.warnings,
    counts,
    rowsDropped: bars.rowsDropped + quotes.rowsDropped,
    issues: issues.slice(0, max),
    issuesTruncated: bars.issuesTruncated || quotes.issuesTruncated || issues.length > max
  }
}

export interface StoreLoadOptions {
  /** Inclusive bounds on bar open / tick time: only these rows are read. */
  from?: number
  to?: number
  /** With trades: build bars of this timeframe for bar-based engines. */
  timeframe?: string
  timezone?: string
}

/**
 * Loads a series from the market-data store for a backtest. The fingerprint and quality are the
 * stored series' (the whole series, whatever range is read), so a manifest ties the run to it.
 */
export function loadStoredSeries(storePath: string, id: string, options: StoreLoadOptions = {}): LoadedMarketData {
  const store = MarketStore.open(storePath, { readonly: true })
  try {
    // Throws a typed unknown-series error for a missing id.
    const stored = store.readSeries(id, { from: options.from, to: options.to })
    const info = store.getSeries(id)!
    const imports = store.seriesImports(id)
    // An instrument listed at several venues: the first by venue name (the manifest records which).
    const instrument = store.listInstruments().find((m) => m.symbol === info.symbol)
    const loaded = forBacktest(stored, info.fingerprint, info.quality ?? emptyQuality(), options.timeframe, options.timezone)
    const conflicting = imports.reduce((n, i) => n + i.rowsConflicting, 0)
    if (conflicting > 0) loaded.warnings.push(`data: ${conflicting} row(s) of appended files differed from the stored data and were not written (see "theorycraft data show ${id}")`)
    return { ...loaded, report: imports[0]?.report ?? undefined, stored: { store: storePath, series: info, imports, instrument } }
  } finally {
    store.close()
  }
}

function forBacktest(data: StoredSeries, fingerprint: string, q: QualityReport, timeframe: string | undefined, timezone: string | undefined): LoadedMarketData {
  const warnings: string[] = []
  if (q.errors > 0) warnings.push(`data quality: ${q.errors} row(s) rejected under policy ${q.policy} (see manifest.dataQuality)`)
  if (q.counts.gap > 0) warnings.push(`data quality: ${q.counts.gap} gap(s) in the bars`)
  switch (data.kind) {
    case 'bars':
      return { series: { bars: [data.series] }, stages: [], fingerprint, quality: q, warnings }
    case 'trades': {
      // Trades drive the broker's fills; bars for bar-based engines are built from them.
      const stages = timeframe ? [new ResampleStage(data.series.symbol, 'trades', timeframe, timezone)] : []
      const sampleBars = timeframe ? { symbol: data.series.symbol, timeframe } : undefined
      return { series: { trades: [data.series] }, stages, sampleBars, fingerprint, quality: q, warnings }
    }
    case 'quotes':
      return { series: { quotes: [data.series] }, stages: [], fingerprint, quality: q, warnings }
  }
}

/** For a series stored without a quality report (e.g. bars fetched and stored through the API). */
function emptyQuality(): QualityReport {
  return {
    policy: 'keep-gaps',
    errors: 0,
    warnings: 0,
    counts: Object.fromEntries(ISSUE_KINDS.map((k) => [k, 0])) as QualityReport['counts'],
    rowsDropped: 0,
    missingBars: 0,
    syntheticBars: 0,
    outlierSigma: 0,
    issues: [],
    issuesTruncated: false
  }
}
