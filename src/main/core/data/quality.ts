import { BarSeriesBuilder, QuoteSeriesBuilder, TradeSeriesBuilder, type BarSeries, type QuoteSeries, type TradeSeries } from './bar-series'
import { DAY_MS, isoText, isoWeekday } from './calendar'
import { DataFormatError } from './errors'
import { BAR, QUOTE, RawRows, TRADE } from './raw-rows'
import { parseTimeframe, timeframeFloor, timeframeNext, type Timeframe } from './timeframe'
import { resolveZone, type Zone } from './timezone'

/**
 * What happens to problems:
 *  - `reject`: any error → DataQualityError with the full report, no data returned;
 *  - `drop`: drop every flagged row, including outliers and zero-volume filler bars (warnings);
 *  - `keep-gaps` (default): drop invalid rows only; gaps stay gaps, outliers and fillers stay (reported);
 *  - `forward-fill`: as keep-gaps, then fill missing bars with O=H=L=C=previous close, volume 0, synthetic.
 */
export type QualityPolicy = 'reject' | 'drop' | 'keep-gaps' | 'forward-fill'
export const QUALITY_POLICIES: readonly QualityPolicy[] = ['reject', 'drop', 'keep-gaps', 'forward-fill']

/**
 * Which bar open times are expected: every one, Monday–Friday only (in the data's timezone), or
 * US-equity trading hours Monday–Friday in the data's timezone (America/New_York): regular
 * 09:30–16:00, extended 04:00–20:00. Exchange holidays and early closes are not known, so they
 * count as missing bars.
 */
export type SessionCalendar = '24x7' | 'weekdays' | 'us-equity-regular' | 'us-equity-extended'

export const ISSUE_KINDS = [
  'malformed',
  'truncated',
  'bad-timestamp',
  'empty-field',
  'not-a-number',
  'non-positive-price',
  'negative-volume',
  'high-below-low',
  'open-close-outside-range',
  'crossed-quote',
  'duplicate',
  'out-of-order',
  'gap',
  'outlier',
  'zero-volume-filler'
] as const
export type IssueKind = (typeof ISSUE_KINDS)[number]

/** Findings that do not make a row invalid (and do not trip `reject`). */
export const WARNING_KINDS: ReadonlySet<IssueKind> = new Set<IssueKind>(['gap', 'outlier', 'zero-volume-filler'])

export interface QualityIssue {
  /** 1-based line in the file (for JSON sources: 1-based record number, see ImportReport.lineUnit). */
  line: number
  kind: IssueKind
  message: string
}

/** JSON-serialisable summary of everything the gate found (goes into the backtest manifest). */
export interface QualityReport {
  policy: QualityPolicy
  /** Issues of error kinds (rows that were or would be rejected). */
  errors: number
  warnings: number
  counts: Record<IssueKind, number>
  /** Rows read but not in the result (invalid, or flagged under `drop`). */
  rowsDropped: number
  /** Bars absent between the first and last bar, per the session calendar (bars only). */
  missingBars: number
  syntheticBars: number
  sessions?: SessionCalendar
  outlierSigma: number
  /** The first issues by line, at most `maxIssues` (default 1000). */
  issues: QualityIssue[]
  issuesTruncated: boolean
}

export interface QualityOptions {
  policy?: QualityPolicy
  /** Default 'auto': 'weekdays' when no bar opens on a Saturday or Sunday, else '24x7'. */
  sessions?: SessionCalendar | 'auto'
  /** Outlier threshold in standard deviations of close-to-close log returns (default 10). */
  outlierSigma?: number
  maxIssues?: number
}

/**
 * Collects issues with per-kind counts. Messages are kept for the first `max` issues of each
 * phase (parsing, then sequence checks), so that after sorting by line the first `max` overall are exact.
 */
export class IssueLog {
  readonly counts: Record<IssueKind, number>
  private items: QualityIssue[] = []
  private phaseBase = 0

