/**
 * Market-data store throughput on 1,000,000 one-minute bars: CSV import into the store (beside a
 * plain line-reading baseline over the same file), reads from the store, and a backtest whose
 * clock starts before the store is opened (beside a plain crossover loop over the same bars in
 * memory). Every figure is the median of a few runs measured in this run; the backtest's first
 * run, which also compiles the code, is printed beside it. Not a test.
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultMarket } from '../src/shared/market'
import { runBacktest } from '../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../src/main/core/data/bar-series'
import { importFile } from '../src/main/core/data/import-file'
import { BUILT_IN_ENGINES } from '../src/main/core/engines/registry'
import { createRandom } from '../src/main/core/random'
import { MarketStore } from '../src/main/core/store'
import { backtestAppender } from '../src/main/host/journal-writer'

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** A random walk written as `timestamp,open,high,low,close,volume` with epoch-ms times. */
function writeCsv(file: string, rows: number): void {
  const rnd = createRandom(11)
  const parts: string[] = ['timestamp,open,high,low,close,volume\n']
  let t = 1_600_000_000_000
  let price = 10_000
  for (let i = 0; i < rows; i++) {
    const open = price
    const close = Math.max(1, open * (1 + (rnd() - 0.5) * 0.004))
    const high = Math.max(open, close) * (1 + rnd() * 0.001)
    const low = Math.min(open, close) * (1 - rnd() * 0.001)
    parts.push(`${t},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${(rnd() * 100).toFixed(4)}\n`)
    price = close
    t += 60_000
  }
  writeFileSync(file, parts.join(''))
}

/** The floor for any CSV reader: stream the file and find every newline. */
async function countLines(file: string): Promise<number> {
  let lines = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer
    let pos = buf.indexOf(10)
    while (pos >= 0) {
      lines++
      pos = buf.indexOf(10, pos + 1)
    }
  }
  return lines
}

/** The ceiling for a backtest: the same SMA crossover as a plain loop over the close column. */
function plainCrossover(bars: BarSeries, fast: number, slow: number): number {
  const close = bars.close
  let sumF = 0
  let sumS = 0
  let prev = 0
  let crosses = 0
  for (let i = 0; i < bars.length; i++) {
    sumF += close[i] - (i >= fast ? close[i - fast] : 0)
    sumS += close[i] - (i >= slow ? close[i - slow] : 0)
    if (i < slow - 1) continue
    const diff = sumF / fast - sumS / slow
    if ((prev < 0 && diff > 0) || (prev > 0 && diff < 0)) crosses++
    if (diff !== 0) prev = diff
  }
  return crosses
}

export async function storeBenchmark(rows = 1_000_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-store-'))
  try {
    const csv = join(dir, 'bars.csv')
    writeCsv(csv, rows)
    console.log(
      `market-data store: ${fmt(rows)} one-minute bars, CSV ${(statSync(csv).size / 1e6).toFixed(1)} MB, node ${process.version} ${process.execArgv.join(' ') || '(default flags)'}`
    )

    const lineRates: number[] = []
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now()
      await countLines(csv)
      lineRates.push(rows / ((performance.now() - t0) / 1000))
    }

    // Import = parse + quality gate + write to the store (one transaction) + fingerprint.
    const importRates: number[] = []
    const parseMs: number[] = []
    const writeMs: number[] = []
    let storePath = ''
    for (let k = 0; k < 3; k++) {
      storePath = join(dir, `store-${k}.sqlite`)
      const t0 = performance.now()
      const store = MarketStore.open(storePath)
      const { series, report } = await importFile(csv, { timeframe: '1m', symbol: 'BENCH/USD' })
      const t1 = performance.now()
      store.importSeries(series, { id: 'bench-1m', report })
      store.close()
      const t2 = performance.now()
      importRates.push(rows / ((t2 - t0) / 1000))
      parseMs.push(t1 - t0)
      writeMs.push(t2 - t1)
    }
    const storeBytes = statSync(storePath).size

    const store = MarketStore.open(storePath, { readonly: true })
    const readRates: number[] = []
    let bars: BarSeries | undefined
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now()
      bars = store.readBars('bench-1m')
      readRates.push(rows / ((performance.now() - t0) / 1000))
    }
    store.close()

    const engine = BUILT_IN_ENGINES.get('sma-cross')!
    // as `theorycraft backtest --series … --no-journal` and a sweep's jobs run it: the journal hash on its thread
    const backtest = (series: BarSeries) => {
      const journal = backtestAppender(null, 'bench')
      const result = runBacktest({
        bars: [series],
        markets: [defaultMarket('BENCH/USD')],
        engines: [{ id: 'sma', definition: engine, params: { fast: 20, slow: 100, mode: 'long-short' } }],
        broker: { currency: 'USD', initialCash: 1_000_000, accountType: 'margin', leverage: 2 },
        journal
      })
      journal.close('completed', 0)
      return result
    }
    const backtestRates: number[] = []
    const loadMs: number[] = []
    let fills = 0
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      const s = MarketStore.open(storePath, { readonly: true })
      const stored = s.readBars('bench-1m')
      s.close()
      loadMs.push(performance.now() - t0)
      fills = backtest(stored).report.fills.length
      backtestRates.push(rows / ((performance.now() - t0) / 1000))
    }
    const memoryRates: number[] = []
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now()
      backtest(bars!)
      memoryRates.push(rows / ((performance.now() - t0) / 1000))
    }
    const plainRates: number[] = []
    let crosses = 0
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      crosses = plainCrossover(bars!, 20, 100)
      plainRates.push(rows / ((performance.now() - t0) / 1000))
    }

    console.log(`  baseline: read lines       ${fmt(median(lineRates)).padStart(12)} rows/s  (stream the file, count newlines)`)
    console.log(
      `  import into the store      ${fmt(median(importRates)).padStart(12)} rows/s  (target ≥ 500,000; parse+gate ${median(parseMs).toFixed(0)} ms, store write ${median(writeMs).toFixed(0)} ms; file ${(storeBytes / 1e6).toFixed(1)} MB)`
    )
    console.log(`  read bars from the store   ${fmt(median(readRates)).padStart(12)} bars/s  (target well over 10,000,000; first read ${fmt(readRates[0]!)})`)
    // The first run compiles the kernel's code as it goes (a CLI backtest, or one of the app's,
    // each in a fresh worker, is such a run); the ones after it run compiled code (a sweep's jobs
    // after each worker's first).
    console.log(
      `  backtest from the store    ${fmt(median(backtestRates.slice(1))).padStart(12)} bars/s  (target ≥ 2,000,000; sma-cross 20/100 long-short, ${fills} fills; open + read ${median(loadMs).toFixed(0)} ms of it; first run ${fmt(backtestRates[0]!)})`
    )
    console.log(`  same backtest from memory  ${fmt(median(memoryRates)).padStart(12)} bars/s  (the kernel alone, bars already in memory)`)
    console.log(`  baseline: plain loop       ${fmt(median(plainRates)).padStart(12)} bars/s  (same crossover over the same bars in memory, ${crosses} crossovers) — the ceiling`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
