import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestWorkstation, type TestWorkstation } from '../support/start-workstation'
import { connect, httpRequest, Inbox } from './ws-helpers'

const ROOT = resolve(__dirname, '../..')
const BROKER = { cash: 10_000, takerFee: 0.001, makerFee: 0.001, fixedFee: 0, slippageBps: 5, latencyMs: 0, accountType: 'margin', leverage: 1 }

async function openInbox(t: { port: number; token: string; origin: string }): Promise<Inbox> {
  const r = await connect(`ws://127.0.0.1:${t.port}/ws?token=${t.token}`, { origin: t.origin })
  if (!r.ok) throw new Error(`refused with ${r.status}`)
  return new Inbox(r.ws)
}

describe('real host over the WebSocket transport (startTestWorkstation)', () => {
  let t: TestWorkstation
  let inbox: Inbox
  beforeAll(async () => {
    t = await startTestWorkstation()
    inbox = await openInbox(t)
  })
  afterAll(async () => {
    inbox?.ws.close()
    await t?.close()
  })

  it('answers calls with the host’s real data: temp data folder, sample bars and the spot capture', async () => {
    expect(t.url).toBe(`http://127.0.0.1:${t.port}/?token=${t.token}`)
    const info = await inbox.call(1, 'app.info', {})
    expect(info).toMatchObject({ kind: 'result', id: 1, result: { mode: 'backtest', dataFolder: t.dataFolder } })
    const list = (await inbox.call(2, 'data.list', {})) as { result: { datasets: { id: string; source: string; rows: number }[] } }
    const ids = list.result.datasets.map((d) => d.id)
    expect(ids).toContain('sample:BTC-USDT-1m-synthetic.csv')
    expect(ids).toContain('capture:spot/btcusdt_20240808')
    expect(list.result.datasets.find((d) => d.id === 'sample:BTC-USDT-1m-synthetic.csv')?.rows).toBe(10080)
  })

  it('passes the host’s typed errors through, and stops malformed calls at the transport', async () => {
    expect(await inbox.call(3, 'backtest.report', { runId: 'no-such-run' })).toMatchObject({ kind: 'error', id: 3, error: { type: 'NotFound' } })
    expect(await inbox.call(4, 'mode.set', { mode: 'live' })).toMatchObject({ kind: 'error', id: 4, error: { type: 'ValidationError' } })
    expect(await inbox.call(5, 'order.create', { sessionId: 's', symbol: 'BTC/USDT', type: 'market', side: 'buy', amount: -1 })).toEqual({
      kind: 'error',
      id: 5,
      error: { type: 'ValidationError', message: 'params.amount: Too small: expected number to be >0' }
    })
  })

  it('a backtest started over the socket pushes its progress and result to every client', async () => {
    const second = await openInbox(t)
    const started = (await inbox.call(6, 'backtest.start', { datasetId: 'sample:BTC-USDT-1m-synthetic.csv', engine: 'sma-cross', params: { fast: 10, slow: 30 }, broker: BROKER })) as {
      result: { runId: string }
    }
    const runId = started.result.runId
    const isFinished = (m: Record<string, unknown>) => m.kind === 'push' && m.topic === 'backtest.finished' && (m.payload as { runId: string }).runId === runId
    for (const box of [inbox, second]) {
      const finished = await box.next(isFinished, 30_000)
      expect(finished.payload).toMatchObject({ runId, error: null, summary: { runId, engine: 'sma-cross' } })
    }
    second.ws.close()
  })

  it('a foreign page cannot connect even with the token', async () => {
    const r = await connect(`ws://127.0.0.1:${t.port}/ws?token=${t.token}`, { origin: 'http://evil.example' })
    expect(r.ok ? 'open' : r.status).toBe(403)
  })
})

describe('npm run serve (out/node/serve.js)', () => {
  let home: string
  let child: ChildProcess | null = null
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'theorycraft-serve-'))
  })
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    rmSync(home, { recursive: true, force: true })
  })

  function run(args: string[]): { proc: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
    const proc = spawn(process.execPath, [join(ROOT, 'out', 'node', 'serve.js'), ...args], { cwd: ROOT, env: { ...process.env, THEORYCRAFT_HOME: home, THEORYCRAFT_PORT: '' } })
    let out = ''
    let err = ''
    proc.stdout?.on('data', (c: Buffer) => (out += c.toString()))
    proc.stderr?.on('data', (c: Buffer) => (err += c.toString()))
    const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
    return { proc, out: () => out, err: () => err, exit }
  }

  it('prints the URL with the token, serves the API, and shuts down cleanly on SIGINT', async () => {
    const s = run([])
    child = s.proc
    const deadline = Date.now() + 20_000
    let match: RegExpMatchArray | null = null
    while (!(match = s.out().match(/^TheoryCraft Workstation: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/m)) && Date.now() < deadline) {
      if (s.proc.exitCode !== null) throw new Error(`serve exited: ${s.err()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(match, s.out() + s.err()).not.toBeNull()
    const port = Number(match![1])
    const token = match![2]
    const inbox = await openInbox({ port, token, origin: `http://127.0.0.1:${port}` })
    expect(await inbox.call(1, 'app.info', {})).toMatchObject({ kind: 'result', result: { dataFolder: home } })
    expect((await httpRequest(port, '/')).headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${port}`)
    s.proc.kill('SIGINT')
    expect(await s.exit).toBe(0)
    expect(s.out()).toContain('SIGINT: closing')
  })

  it('a bad argument gets one line and exit code 2, no stack trace', async () => {
    const s = run(['--port', 'abc'])
    expect(await s.exit).toBe(2)
    expect(s.err().trim()).toBe('theorycraft serve: --port must be an integer from 0 to 65535, got "abc"')
  })
})
