export { BarSeriesBuilder, QuoteSeriesBuilder, TradeSeriesBuilder } from './bar-series'
export type { BarSeries, QuoteSeries, TradeSeries } from './bar-series'
export {
  detectTimeframe,
  parseTimeframe,
  timeframeDivides,
  timeframeFloor,
  timeframeFromMs,
  timeframeNext,
  timeframePrev,
  timeframeToMs
} from './timeframe'
export type { Timeframe, TimeframeUnit } from './timeframe'
export { DataError, DataFormatError, DataQualityError, ImportOptionsError, TimeframeError } from './errors'
export { importFile } from './import-file'
export { IMPORT_FORMATS } from './import-report'
export type { DataKind, ImportFormat, ImportOptions, ImportProgress, ImportReport, ImportResult, ProgressCallback } from './import-report'
export { ISSUE_KINDS, QUALITY_POLICIES, WARNING_KINDS, assessBars } from './quality'
export type { IssueKind, QualityIssue, QualityOptions, QualityPolicy, QualityReport, SessionCalendar } from './quality'
export { BarAggregator } from './bar-aggregator'
export type { AggregatedBar, AggregatorOptions } from './bar-aggregator'
export { quotesToBars, resampleBars, tradesToBars } from './resample'
export { resolveZone } from './timezone'
export type { Zone } from './timezone'
export type { DateOrder, EpochUnit } from './parse-time'
