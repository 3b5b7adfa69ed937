// Journal append throughput with synchronous=FULL (WAL), by batch size.
// Run: npx tsx bench/journal.bench.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Journal } from '../src/main/core/journal'

const SIZES: { batchSize: number; events: number }[] = [
  { batchSize: 1, events: 2_000 },
  { batchSize: 64, events: 50_000 },
  { batchSize: 512, events: 200_000 }
]
const REPEATS = 3

function payload(seq: number) {
  // About 150 bytes of JSON, like a bar or a fill.
  return { symbol: 'BTC/USDT', tf: '1m', o: 64000 + (seq % 50), h: 64100.5, l: 63950.25, c: 64050 + (seq % 7), v: 12.3456, n: seq }
}

function runOnce(dir: string, batchSize: number, events: number, repeat: number): { appendsPerSec: number; verifyPerSec: number } {
  const file = join(dir, `bench-${batchSize}-${repeat}.db`)
  const journal = Journal.open(file)
  const id = journal.createSession({
    id: 'bench',
    mode: 'paper',
    config: {},
    engines: [],
    appVersion: 'bench',
    dataFingerprint: 'bench',
    startedAt: 0
  })
  const appender = journal.appender(id, { batchSize })
  for (let seq = 1; seq <= 200; seq++) appender.append(seq, seq, 'bar', payload(seq))
  appender.flush()
  const t0 = performance.now()
  for (let seq = 201; seq < 201 + events; seq++) appender.append(seq, seq, 'bar', payload(seq))
  appender.flush()
  const appendMs = performance.now() - t0
  appender.close('completed', 1)
  const t1 = performance.now()
  const result = journal.verify(id)
  const verifyMs = performance.now() - t1
  if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.problems.slice(0, 3))}`)
  journal.close()
  return { appendsPerSec: events / (appendMs / 1000), verifyPerSec: result.count / (verifyMs / 1000) }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const dir = mkdtempSync(join(tmpdir(), 'tc-journal-bench-'))
try {
  console.log(`journal append throughput, WAL + synchronous=FULL, ${tmpdir()}, median of ${REPEATS}`)
  for (const { batchSize, events } of SIZES) {
    const runs = Array.from({ length: REPEATS }, (_, r) => runOnce(dir, batchSize, events, r))
    const rate = median(runs.map((r) => r.appendsPerSec))
    const range = `${Math.round(Math.min(...runs.map((r) => r.appendsPerSec)))}–${Math.round(Math.max(...runs.map((r) => r.appendsPerSec)))}`
    const verify = median(runs.map((r) => r.verifyPerSec))
    console.log(
      `batch ${String(batchSize).padStart(3)}: ${Math.round(rate).toLocaleString('en-US').padStart(9)} appends/s (range ${range}; ${events} events) | verify ${Math.round(verify).toLocaleString('en-US')} events/s`
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
