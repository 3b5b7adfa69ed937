import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import type { BarSeries, QuoteSeries } from './bar-series'
import { DAY_MS, daysFromCivil, isoText } from './calendar'
import { DataFormatError, ImportOptionsError } from './errors'
import type { ImportReport } from './import-report'
import { barValueMessage, barValueProblem, gateBars, gateQuotes, IssueLog, QUALITY_POLICIES, type QualityPolicy, type SessionCalendar } from './quality'
import { BAR, QUOTE, RawRows } from './raw-rows'
import { resolveZone, type Zone } from './timezone'
import { looksLikeZip, readZip } from './zip'

/*
 * QuantConnect LEAN's data folders (Data/<equity|crypto>/<market>/<resolution>/…), format as in
 * LEAN's Data/equity/readme.md and Data/crypto/readme.md:
 *  - tick/second/minute: <ticker>/<yyyyMMdd>_<trade|quote>.zip, rows stamped in ms since the
 *    day's midnight (America/New_York for usa equities, UTC for crypto) at the bar's START;
 *  - hour/daily: equity <ticker>.zip (trade bars), crypto <ticker>_<trade|quote>.zip, rows
 *    stamped `yyyyMMdd HH:mm`;
 *  - trade rows: time, open, high, low, close, volume; quote rows: time, bid o/h/l/c, bid size,
 *    ask o/h/l/c, ask size (a side with no quote is left empty);
 *  - equity prices in deci-cents (÷ 10 000), crypto prices plain;
 *  - equity factor files (<market>/factor_files/<ticker>.csv: date, price factor, split factor,
 *    reference price): a price on date D is multiplied by price factor × split factor of the
 *    first row dated on or after D (LEAN's default "adjusted" normalisation).
 */

export type LeanAssetClass = 'equity' | 'crypto'
export type LeanResolution = 'tick' | 'second' | 'minute' | 'hour' | 'daily'

export interface LeanFile {
  path: string
  kind: 'trade' | 'quote'
  /** yyyyMMdd of an intraday file; undefined for hour/daily files (the rows carry the date) */
  date: number | undefined
}

export interface LeanLayout {
  assetClass: LeanAssetClass
  market: string
  resolution: LeanResolution
  ticker: string
  /** Data/<assetClass>/<market>: factor and map files live under it */
  marketRoot: string
  /** in date order, the trade file of a day before its quote file */
  files: LeanFile[]
}

export interface LeanOptions {
  /** default: the ticker in capitals (SPY, BTCUSD) */
  symbol?: string
  /** equities: `adjusted` (default when the factor file exists) or `raw` */
  adjust?: 'raw' | 'adjusted'
  /** usa equities, intraday: `regular` (default, 09:30–16:00 New York) or `extended` (the whole file) */
  session?: 'regular' | 'extended'
  /** overrides the data's own zone (America/New_York for usa equities, else UTC) */
  timezone?: string
  policy?: QualityPolicy
  outlierSigma?: number
  maxIssues?: number
}

export interface LeanData {
  layout: LeanLayout
  symbol: string
  /** trade bars (stamped by open time) */
  bars: { series: BarSeries; report: ImportReport } | null
  /** quote bars as quote events at the bar's END: bid close, ask close and their sizes */
  quotes: { series: QuoteSeries; report: ImportReport } | null
}

const RESOLUTIONS: readonly LeanResolution[] = ['tick', 'second', 'minute', 'hour', 'daily']
const RESOLUTION_MS: Record<LeanResolution, number> = { tick: 0, second: 1000, minute: 60_000, hour: 3_600_000, daily: DAY_MS }
const TIMEFRAME: Record<LeanResolution, string> = { tick: '', second: '1s', minute: '1m', hour: '1h', daily: '1d' }
const INTRADAY_FILE = /^(\d{8})_(trade|quote)\.zip$/i
const REGULAR_OPEN_MS = 9.5 * 3_600_000
const REGULAR_CLOSE_MS = 16 * 3_600_000
const DECI_CENTS = 10_000

/**
 * Is `p` LEAN data: a zip file (nothing else we read is a zip), or a folder holding
 * `yyyyMMdd_trade.zip` / `yyyyMMdd_quote.zip` files?
 */
