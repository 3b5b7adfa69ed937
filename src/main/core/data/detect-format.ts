import { FieldSplitter, type CsvLayout } from './csv-reader'
import { DataFormatError, ImportOptionsError } from './errors'
import type { DataKind, ImportFormat, ImportOptions } from './import-report'
import { TimestampParser, type DateOrder } from './parse-time'
import type { TextFile } from './text-file'
import { resolveZone } from './timezone'

/** Field index of each role in a row, -1 when absent. */
export interface Columns {
  time: number
  /** Separate date and time-of-day columns (used when `time` is -1). */
  date: number
  timeOfDay: number
  closeTime: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  price: number
  amount: number
  side: number
  /** Side column holds Binance `is_buyer_maker` (true → the taker sold). */
  sideIsBuyerMaker: boolean
  bid: number
  ask: number
  bidSize: number
  askSize: number
  symbol: number
}

export interface FormatSpec {
  format: ImportFormat
  kind: DataKind
  container: 'csv' | 'json'
  dialect: string
  layout: CsvLayout
  columns: Columns
  /** Fewest fields a row needs (highest used index + 1). */
  minFields: number
  header: string[] | undefined
  dateOrder: DateOrder | undefined
  /** Zone implied by the format when the user gives none (HistData: EST without DST). */
  defaultTimezone: string | undefined
  /** Timestamps are known to be this unit (e.g. Kraken seconds), otherwise detected. */
  timeUnit: 's' | undefined
  notes: string[]
}

const SAMPLE_CHARS = 64 * 1024
const SAMPLE_ROWS = 200

function noColumns(): Columns {
  return {
    time: -1,
    date: -1,
    timeOfDay: -1,
    closeTime: -1,
    open: -1,
    high: -1,
    low: -1,
    close: -1,
    volume: -1,
    price: -1,
    amount: -1,
    side: -1,
    sideIsBuyerMaker: false,
    bid: -1,
    ask: -1,
    bidSize: -1,
    askSize: -1,
    symbol: -1
  }
}

/** Header names after lower-casing and dropping everything but letters and digits (`<DATE>`, `Adj Close`, `timestamp_utc`). */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

const NAMES = {
  time: ['timestamp', 'timestamputc', 'datetime', 'datetimeutc', 'opentime', 'time', 'date', 'ts', 'unix', 'unixtime', 'epoch', 'gmttime', 'localtime', 'timeutc', 'dateutc', 'starttime'],
  open: ['open', 'o', 'openprice', 'first'],
  high: ['high', 'h', 'highprice', 'max'],
  low: ['low', 'l', 'lowprice', 'min'],
  close: ['close', 'c', 'closeprice', 'last'],
  volume: ['volume', 'vol', 'v', 'basevolume', 'tickvolume', 'tickvol', 'realvolume'],
  price: ['price', 'p', 'px', 'rate', 'tradeprice', 'lastprice'],
  amount: ['amount', 'qty', 'quantity', 'size', 'volume', 'vol', 'q', 'sz', 'baseqty', 'tradesize', 'lastsize'],
  side: ['side', 'takerside', 'direction'],
  buyerMaker: ['isbuyermaker', 'buyermaker'],
  bid: ['bid', 'bidprice', 'bestbid', 'bidpx', 'bestbidprice'],
  ask: ['ask', 'askprice', 'bestask', 'askpx', 'bestaskprice', 'offer', 'offerprice'],
  bidSize: ['bidsize', 'bidamount', 'bidqty', 'bidvolume', 'bidvol', 'bidsz', 'bestbidqty', 'bestbidsize'],
  askSize: ['asksize', 'askamount', 'askqty', 'askvolume', 'askvol', 'asksz', 'bestaskqty', 'bestasksize', 'offersize'],
  symbol: ['symbol', 'ticker', 'instrument', 'pair', 'market']
} as const

function find(names: string[], candidates: readonly string[]): number {
  for (const c of candidates) {
    const i = names.indexOf(c)
    if (i >= 0) return i
  }
  return -1
}

