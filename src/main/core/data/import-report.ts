import type { BarSeries, QuoteSeries, TradeSeries } from './bar-series'
import type { DateOrder, EpochUnit } from './parse-time'
import type { QualityOptions, QualityReport, SessionCalendar } from './quality'

export type DataKind = 'bars' | 'trades' | 'quotes'

/**
 * Supported layouts:
 *  - `csv-bars`: OHLCV CSV with a header (or headerless `time,o,h,l,c[,v[,oi]]`)
 *  - `binance-klines`: Binance kline CSV, 12 columns, no header
 *  - `json-candles`: JSON `[[ms, o, h, l, c, v], …]` (ccxt / freqtrade)
 *  - `kraken-ohlc-json`: Kraken REST OHLC response
 *  - `csv-trades`: trade CSV with a header (generic, Tardis `trades`, freqtrade order-flow, Binance `is_buyer_maker`)
 *  - `kraken-trades-csv`: headerless `unix_s,price,volume`
 *  - `freqtrade-trades-json`: rows `[ts, id, order, side, price, amount, cost]`
 *  - `kraken-trades-json`: Kraken REST Trades response
 *  - `csv-quotes`: quote CSV with a header (generic, Tardis `quotes`, TrueFX, `timestamp,bid,ask`)
 *  - `histdata-quotes`: HistData ticks `yyyyMMdd HHmmssfff,bid,ask,vol` (default timezone -05:00)
 *  - `lean`: QuantConnect LEAN zips (a ticker folder or one zip; see lean.ts)
 */
export type ImportFormat =
  | 'csv-bars'
  | 'binance-klines'
  | 'json-candles'
  | 'kraken-ohlc-json'
  | 'csv-trades'
  | 'kraken-trades-csv'
  | 'freqtrade-trades-json'
  | 'kraken-trades-json'
  | 'csv-quotes'
  | 'histdata-quotes'
  | 'lean'

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'csv-bars',
  'binance-klines',
  'json-candles',
  'kraken-ohlc-json',
  'csv-trades',
  'kraken-trades-csv',
  'freqtrade-trades-json',
  'kraken-trades-json',
  'csv-quotes',
  'histdata-quotes',
  'lean'
]

export interface ImportOptions extends QualityOptions {
  /** Force the layout instead of detecting it. */
  format?: ImportFormat
  /** Force what the rows are (e.g. a tick file written as O=H=L=C bars read as trades). */
  kind?: DataKind
  /** Defaults to a symbol column (Tardis) or the file name without extensions. */
  symbol?: string
  /** Bar timeframe (ccxt string); detected from the modal spacing when absent. */
  timeframe?: string
  /** IANA name or fixed offset (`+02:00`) for timestamps written without a zone; default UTC. */
  timezone?: string
  /** Whether a bar's time in the file is its open (default) or its close; bars are stored by open time. */
  stamp?: 'open' | 'close'
  /** For dates like `02/03/2010`: required when the file does not make the order evident. */
  dateOrder?: DateOrder
  /** Unit of numeric timestamps; detected by magnitude when absent. */
  timeUnit?: EpochUnit
  /** CSV field delimiter; detected from the first line when absent. */
  delimiter?: ',' | ';' | '\t' | '|'
  /** LEAN equities: factor-file adjustment (default `adjusted` when the factor file exists) */
  adjust?: 'raw' | 'adjusted'
  /** LEAN usa equities: `regular` hours only (default) or `extended` (pre- and post-market too) */
  session?: 'regular' | 'extended'
}

export interface ImportProgress {
  rowsRead: number
  /** Bytes read from disk (compressed bytes for .gz). */
  bytesRead: number
  totalBytes: number
}

export type ProgressCallback = (progress: ImportProgress) => void

/** JSON-serialisable account of one import (goes into the backtest manifest). */
export interface ImportReport {
  file: string
  format: ImportFormat
  /** Finer description of the source layout, e.g. `tardis`, `yahoo`, `backtrader`, `truefx`. */
  dialect: string
  kind: DataKind
  symbol: string
  timeframe?: string
  timeframeDetected?: boolean
  stamp?: 'open' | 'close'
  timezone: string
  /** Unit of numeric timestamps, when the file used them. */
  timeUnit?: EpochUnit
  dateOrder?: DateOrder
  /** Source fields used, in series order (e.g. `time`, `open`, …, `volume`). */
  columns: string[]
  gzip: boolean
  bytes: number
  /** Whether issue `line`s are physical lines (CSV) or 1-based JSON records. */
  lineUnit: 'line' | 'record'
  /** Physical lines (CSV) or records (JSON) read, header included. */
  lines: number
  /** Data rows seen (header and blank lines excluded). */
  rowsRead: number
  /** Rows from the file that are in the series (synthetic bars excluded). */
  rowsAccepted: number
  first: number | null
  last: number | null
  sessions?: SessionCalendar
  notes: string[]
  quality: QualityReport
}

export type ImportResult =
  | { kind: 'bars'; series: BarSeries; report: ImportReport }
  | { kind: 'trades'; series: TradeSeries; report: ImportReport }
  | { kind: 'quotes'; series: QuoteSeries; report: ImportReport }