export function isLeanSource(p: string): boolean {
  let stat
  try {
    stat = statSync(p)
  } catch {
    return false
  }
  if (stat.isDirectory()) {
    try {
      return readdirSync(p).some((name) => INTRADAY_FILE.test(name))
    } catch {
      return false
    }
  }
  if (/\.zip$/i.test(p)) return true
  try {
    const fd = openSync(p, 'r')
    try {
      const head = Buffer.alloc(4)
      return readSync(fd, head, 0, 4, 0) === 4 && looksLikeZip(head)
    } finally {
      closeSync(fd)
    }
  } catch {
    return false
  }
}

/** Where `p` sits in LEAN's layout and which zips it stands for; a DataFormatError when it is not LEAN data. */
export function leanLayout(p: string): LeanLayout {
  const abs = path.resolve(p)
  let isDir: boolean
  try {
    isDir = statSync(abs).isDirectory()
  } catch (cause) {
    throw new DataFormatError('cannot read: no such file or folder', { file: p, cause })
  }
  const parts = abs.split(path.sep)
  let at = -1
  for (let i = parts.length - 3; i >= 0; i--) {
    if ((parts[i] === 'equity' || parts[i] === 'crypto') && RESOLUTIONS.includes(parts[i + 2] as LeanResolution)) {
      at = i
      break
    }
  }
  if (at < 0) {
    throw new DataFormatError(
      'not in a LEAN data folder: expected a path like Data/equity/usa/minute/spy (or a zip inside one); the asset class (equity or crypto) decides the price unit',
      { file: p }
    )
  }
  const assetClass = parts[at] as LeanAssetClass
  const market = parts[at + 1]
  const resolution = parts[at + 2] as LeanResolution
  const marketRoot = parts.slice(0, at + 2).join(path.sep)
  const base = { assetClass, market, resolution, marketRoot }
  if (resolution === 'tick') throw new DataFormatError('LEAN tick files are not supported; use second, minute, hour or daily data', { file: p })
  const intraday = resolution === 'second' || resolution === 'minute'
  if (intraday) {
    const tickerDir = isDir ? abs : path.dirname(abs)
    if (path.dirname(tickerDir) !== parts.slice(0, at + 3).join(path.sep)) {
      throw new DataFormatError(`expected the ticker folder ${resolution}/<ticker> or a zip in it`, { file: p })
    }
    const names = isDir ? readdirSync(abs) : [path.basename(abs)]
    const files: LeanFile[] = []
    for (const name of names) {
      const m = INTRADAY_FILE.exec(name)
      if (m) files.push({ path: path.join(tickerDir, name), kind: m[2].toLowerCase() as 'trade' | 'quote', date: Number(m[1]) })
      else if (!isDir) throw new DataFormatError(`a LEAN ${resolution} file is named yyyyMMdd_trade.zip or yyyyMMdd_quote.zip`, { file: p })
    }
    if (files.length === 0) throw new DataFormatError('no yyyyMMdd_trade.zip or yyyyMMdd_quote.zip files in this folder', { file: p })
    files.sort((a, b) => a.date! - b.date! || (a.kind === b.kind ? 0 : a.kind === 'trade' ? -1 : 1))
    return { ...base, ticker: path.basename(tickerDir), files }
  }
  if (isDir) throw new DataFormatError(`a LEAN ${resolution} folder holds one zip per ticker: pass the ticker's zip`, { file: p })
  const name = path.basename(abs)
  const m = /^([^_]+?)(?:_(trade|quote))?\.zip$/i.exec(name)
  if (!m) throw new DataFormatError(`a LEAN ${resolution} file is named <ticker>.zip or <ticker>_<trade|quote>.zip`, { file: p })
  return { ...base, ticker: m[1], files: [{ path: abs, kind: (m[2]?.toLowerCase() ?? 'trade') as 'trade' | 'quote', date: undefined }] }
}

/**
 * Reads LEAN zips (a ticker folder: every day's trade zip and, when present, quote zip, in date
 * order; or one zip) into a trade-bar series and a quote series, each through the quality gate.
 */
