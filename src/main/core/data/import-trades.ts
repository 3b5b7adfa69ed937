import type { TradeSeries } from './bar-series'
import type { FormatSpec } from './detect-format'
import { RowParser, sideOf, symbolFor } from './import-common'
import type { ImportOptions, ImportReport, ProgressCallback } from './import-report'
import { gateTrades } from './quality'
import { RawRows, TRADE } from './raw-rows'
import type { TextFile } from './text-file'

/** Parses trade rows (CSV or JSON) into raw columns, reporting row-level problems by line. */
class TradeRowParser extends RowParser {
  readonly raw = new RawRows(TRADE.WIDTH)

  row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void {
    const t = this.begin(text, starts, ends, count, line, last)
    if (t !== t) return
    const c = this.spec.columns
    const price = this.number(text, starts, ends, c.price, 'price', line, last)
    if (price !== price) return
    const amount = this.number(text, starts, ends, c.amount, 'amount', line, last)
    if (amount !== amount) return
    if (!(price > 0)) return this.reject(line, last, 'non-positive-price', `price ${price} must be > 0`)
    if (amount < 0) return this.reject(line, last, 'negative-volume', `amount ${amount} is negative`)
    if (!this.admit(text, starts, ends, line, last)) return
    const side = c.side >= 0 ? sideOf(text, starts[c.side], ends[c.side], c.sideIsBuyerMaker) : 0
    const i = this.raw.add()
    const r = this.raw.cols
    r[TRADE.T][i] = t
    r[TRADE.PRICE][i] = price
    r[TRADE.AMOUNT][i] = amount
    r[TRADE.SIDE][i] = side
    r[TRADE.LINE][i] = line
  }
}

/** Imports a trade file whose layout is known, through the quality gate. */
export async function importTrades(
  file: TextFile,
  spec: FormatSpec,
  options: ImportOptions,
  onProgress?: ProgressCallback
): Promise<{ series: TradeSeries; report: ImportReport }> {
  const p = new TradeRowParser(file, spec, options, onProgress)
  const lines = await p.run()
  const symbol = symbolFor(file.path, options, p.fileSymbol)
  const gate = gateTrades({ raw: p.raw, symbol, policy: p.policy, outlierSigma: p.outlierSigma, log: p.log })
  const s = gate.series
  const notes: string[] = []
  if (spec.columns.side < 0) notes.push('no side column: side 0 (unknown)')
  const report = p.buildReport({
    lines,
    gate,
    first: s.length ? s.ts[0] : null,
    last: s.length ? s.ts[s.length - 1] : null,
    symbol,
    columns: ['time', 'price', 'amount', ...(spec.columns.side >= 0 ? ['side'] : [])],
    notes
  })
  return { series: s, report }
}