/** Detects the layout of a file (or completes the one forced by `options.format`). */
export async function detectFormat(file: TextFile, options: ImportOptions): Promise<FormatSpec> {
  const sample = await file.sample(SAMPLE_CHARS)
  const trimmed = sample.trimStart()
  const forced = options.format
  const jsonFormats: ImportFormat[] = ['json-candles', 'kraken-ohlc-json', 'freqtrade-trades-json', 'kraken-trades-json']
  if (forced ? jsonFormats.includes(forced) : trimmed.startsWith('[') || trimmed.startsWith('{')) {
    return detectJson(file, sample, forced)
  }
  return detectCsv(file, sample, options)
}

function baseSpec(format: ImportFormat, kind: DataKind, container: 'csv' | 'json', dialect: string): FormatSpec {
  return {
    format,
    kind,
    container,
    dialect,
    layout: { delimiter: ',', quoted: false, skipLines: 0, newline: '\n' },
    columns: noColumns(),
    minFields: 0,
    header: undefined,
    dateOrder: undefined,
    defaultTimezone: undefined,
    timeUnit: undefined,
    notes: []
  }
}

/** The first non-empty array of scalars in a JSON text, parsed. */
function firstLeafArray(text: string): unknown[] | undefined {
  let from = 0
  for (;;) {
    const open = text.indexOf('[', from)
    if (open < 0) return undefined
    let j = open + 1
    while (j < text.length && /\s/.test(text[j])) j++
    const ch = text[j]
    if (ch === '[' || ch === '{' || ch === ']' || ch === undefined) {
      from = open + 1
      continue
    }
    let inString = false
    for (let k = j; k < text.length; k++) {
      const c = text[k]
      if (inString) {
        if (c === '\\') k++
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === ']') {
        try {
          const row: unknown = JSON.parse(text.slice(open, k + 1))
          return Array.isArray(row) ? row : undefined
        } catch {
          return undefined
        }
      } else if (c === '[' || c === '{') break
    }
    from = open + 1
  }
}

function detectJson(file: TextFile, sample: string, forced: ImportFormat | undefined): FormatSpec {
  const row = firstLeafArray(sample)
  const isNum = (v: unknown): boolean => typeof v === 'number'
  const isNumText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
  let format = forced
  if (!format && row) {
    if (row.length >= 5 && row.length <= 7 && row.slice(0, 5).every(isNum) && (row[0] as number) >= 1e11) format = 'json-candles'
    else if (row.length === 7 && isNum(row[0]) && typeof row[3] === 'string' && isNum(row[4]) && isNum(row[5])) format = 'freqtrade-trades-json'
    else if (row.length === 8 && isNum(row[0]) && (row[0] as number) < 1e11 && row.slice(1, 7).every(isNumText)) format = 'kraken-ohlc-json'
    else if (row.length >= 4 && isNumText(row[0]) && isNumText(row[1]) && isNum(row[2]) && typeof row[3] === 'string') format = 'kraken-trades-json'
  }
  if (!format) {
    const shown = row ? JSON.stringify(row).slice(0, 120) : 'no array of values'
    throw new DataFormatError(`unrecognised JSON layout (first row: ${shown}); pass options.format`, { file: file.path, line: 1 })
  }
  let spec: FormatSpec
  const c = noColumns()
  switch (format) {
    case 'json-candles':
      spec = baseSpec(format, 'bars', 'json', 'ccxt')
      Object.assign(c, { time: 0, open: 1, high: 2, low: 3, close: 4, volume: row && row.length < 6 ? -1 : 5 })
      break
    case 'freqtrade-trades-json':
      spec = baseSpec(format, 'trades', 'json', 'freqtrade')
      Object.assign(c, { time: 0, side: 3, price: 4, amount: 5 })
      break
    case 'kraken-ohlc-json':
      spec = baseSpec(format, 'bars', 'json', 'kraken')
      Object.assign(c, { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 6 })
      spec.timeUnit = 's'
      break
    case 'kraken-trades-json':
      spec = baseSpec(format, 'trades', 'json', 'kraken')
      Object.assign(c, { price: 0, amount: 1, time: 2, side: 3 })
      spec.timeUnit = 's'
      break
    default:
      throw new ImportOptionsError('format', `${format} is not a JSON format but the file is JSON`, { file: file.path })
  }
  spec.columns = c
  spec.minFields = maxIndex(c) + 1
  return spec
}

