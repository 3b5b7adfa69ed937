import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Journal } from '../../../src/main/core/journal'

const here = dirname(fileURLToPath(import.meta.url))
const RUNS = 50
const SESSION = 'crash-session'

let dir: string
let script: string

// Seeded so a failing run can be reproduced (mulberry32).
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tc-journal-crash-'))
  script = join(dir, 'crash-writer.mjs')
  // Precompiled once so each of the 50 children starts as plain node (no tsx start-up).
  // better-sqlite3 stays external, imported by absolute path because the bundle lives in /tmp.
  const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3')
  await build({
    entryPoints: [join(here, 'fixtures/crash-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'silent',
    plugins: [
      {
        name: 'absolute-better-sqlite3',
        setup(b) {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlitePath, external: true }))
        }
      }
    ]
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

interface RunOutcome {
  signal: NodeJS.Signals | null
  code: number | null
  ready: number | undefined
  acks: number[]
  stderr: string
}

/** Starts the writer and SIGKILLs it `delayMs` after it is ready (or after spawn, for start-up kills). */
function runAndKill(db: string, seed: number, delayMs: number, duringStartup: boolean): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, db, SESSION, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs)
    }
    if (duringStartup) arm()
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (out.includes('ready ')) arm()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const lines = out.split('\n')
      // A line cut by the kill is incomplete; only whole lines count.
      lines.pop()
      const ready = lines.find((l) => l.startsWith('ready '))
      resolve({
        signal,
        code,
        ready: ready === undefined ? undefined : Number(ready.slice(6)),
        acks: lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))),
        stderr
      })
    })
  })
}

describe('journal crash safety', () => {
  it(`loses no acknowledged event across ${RUNS} SIGKILLs and always resumes`, async () => {
    const db = join(dir, 'journal.db')
    const setup = Journal.open(db)
    setup.createSession({
      id: SESSION,
      mode: 'paper',
      config: { symbol: 'BTC/USDT' },
      engines: [{ name: 'probe', version: '1' }],
      appVersion: '0.1.0',
      dataFingerprint: 'none',
      startedAt: 1_700_000_000_000
    })
    setup.close()

    const random = rng(0x7c_2024)
    let durable = 0 // last seq known to be stored before the current run
    let maxAck = 0
    let runsWithAcks = 0
    let unackedSurvivors = 0
    for (let run = 0; run < RUNS; run++) {
      const duringStartup = random() < 0.15
      const delayMs = 5 + Math.floor(random() * 56)
      const outcome = await runAndKill(db, 1000 + run, delayMs, duringStartup)
      const where = `run ${run} (delay ${delayMs} ms${duringStartup ? ' from spawn' : ''})`
      expect(outcome.signal, `${where}: child ended by itself: ${outcome.stderr}`).toBe('SIGKILL')
      if (outcome.ready !== undefined) expect(outcome.ready, `${where}: resumed at the wrong seq`).toBe(durable)
      for (let i = 1; i < outcome.acks.length; i++) expect(outcome.acks[i]!).toBeGreaterThan(outcome.acks[i - 1]!)
      if (outcome.acks.length > 0) {
        runsWithAcks++
        maxAck = Math.max(maxAck, outcome.acks[outcome.acks.length - 1]!)
      }

      const j = Journal.open(db)
      const result = j.verify(SESSION)
      expect(result.problems, where).toEqual([])
      expect(result.ok).toBe(true)
      // verify found no gap and counts from seq 1, so count === lastSeq means 1..lastSeq are all there.
      expect(result.count, where).toBe(result.lastSeq)
      expect(result.lastSeq, `${where}: an acknowledged event was lost`).toBeGreaterThanOrEqual(maxAck)
      if (result.lastSeq > (outcome.acks.at(-1) ?? durable)) unackedSurvivors++

      // The session must take new events after the crash; the next child resumes after this one.
      const a = j.appender(SESSION)
      expect(a.lastSeq).toBe(result.lastSeq)
      expect(a.hash).toBe(result.hash)
      a.append(a.lastSeq + 1, 1_800_000_000_000 + run, 'probe', { run })
      a.close()
      durable = a.lastSeq
      expect(j.getSession(SESSION)).toMatchObject({ status: 'running', lastSeq: durable, lastHash: a.hash })
      j.close()
    }
    // The kills must land while events are being written, not only around start-up.
    expect(runsWithAcks).toBeGreaterThanOrEqual(RUNS / 4)
    expect(maxAck).toBeGreaterThan(1000)
    console.log(
      `crash test: ${RUNS} kills, ${runsWithAcks} runs with acks, ${unackedSurvivors} runs left durable unacked events, ${durable} events in the end`
    )
  })
})
