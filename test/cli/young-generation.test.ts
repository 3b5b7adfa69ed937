import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BACKTEST_NODE_FLAG, BACKTEST_SEMI_SPACE_MB, BACKTEST_YOUNG_GENERATION_MB } from '../../src/main/host/young-generation'
import { repoRoot, runCli } from '../support/run-cli'

const SAMPLE = resolve(repoRoot, 'resources/sample/BTC-USDT-1m-synthetic.csv')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tc-young-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A user engine that writes what node it runs in to `probe.json`, then waits for `go` if asked. */
function probeEngine(wait: boolean): string {
  const file = join(dir, 'probe-engine.ts')
  writeFileSync(
    file,
    `import { writeFileSync, existsSync } from 'node:fs'
import { defineEngine } from 'theorycraft'
export default defineEngine({
  name: 'probe',
  description: 'writes the node it runs in',
  params: {},
  create() {
    writeFileSync(${JSON.stringify(join(dir, 'probe.json'))}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv }))
    const until = Date.now() + 20_000
    while (${wait} && !existsSync(${JSON.stringify(join(dir, 'go'))}) && Date.now() < until) {}
    return {}
  }
})
`
  )
  return file
}

const probe = () => JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8')) as { pid: number; execArgv: string[] }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('young generation of backtests', () => {
  it('runs a command-line backtest in a node with the semi-space flag', () => {
    const r = runCli(['backtest', '--data', SAMPLE, '--engine', probeEngine(false), '--no-journal', '--quiet'], { THEORYCRAFT_HOME: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(probe().execArgv).toContain(BACKTEST_NODE_FLAG)
  })

  it('passes a signal on to the backtest it started', async () => {
    const parent = spawn(process.execPath, [resolve(repoRoot, 'bin/theorycraft.js'), 'backtest', '--data', SAMPLE, '--engine', probeEngine(true), '--no-journal'], {
      cwd: repoRoot,
      env: { ...process.env, THEORYCRAFT_HOME: dir },
      stdio: 'ignore'
    })
    const exited = new Promise<NodeJS.Signals | null>((done) => parent.on('exit', (_code, signal) => done(signal)))
    const deadline = Date.now() + 30_000
    while (!existsSync(join(dir, 'probe.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const child = probe().pid
    expect(child).not.toBe(parent.pid)
    expect(alive(child)).toBe(true)
    parent.kill('SIGTERM')
    expect(await exited).toBe('SIGTERM')
    const gone = Date.now() + 5_000
    while (alive(child) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50))
    expect(alive(child)).toBe(false)
  })

  it('is the same size wherever backtests run', () => {
    expect(BACKTEST_NODE_FLAG).toBe(`--max-semi-space-size=${BACKTEST_SEMI_SPACE_MB}`)
    expect(BACKTEST_YOUNG_GENERATION_MB).toBe(3 * BACKTEST_SEMI_SPACE_MB)
    expect(readFileSync(resolve(repoRoot, 'bin/theorycraft.js'), 'utf8')).toContain(`'${BACKTEST_NODE_FLAG}'`)
    const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.bench).toContain(`node ${BACKTEST_NODE_FLAG} out/node/bench.js`)
  })
})