  constructor(readonly max = 1000) {
    this.counts = Object.fromEntries(ISSUE_KINDS.map((k) => [k, 0])) as Record<IssueKind, number>
  }

  /** True when further messages of this phase would be discarded (callers may skip formatting them). */
  get full(): boolean {
    return this.items.length - this.phaseBase >= this.max
  }

  add(line: number, kind: IssueKind, message: string): void {
    this.counts[kind]++
    if (!this.full) this.items.push({ line, kind, message })
  }

  beginPhase(): void {
    this.phaseBase = this.items.length
  }

  get errors(): number {
    let n = 0
    for (const k of ISSUE_KINDS) if (!WARNING_KINDS.has(k)) n += this.counts[k]
    return n
  }

  get warnings(): number {
    let n = 0
    for (const k of WARNING_KINDS) n += this.counts[k]
    return n
  }

  report(base: Omit<QualityReport, 'errors' | 'warnings' | 'counts' | 'issues' | 'issuesTruncated'>): QualityReport {
    const sorted = this.items.slice().sort((a, b) => a.line - b.line)
    const total = ISSUE_KINDS.reduce((n, k) => n + this.counts[k], 0)
    return {
      ...base,
      errors: this.errors,
      warnings: this.warnings,
      counts: { ...this.counts },
      issues: sorted.slice(0, this.max),
      issuesTruncated: total > this.max
    }
  }
}

/** The first problem of a bar's values (NaN checks happen while parsing, where field names are known). */
export function barValueProblem(o: number, h: number, l: number, c: number, v: number): IssueKind | undefined {
  if (!(o > 0 && h > 0 && l > 0 && c > 0)) return 'non-positive-price'
  if (h < l) return 'high-below-low'
  if (o < l || o > h || c < l || c > h) return 'open-close-outside-range'
  if (v < 0) return 'negative-volume'
  return undefined
}

export function barValueMessage(kind: IssueKind, o: number, h: number, l: number, c: number, v: number): string {
  switch (kind) {
    case 'non-positive-price':
      return `price must be > 0 (open ${o}, high ${h}, low ${l}, close ${c})`
    case 'high-below-low':
      return `high ${h} is below low ${l}`
    case 'open-close-outside-range':
      return `open ${o} / close ${c} outside [low ${l}, high ${h}]`
    case 'negative-volume':
      return `volume ${v} is negative`
    default:
      return kind
  }
}

const FORWARD_FILL_LIMIT = 20_000_000

export interface BarGateInput {
  raw: RawRows
  symbol: string
  /** Known timeframe; the caller detects it when the file does not say. */
  timeframe: string
  /** Whether raw times are bar open or bar close times. */
  stamp: 'open' | 'close'
  zone: Zone
  hasVolume: boolean
  policy: QualityPolicy
  sessions: SessionCalendar | 'auto'
  outlierSigma: number
  log: IssueLog
  notes: string[]
}

export interface GateResult<S> {
  series: S
  rowsDropped: number
  missingBars: number
  syntheticBars: number
  sessions?: SessionCalendar
}

/**
 * Sequence checks over parsed rows: order and duplicates, outliers, zero-volume fillers, gaps;
 * applies the policy and builds the series. Row-level validity was checked while parsing.
 */
