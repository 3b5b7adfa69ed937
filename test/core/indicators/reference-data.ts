import { readFileSync } from 'node:fs'
import { sharedDataPath } from '../../support/shared-data'

/** A numeric array as printed in a reference file, with each value's printed decimals. */
export interface PrintedArray {
  readonly values: readonly number[]
  readonly decimals: readonly number[]
}

/** One block of Tulip's tests/atoz.txt: `name opt…`, then input arrays, then output arrays. */
export interface AtozBlock {
  readonly name: string
  readonly options: readonly number[]
  readonly line: number
  readonly arrays: readonly PrintedArray[]
}

export function parseAtoz(text: string): AtozBlock[] {
  const blocks: { name: string; options: number[]; line: number; arrays: PrintedArray[] }[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    if (line.startsWith('{')) {
      const current = blocks[blocks.length - 1]
      if (current === undefined || !line.endsWith('}')) throw new Error(`atoz.txt:${i + 1}: array outside a block or unterminated`)
      const cells = line.slice(1, -1).split(',').map((c) => c.trim())
      current.arrays.push({
        values: cells.map((c) => {
          const v = Number(c)
          if (c === '' || !Number.isFinite(v)) throw new Error(`atoz.txt:${i + 1}: bad number '${c}'`)
          return v
        }),
        decimals: cells.map((c) => (c.includes('.') ? c.length - c.indexOf('.') - 1 : 0))
      })
      return
    }
    const [name, ...opts] = line.split(/\s+/)
    blocks.push({ name, options: opts.map(Number), line: i + 1, arrays: [] })
  })
  return blocks
}

export function loadAtoz(): AtozBlock[] {
  return parseAtoz(readFileSync(sharedDataPath('tulipindicators', 'atoz.txt'), 'utf8'))
}

export interface Series {
  readonly open: readonly number[]
  readonly high: readonly number[]
  readonly low: readonly number[]
  readonly close: readonly number[]
  readonly volume: readonly number[]
  readonly time: readonly number[]
}

/** TA-Lib's regression-test input: 252 undated daily bars (time = bar index × 1 day). */
export function loadTalibReference(): Series {
  const file = 'derived/talib_regtest_ref_daily_252.csv'
  const lines = readFileSync(sharedDataPath(file), 'utf8').trim().split(/\r?\n/)
  if (lines[0] !== 'index,open,high,low,close,volume') throw new Error(`${file}:1: unexpected header '${lines[0]}'`)
  const s = emptySeries()
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map(Number)
    if (cells.length !== 6 || cells.some((c) => !Number.isFinite(c)) || cells[0] !== i) {
      throw new Error(`${file}:${i + 2}: bad row '${line}'`)
    }
    push(s, i * 86_400_000, cells[1], cells[2], cells[3], cells[4], cells[5])
  })
  return s
}

/**
 * backtrader's 1-minute FESX bars with real volume (`Date,Time,O,H,L,C,V,OI`, exchange local
 * time, read here as UTC: only day boundaries matter to the tests).
 */
export function loadMinuteBars(): Series {
  const file = 'backtrader/2006-01-02-volume-min-001.txt'
  const lines = readFileSync(sharedDataPath(file), 'utf8').trim().split(/\r?\n/)
  const s = emptySeries()
  lines.slice(1).forEach((line, i) => {
    const [date, clock, ...rest] = line.split(',')
    const [o, h, l, c, v] = rest.map(Number)
    const time = Date.parse(`${date}T${clock}Z`)
    if (!Number.isFinite(time) || ![o, h, l, c, v].every(Number.isFinite)) throw new Error(`${file}:${i + 2}: bad row '${line}'`)
    push(s, time, o, h, l, c, v)
  })
  return s
}

/** Oracle daily bars 1995-2014 (Yahoo CSV: Date,Open,High,Low,Close,Adj Close,Volume). */
export function loadDailyBars(): Series {
  const file = 'backtrader/orcl-1995-2014.txt'
  const lines = readFileSync(sharedDataPath(file), 'utf8').trim().split(/\r?\n/)
  const s = emptySeries()
  lines.slice(1).forEach((line, i) => {
    const [date, ...rest] = line.split(',')
    const [o, h, l, c, , v] = rest.map(Number)
    const time = Date.parse(`${date}T00:00:00Z`)
    if (!Number.isFinite(time) || ![o, h, l, c, v].every(Number.isFinite)) throw new Error(`${file}:${i + 2}: bad row '${line}'`)
    push(s, time, o, h, l, c, v)
  })
  return s
}

function emptySeries(): { open: number[]; high: number[]; low: number[]; close: number[]; volume: number[]; time: number[] } {
  return { open: [], high: [], low: [], close: [], volume: [], time: [] }
}

function push(s: ReturnType<typeof emptySeries>, time: number, o: number, h: number, l: number, c: number, v: number): void {
  s.time.push(time)
  s.open.push(o)
  s.high.push(h)
  s.low.push(l)
  s.close.push(c)
  s.volume.push(v)
}
