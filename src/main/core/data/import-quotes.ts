import type { QuoteSeries } from './bar-series'
import type { FormatSpec } from './detect-format'
import { RowParser, symbolFor } from './import-common'
import type { ImportOptions, ImportReport, ProgressCallback } from './import-report'
import { parseNumber } from './parse-number'
import { gateQuotes } from './quality'
import { QUOTE, RawRows } from './raw-rows'
import type { TextFile } from './text-file'

/** Parses quote rows into raw columns, reporting row-level problems by line. */
class QuoteRowParser extends RowParser {
  readonly raw = new RawRows(QUOTE.WIDTH)

  constructor(file: TextFile, spec: FormatSpec, options: ImportOptions, onProgress: ProgressCallback | undefined) {
    super(file, spec, options, onProgress)
  }

  row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void {
    this.counted()
    if (count < this.spec.minFields) return this.fieldCountProblem(count, line, last)
    const c = this.spec.columns
    const t = this.readTime(text, starts, ends)
    if (t !== t) return this.timeProblem(text, starts, ends, line, last)
    const bid = parseNumber(text, starts[c.bid], ends[c.bid])
    if (bid !== bid) return this.numberProblem(text, starts[c.bid], ends[c.bid], c.bid, 'bid', line, last)
    const ask = parseNumber(text, starts[c.ask], ends[c.ask])
    if (ask !== ask) return this.numberProblem(text, starts[c.ask], ends[c.ask], c.ask, 'ask', line, last)
    let bidSize = NaN
    let askSize = NaN
    if (c.bidSize >= 0) {
      bidSize = parseNumber(text, starts[c.bidSize], ends[c.bidSize])
      if (bidSize !== bidSize) return this.numberProblem(text, starts[c.bidSize], ends[c.bidSize], c.bidSize, 'bid size', line, last)
    }
    if (c.askSize >= 0) {
      askSize = parseNumber(text, starts[c.askSize], ends[c.askSize])
      if (askSize !== askSize) return this.numberProblem(text, starts[c.askSize], ends[c.askSize], c.askSize, 'ask size', line, last)
    }
    if (!(bid > 0 && ask > 0)) return this.reject(line, last, 'non-positive-price', `bid ${bid} and ask ${ask} must be > 0`)
    if (bid > ask) return this.reject(line, last, 'crossed-quote', `bid ${bid} is above ask ${ask}`)
    if (bidSize < 0 || askSize < 0) return this.reject(line, last, 'negative-volume', `sizes ${bidSize} / ${askSize} must be ≥ 0`)
    if (last && this.file.truncated) return this.reject(line, last, 'truncated', 'compressed stream ends inside this line')
    if (this.fileSymbol === undefined) this.captureSymbol(text, starts, ends)
    const i = this.raw.add()
    const r = this.raw.cols
    r[QUOTE.T][i] = t
    r[QUOTE.BID][i] = bid
    r[QUOTE.ASK][i] = ask
    r[QUOTE.BID_SIZE][i] = bidSize
    r[QUOTE.ASK_SIZE][i] = askSize
    r[QUOTE.LINE][i] = line
  }
}

/** Imports a quote file whose layout is known, through the quality gate. */
export async function importQuotes(
  file: TextFile,
  spec: FormatSpec,
  options: ImportOptions,
  onProgress?: ProgressCallback
): Promise<{ series: QuoteSeries; report: ImportReport }> {
  const p = new QuoteRowParser(file, spec, options, onProgress)
  const lines = await p.run()
  const symbol = symbolFor(file.path, options, p.fileSymbol)
  const gate = gateQuotes({ raw: p.raw, symbol, policy: p.policy, outlierSigma: p.outlierSigma, log: p.log })
  const s = gate.series
  const c = spec.columns
  const notes: string[] = []
  if (c.bidSize < 0 || c.askSize < 0) notes.push('no size columns: sizes are NaN')
  const report = p.buildReport({
    lines,
    gate,
    first: s.length ? s.ts[0] : null,
    last: s.length ? s.ts[s.length - 1] : null,
    symbol,
    columns: ['time', 'bid', 'ask', ...(c.bidSize >= 0 ? ['bidSize'] : []), ...(c.askSize >= 0 ? ['askSize'] : [])],
    notes
  })
  return { series: s, report }
}