export function readLean(p: string, options: LeanOptions = {}): LeanData {
  const layout = leanLayout(p)
  const policy = options.policy ?? 'keep-gaps'
  if (!QUALITY_POLICIES.includes(policy)) throw new ImportOptionsError('policy', `${JSON.stringify(policy)} is not one of ${QUALITY_POLICIES.join(', ')}`)
  if (options.adjust !== undefined && options.adjust !== 'raw' && options.adjust !== 'adjusted') {
    throw new ImportOptionsError('adjust', `${JSON.stringify(options.adjust)} is not raw or adjusted`)
  }
  if (options.session !== undefined && options.session !== 'regular' && options.session !== 'extended') {
    throw new ImportOptionsError('session', `${JSON.stringify(options.session)} is not regular or extended`)
  }
  const equity = layout.assetClass === 'equity'
  const usEquity = equity && layout.market === 'usa'
  const zone = resolveZone(options.timezone ?? (usEquity ? 'America/New_York' : 'UTC'))
  const notes: string[] = []
  notes.push(equity ? 'prices in deci-cents, divided by 10000' : 'prices as written (crypto)')

  let factors: FactorFile | null = null
  const factorPath = path.join(layout.marketRoot, 'factor_files', `${layout.ticker.toLowerCase()}.csv`)
  if (equity && options.adjust !== 'raw') {
    factors = readFactorFile(factorPath, options.adjust === 'adjusted')
    notes.push(
      factors === null
        ? `no factor file at ${factorPath}: raw prices`
        : `adjusted: prices × price factor × split factor of the first row of ${factorPath} dated on or after the bar's date; volumes and sizes ÷ split factor`
    )
  } else if (options.adjust === 'adjusted') {
    throw new ImportOptionsError('adjust', 'adjusted prices need a LEAN equity factor file; crypto has none', { file: p })
  } else if (equity) notes.push('raw prices (no factor adjustment)')

  const sessionsApply = usEquity && layout.resolution !== 'daily'
  const session = options.session ?? 'regular'
  if (options.session !== undefined && !sessionsApply) notes.push(`session ${options.session} ignored: it applies to intraday usa equity data`)
  const regular = sessionsApply && session === 'regular'
  if (regular) notes.push(`regular hours only: bars from 09:30 to 16:00 ${zone.name}`)
  const calendar: SessionCalendar = !equity ? '24x7' : !sessionsApply ? 'weekdays' : regular ? 'us-equity-regular' : 'us-equity-extended'

  const symbol = options.symbol || layout.ticker.toUpperCase()
  const ctx: ReadContext = {
    layout,
    zone,
    scale: equity ? DECI_CENTS : 1,
    factors,
    regular,
    resolutionMs: RESOLUTION_MS[layout.resolution],
    log: newLog(options),
    lineBase: 0,
    outside: 0,
    oneSided: 0
  }
  const common = { policy, symbol, calendar, options, notes, source: p }
  const trades = layout.files.filter((f) => f.kind === 'trade')
  const quotes = layout.files.filter((f) => f.kind === 'quote')
  return {
    layout,
    symbol,
    bars: trades.length > 0 ? readBars(ctx, trades, common) : null,
    quotes: quotes.length > 0 ? readQuotes(ctx, quotes, common) : null
  }
}

interface FactorFile {
  path: string
  dates: number[]
  /** price factor × split factor */
  price: number[]
  split: number[]
}

/** The factor file, or null when it does not exist (an error if `required`). */
function readFactorFile(file: string, required: boolean): FactorFile | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    if (!required) return null
    throw new ImportOptionsError('adjust', 'adjusted prices need the factor file, which cannot be read', { file, cause })
  }
  const out: FactorFile = { path: file, dates: [], price: [], split: [] }
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '') continue
    const f = line.split(',')
    const date = Number(f[0])
    const priceFactor = Number(f[1])
    const splitFactor = Number(f[2])
    if (f.length < 3 || !/^\d{8}$/.test(f[0]) || !(priceFactor > 0) || !(splitFactor > 0)) {
      throw new DataFormatError(`factor file row must be yyyyMMdd,price_factor,split_factor[,reference_price] with positive factors: ${JSON.stringify(line.slice(0, 60))}`, {
        file,
        line: i + 1
      })
    }
    if (out.dates.length > 0 && date <= out.dates[out.dates.length - 1]) throw new DataFormatError('factor file dates must increase', { file, line: i + 1 })
    out.dates.push(date)
    out.price.push(priceFactor * splitFactor)
    out.split.push(splitFactor)
  }
  return out
}

/** Index of the factor row that applies on yyyyMMdd `date` (the first dated on or after it), -1 when none does. */
function factorRow(f: FactorFile, date: number): number {
  let lo = 0
  let hi = f.dates.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (f.dates[mid] < date) lo = mid + 1
    else hi = mid
  }
  return lo < f.dates.length ? lo : -1
}