function maxIndex(c: Columns): number {
  let m = -1
  for (const v of Object.values(c)) if (typeof v === 'number' && v > m) m = v
  return m
}

interface SampleLine {
  line: number
  text: string
}

function sampleLines(sample: string, complete: boolean, newline: '\n' | '\r'): SampleLine[] {
  const parts = sample.split(newline)
  if (!complete) parts.pop()
  const out: SampleLine[] = []
  for (let i = 0; i < parts.length && out.length < SAMPLE_ROWS; i++) {
    const text = parts[i].endsWith('\r') ? parts[i].slice(0, -1) : parts[i]
    if (text.trim() !== '') out.push({ line: i + 1, text })
  }
  return out
}

function splitLine(splitter: FieldSplitter, text: string): string[] {
  const n = splitter.split(text, 0, text.length)
  const out: string[] = []
  for (let k = 0; k < Math.min(n, splitter.starts.length); k++) out.push(text.slice(splitter.starts[k], splitter.ends[k]))
  return out
}

const TIME_OF_DAY = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/
const HISTDATA_TIME = /^\d{8} \d{6,9}$/

function detectCsv(file: TextFile, sample: string, options: ImportOptions): FormatSpec {
  const newline: '\n' | '\r' = !sample.includes('\n') && sample.includes('\r') ? '\r' : '\n'
  const complete = sample.length < SAMPLE_CHARS
  const lines = sampleLines(sample, complete, newline)
  if (lines.length === 0) throw new DataFormatError('file has no data', { file: file.path })
  const first = lines[0]
  const delimiter = options.delimiter ?? guessDelimiter(first.text)
  const quoted = sample.includes('"')
  const splitter = new FieldSplitter(delimiter, quoted)
  const firstFields = splitLine(splitter, first.text)
  const probe = new TimestampParser(resolveZone('UTC'), 'dmy')
  const isValue = (f: string): boolean => f === '' || Number.isFinite(Number(f)) || !Number.isNaN(probe.parseText(f, 0, f.length))
  const hasHeader = !firstFields.every(isValue)
  const headerlessFormat = options.format === 'binance-klines' || options.format === 'kraken-trades-csv' || options.format === 'histdata-quotes'
  const dataLines = hasHeader ? lines.slice(1) : lines
  const rows = dataLines.map((l) => splitLine(splitter, l.text))
  const layout: CsvLayout = { delimiter, quoted, skipLines: hasHeader ? first.line : first.line - 1, newline }

  if (rows.length === 0) throw new DataFormatError('file has a header but no data rows', { file: file.path, line: first.line })
  const spec = hasHeader && !headerlessFormat ? fromHeader(file, firstFields, rows, options) : headerless(file, rows, options)
  spec.layout = layout
  spec.header = hasHeader ? firstFields : undefined
  spec.minFields = maxIndex(spec.columns) + 1
  spec.dateOrder = resolveDateOrder(file, spec, rows, options)
  return spec
}

function guessDelimiter(line: string): ',' | ';' | '\t' | '|' {
  let best: ',' | ';' | '\t' | '|' = ','
  let bestCount = 0
  for (const d of [',', '\t', ';', '|'] as const) {
    const n = line.split(d).length - 1
    if (n > bestCount) {
      best = d
      bestCount = n
    }
  }
  return best
}

