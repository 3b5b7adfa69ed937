import { describe, expect, it } from 'vitest'
import { buildReport, type BuildReportInput } from '../../../src/main/core/report/build-report'
import { ReportInputError, type EquityCurve } from '../../../src/main/core/report/types'
import { syntheticRun } from './synthetic-run'

/** The run with every column a plain array (as JavaScript callers may pass them). */
function plainColumns(run: BuildReportInput): BuildReportInput {
  const price = run.price!
  return {
    ...run,
    equity: { ts: Array.from(run.equity.ts), equity: Array.from(run.equity.equity) } as unknown as EquityCurve,
    price: { ...price, ts: Array.from(price.ts), open: Array.from(price.open!), high: Array.from(price.high!), low: Array.from(price.low!), close: Array.from(price.close) },
    position: Array.from(run.position!)
  }
}

/** The run with every column a Float64Array. */
function typedColumns(run: BuildReportInput): BuildReportInput {
  const price = run.price!
  const f = (xs: ArrayLike<number>) => Float64Array.from(xs)
  return { ...run, price: { ...price, ts: f(price.ts), open: f(price.open!), high: f(price.high!), low: f(price.low!), close: f(price.close) }, position: f(run.position!) }
}

function errorOf(run: () => unknown): string {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(ReportInputError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('buildReport with plain and typed columns', () => {
  it('gives the same report', () => {
    const typed = buildReport(typedColumns(syntheticRun()))
    expect(typed.stats.tradeCount).toBeGreaterThan(5)
    expect(buildReport(plainColumns(syntheticRun()))).toEqual(typed)
  })

  it('rejects the same bad value with the same message', () => {
    const cases: Array<[(run: BuildReportInput) => void, string]> = [
      [(run) => ((run.price!.close as number[] | Float64Array)[7] = Number.NaN), 'price.close[7]: must be finite, got NaN'],
      [(run) => ((run.price!.low as number[] | Float64Array)[9] = Number.POSITIVE_INFINITY), 'price.low[9]: must be finite, got Infinity'],
      [(run) => ((run.price!.ts as number[] | Float64Array)[5] = run.price!.ts[4]), 'price.ts[5]: timestamps must strictly increase'],
      [(run) => ((run.equity.equity as unknown as number[] | Float64Array)[10] = Number.NaN), 'equity.equity[10]: must be finite, got NaN'],
      [(run) => ((run.position as number[] | Float64Array)[3] = Number.NaN), 'position[3]: must be finite, got NaN']
    ]
    for (const [spoil, message] of cases) {
      for (const columns of [plainColumns, typedColumns]) {
        const run = columns(syntheticRun())
        spoil(run)
        expect(errorOf(() => buildReport(run))).toContain(message)
      }
    }
  })

  it('rejects a value that is not a number in a plain column, even one that reads as a number', () => {
    const run = plainColumns(syntheticRun())
    ;(run.price!.close as unknown[])[3] = '5'
    expect(errorOf(() => buildReport(run))).toBe('price.close[3]: must be finite, got 5')
  })
})