export function gateBars(input: BarGateInput): GateResult<BarSeries> {
  const { raw, log, policy } = input
  const tf = parseTimeframe(input.timeframe)
  const n = raw.length
  const c = raw.cols
  const line = c[BAR.LINE]
  log.beginPhase()

  // Bar open and close times from the stamped time.
  const open = new Float64Array(n)
  const close = new Float64Array(n)
  let realigned = 0
  for (let i = 0; i < n; i++) {
    const t = c[BAR.T][i]
    let o: number
    if (tf.ms === 0 || tf.unit === 'w') {
      o = timeframeFloor(tf, input.stamp === 'close' ? t - 1 : t)
      if (o !== t) realigned++
    } else o = input.stamp === 'close' ? t - tf.ms : t
    open[i] = o
    close[i] = timeframeNext(tf, o)
  }
  if (realigned) input.notes.push(`${realigned} ${tf.text} bar stamps aligned to the start of their calendar period`)

  const keep = orderPass(n, open, line, log, (i, j) => sameBar(c, i, j))

  // Outliers (close-to-close log returns) and zero-volume filler bars among the rows kept so far.
  const sigma = input.outlierSigma
  const hours = input.sessions === 'auto' ? undefined : TRADING_HOURS[input.sessions]
  flagOutliers(n, keep, c[BAR.C], line, sigma, log, policy === 'drop', 'close', hours && ((i, j) => localDay(open[i], input.zone) !== localDay(open[j], input.zone)))
  if (input.hasVolume) {
    const [o, h, l, cl, v] = [c[BAR.O], c[BAR.H], c[BAR.L], c[BAR.C], c[BAR.V]]
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue
      if (v[i] === 0 && o[i] === h[i] && h[i] === l[i] && l[i] === cl[i]) {
        log.add(line[i], 'zero-volume-filler', log.full ? '' : `O=H=L=C=${cl[i]} with volume 0 at ${isoText(open[i])}`)
        if (policy === 'drop') keep[i] = 0
      }
    }
  }

  const sessions = input.sessions === 'auto' ? autoSessions(tf, n, keep, open, input.zone) : input.sessions
  const expected = tf.ms !== 0 && tf.unit !== 'w' ? sessionFilter(sessions, tf.ms, input.zone) : null

  // Gaps, forward fill, output.
  const out = new BarSeriesBuilder(input.symbol, tf.text, tf.ms, countKept(keep))
  const fill = policy === 'forward-fill'
  let missingBars = 0
  let synthetic = 0
  let prev = -1
  let kept = 0
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue
    kept++
    if (prev >= 0 && open[i] > close[prev]) {
      let missing = 0
      if (tf.ms !== 0 && expected === null && !fill) missing = Math.round((open[i] - close[prev]) / tf.ms)
      else {
        const count = tf.ms !== 0 ? Math.round((open[i] - close[prev]) / tf.ms) : -1
        let t = close[prev]
        const lastClose = c[BAR.C][prev]
        for (let k = 0; count < 0 ? t < open[i] : k < count; k++) {
          const next = timeframeNext(tf, t)
          if (expected === null || expected(t)) {
            missing++
            if (fill) {
              if (++synthetic > FORWARD_FILL_LIMIT) {
                throw new DataFormatError(`forward-fill would create more than ${FORWARD_FILL_LIMIT} bars`, { line: line[i] })
              }
              out.push(t, next, lastClose, lastClose, lastClose, lastClose, 0, true)
            }
          }
          t = next
        }
      }
      if (missing > 0) {
        missingBars += missing
        log.add(
          line[i],
          'gap',
          log.full ? '' : `${missing} missing ${tf.text} bar(s) between ${isoText(close[prev])} and ${isoText(open[i])}${fill ? ' (forward-filled)' : ''}`
        )
      }
    }
    out.push(open[i], close[i], c[BAR.O][i], c[BAR.H][i], c[BAR.L][i], c[BAR.C][i], c[BAR.V][i])
    prev = i
  }
  return { series: out.build(), rowsDropped: n - kept, missingBars, syntheticBars: synthetic, sessions }
}

export interface TickGateInput {
  raw: RawRows
  symbol: string
  policy: QualityPolicy
  outlierSigma: number
  log: IssueLog
  /** quotes of a market with daily sessions: returns across days (in this zone) are not outliers */
  dailySessions?: Zone
}