function fromHeader(file: TextFile, header: string[], rows: string[][], options: ImportOptions): FormatSpec {
  let names = header.map(normalise)
  const notes: string[] = []
  // Header one name short with a time of day in the second field (backtrader's 1-minute file):
  // the rows are Date,Time,… although the header says Date,….
  const row0 = rows[0]
  if (row0 && row0.length === names.length + 1 && names[0] === 'date' && TIME_OF_DAY.test(row0[1] ?? '')) {
    names = ['date', 'time', ...names.slice(1)]
    notes.push('header lacks the Time column present in the rows; read as Date,Time,…')
  }
  const c = noColumns()
  const has = (k: keyof typeof NAMES): number => find(names, NAMES[k])
  c.symbol = has('symbol')
  const dateIdx = names.indexOf('date')
  const timeIdx = names.indexOf('time')
  const preferred = find(names, ['timestamp', 'timestamputc', 'datetime', 'datetimeutc', 'opentime'])
  if (preferred >= 0) c.time = preferred
  else if (dateIdx >= 0 && timeIdx >= 0) {
    c.date = dateIdx
    c.timeOfDay = timeIdx
  } else {
    c.time = has('time')
    if (c.time < 0 && names[0] === '') c.time = 0
  }
  if (c.time < 0 && c.date < 0) {
    throw new DataFormatError(`no time column in header ${JSON.stringify(header)}`, { file: file.path, line: 1 })
  }
  c.open = has('open')
  c.high = has('high')
  c.low = has('low')
  c.close = has('close')
  c.bid = has('bid')
  c.ask = has('ask')
  c.price = has('price')
  const ohlc = c.open >= 0 && c.high >= 0 && c.low >= 0 && c.close >= 0
  let kind: DataKind | undefined = options.kind
  if (!kind) {
    if (options.format) kind = formatKind(options.format)
    else if (ohlc) kind = 'bars'
    else if (c.bid >= 0 && c.ask >= 0) kind = 'quotes'
    else if (c.price >= 0) kind = 'trades'
  }
  const isTardis = names[0] === 'exchange' && names[1] === 'symbol' && names[2] === 'timestamp' && names[3] === 'localtimestamp'
  let spec: FormatSpec
  switch (kind) {
    case 'bars':
      if (!ohlc) throw missing(file, header, 'open, high, low and close')
      c.volume = has('volume')
      spec = baseSpec('csv-bars', 'bars', 'csv', barDialect(names))
      if (names.includes('adjclose')) notes.push('Adj Close column ignored: prices are as traded (unadjusted)')
      break
    case 'trades':
      if (c.price < 0) {
        // Tick files written as bars (O=H=L=C per trade): the close is the trade price.
        if (c.close < 0) throw missing(file, header, 'price')
        c.price = c.close
        notes.push('no price column: close used as the trade price')
      }
      c.amount = has('amount')
      c.side = has('side')
      if (c.side < 0) {
        c.side = has('buyerMaker')
        c.sideIsBuyerMaker = c.side >= 0
      }
      if (c.amount < 0) throw missing(file, header, 'amount (amount, qty, quantity, size or volume)')
      spec = baseSpec('csv-trades', 'trades', 'csv', isTardis ? 'tardis' : names[0] === '' ? 'freqtrade' : 'generic')
      break
    case 'quotes':
      if (c.bid < 0 || c.ask < 0) throw missing(file, header, 'bid and ask')
      c.bidSize = has('bidSize')
      c.askSize = has('askSize')
      spec = baseSpec('csv-quotes', 'quotes', 'csv', isTardis ? 'tardis' : 'generic')
      break
    default:
      throw new DataFormatError(
        `cannot tell bars, trades or quotes from header ${JSON.stringify(header)} (need open/high/low/close, price, or bid/ask); pass options.kind`,
        { file: file.path, line: 1 }
      )
  }
  if (options.format && options.format !== spec.format) {
    throw new ImportOptionsError('format', `${options.format} does not fit a file with header ${JSON.stringify(header)}; the header reads as ${spec.format}`, { file: file.path })
  }
  spec.columns = c
  spec.notes.push(...notes)
  return spec
}

function barDialect(names: string[]): string {
  if (names.join(',') === 'date,open,high,low,close,adjclose,volume') return 'yahoo'
  if (names.includes('openinterest')) return 'backtrader'
  if (names[0] === '') return 'pandas'
  return 'generic'
}

function formatKind(format: ImportFormat): DataKind {
  if (format === 'csv-bars' || format === 'binance-klines' || format === 'json-candles' || format === 'kraken-ohlc-json') return 'bars'
  if (format === 'csv-quotes' || format === 'histdata-quotes') return 'quotes'
  return 'trades'
}