interface ReadContext {
  layout: LeanLayout
  zone: Zone
  scale: number
  factors: FactorFile | null
  regular: boolean
  resolutionMs: number
  log: IssueLog
  /** lines of the files read before the current one (issue lines run on across files) */
  lineBase: number
  outside: number
  oneSided: number
}

interface Common {
  policy: QualityPolicy
  symbol: string
  calendar: SessionCalendar
  options: LeanOptions
  notes: string[]
  source: string
}

/** A row's bar open time (UTC) and its date, or a problem. */
interface RowTime {
  open: number
  date: number
  /** ms since the local midnight */
  ofDay: number
}

/**
 * Calls `row` for every data row of the files, with its fields, its open time and the price
 * multiplier of its date; skips rows outside regular hours. Returns the lines and bytes read and
 * each file's line range.
 */
function eachRow(
  ctx: ReadContext,
  files: LeanFile[],
  row: (f: string[], t: RowTime, multiplier: number, split: number, line: number, file: string) => void
): { lines: number; bytes: number; ranges: string[] } {
  let bytes = 0
  const ranges: string[] = []
  for (const file of files) {
    const buf = readBuffer(file.path)
    bytes += buf.length
    const entries = readZip(buf, file.path)
    const csv = entries.find((e) => /\.csv$/i.test(e.name)) ?? entries[0]
    if (csv === undefined) throw new DataFormatError('the zip holds no file', { file: file.path })
    const lines = csv.data.toString('latin1').split('\n')
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
    const first = ctx.lineBase + 1
    let lastDate = -1
    let multiplier = 1
    let split = 1
    for (let i = 0; i < lines.length; i++) {
      const line = ctx.lineBase + i + 1
      const text = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i]
      if (text.trim() === '') continue
      const f = text.split(',')
      const t = rowTime(ctx, f[0], file.date)
      if (t === null) {
        ctx.log.add(line, 'bad-timestamp', ctx.log.full ? '' : `${path.basename(file.path)}: cannot read time ${JSON.stringify(f[0].slice(0, 40))}`)
        continue
      }
      if (ctx.regular && !inRegularHours(t.ofDay, ctx.resolutionMs)) {
        ctx.outside++
        continue
      }
      if (t.date !== lastDate) {
        lastDate = t.date
        const k = ctx.factors === null ? -1 : factorRow(ctx.factors, t.date)
        multiplier = k < 0 ? 1 : ctx.factors!.price[k]
        split = k < 0 ? 1 : ctx.factors!.split[k]
      }
      row(f, t, multiplier, split, line, path.basename(file.path))
    }
    ctx.lineBase += lines.length
    ranges.push(`${path.basename(file.path)} = lines ${first}..${ctx.lineBase}`)
  }
  return { lines: ctx.lineBase, bytes, ranges }
}

function readBuffer(file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (cause) {
    throw new DataFormatError('cannot read the file', { file, cause })
  }
}

/** Intraday rows: ms since midnight on the file's date; hour/daily rows: `yyyyMMdd HH:mm`. */
function rowTime(ctx: ReadContext, field: string | undefined, fileDate: number | undefined): RowTime | null {
  if (field === undefined) return null
  let date: number
  let ofDay: number
  if (fileDate !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(field)) return null
    date = fileDate
    ofDay = Number(field)
    if (ofDay >= DAY_MS) return null
  } else {
    const m = /^(\d{8}) (\d{2}):(\d{2})$/.exec(field.trim())
    if (!m) return null
    date = Number(m[1])
    ofDay = (Number(m[2]) * 60 + Number(m[3])) * 60_000
  }
  const y = Math.floor(date / 10_000)
  const mo = Math.floor(date / 100) % 100
  const d = date % 100
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null
  return { open: ctx.zone.localToUtc(daysFromCivil(y, mo, d) * DAY_MS + ofDay), date, ofDay }
}

/** A bar (or hour bar) belongs to regular hours when its interval overlaps 09:30–16:00. */
function inRegularHours(ofDay: number, barMs: number): boolean {
  return ofDay < REGULAR_CLOSE_MS && ofDay + Math.max(barMs, 1) > REGULAR_OPEN_MS
}

