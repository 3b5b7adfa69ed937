import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'

const dir = mkdtempSync(join(tmpdir(), 'tc-cli-replay-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
const sample = 'resources/sample/BTC-USDT-1m-synthetic.csv'
const journal = join(dir, 'journal.sqlite')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a backtest into the test journal and returns its session id (the newest session). */
function backtest(args: string[]): string {
  const r = runCli(['backtest', '--data', sample, '--journal', journal, '--quiet', ...args], env)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const rows = runCli(['journal', 'list', '--journal', journal], env).stdout.trim().split('\n')
  return rows[rows.length - 1].split('\t')[0]
}

interface Order {
  seq: number
  marketSeq: number
  clientOrderId: string
  side: string
}

let smaSession: string
let gridSession: string
let plainSession: string

beforeAll(() => {
  smaSession = backtest(['--engine', 'sma-cross', '--param', 'fast=5', '--param', 'slow=12', '--fee', '0.001', '--journal-market'])
  gridSession = backtest(['--engine', 'grid', '--param', 'levels=4', '--param', 'spacing=0.002', '--param', 'amount=0.05', '--latency', '1500', '--slippage', '3', '--close-at-end', 'close', '--price-step', '0.01', '--journal-market'])
  plainSession = backtest(['--engine', 'sma-cross'])
})

describe('theorycraft replay', () => {
  it('replays backtests journaled with --journal-market to the same orders', () => {
    for (const sessionId of [smaSession, gridSession]) {
      const out = join(dir, `${sessionId}.json`)
      const r = runCli(['replay', sessionId, '--journal', journal, '--json', out], env)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const db = new Database(journal, { readonly: true })
      const submitted = db.prepare("SELECT count(*) AS n FROM events WHERE session_id = ? AND type = 'OrderSubmitted' AND json_extract(payload, '$.order.owner') != 'settlement'").get(sessionId) as { n: number }
      const market = db.prepare("SELECT count(*) AS n FROM events WHERE session_id = ? AND type = 'bar'").get(sessionId) as { n: number }
      db.close()
      expect(submitted.n).toBeGreaterThan(20)
      const report = JSON.parse(readFileSync(out, 'utf8'))
      expect(report.comparison).toMatchObject({ identical: true, recorded: submitted.n, replayed: submitted.n, same: submitted.n, different: 0, missing: 0, extra: 0, marketEvents: market.n })
      expect(report.orders).toEqual(report.recorded)
      expect(r.stdout).toContain(`orders: ${submitted.n} recorded, ${submitted.n} replayed: ${submitted.n} identical, 0 different, 0 missing, 0 extra`)
      expect(r.stdout).toContain('replay parity: IDENTICAL')
    }
  })

  it('finds the first divergence where a journaled bar was changed', async () => {
    const copy = join(dir, 'tampered.sqlite')
    const src = new Database(journal, { readonly: true })
    await src.backup(copy)
    src.close()
    const db = new Database(copy)
    // the 11th order, and the bar whose close decided it
    const order = db
      .prepare("SELECT seq, json_extract(payload, '$.order.side') AS side FROM events WHERE session_id = ? AND type = 'OrderSubmitted' ORDER BY seq LIMIT 1 OFFSET 10")
      .get(smaSession) as { seq: number; side: string }
    const bar = db.prepare("SELECT seq FROM events WHERE session_id = ? AND type = 'bar' AND seq < ? ORDER BY seq DESC LIMIT 1").get(smaSession, order.seq) as { seq: number }
    // a close far on the other side of the averages undoes the cross that placed the order
    const close = order.side === 'buy' ? 1 : 10_000_000
    db.prepare("UPDATE events SET payload = json_set(payload, '$.close', ?) WHERE session_id = ? AND seq = ?").run(close, smaSession, bar.seq)
    db.close()

    const out = join(dir, 'tampered.json')
    const r = runCli(['replay', smaSession, '--journal', copy, '--json', out], env)
    expect(r.code).toBe(1)
    const { comparison } = JSON.parse(readFileSync(out, 'utf8')) as { comparison: { identical: boolean; same: number; firstDivergence: { seq: number; kind: string; recorded: Order; replayed: Order | null } } }
    expect(comparison.identical).toBe(false)
    // the ten orders before the changed bar are untouched
    expect(comparison.same).toBeGreaterThanOrEqual(10)
    const d = comparison.firstDivergence
    expect(d.seq).toBe(order.seq)
    expect(d.recorded).toMatchObject({ seq: order.seq, marketSeq: bar.seq, clientOrderId: 'sma-cross-11', side: order.side })
    if (d.replayed !== null) expect(d.replayed.seq).toBeGreaterThan(order.seq)
    expect(r.stdout).toContain(`replay parity: DIVERGED; first divergence at seq ${order.seq}: ${d.kind}`)
    expect(r.stdout).toContain(`  recorded  seq ${order.seq} after market event ${bar.seq}: sma-cross sma-cross-11 BTC-USDT-1m-synthetic market ${order.side}`)
  })

  it('says what is wrong with a bad session id, a journal without market events, a missing journal', () => {
    const unknown = runCli(['replay', 'nope', '--journal', journal], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(`replay: no session "nope" in ${journal} (see "theorycraft journal list --journal ${journal}")\n`)

    const plain = runCli(['replay', plainSession, '--journal', journal], env)
    expect(plain.code).toBe(1)
    expect(plain.stderr).toBe(
      'theorycraft replay: the journal holds no market events for this session: only sessions that journaled them (paper, live, or a backtest run with --journal-market) can be replayed\n'
    )

    const missing = runCli(['replay', smaSession, '--journal', join(dir, 'none.sqlite')], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`replay: no journal at ${join(dir, 'none.sqlite')}\n`)

    const usage = runCli(['replay'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('replay: give a SESSION id')

    const help = runCli(['replay', '--help'], env)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('theorycraft replay SESSION [--journal FILE] [--json FILE]')
  })
})
