import type { BarSeries, QuoteSeries, TradeSeries } from '../core/data/bar-series'
import { seriesFingerprint } from '../core/data/fingerprint'
import { importFile } from '../core/data/import-file'
import type { ImportOptions, ImportReport } from '../core/data/import-report'
import { ResampleStage } from '../core/market/resample-stage'
import type { SourceStage } from '../core/market/stored-source'

export interface LoadOptions {
  symbol: string
  timeframe?: string
  format?: string
  timezone?: string
  stamp?: string
  policy?: string
  onProgress?: (done: number, total: number) => void
}

export interface LoadedMarketData {
  series: { bars?: BarSeries[]; trades?: TradeSeries[]; quotes?: QuoteSeries[] }
  /** trades with a timeframe become bars built by the MarketSource */
  stages: SourceStage[]
  /** the bars those stages build, for equity sampling */
  sampleBars?: { symbol: string; timeframe: string }
  fingerprint: string
  quality: ImportReport['quality']
  report: ImportReport
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
    policy: options.policy as ImportOptions['policy']
  }
  const result = await importFile(path, importOptions, (p) => options.onProgress?.(p.bytesRead, p.totalBytes))
  const { report } = result
  const q = report.quality
  const warnings: string[] = []
  if (q.errors > 0) warnings.push(`data quality: ${q.errors} row(s) rejected under policy ${q.policy} (see manifest.dataQuality)`)
  if (q.counts.gap > 0) warnings.push(`data quality: ${q.counts.gap} gap(s) in the bars`)
  const fingerprint = seriesFingerprint(result.series)
  switch (result.kind) {
    case 'bars':
      return { series: { bars: [result.series] }, stages: [], fingerprint, quality: q, report, warnings }
    case 'trades': {
      // Trades drive the broker's fills; bars for bar-based engines are built from them.
      const stages = options.timeframe ? [new ResampleStage(result.series.symbol, 'trades', options.timeframe, options.timezone)] : []
      const sampleBars = options.timeframe ? { symbol: result.series.symbol, timeframe: options.timeframe } : undefined
      return { series: { trades: [result.series] }, stages, sampleBars, fingerprint, quality: q, report, warnings }
    }
    case 'quotes':
      return { series: { quotes: [result.series] }, stages: [], fingerprint, quality: q, report, warnings }
  }
}
