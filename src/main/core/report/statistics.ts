import { drawdownPeriods, drawdownProfile, type DrawdownPeriod, type DrawdownProfile } from './drawdown'
import { upperBound } from './round-trips'
import { ReportInputError, type EquityCurve, type NonFinite, type Statistics, type StatisticKey, type Trade } from './types'

export const DAY_MS = 86_400_000
/** Calendar year used by CAGR, in days. */
export const YEAR_DAYS = 365.25

export interface StatisticsInput {
  equity: EquityCurve
  initialEquity: number
  /** Closed trades. */
  trades: readonly Trade[]
  /** Trades still open at the end: count for exposure when no position series is given. */
  openTrades?: readonly Trade[]
  /** Position per equity sample; exposure is the share of samples where it is non-zero. */
  position?: ArrayLike<number>
  /** Close prices of the benchmark, first to last, for the buy-and-hold return. */
  benchmarkClose?: ArrayLike<number>
  /** Return periods per year; inferred from the timestamps when absent. */
  periodsPerYear?: number
  /** Annual risk-free rate as a fraction; default 0. */
  riskFreeRate?: number
  /** `drawdownSeries(equity.equity, initialEquity)` if the caller has it; not needed: without it the drawdowns are found in one pass that stores nothing */
  drawdown?: Float64Array
}

export function validateEquityCurve(curve: EquityCurve, initialEquity: number): void {
  const { ts, equity } = curve
  if (!(Number.isFinite(initialEquity) && initialEquity > 0)) {
    throw new ReportInputError('initialEquity', null, `must be a finite number > 0, got ${initialEquity}`)
  }
  if (ts.length !== equity.length) {
    throw new ReportInputError('equity', null, `ts has ${ts.length} samples but equity has ${equity.length}`)
  }
  if (ts.length === 0) throw new ReportInputError('equity', null, 'needs at least one sample')
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i])) throw new ReportInputError('equity.ts', i, `must be a finite ms timestamp, got ${ts[i]}`)
    if (i > 0 && !(ts[i] > ts[i - 1])) {
      throw new ReportInputError('equity.ts', i, `timestamps must strictly increase (${ts[i]} after ${ts[i - 1]})`)
    }
    if (!Number.isFinite(equity[i])) throw new ReportInputError('equity.equity', i, `must be finite, got ${equity[i]}`)
  }
}

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
}

/**
 * The k-th smallest value of `a` (0-based) by quickselect, reordering `a`: linear time, where
 * sorting a million bar gaps took most of the statistics' time.
 */
function select(a: Float64Array, k: number): number {
  let lo = 0
  let hi = a.length - 1
  while (hi > lo) {
    const x = a[lo]
    const y = a[(lo + hi) >>> 1]
    const z = a[hi]
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const t = a[i]
        a[i] = a[j]
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]
  }
  return a[k]
}

/** Median of `a` (reordered), equal to the median of its sorted values. */
function medianInPlace(a: Float64Array): number {
  const m = a.length >> 1
  const upper = select(a, m)
  if (a.length % 2 === 1) return upper
  // after the selection everything left of m is <= a[m]; the lower middle is its largest
  let lower = a[0]
  for (let i = 1; i < m; i++) if (a[i] > lower) lower = a[i]
  return (lower + upper) / 2
}

/** 0 = Sunday … 6 = Saturday of a UTC day number (1970-01-01 was a Thursday). */
function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7
}

/**
 * Return periods per year from the timestamps (README.md, "Statistics"): null with fewer than two
 * samples. The market trades on weekends when more than 0.6 * 2/7 of the samples fall on a
 * UTC Saturday or Sunday (365 trading days a year, else 252).
 */