/** A number field; NaN (logged under `name`) when it is not one. */
function numberField(ctx: ReadContext, f: string[], k: number, name: string, line: number, file: string): number {
  const text = f[k]
  const v = text === undefined || text.trim() === '' ? NaN : Number(text)
  if (!Number.isFinite(v)) {
    const kind = text === undefined || text.trim() === '' ? 'empty-field' : 'not-a-number'
    ctx.log.add(line, kind, ctx.log.full ? '' : `${file}: ${name} ${kind === 'empty-field' ? 'is empty' : `is not a number: ${JSON.stringify(text!.slice(0, 40))}`}`)
  }
  return v
}

function newLog(options: LeanOptions): IssueLog {
  const max = options.maxIssues ?? 1000
  if (!(Number.isInteger(max) && max >= 0)) throw new ImportOptionsError('maxIssues', `must be a whole number ≥ 0, got ${max}`)
  return new IssueLog(max)
}

function readBars(ctx: ReadContext, files: LeanFile[], c: Common): { series: BarSeries; report: ImportReport } {
  ctx.log = newLog(c.options)
  ctx.lineBase = 0
  ctx.outside = 0
  const raw = new RawRows(BAR.WIDTH)
  let rowsRead = 0
  const read = eachRow(ctx, files, (f, t, mult, split, line, file) => {
    rowsRead++
    if (f.length < 6) {
      ctx.log.add(line, 'malformed', ctx.log.full ? '' : `${file}: expected 6 fields (time, open, high, low, close, volume), found ${f.length}`)
      return
    }
    const o = numberField(ctx, f, 1, 'open', line, file)
    const h = numberField(ctx, f, 2, 'high', line, file)
    const l = numberField(ctx, f, 3, 'low', line, file)
    const cl = numberField(ctx, f, 4, 'close', line, file)
    const v = numberField(ctx, f, 5, 'volume', line, file)
    if (o !== o || h !== h || l !== l || cl !== cl || v !== v) return
    const problem = barValueProblem(o, h, l, cl, v)
    if (problem) {
      ctx.log.add(line, problem, ctx.log.full ? '' : `${file}: ${barValueMessage(problem, o, h, l, cl, v)}`)
      return
    }
    const i = raw.add()
    const r = raw.cols
    r[BAR.T][i] = t.open
    r[BAR.CLOSE_TIME][i] = NaN
    r[BAR.O][i] = (o / ctx.scale) * mult
    r[BAR.H][i] = (h / ctx.scale) * mult
    r[BAR.L][i] = (l / ctx.scale) * mult
    r[BAR.C][i] = (cl / ctx.scale) * mult
    r[BAR.V][i] = v / split
    r[BAR.LINE][i] = line
  })
  const notes = [...c.notes]
  if (ctx.outside > 0) notes.push(`${ctx.outside} trade bar(s) outside regular hours left out`)
  const timeframe = TIMEFRAME[ctx.layout.resolution]
  const gate = gateBars({
    raw,
    symbol: c.symbol,
    timeframe,
    stamp: 'open',
    zone: ctx.zone,
    hasVolume: true,
    policy: c.policy,
    sessions: c.calendar,
    outlierSigma: c.options.outlierSigma ?? 10,
    log: ctx.log,
    notes
  })
  const s = gate.series
  const report = buildReport(ctx, c, read, rowsRead, gate, 'bars', ['time', 'open', 'high', 'low', 'close', 'volume'], notes, s.length ? s.openTime[0] : null, s.length ? s.openTime[s.length - 1] : null)
  report.timeframe = timeframe
  report.timeframeDetected = false
  report.stamp = 'open'
  return { series: s, report }
}

