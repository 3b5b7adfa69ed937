import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createWorkstation } from '../../src/main/host/workstation'
import { acquireWriterLock, describeWriter, lockFileOf, pidIsAlive, readWriterLock, WriterLockError, type WriterInfo } from '../../src/main/host/writer-lock'
import { runCli } from '../support/run-cli'
import { SAMPLE_DIR, WORKER_SCRIPT } from './harness'

const dir = mkdtempSync(join(tmpdir(), 'theorycraft-lock-'))
const SAMPLE = join(SAMPLE_DIR, 'ETH-USDT-1d-synthetic.csv')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The pid of a process that has exited (so it is dead, and was real). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  const pid = Number(r.stdout)
  expect(pidIsAlive(pid)).toBe(false)
  return pid
}

function plantLock(journal: string, info: Partial<WriterInfo> & { pid: number }): void {
  const full: WriterInfo = { host: hostname(), kind: 'cli', command: 'theorycraft backtest', startedAt: Date.UTC(2026, 10, 25, 9, 30, 0), token: `planted-${info.pid}`, ...info }
  writeFileSync(lockFileOf(journal), JSON.stringify(full))
}

const backtest = (journal: string) => runCli(['backtest', '--data', SAMPLE, '--engine', 'sma-cross', '--journal', journal, '--quiet'], { THEORYCRAFT_HOME: join(dir, 'home') })

describe('one writer per journal', () => {
  it('refuses a second writer in the same process, naming the first, and frees the journal on release', () => {
    const journal = join(dir, 'same-process.sqlite')
    const first = acquireWriterLock(journal, { kind: 'server', now: () => Date.UTC(2026, 10, 25, 15, 2, 11, 400) })
    expect(first.tookOverFrom).toBeNull()
    expect(readWriterLock(journal)).toMatchObject({ pid: process.pid, host: hostname(), kind: 'server', command: 'theorycraft serve' })
    let refusal: unknown
    try {
      acquireWriterLock(journal, { kind: 'cli', command: 'theorycraft backtest' })
    } catch (err) {
      refusal = err
    }
    expect(refusal).toBeInstanceOf(WriterLockError)
    expect((refusal as Error).message).toMatch(new RegExp(`^same-process\\.sqlite is being written by theorycraft serve \\(pid ${process.pid}\\) since 2026-11-25 15:02:11 UTC\\. `))
    expect((refusal as WriterLockError).holder.token).toBe(first.info.token)
    first.release()
    expect(existsSync(lockFileOf(journal))).toBe(false)
    const second = acquireWriterLock(journal, { kind: 'cli' })
    second.release()
    first.release() // twice is harmless, and does not remove another holder's lock
  })

  it('a CLI backtest is refused while the host writes the journal (reading still works), and runs once the host is closed', async () => {
    const folder = join(dir, 'host-folder')
    const ws = createWorkstation({ dataFolder: folder, sampleDir: join(dir, 'no-samples'), workerScript: WORKER_SCRIPT, appKind: 'server' })
    const journal = join(folder, 'journal.sqlite')
    try {
      const refused = backtest(journal)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`backtest: journal.sqlite is being written by theorycraft serve (pid ${process.pid}) since `)
      expect(refused.stderr).toContain('--no-journal')
      // readers never take the lock
      const list = runCli(['journal', 'list', '--journal', journal])
      expect(list.code).toBe(0)
      expect(list.stdout.trim()).toBe('no sessions')
    } finally {
      await ws.close()
    }
    expect(existsSync(lockFileOf(journal))).toBe(false)
    const ran = backtest(journal)
    expect(ran.stderr).toBe('')
    expect(ran.code).toBe(0)
    expect(runCli(['journal', 'list', '--journal', journal]).stdout).toMatch(/\tbacktest\t/)
    expect(existsSync(lockFileOf(journal))).toBe(false)
  })

  it('the host refuses to start on a journal another live process writes, and takes it over once that process is gone', async () => {
    const folder = join(dir, 'held-by-other')
    const journal = join(folder, 'journal.sqlite')
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    try {
      await createWorkstation({ dataFolder: folder, sampleDir: join(dir, 'no-samples'), workerScript: WORKER_SCRIPT }).close()
      plantLock(journal, { pid: other.pid! })
      expect(() => createWorkstation({ dataFolder: folder, sampleDir: join(dir, 'no-samples'), workerScript: WORKER_SCRIPT })).toThrow(
        `journal.sqlite is being written by theorycraft backtest (pid ${other.pid}) since 2026-11-25 09:30:00 UTC.`
      )
    } finally {
      other.kill('SIGKILL')
      await new Promise((r) => other.once('exit', r))
    }
    // the holder died without releasing: its lock is stale and the next writer takes over
    const ws = createWorkstation({ dataFolder: folder, sampleDir: join(dir, 'no-samples'), workerScript: WORKER_SCRIPT })
    try {
      expect(readWriterLock(journal)).toMatchObject({ pid: process.pid, kind: 'server' })
      await expect.poll(() => readFileSync(join(folder, 'logs', 'workstation.log'), 'utf8')).toContain(`took over a stale journal writer lock {"from":{"pid":${other.pid}`)
    } finally {
      await ws.close()
    }
  })

  it('a CLI backtest takes over a stale lock (dead pid) and a damaged one, and releases its own', () => {
    const journal = join(dir, 'stale.sqlite')
    plantLock(journal, { pid: deadPid(), kind: 'app', command: 'TheoryCraft Workstation (desktop app)' })
    expect(backtest(journal).code).toBe(0)
    expect(existsSync(lockFileOf(journal))).toBe(false)

    writeFileSync(lockFileOf(journal), '')
    const taken = acquireWriterLock(journal, { kind: 'cli' })
    expect(taken.tookOverFrom).toBeNull()
    taken.release()
  })

  it('never treats another machine’s lock as stale (its pid cannot be checked from here) and names that machine', () => {
    const journal = join(dir, 'shared.sqlite')
    const info: WriterInfo = { pid: deadPid(), host: 'trading-box-2', kind: 'server', command: 'theorycraft serve', startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), token: 't' }
    plantLock(journal, info)
    expect(() => acquireWriterLock(journal, { kind: 'cli' })).toThrow(`shared.sqlite is being written by theorycraft serve (pid ${info.pid}) since 2026-01-02 03:04:05 UTC on trading-box-2.`)
    expect(describeWriter(info)).toBe(`theorycraft serve (pid ${info.pid}) since 2026-01-02 03:04:05 UTC on trading-box-2`)
    const cli = backtest(journal)
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('on trading-box-2')
  })

  it('takes a stale lock over once: the new holder is live even to a writer that thinks every pid on this host is dead', () => {
    const journal = join(dir, 'race.sqlite')
    const stale = deadPid()
    plantLock(journal, { pid: stale })
    const a = acquireWriterLock(journal, { kind: 'cli', isAlive: () => false })
    expect(a.tookOverFrom?.pid).toBe(stale)
    expect(() => acquireWriterLock(journal, { kind: 'cli', isAlive: () => false })).toThrow(WriterLockError)
    a.release()
  })
})