export function inferPeriodsPerYear(ts: ArrayLike<number>): number | null {
  const n = ts.length
  if (n < 2) return null
  const first = Math.floor(ts[0] / DAY_MS)
  const last = Math.floor(ts[n - 1] / DAY_MS)
  const scan = scanTimestamps(ts, first, last)
  const spacingDays = medianGap(ts, scan) / DAY_MS
  const tradingDays = scan.weekend / n > 0.6 * (2 / 7) ? 365 : 252
  if (spacingDays < 0.9) return tradingDays * barsPerDay(ts, first, last, scan.interiorCounts, spacingDays)
  if (spacingDays < 4) return tradingDays
  if (spacingDays < 10) return 52
  if (spacingDays < 60) return 12
  if (spacingDays < 150) return 4
  return YEAR_DAYS / spacingDays
}

/** What inferPeriodsPerYear needs of the timestamps, collected in one pass. */
interface TimestampScan {
  /** Every gap is > 0 (so none is NaN or a signed zero). */
  increasing: boolean
  /** Gaps equal to the first one. */
  firstGapCount: number
  /** Samples on a UTC Saturday or Sunday. */
  weekend: number
  /** Samples per UTC day, for days other than `first` and `last`; null if the days go back. */
  interiorCounts: number[] | null
}

/**
 * `Math.floor(t / DAY_MS)` runs once per day, not per sample: division and floor never decrease,
 * so a t between two times of day d is in day d too. The common sample, one bar size after the
 * previous one and in the same day, takes two comparisons.
 */
function scanTimestamps(ts: ArrayLike<number>, first: number, last: number): TimestampScan {
  const firstGap = ts[1] - ts[0]
  // NaN, never equal, unless the first gap is > 0: then a gap equal to it comes after the previous sample
  const step = firstGap > 0 ? firstGap : NaN
  let increasing = true
  let firstGapCount = 0
  const counts: number[] = []
  let weekend = 0
  let ordered = true
  let day = NaN
  let run = 0
  // every time in [lo, hi] is in `day`
  let lo = NaN
  let hi = NaN
  const endRun = (): void => {
    if (run === 0) return
    const d = weekdayOfDay(day)
    if (d === 0 || d === 6) weekend += run
    if (day !== first && day !== last) counts.push(run)
  }
  let prev = NaN
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]
    const gap = t - prev
    prev = t
    if (gap === step && t <= hi) {
      firstGapCount++
      run++
      continue
    }
    if (i > 0) {
      if (!(gap > 0)) increasing = false
      if (gap === firstGap) firstGapCount++
    }
    if (t >= lo && t <= hi) {
      run++
      continue
    }
    const d = Math.floor(t / DAY_MS)
    if (d === day) {
      run++
      continue
    }
    endRun()
    if (i > 0 && !(d > day)) ordered = false
    day = d
    run = 1
    lo = d * DAY_MS
    hi = lo + (DAY_MS - 1)
    if (!(Math.floor(lo / DAY_MS) === d && Math.floor(hi / DAY_MS) === d)) {
      lo = t
      hi = t
    }
  }
  endRun()
  return { increasing, firstGapCount, weekend, interiorCounts: ordered ? counts : null }
}

/**
 * Median of the gaps between consecutive timestamps. The gaps of a bar series nearly all equal
 * the bar size, and a value held by more than half of them is the median: found from the scan,
 * else by majority vote and a counting pass, instead of copying and selecting a million gaps.
 * Only for strictly increasing timestamps, where equal gaps are identical numbers.
 */
function medianGap(ts: ArrayLike<number>, scan: TimestampScan): number {
  const count = ts.length - 1
  if (scan.increasing) {
    let majority = ts[1] - ts[0]
    let equal = scan.firstGapCount
    if (2 * equal <= count) {
      majority = majorityCandidate(ts)
      equal = 0
      for (let i = 1; i <= count; i++) if (ts[i] - ts[i - 1] === majority) equal++
    }
    // as medianInPlace computes it, lower and upper middle being both the majority
    if (2 * equal > count) return count % 2 === 1 ? majority : (majority + majority) / 2
  }
  const gaps = new Float64Array(count)
  for (let i = 1; i <= count; i++) gaps[i - 1] = ts[i] - ts[i - 1]
  return medianInPlace(gaps)
}

