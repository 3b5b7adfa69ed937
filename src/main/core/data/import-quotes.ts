import type { QuoteSeries } from './bar-series'
import type { FormatSpec } from './detect-format'
import { RowParser, symbolFor } from './import-common'
import type { ImportOptions, ImportReport, ProgressCallback } from './import-report'
import { gateQuotes } from './quality'
import { QUOTE, RawRows } from './raw-rows'
import type { TextFile } from './text-file'

/** Parses quote rows into raw columns, reporting row-level problems by line. */
class QuoteRowParser extends RowParser {
  readonly raw = new RawRows(QUOTE.WIDTH)

  row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void {
    const t = this.begin(text, starts, ends, count, line, last)
    if (t !== t) return
    const c = this.spec.columns
    const bid = this.number(text, starts, ends, c.bid, 'bid', line, last)
    if (bid !== bid) return
    const ask = this.number(text, starts, ends, c.ask, 'ask', line, last)
    if (ask !== ask) return
    let bidSize = NaN
    let askSize = NaN
    if (c.bidSize >= 0) {
      bidSize = this.number(text, starts, ends, c.bidSize, 'bid size', line, last)
      if (bidSize !== bidSize) return
    }
    if (c.askSize >= 0) {
      askSize = this.number(text, starts, ends, c.askSize, 'ask size', line, last)
      if (askSize !== askSize) return
    }
    if (!(bid > 0 && ask > 0)) return this.reject(line, last, 'non-positive-price', `bid ${bid} and ask ${ask} must be > 0`)
    if (bid > ask) return this.reject(line, last, 'crossed-quote', `bid ${bid} is above ask ${ask}`)
    if (bidSize < 0 || askSize < 0) return this.reject(line, last, 'negative-volume', `sizes ${bidSize} / ${askSize} must be ≥ 0`)
    if (!this.admit(text, starts, ends, line, last)) return
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
