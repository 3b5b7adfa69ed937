import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { syntheticMinuteBars } from './kernel-backtest.bench'

const RUNS = 3

/** The repository root: the nearest folder above this file that holds bin/theorycraft.js. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'bin', 'theorycraft.js'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('bench: bin/theorycraft.js not found above the benchmark')
    dir = up
  }
  return dir
}

/** The synthetic bars as a CSV of epoch-ms rows, written in large chunks. */
function writeCsv(file: string, count: number): void {
  const bars = syntheticMinuteBars(count)
  const fd = openSync(file, 'w')
  try {
    let chunk = 'timestamp,open,high,low,close,volume\n'
    for (let i = 0; i < count; i++) {
      chunk += `${bars.openTime[i]},${bars.open[i].toFixed(2)},${bars.high[i].toFixed(2)},${bars.low[i].toFixed(2)},${bars.close[i].toFixed(2)},${bars.volume[i].toFixed(4)}\n`
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk)
        chunk = ''
      }
    }
    writeSync(fd, chunk)
  } finally {
    closeSync(fd)
  }
}

/** A child process that only reads the CSV line by line and parses its numbers: the floor for reading the file. */
const PLAIN_READ = `
const text = require('node:fs').readFileSync(process.argv[1], 'utf8')
let sum = 0, rows = 0, start = text.indexOf('\\n') + 1
while (start < text.length) {
  let end = text.indexOf('\\n', start)
  if (end < 0) end = text.length
  const f = text.slice(start, end).split(',')
  for (let k = 0; k < 6; k++) sum += Number(f[k])
  rows++
  start = end + 1
}
if (!(sum > 0)) process.exit(1)
`

/** Wall-clock seconds of each of `RUNS` runs of `node args(run)…`; throws if a run fails. */
function timeNode(args: (run: number) => string[], env: NodeJS.ProcessEnv, cwd: string): number[] {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, args(i), { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
    times.push((performance.now() - t0) / 1000)
    if (r.status !== 0) throw new Error(`bench: node ${args(i).join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`)
  }
  return times
}

const best = (xs: number[]) => Math.min(...xs)
const fmt = (xs: number[]) => `${best(xs).toFixed(3)} s (best of ${xs.length}; all ${xs.map((x) => x.toFixed(2)).join(', ')})`

/** The whole `theorycraft backtest` process over a CSV file of `count` one-minute bars. */
export function cliBenchmark(count = 1_000_000): void {
  const root = repoRoot()
  const dir = mkdtempSync(join(tmpdir(), 'tc-cli-bench-'))
  try {
    const csv = join(dir, 'BTCUSDT-1m.csv')
    writeCsv(csv, count)
    const env = { ...process.env, THEORYCRAFT_HOME: join(dir, 'home') }
    const cli = join(root, 'bin', 'theorycraft.js')
    const base = [cli, 'backtest', '--data', csv, '--engine', 'sma-cross', '--quiet']
    const noJournal = timeNode(() => [...base, '--no-journal'], env, root)
    // a fresh journal file per run, so every run writes the same
    const journal = timeNode((run) => [...base, '--journal', join(dir, `journal-${run}.sqlite`)], env, root)
    const startUp = timeNode(() => ['-e', ''], env, root)
    const plainRead = timeNode(() => ['-e', PLAIN_READ, csv], env, root)
    console.log(`theorycraft backtest --engine sma-cross over a CSV of ${count.toLocaleString('en-US')} one-minute bars (whole process)`)
    console.log(`  --no-journal         ${fmt(noJournal)}   (target < 1.5 s)`)
    console.log(`  with the journal     ${fmt(journal)}   (target < 1.5 s)`)
    console.log(`  baseline node start  ${fmt(startUp)}`)
    console.log(`  baseline plain read  ${fmt(plainRead)} — a node process reading and parsing the CSV, nothing else`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