/** Sequence checks for trades: order (equal timestamps are normal for trades) and price outliers. */
export function gateTrades(input: TickGateInput): GateResult<TradeSeries> {
  const { raw, log } = input
  const n = raw.length
  const c = raw.cols
  log.beginPhase()
  const keep = orderPass(n, c[TRADE.T], c[TRADE.LINE], log, undefined)
  flagOutliers(n, keep, c[TRADE.PRICE], c[TRADE.LINE], input.outlierSigma, log, input.policy === 'drop', 'price')
  const out = new TradeSeriesBuilder(input.symbol, countKept(keep))
  for (let i = 0; i < n; i++) {
    if (keep[i]) out.push(c[TRADE.T][i], c[TRADE.PRICE][i], c[TRADE.AMOUNT][i], c[TRADE.SIDE][i])
  }
  return { series: out.build(), rowsDropped: n - out.length, missingBars: 0, syntheticBars: 0 }
}

/** Sequence checks for quotes: order and mid-price outliers. */
export function gateQuotes(input: TickGateInput): GateResult<QuoteSeries> {
  const { raw, log } = input
  const n = raw.length
  const c = raw.cols
  log.beginPhase()
  const keep = orderPass(n, c[QUOTE.T], c[QUOTE.LINE], log, undefined)
  const mid = new Float64Array(n)
  for (let i = 0; i < n; i++) mid[i] = (c[QUOTE.BID][i] + c[QUOTE.ASK][i]) / 2
  const zone = input.dailySessions
  const t = c[QUOTE.T]
  // a quote stamped at a bar's end belongs to the day of the instant just before
  flagOutliers(n, keep, mid, c[QUOTE.LINE], input.outlierSigma, log, input.policy === 'drop', 'mid price', zone && ((i, j) => localDay(t[i] - 1, zone) !== localDay(t[j] - 1, zone)))
  const out = new QuoteSeriesBuilder(input.symbol, countKept(keep))
  for (let i = 0; i < n; i++) {
    if (keep[i]) out.push(c[QUOTE.T][i], c[QUOTE.BID][i], c[QUOTE.ASK][i], c[QUOTE.BID_SIZE][i], c[QUOTE.ASK_SIZE][i])
  }
  return { series: out.build(), rowsDropped: n - out.length, missingBars: 0, syntheticBars: 0 }
}

/**
 * Keeps rows in time order. A row earlier than the last kept one is out of order (or a duplicate
 * when equal and `same` is given, i.e. for bars). A row later than both following rows, which
 * themselves fit after the last kept row, is the one blamed (e.g. a mistyped year), instead of
 * every correct row after it.
 */
function orderPass(
  n: number,
  t: Float64Array,
  line: Float64Array,
  log: IssueLog,
  same: ((i: number, j: number) => boolean) | undefined
): Uint8Array {
  const keep = new Uint8Array(n)
  let last = -1
  for (let i = 0; i < n; i++) {
    if (last >= 0) {
      const ti = t[i]
      const tl = t[last]
      if (same ? ti <= tl : ti < tl) {
        if (same && ti === tl) {
          log.add(line[i], 'duplicate', log.full ? '' : `duplicate of line ${line[last]} (${isoText(ti)}), values ${same(i, last) ? 'identical' : 'differ'}`)
        } else {
          log.add(line[i], 'out-of-order', log.full ? '' : `${isoText(ti)} is before ${isoText(tl)} at line ${line[last]}`)
        }
        continue
      }
    }
    if (
      i + 1 < n &&
      t[i + 1] < t[i] &&
      (i + 2 >= n || t[i + 2] < t[i]) &&
      (last < 0 || (same ? t[i + 1] > t[last] : t[i + 1] >= t[last]))
    ) {
      log.add(line[i], 'out-of-order', log.full ? '' : `${isoText(t[i])} is after the next row's ${isoText(t[i + 1])} at line ${line[i + 1]}`)
      continue
    }
    keep[i] = 1
    last = i
  }
  return keep
}