/** The gap that holds a majority of the gaps, if one does (Boyer-Moore majority vote). */
function majorityCandidate(ts: ArrayLike<number>): number {
  let candidate = 0
  let votes = 0
  for (let i = 1; i < ts.length; i++) {
    const gap = ts[i] - ts[i - 1]
    if (votes === 0) {
      candidate = gap
      votes = 1
    } else if (gap === candidate) {
      votes++
    } else {
      votes--
    }
  }
  return candidate
}

/**
 * Samples per trading day: the median count per UTC calendar day over the days strictly between
 * the first and the last one (those are usually partial); 1 day / spacing if there are none.
 * `interiorCounts` are those counts when the timestamps are in time order, else null.
 */
function barsPerDay(ts: ArrayLike<number>, first: number, last: number, interiorCounts: number[] | null, spacingDays: number): number {
  const counts = interiorCounts ?? interiorDayCountsByMap(ts, first, last)
  if (counts.length === 0) return 1 / spacingDays
  return median(counts.sort((a, b) => a - b))
}

/** Samples per UTC day, for days other than `first` and `last` that have samples (any order). */
function interiorDayCountsByMap(ts: ArrayLike<number>, first: number, last: number): number[] {
  const byDay = new Map<number, number>()
  for (let i = 0; i < ts.length; i++) {
    const d = Math.floor(ts[i] / DAY_MS)
    if (d !== first && d !== last) byDay.set(d, (byDay.get(d) ?? 0) + 1)
  }
  return [...byDay.values()]
}

function mean(xs: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]
  return s / xs.length
}

/** Sample standard deviation (n - 1 in the denominator). */
function sampleStd(xs: ArrayLike<number>): number {
  const m = mean(xs)
  let s = 0
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2
  return Math.sqrt(s / (xs.length - 1))
}

/**
 * `Math.min(0, x)` as far as its square goes (only that is used), without a branch on the sign of
 * x: returns of random sign mispredict one, which made the downside sum several times slower.
 * x - |x| is 2x or 0, halved exactly (where 2x overflows, x squared does too); +Infinity needs
 * the branch, always predicted, as Infinity - Infinity is NaN.
 */
function negativePart(x: number): number {
  return x === Infinity ? 0 : (x - Math.abs(x)) * 0.5
}

interface ReturnMoments {
  /** Sample standard deviation of the periodic returns. */
  std: number
  mean: number
  /** Sum of the squared shortfalls of the returns below the risk-free rate per period. */
  downside: number
}

/**
 * Sample standard deviation, mean and downside sum of the simple returns between consecutive
 * samples (null if an equity at the start of a period is <= 0), computed on the fly instead of
 * stored: the same terms added in the same order.
 */
function returnMoments(equity: Float64Array, rfPerPeriod: number): ReturnMoments | null {
  const count = equity.length - 1
  let sum = 0
  let downside = 0
  for (let i = 1; i <= count; i++) {
    if (!(equity[i - 1] > 0)) return null
    const r = equity[i] / equity[i - 1] - 1
    sum += r
    downside += negativePart(r - rfPerPeriod) ** 2
  }
  const m = sum / count
  let squares = 0
  for (let i = 1; i <= count; i++) squares += (equity[i] / equity[i - 1] - 1 - m) ** 2
  return { std: Math.sqrt(squares / (count - 1)), mean: m, downside }
}

export function computeStatistics(input: StatisticsInput): Statistics {
  validateEquityCurve(input.equity, input.initialEquity)
  return computeValidatedStatistics(input, false)
}

/**
 * computeStatistics for an equity curve that passed validateEquityCurve (buildReport validates it
 * once for everything); `benchmarkValidated`: every benchmark close is known to be finite.
 */
