import type { BarSeries } from './bar-series'
import type { FormatSpec } from './detect-format'
import { ImportOptionsError } from './errors'
import { RowParser, symbolFor } from './import-common'
import type { ImportOptions, ImportReport, ProgressCallback } from './import-report'
import { barValueMessage, barValueProblem, gateBars } from './quality'
import { BAR, RawRows } from './raw-rows'
import { detectTimeframe, parseTimeframe, timeframeFromMs } from './timeframe'
import type { TextFile } from './text-file'

/** Parses bar rows (any bar layout) into raw columns, reporting row-level problems by line. */
class BarRowParser extends RowParser {
  readonly raw = new RawRows(BAR.WIDTH)
  private readonly cols: number[]

  constructor(file: TextFile, spec: FormatSpec, options: ImportOptions, onProgress: ProgressCallback | undefined) {
    super(file, spec, options, onProgress)
    const c = spec.columns
    this.cols = [c.open, c.high, c.low, c.close]
  }

  row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void {
    const t = this.begin(text, starts, ends, count, line, last)
    if (t !== t) return
    const c = this.spec.columns
    const cols = this.cols
    const o = this.number(text, starts, ends, cols[0], 'open', line, last)
    if (o !== o) return
    const h = this.number(text, starts, ends, cols[1], 'high', line, last)
    if (h !== h) return
    const l = this.number(text, starts, ends, cols[2], 'low', line, last)
    if (l !== l) return
    const cl = this.number(text, starts, ends, cols[3], 'close', line, last)
    if (cl !== cl) return
    let v = NaN
    if (c.volume >= 0) {
      v = this.number(text, starts, ends, c.volume, 'volume', line, last)
      if (v !== v) return
    }
    let closeTime = NaN
    if (c.closeTime >= 0) {
      closeTime = this.parser.parse(text, starts[c.closeTime], ends[c.closeTime])
      if (closeTime !== closeTime) return this.numberProblem(text, starts[c.closeTime], ends[c.closeTime], c.closeTime, 'close time', line, last)
    }
    const problem = barValueProblem(o, h, l, cl, v)
    if (problem) return this.reject(line, last, problem, this.log.full ? '' : barValueMessage(problem, o, h, l, cl, v))
    if (!this.admit(text, starts, ends, line, last)) return
    const i = this.raw.add()
    const r = this.raw.cols
    r[BAR.T][i] = t
    r[BAR.CLOSE_TIME][i] = closeTime
    r[BAR.O][i] = o
    r[BAR.H][i] = h
    r[BAR.L][i] = l
    r[BAR.C][i] = cl
    r[BAR.V][i] = v
    r[BAR.LINE][i] = line
  }
}

/** Imports a bar file whose layout is known, through the quality gate. */
export async function importBars(
  file: TextFile,
  spec: FormatSpec,
  options: ImportOptions,
  onProgress?: ProgressCallback
): Promise<{ series: BarSeries; report: ImportReport }> {
  const p = new BarRowParser(file, spec, options, onProgress)
  const lines = await p.run()
  const raw = p.raw
  const notes: string[] = []
  if (isDescending(raw)) {
    raw.reverse()
    notes.push('rows were newest first: reversed')
  }
  const c = spec.columns
  // Binance klines state both open and close time.
  const stamp = c.closeTime >= 0 ? 'open' : (options.stamp ?? 'open')
  let timeframe = options.timeframe
  let detected = false
  if (timeframe !== undefined) parseTimeframe(timeframe)
  else {
    // Binance klines state their close time (open + timeframe - 1 ms): one row is enough.
    if (c.closeTime >= 0 && raw.length > 0) timeframe = timeframeFromMs(raw.cols[BAR.CLOSE_TIME][0] + 1 - raw.cols[BAR.T][0])
    else timeframe = detectTimeframe(raw.cols[BAR.T], raw.length)
    detected = true
    if (timeframe === undefined) {
      throw new ImportOptionsError('timeframe', `cannot be detected from ${raw.length} bar(s) with no regular spacing; pass it (e.g. '1m', '1d')`, {
        file: file.path
      })
    }
  }
  const symbol = symbolFor(file.path, options, p.fileSymbol)
  const gate = gateBars({
    raw,
    symbol,
    timeframe,
    stamp,
    zone: p.zone,
    hasVolume: c.volume >= 0,
    policy: p.policy,
    sessions: options.sessions ?? 'auto',
    outlierSigma: p.outlierSigma,
    log: p.log,
    notes
  })
  const s = gate.series
  const columns = ['time', 'open', 'high', 'low', 'close', ...(c.volume >= 0 ? ['volume'] : [])]
  if (c.volume < 0) notes.push('no volume column: volume is NaN')
  const report = p.buildReport({
    lines,
    gate,
    first: s.length ? s.openTime[0] : null,
    last: s.length ? s.openTime[s.length - 1] : null,
    symbol,
    columns,
    notes,
    timeframe,
    timeframeDetected: detected
  })
  report.stamp = stamp
  return { series: s, report }
}

/** Newest-first files: times never increase and decrease at least once. */
function isDescending(raw: RawRows): boolean {
  const t = raw.cols[BAR.T]
  let down = false
  for (let i = 1; i < raw.length; i++) {
    if (t[i] > t[i - 1]) return false
    if (t[i] < t[i - 1]) down = true
  }
  return down
}