/**
 * Flags rows whose log return from the previous kept row exceeds `sigma` standard deviations of all
 * such returns. A spike (a jump followed by an opposite jump back) blames only the spike row.
 * `sessionBreak(i, j)`: rows i and j lie in different sessions; that return (an overnight gap)
 * is neither tested nor counted.
 */
function flagOutliers(
  n: number,
  keep: Uint8Array,
  price: Float64Array,
  line: Float64Array,
  sigma: number,
  log: IssueLog,
  drop: boolean,
  what: string,
  sessionBreak?: (i: number, j: number) => boolean
): void {
  if (!(sigma > 0)) return
  const idx: number[] = []
  for (let i = 0; i < n; i++) if (keep[i]) idx.push(i)
  if (idx.length < 3) return
  const r = new Float64Array(idx.length)
  let sum = 0
  let m = 0
  for (let k = 1; k < idx.length; k++) {
    if (sessionBreak?.(idx[k - 1], idx[k])) {
      r[k] = NaN
      continue
    }
    r[k] = Math.log(price[idx[k]] / price[idx[k - 1]])
    sum += r[k]
    m++
  }
  if (m < 2) return
  let mean = sum / m
  let ss = 0
  for (let k = 1; k < idx.length; k++) if (r[k] === r[k]) ss += (r[k] - mean) * (r[k] - mean)
  let sd = Math.sqrt(ss / m)
  // A big outlier inflates the plain standard deviation enough to hide itself (in 200 returns a
  // single jump can never exceed ~14σ). Sigma-clip at 4σ to estimate σ from the bulk, as long
  // as clipping removes at most 1% of the returns, or 4 of them (a spike and its return count
  // twice); beyond that the tails are the data, not errors.
  for (let iter = 0; iter < 10 && sd > 0; iter++) {
    const clip = 4 * sd
    let n = 0
    let s = 0
    for (let k = 1; k < idx.length; k++) {
      if (r[k] === r[k] && Math.abs(r[k] - mean) <= clip) {
        n++
        s += r[k]
      }
    }
    if (n === m || m - n > Math.max(m * 0.01, 4) || n < 2) break
    const mean2 = s / n
    let ss2 = 0
    for (let k = 1; k < idx.length; k++) if (r[k] === r[k] && Math.abs(r[k] - mean) <= clip) ss2 += (r[k] - mean2) * (r[k] - mean2)
    const sd2 = Math.sqrt(ss2 / n)
    if (!(sd2 > 0) || sd2 === sd) break
    mean = mean2
    sd = sd2
  }
  if (!(sd > 0)) return
  const limit = sigma * sd
  for (let k = 1; k < idx.length; k++) {
    const dev = r[k] - mean
    if (!(Math.abs(dev) > limit)) continue
    const i = idx[k]
    log.add(
      line[i],
      'outlier',
      log.full ? '' : `${what} ${price[i]} moved ${dev >= 0 ? '+' : ''}${(r[k] * 100).toFixed(2)}% (${(Math.abs(dev) / sd).toFixed(1)}σ, σ=${sd.toExponential(2)}) from ${price[idx[k - 1]]} at line ${line[idx[k - 1]]}`
    )
    if (drop) keep[i] = 0
    // The return back from a spike is not a second outlier.
    if (k + 1 < idx.length && Math.abs(r[k + 1] - mean) > limit && Math.sign(r[k + 1]) !== Math.sign(r[k])) k++
  }
}

function countKept(keep: Uint8Array): number {
  let n = 0
  for (let i = 0; i < keep.length; i++) n += keep[i]
  return n
}

function sameBar(c: Float64Array[], i: number, j: number): boolean {
  return c[BAR.O][i] === c[BAR.O][j] && c[BAR.H][i] === c[BAR.H][j] && c[BAR.L][i] === c[BAR.L][j] && c[BAR.C][i] === c[BAR.C][j] && Object.is(c[BAR.V][i], c[BAR.V][j])
}

function localDay(t: number, zone: Zone): number {
  return Math.floor((t + zone.offsetAt(t)) / DAY_MS)
}

