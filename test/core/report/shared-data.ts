import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

/** A file of ../shared/data, read in place. */
export function sharedDataPath(relative: string): string {
  return path.resolve(here, '../../../../shared/data', relative)
}

export interface Bars {
  ts: number[]
  open: number[]
  high: number[]
  low: number[]
  close: number[]
}

/**
 * backtesting.py test CSVs: header `,Open,High,Low,Close,Volume`, first column a date or
 * `YYYY-MM-DD HH:MM:SS` without a zone (read as UTC).
 */
export function readBacktestingPyCsv(name: string): Bars {
  const lines = readFileSync(sharedDataPath(`backtesting.py/${name}`), 'utf8').trim().split(/\r?\n/).slice(1)
  const bars: Bars = { ts: [], open: [], high: [], low: [], close: [] }
  for (const line of lines) {
    const [time, o, h, l, c] = line.split(',')
    bars.ts.push(Date.parse(`${time.replace(' ', 'T')}${time.length === 10 ? 'T00:00:00' : ''}Z`))
    bars.open.push(Number(o))
    bars.high.push(Number(h))
    bars.low.push(Number(l))
    bars.close.push(Number(c))
  }
  return bars
}

/** backtrader CSV with separate Date and Time columns, local exchange time read as UTC. */
export function readBacktraderIntradayTimes(name: string): number[] {
  const lines = readFileSync(sharedDataPath(`backtrader/${name}`), 'utf8').trim().split(/\r?\n/).slice(1)
  return lines.map((line) => {
    const [date, time] = line.split(',')
    return Date.parse(`${date}T${time}Z`)
  })
}
