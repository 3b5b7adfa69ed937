import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'

const dir = mkdtempSync(join(tmpdir(), 'tc-cli-'))
const env = { THEORYCRAFT_HOME: join(dir, 'home') }
const sample = 'resources/sample/BTC-USDT-1m-synthetic.csv'
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('theorycraft backtest', () => {
  it('runs a built-in engine on the sample and writes the JSON and HTML reports', () => {
    const json = join(dir, 'r.json')
    const html = join(dir, 'r.html')
    const r = runCli(['backtest', '--data', sample, '--engine', 'sma-cross', '--param', 'fast=20', '--param', 'slow=60', '--fee', '0.001', '--json', json, '--html', html], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    expect(Array.isArray(report.trades)).toBe(true)
    expect(report.trades.length).toBeGreaterThan(10)
    expect(report.manifest.engines[0]).toMatchObject({ engine: 'sma-cross', params: { fast: 20, slow: 60, mode: 'long-only' } })
    expect(report.manifest.dataFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(report.journalHash).toMatch(/^[0-9a-f]{64}$/)
    // Accounting closes: final equity = initial + closed trade P&L + open trade P&L.
    const pnl = report.trades.reduce((s: number, t: { pnl: number }) => s + t.pnl, 0) + (report.openTrade?.pnl ?? 0)
    expect(report.finalEquity).toBeCloseTo(10_000 + pnl, 6)
    // Fees: 0.1% of every fill's notional.
    for (const f of report.fills) expect(f.fee).toBeCloseTo(f.price * f.amount * 0.001, 8)
    expect(r.stdout).toContain(`final equity           ${report.finalEquity.toFixed(2)}`)
    const page = readFileSync(html, 'utf8')
    expect(page).toContain('<html')
    expect(page).toContain('sma-cross')
    expect(page).not.toMatch(/<script[^>]+src=["']https?:/)
  })

  it('gives one journal hash for 20 runs of the same backtest, and a different one for other parameters', () => {
    const journal = join(dir, 'determinism.sqlite')
    const hashes = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const out = join(dir, `d${i}.json`)
      const r = runCli(['backtest', '--data', sample, '--engine', 'rsi-reversion', '--fee', '0.0005', '--latency', '1500', '--journal', journal, '--json', out, '--quiet'], env)
      expect(r.code).toBe(0)
      hashes.add(JSON.parse(readFileSync(out, 'utf8')).journalHash)
    }
    expect(hashes.size).toBe(1)
    const other = join(dir, 'other.json')
    runCli(['backtest', '--data', sample, '--engine', 'rsi-reversion', '--param', 'period=10', '--journal', journal, '--json', other, '--quiet'], env)
    expect(hashes.has(JSON.parse(readFileSync(other, 'utf8')).journalHash)).toBe(false)
    const list = runCli(['journal', 'list', '--journal', journal], env)
    expect(list.stdout.trim().split('\n')).toHaveLength(21)
  })

  it('journal verify passes on a clean session and catches a changed event', () => {
    const journal = join(dir, 'verify.sqlite')
    expect(runCli(['backtest', '--data', sample, '--engine', 'sma-cross', '--journal', journal, '--quiet'], env).code).toBe(0)
    const sessionId = runCli(['journal', 'list', '--journal', journal], env).stdout.split('\t')[0]
    const ok = runCli(['journal', 'verify', sessionId, '--journal', journal], env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^ok: \d+ events/)
    const shown = runCli(['journal', 'show', sessionId, '--journal', journal, '--limit', '3'], env).stdout.trim().split('\n')
    expect(shown).toHaveLength(3)
    expect(JSON.parse(shown[0]).seq).toBe(1)
    const db = new Database(journal)
    db.prepare("UPDATE events SET payload = replace(payload, '\"amount\"', '\"amount \"') WHERE session_id = ? AND type = 'OrderFilled' AND seq = (SELECT min(seq) FROM events WHERE session_id = ? AND type = 'OrderFilled')").run(sessionId, sessionId)
    db.close()
    const bad = runCli(['journal', 'verify', sessionId, '--journal', journal], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('hash-mismatch')
  })

  it('runs a user engine file compiled on the fly, and reports a broken one with its line', () => {
    const r = runCli(['backtest', '--data', sample, '--engine', 'examples/engines/ema-momentum.ts', '--param', 'period=50', '--no-journal', '--json', join(dir, 'u.json')], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, 'u.json'), 'utf8'))
    expect(report.manifest.engines[0]).toMatchObject({ engine: 'ema-momentum', params: { period: 50, fraction: 0.5 } })
    expect(report.fills.length).toBeGreaterThan(0)
    const broken = join(dir, 'broken.ts')
    writeFileSync(broken, "export default {\n  name: 'x',\n  create( {\n}\n")
    const b = runCli(['backtest', '--data', sample, '--engine', broken, '--no-journal'], env)
    expect(b.code).toBe(1)
    expect(b.stderr).toMatch(/could not compile engine .*broken\.ts:\s*\n.*broken\.ts:\d+:\d+:/)
  })

  it('answers bad flags, engines, parameters and files with a clear message and a non-zero exit', () => {
    const cases: [string[], RegExp][] = [
      [['backtest', '--bogus'], /Unknown option '--bogus'/],
      [['backtest', '--engine', 'sma-cross'], /--data FILE is required/],
      [['backtest', '--data', sample, '--engine', 'nope'], /unknown engine "nope"; built-in engines: sma-cross/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--param', 'fast=x'], /parameter fast: expected an integer, got "x"/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--param', 'speed=3'], /unknown parameter speed; known: fast, slow/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--param', 'fast=50', '--param', 'slow=20'], /fast \(50\) must be below slow \(20\)/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--cash=-5'], /--cash must be positive/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--fill', 'later'], /--fill must be one of next-open, same-close/],
      [['backtest', '--data', 'missing.csv', '--engine', 'sma-cross'], /missing\.csv/],
      [['backtest', '--data', sample, '--engine', 'sma-cross', '--from', 'yesterday'], /--from expects an ISO date/],
      [['frobnicate'], /unknown command "frobnicate"/]
    ]
    for (const [args, message] of cases) {
      const r = runCli(args[0] === 'backtest' ? [...args, '--no-journal'] : args, env)
      expect(r.code, args.join(' ')).not.toBe(0)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /)
    }
  })

  it('reports every defect of a damaged CSV with its line, and rejects it under policy reject', () => {
    const bad = join(dir, 'damaged.csv')
    writeFileSync(
      bad,
      '\uFEFFtimestamp,open,high,low,close,volume\r\n' +
        '2024-01-01T00:00:00Z,100,101,99,100.5,10\r\n' +
        '2024-01-01T00:01:00Z,100.5,102,100,101,12\r\n' +
        '2024-01-01T00:01:00Z,100.5,102,100,101,12\r\n' +
        '2024-01-01T00:00:30Z,101,102,100,101,1\r\n' +
        '2024-01-01T00:03:00Z,101,NaN,100,101,5\r\n' +
        '2024-01-01T00:04:00Z,101,,100,101,5\r\n' +
        '2024-01-01T00:05:00Z,101,99,100,101,5\r\n' +
        '2024-01-01T00:09:00Z,101,102,100,101.5,5\r\n' +
        '2024-01-01T00:10:00Z,101.5,102,10'
    )
    const expected = [
      /line 4: duplicate/,
      /line 5: out-of-order/,
      /line 6: not-a-number: high/,
      /line 7: empty-field: high/,
      /line 8: high-below-low/,
      /line 9: gap: 7 missing 1m bar/,
      /line 10: truncated/
    ]
    const rejected = runCli(['backtest', '--data', bad, '--engine', 'sma-cross', '--policy', 'reject', '--no-journal'], env)
    expect(rejected.code).toBe(1)
    for (const e of expected) expect(rejected.stderr).toMatch(e)
    expect(rejected.stderr).toMatch(/rejected: 6 row error\(s\) under policy reject/)
    expect(rejected.stdout).toBe('')
    const kept = runCli(['backtest', '--data', bad, '--engine', 'sma-cross', '--param', 'fast=1', '--param', 'slow=2', '--no-journal', '--json', join(dir, 'kept.json')], env)
    expect(kept.code).toBe(0)
    for (const e of expected) expect(kept.stderr).toMatch(e)
    const report = JSON.parse(readFileSync(join(dir, 'kept.json'), 'utf8'))
    expect(report.manifest.dataQuality).toMatchObject({ policy: 'keep-gaps', errors: 6, rowsDropped: 6 })
    expect(report.price.ts).toHaveLength(3)
  })

  it('trades on higher-timeframe bars built from the data, filling at the next 1m open after the hour closes', () => {
    const out = join(dir, 'mtf.json')
    const r = runCli(['backtest', '--data', sample, '--engine', 'sma-cross', '--param', 'timeframe=1h', '--param', 'fast=3', '--param', 'slow=8', '--also', '1h', '--indicator', 'ema5=ema(period=5)@1h', '--no-journal', '--json', out], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8'))
    expect(report.fills.length).toBeGreaterThan(4)
    for (const f of report.fills) expect(f.ts % 3_600_000).toBe(0)
    const bad = runCli(['backtest', '--data', sample, '--engine', 'sma-cross', '--indicator', 'ema5=ema(period=x)', '--no-journal'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--indicator ema5=ema\(period=x\): parameter "period=x" must be name=number/)
  })

  it('prints help for every command', () => {
    for (const args of [['--help'], ['backtest', '--help'], ['journal', '--help'], ['engines', '--help']]) {
      const r = runCli(args, env)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/theorycraft/)
    }
    expect(runCli(['engines'], env).stdout).toMatch(/sma-cross[\s\S]*rsi-reversion[\s\S]*breakout[\s\S]*grid/)
  })
})