function readQuotes(ctx: ReadContext, files: LeanFile[], c: Common): { series: QuoteSeries; report: ImportReport } {
  ctx.log = newLog(c.options)
  ctx.lineBase = 0
  ctx.outside = 0
  ctx.oneSided = 0
  const raw = new RawRows(QUOTE.WIDTH)
  let rowsRead = 0
  const read = eachRow(ctx, files, (f, t, mult, split, line, file) => {
    rowsRead++
    if (f.length < 11) {
      ctx.log.add(line, 'malformed', ctx.log.full ? '' : `${file}: expected 11 fields (time, bid o/h/l/c, bid size, ask o/h/l/c, ask size), found ${f.length}`)
      return
    }
    // a side with no quote in the bar is written empty; such a bar cannot price both sides
    if (f[4].trim() === '' || f[9].trim() === '') {
      ctx.oneSided++
      return
    }
    const bid = numberField(ctx, f, 4, 'bid close', line, file)
    const bidSize = numberField(ctx, f, 5, 'bid size', line, file)
    const ask = numberField(ctx, f, 9, 'ask close', line, file)
    const askSize = numberField(ctx, f, 10, 'ask size', line, file)
    if (bid !== bid || ask !== ask || bidSize !== bidSize || askSize !== askSize) return
    if (bid === 0 || ask === 0) {
      ctx.oneSided++
      return
    }
    if (bid < 0 || ask < 0) {
      ctx.log.add(line, 'non-positive-price', ctx.log.full ? '' : `${file}: bid ${bid} and ask ${ask} must be > 0`)
      return
    }
    if (bid > ask) {
      ctx.log.add(line, 'crossed-quote', ctx.log.full ? '' : `${file}: bid close ${bid} is above ask close ${ask}`)
      return
    }
    if (bidSize < 0 || askSize < 0) {
      ctx.log.add(line, 'negative-volume', ctx.log.full ? '' : `${file}: sizes ${bidSize} / ${askSize} must be ≥ 0`)
      return
    }
    const i = raw.add()
    const r = raw.cols
    // the quote as it stands at the bar's end, when LEAN hands the bar out
    r[QUOTE.T][i] = t.open + ctx.resolutionMs
    r[QUOTE.BID][i] = (bid / ctx.scale) * mult
    r[QUOTE.ASK][i] = (ask / ctx.scale) * mult
    r[QUOTE.BID_SIZE][i] = bidSize / split
    r[QUOTE.ASK_SIZE][i] = askSize / split
    r[QUOTE.LINE][i] = line
  })
  const notes = [...c.notes, 'quote bars become quotes at the bar end: bid close, ask close, bid size, ask size']
  if (ctx.outside > 0) notes.push(`${ctx.outside} quote bar(s) outside regular hours left out`)
  if (ctx.oneSided > 0) notes.push(`${ctx.oneSided} quote bar(s) with an empty side left out`)
  const dailySessions = c.calendar === 'us-equity-regular' || c.calendar === 'us-equity-extended' ? ctx.zone : undefined
  const gate = gateQuotes({ raw, symbol: c.symbol, policy: c.policy, outlierSigma: c.options.outlierSigma ?? 10, log: ctx.log, dailySessions })
  const s = gate.series
  const report = buildReport(ctx, c, read, rowsRead, gate, 'quotes', ['time', 'bidClose', 'askClose', 'bidSize', 'askSize'], notes, s.length ? s.ts[0] : null, s.length ? s.ts[s.length - 1] : null)
  return { series: s, report }
}

function buildReport(
  ctx: ReadContext,
  c: Common,
  read: { lines: number; bytes: number; ranges: string[] },
  rowsRead: number,
  gate: { series: { length: number }; missingBars: number; syntheticBars: number; sessions?: SessionCalendar },
  kind: 'bars' | 'quotes',
  columns: string[],
  notes: string[],
  first: number | null,
  last: number | null
): ImportReport {
  const synthetic = gate.syntheticBars
  const accepted = gate.series.length - synthetic
  const allNotes = [...notes]
  if (read.ranges.length > 1) allNotes.push(`lines are numbered across the files in date order: ${read.ranges.join(', ')}`)
  if (first !== null && last !== null) allNotes.push(`range ${isoText(first)} .. ${isoText(last)}`)
  const report: ImportReport = {
    file: c.source,
    format: 'lean',
    dialect: `lean-${ctx.layout.assetClass}-${ctx.layout.resolution}`,
    kind,
    symbol: c.symbol,
    timezone: ctx.zone.name,
    columns,
    gzip: false,
    bytes: read.bytes,
    lineUnit: 'line',
    lines: read.lines,
    rowsRead,
    rowsAccepted: accepted,
    first,
    last,
    notes: allNotes,
    quality: ctx.log.report({
      policy: c.policy,
      rowsDropped: rowsRead - accepted,
      missingBars: gate.missingBars,
      syntheticBars: synthetic,
      ...(kind === 'bars' && { sessions: c.calendar }),
      outlierSigma: c.options.outlierSigma ?? 10
    })
  }
  if (kind === 'bars') report.sessions = c.calendar
  return report
}
