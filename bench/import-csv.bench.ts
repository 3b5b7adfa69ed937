/**
 * CSV bar import throughput: generates a 1,000,000-row generic OHLCV CSV (epoch-ms timestamps,
 * 1-minute bars) in a temp dir and prints rows/s for importFile beside two plain line-reading
 * baselines over the same file (chunked indexOf split, and node:readline). For information it
 * also times the same rows with ISO text timestamps, in UTC and in America/New_York.
 * Run: npx tsx bench/import-csv.bench.ts [rows]
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { importFile } from '../src/main/core/data/import-file'
import { createRandom } from '../src/main/core/random'

const rows = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(path.join(tmpdir(), 'tc-bench-'))
const file = path.join(dir, 'bars.csv')
const isoFile = path.join(dir, 'bars-iso.csv')

function isoOf(ms: number): string {
  // Generation only (outside the core): Date is fine here.
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

function generate(): void {
  const rnd = createRandom(42)
  const parts: string[] = ['timestamp,open,high,low,close,volume\n']
  let t = 1_600_000_000_000
  let price = 10_000
  for (let i = 0; i < rows; i++) {
    const open = price
    const close = Math.max(1, open + (rnd() - 0.5) * 20)
    const high = Math.max(open, close) + rnd() * 5
    const low = Math.min(open, close) - rnd() * 5
    const volume = rnd() * 100
    parts.push(`${t},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${volume.toFixed(4)}\n`)
    price = close
    t += 60_000
  }
  const csv = parts.join('')
  writeFileSync(file, csv)
  writeFileSync(isoFile, csv.replace(/^(\d{13}),/gm, (_, t: string) => `${isoOf(Number(t))},`))
}

async function baselineChunks(): Promise<number> {
  let lines = 0
  let carry = ''
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string)
    let pos = 0
    for (;;) {
      const nl = text.indexOf('\n', pos)
      if (nl < 0) break
      lines++
      pos = nl + 1
    }
    carry = text.slice(pos)
  }
  return lines
}

async function baselineReadline(): Promise<number> {
  let lines = 0
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })
  for await (const line of rl) if (line.length) lines++
  return lines
}

async function importer(): Promise<number> {
  const r = await importFile(file, { timeframe: '1m' })
  return r.series.length
}

async function importerIso(): Promise<number> {
  const r = await importFile(isoFile, { timeframe: '1m' })
  return r.series.length
}

async function importerIsoZone(): Promise<number> {
  const r = await importFile(isoFile, { timeframe: '1m', timezone: 'America/New_York' })
  return r.series.length
}

async function time(name: string, fn: () => Promise<number>, runs: number): Promise<void> {
  const rates: number[] = []
  let n = 0
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now()
    n = await fn()
    const s = (performance.now() - t0) / 1000
    rates.push(rows / s)
  }
  rates.sort((a, b) => a - b)
  const median = rates[Math.floor(rates.length / 2)]
  console.log(`${name.padEnd(28)} ${Math.round(median).toLocaleString('en-US').padStart(12)} rows/s  (median of ${runs}; best ${Math.round(rates[rates.length - 1]).toLocaleString('en-US')}; ${n} rows)`)
}

generate()
console.log(`file: ${rows} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB, node ${process.version}`)
try {
  await time('baseline: chunked indexOf', baselineChunks, 5)
  await time('baseline: node:readline', baselineReadline, 3)
  await time('importFile (epoch ms)', importer, 5)
  await time('importFile (ISO text, UTC)', importerIso, 3)
  await time('importFile (ISO, New York)', importerIsoZone, 3)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