function missing(file: TextFile, header: string[], what: string): DataFormatError {
  return new DataFormatError(`header ${JSON.stringify(header)} has no ${what} column`, { file: file.path, line: 1 })
}

function headerless(file: TextFile, rows: string[][], options: ImportOptions): FormatSpec {
  const row = rows[0]
  const n = row.length
  const numeric = (s: string | undefined): boolean => s !== undefined && s !== '' && Number.isFinite(Number(s))
  let format = options.format
  if (!format) {
    if (n === 12 && numeric(row[0]) && numeric(row[6]) && Number(row[0]) >= 1e11 && Number(row[6]) > Number(row[0])) format = 'binance-klines'
    else if (n === 4 && HISTDATA_TIME.test(row[0])) format = 'histdata-quotes'
    else if (n === 3 && numeric(row[0]) && Number(row[0]) < 1e11) format = 'kraken-trades-csv'
    else if (n === 3) format = 'csv-quotes'
    else if (n >= 5 && n <= 7 && row.slice(1, 5).every(numeric)) format = 'csv-bars'
  }
  const c = noColumns()
  let spec: FormatSpec
  switch (format) {
    case 'binance-klines':
      spec = baseSpec(format, 'bars', 'csv', 'binance')
      Object.assign(c, { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, closeTime: 6 })
      break
    case 'histdata-quotes':
      spec = baseSpec(format, 'quotes', 'csv', 'histdata')
      Object.assign(c, { time: 0, bid: 1, ask: 2 })
      spec.defaultTimezone = '-05:00'
      spec.notes.push('HistData times are EST without daylight saving: default timezone -05:00')
      break
    case 'kraken-trades-csv':
      spec = baseSpec(format, 'trades', 'csv', 'kraken')
      Object.assign(c, { time: 0, price: 1, amount: 2 })
      spec.timeUnit = 's'
      break
    case 'csv-quotes':
      spec = baseSpec(format, 'quotes', 'csv', 'headerless')
      Object.assign(c, { time: 0, bid: 1, ask: 2 })
      break
    case 'csv-bars':
      spec = baseSpec(format, 'bars', 'csv', HISTDATA_TIME.test(row[0]) ? 'histdata' : 'headerless')
      Object.assign(c, { time: 0, open: 1, high: 2, low: 3, close: 4, volume: n >= 6 ? 5 : -1 })
      if (spec.dialect === 'histdata') {
        spec.defaultTimezone = '-05:00'
        spec.notes.push('HistData times are EST without daylight saving: default timezone -05:00')
      }
      break
    default:
      throw new DataFormatError(
        `unrecognised headerless layout with ${n} fields (first row ${JSON.stringify(row.slice(0, 12))}); add a header or pass options.format`,
        { file: file.path, line: 1 }
      )
  }
  spec.columns = c
  return spec
}

/** Slash/dot dates: the order from options, else from a day > 12 in the sample, else dots mean d.m.y. */
function resolveDateOrder(file: TextFile, spec: FormatSpec, rows: string[][], options: ImportOptions): DateOrder | undefined {
  const col = spec.columns.time >= 0 ? spec.columns.time : spec.columns.date
  let ambiguous = false
  let firstOver = false
  let secondOver = false
  let dots = false
  for (const r of rows) {
    const m = /^(\d{1,2})([/.-])(\d{1,2})\2\d{4}/.exec(r[col] ?? '')
    if (!m) continue
    ambiguous = true
    if (Number(m[1]) > 12) firstOver = true
    if (Number(m[3]) > 12) secondOver = true
    if (m[2] === '.') dots = true
  }
  if (!ambiguous) return options.dateOrder
  if (options.dateOrder) return options.dateOrder
  if (firstOver && !secondOver) return 'dmy'
  if (secondOver && !firstOver) return 'mdy'
  if (dots) return 'dmy'
  const shown = rows.find((r) => r[col])?.[col] ?? ''
  throw new ImportOptionsError('dateOrder', `dates like ${JSON.stringify(shown)} could be day/month or month/day; pass dateOrder 'dmy' or 'mdy'`, {
    file: file.path
  })
}