export function computeValidatedStatistics(input: StatisticsInput, benchmarkValidated: boolean): Statistics {
  const { equity: curve, initialEquity, trades } = input
  const { ts, equity } = curve
  const n = ts.length
  const riskFreeRate = input.riskFreeRate ?? 0
  if (!(Number.isFinite(riskFreeRate) && riskFreeRate > -1)) {
    throw new ReportInputError('riskFreeRate', null, `must be a finite number > -1, got ${riskFreeRate}`)
  }
  if (input.periodsPerYear !== undefined && !(Number.isFinite(input.periodsPerYear) && input.periodsPerYear > 0)) {
    throw new ReportInputError('periodsPerYear', null, `must be a finite number > 0, got ${input.periodsPerYear}`)
  }
  const nonFinite: Partial<Record<StatisticKey, NonFinite>> = {}
  /** num / den; a zero denominator gives null, with the sign of the infinity recorded if num != 0. */
  const ratio = (key: StatisticKey, num: number, den: number): number | null => {
    if (den !== 0) return num / den
    if (num !== 0) nonFinite[key] = num > 0 ? 'Infinity' : '-Infinity'
    return null
  }

  const startTs = ts[0]
  const endTs = ts[n - 1]
  const finalEquity = equity[n - 1]
  const totalReturn = finalEquity / initialEquity - 1
  const years = (endTs - startTs) / (YEAR_DAYS * DAY_MS)
  const cagr = years === 0 ? null : finalEquity <= 0 ? -1 : (finalEquity / initialEquity) ** (1 / years) - 1

  const { peak: peakEquity, deepest, longest: longestMs } =
    input.drawdown === undefined ? drawdownProfile(equity, initialEquity, ts) : profileOfSeries(input.drawdown, equity, initialEquity, ts)
  const maxDrawdown = deepest?.depth ?? 0

  const periodsPerYear = input.periodsPerYear ?? inferPeriodsPerYear(ts)
  const periodsPerYearSource = input.periodsPerYear !== undefined ? 'given' : periodsPerYear === null ? 'none' : 'inferred'
  let volatility: number | null = null
  let sharpe: number | null = null
  let sortino: number | null = null
  if (n >= 3 && periodsPerYear !== null) {
    const rfPerPeriod = (1 + riskFreeRate) ** (1 / periodsPerYear) - 1
    const moments = returnMoments(equity, rfPerPeriod)
    if (moments !== null) {
      const { std } = moments
      const excess = moments.mean - rfPerPeriod
      const downsideDev = Math.sqrt(moments.downside / (n - 1))
      const annualise = Math.sqrt(periodsPerYear)
      volatility = std * annualise
      sharpe = ratio('sharpe', excess * annualise, std)
      sortino = ratio('sortino', excess * annualise, downsideDev)
    }
  }
  const calmar = cagr === null ? null : ratio('calmar', cagr, -maxDrawdown)

  const tradeCount = trades.length
  const pnls = trades.map((t) => t.pnl)
  const rets = trades.map((t) => t.returnPct)
  let grossProfit = 0
  let grossLoss = 0
  let winCount = 0
  let lossCount = 0
  for (const p of pnls) {
    if (p > 0) {
      winCount++
      grossProfit += p
    } else if (p < 0) {
      lossCount++
      grossLoss -= p
    }
  }
  const any = tradeCount > 0
  let logGrowth = 0
  let best = -Infinity
  let worst = Infinity
  for (const r of rets) {
    // A trade that lost everything (or more, short) makes the compounded mean a total loss.
    logGrowth += 1 + r > 0 ? Math.log(1 + r) : -Infinity
    best = Math.max(best, r)
    worst = Math.min(worst, r)
  }
  const avgTradePct = any ? Math.exp(logGrowth / tradeCount) - 1 : null
  const avgDurationMs = any ? mean(trades.map((t) => t.durationMs)) : null

  return {
    startTs,
    endTs,
    durationMs: endTs - startTs,
    samples: n,
    initialEquity,
    finalEquity,
    peakEquity,
    totalReturn,
    cagr,
    maxDrawdown,
    maxDrawdownPeakTs: deepest === null ? null : ts[deepest.peakIndex],
    maxDrawdownTroughTs: deepest === null ? null : ts[deepest.troughIndex],
    maxDrawdownRecoveryTs: deepest?.recoveryIndex == null ? null : ts[deepest.recoveryIndex],
    maxDrawdownDurationMs: longestMs,
    maxDrawdownDurationDays: longestMs / DAY_MS,
    volatility,
    sharpe,
    sortino,
    calmar,
    periodsPerYear,
    periodsPerYearSource,
    riskFreeRate,
    tradeCount,
    winCount,
    lossCount,
    winRate: any ? winCount / tradeCount : null,
    grossProfit,
    grossLoss,
    profitFactor: any ? ratio('profitFactor', grossProfit, grossLoss) : null,
    expectancy: any ? mean(pnls) : null,
    expectancyPct: any ? mean(rets) : null,
    sqn: tradeCount >= 2 ? ratio('sqn', Math.sqrt(tradeCount) * mean(pnls), sampleStd(pnls)) : null,
    bestTradePct: any ? best : null,
    worstTradePct: any ? worst : null,
    avgTradePct,
    avgTradeDurationMs: avgDurationMs,
    avgTradeDurationDays: avgDurationMs === null ? null : avgDurationMs / DAY_MS,
    exposure: exposure(ts, input.position, trades, input.openTrades ?? []),
    exposureSource: input.position !== undefined ? 'position' : 'trades',
    buyAndHoldReturn: buyAndHoldReturn(input.benchmarkClose, benchmarkValidated),
    nonFinite
  }
}