function isWeekday(t: number, zone: Zone): boolean {
  return isoWeekday(t + zone.offsetAt(t)) <= 5
}

const TRADING_HOURS: Partial<Record<SessionCalendar, [number, number]>> = {
  'us-equity-regular': [9.5 * 3_600_000, 16 * 3_600_000],
  'us-equity-extended': [4 * 3_600_000, 20 * 3_600_000]
}

/**
 * Which bar open times the calendar expects, or null for every one. A trading-hours calendar
 * expects a bar when its interval overlaps the hours on a weekday; daily and longer bars just
 * need a weekday.
 */
function sessionFilter(sessions: SessionCalendar, barMs: number, zone: Zone): ((t: number) => boolean) | null {
  if (sessions === '24x7') return null
  const hours = TRADING_HOURS[sessions]
  if (sessions === 'weekdays' || hours === undefined || barMs >= DAY_MS) return (t) => isWeekday(t, zone)
  const [from, to] = hours
  return (t) => {
    const local = t + zone.offsetAt(t)
    if (isoWeekday(local) > 5) return false
    const ms = local - Math.floor(local / DAY_MS) * DAY_MS
    return ms < to && ms + barMs > from
  }
}

function autoSessions(tf: Timeframe, n: number, keep: Uint8Array, open: Float64Array, zone: Zone): SessionCalendar {
  if (tf.ms === 0 || tf.unit === 'w') return '24x7'
  for (let i = 0; i < n; i++) if (keep[i] && !isWeekday(open[i], zone)) return '24x7'
  return 'weekdays'
}

/**
 * The quality gate for bars that did not come from a file (e.g. fetched through ccxt): the same
 * checks as an import, with `line` = 1-based bar index. Never throws for policy `reject`; the
 * caller decides what to do with `report.errors`.
 */
export function assessBars(bars: BarSeries, options: QualityOptions & { timezone?: string } = {}): { series: BarSeries; report: QualityReport } {
  const log = new IssueLog(options.maxIssues ?? 1000)
  const raw = new RawRows(BAR.WIDTH, Math.max(bars.length, 1))
  for (let i = 0; i < bars.length; i++) {
    const [o, h, l, c, v] = [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]
    if (o !== o || h !== h || l !== l || c !== c || !Number.isFinite(bars.openTime[i])) {
      log.add(i + 1, 'not-a-number', `bar ${i + 1} has a NaN field`)
      continue
    }
    const problem = barValueProblem(o, h, l, c, v)
    if (problem) {
      log.add(i + 1, problem, barValueMessage(problem, o, h, l, c, v))
      continue
    }
    const k = raw.add()
    const r = raw.cols
    r[BAR.T][k] = bars.openTime[i]
    r[BAR.CLOSE_TIME][k] = bars.closeTime[i]
    r[BAR.O][k] = o
    r[BAR.H][k] = h
    r[BAR.L][k] = l
    r[BAR.C][k] = c
    r[BAR.V][k] = v
    r[BAR.LINE][k] = i + 1
  }
  const policy = options.policy ?? 'keep-gaps'
  const outlierSigma = options.outlierSigma ?? 10
  let hasVolume = false
  for (let i = 0; i < bars.length && !hasVolume; i++) hasVolume = !Number.isNaN(bars.volume[i])
  const gate = gateBars({
    raw,
    symbol: bars.symbol,
    timeframe: bars.timeframe,
    stamp: 'open',
    zone: resolveZone(options.timezone),
    hasVolume,
    policy,
    sessions: options.sessions ?? 'auto',
    outlierSigma,
    log,
    notes: []
  })
  const report = log.report({
    policy,
    rowsDropped: bars.length - (gate.series.length - gate.syntheticBars),
    missingBars: gate.missingBars,
    syntheticBars: gate.syntheticBars,
    sessions: gate.sessions,
    outlierSigma
  })
  return { series: gate.series, report }
}