/** The drawdown profile of a drawdown series that the caller passed in. */
function profileOfSeries(dd: ArrayLike<number>, equity: Float64Array, initialEquity: number, ts: Float64Array): DrawdownProfile {
  let peak = initialEquity
  for (let i = 0; i < equity.length; i++) peak = Math.max(peak, equity[i])
  let deepest: DrawdownPeriod | null = null
  let longest = 0
  for (const p of drawdownPeriods(dd)) {
    if (deepest === null || p.depth < deepest.depth) deepest = p
    longest = Math.max(longest, ts[p.recoveryIndex ?? ts.length - 1] - ts[p.peakIndex])
  }
  return { peak, deepest, longest }
}

function exposure(ts: Float64Array, position: ArrayLike<number> | undefined, trades: readonly Trade[], openTrades: readonly Trade[]): number {
  const n = ts.length
  let held = 0
  if (position !== undefined) {
    if (position.length !== n) {
      throw new ReportInputError('position', null, `has ${position.length} samples but the equity curve has ${n}`)
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(position[i])) throw new ReportInputError('position', i, `must be finite, got ${position[i]}`)
      if (position[i] !== 0) held++
    }
    return held / n
  }
  // Samples t with entryTs < t <= exitTs of some trade, counted once where trades overlap.
  const delta = new Int32Array(n + 1)
  for (const t of [...trades, ...openTrades]) {
    delta[upperBound(ts, t.entryTs)]++
    delta[upperBound(ts, t.exitTs)]--
  }
  let open = 0
  for (let i = 0; i < n; i++) {
    open += delta[i]
    if (open > 0) held++
  }
  return held / n
}

function buyAndHoldReturn(close: ArrayLike<number> | undefined, validated: boolean): number | null {
  if (close === undefined || close.length === 0) return null
  if (!validated) {
    for (let i = 0; i < close.length; i++) {
      if (!Number.isFinite(close[i])) throw new ReportInputError('price.close', i, `must be finite, got ${close[i]}`)
    }
  }
  if (!(close[0] > 0)) return null
  return close[close.length - 1] / close[0] - 1
}
