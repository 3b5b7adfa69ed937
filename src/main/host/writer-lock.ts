import { randomUUID } from 'node:crypto'
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename } from 'node:path'

/**
 * One writer per journal. The program that writes a journal (the desktop app, `theorycraft
 * serve`, or a journaling CLI backtest) holds `<journal>.lock`, a small JSON file naming it: pid,
 * host, kind, command and start time. A second writer is refused with a message that names the
 * holder. A lock whose process is gone (same host, dead pid) is stale and taken over. Readers
 * (`journal list/show/verify`, the sessions list) never look at the lock.
 */

export type WriterKind = 'cli' | 'server' | 'app'

export interface WriterInfo {
  pid: number
  host: string
  kind: WriterKind
  /** what the user would recognise: `theorycraft backtest`, `theorycraft serve`, … */
  command: string
  startedAt: number
  /** tells this holder's file from a later one with the same pid */
  token: string
}

export interface WriterLock {
  readonly file: string
  readonly info: WriterInfo
  /** the stale holder this lock replaced, if any */
  readonly tookOverFrom: WriterInfo | null
  /** deletes the lock file if it is still this holder's; safe to call twice */
  release(): void
}

export class WriterLockError extends Error {
  constructor(
    message: string,
    readonly lockFile: string,
    readonly holder: WriterInfo
  ) {
    super(message)
    this.name = 'WriterLockError'
  }
}

export interface AcquireOptions {
  kind: WriterKind
  command?: string
  /** for tests: whether a pid on this host is alive; default: signal 0 */
  isAlive?: (pid: number) => boolean
  now?: () => number
}

const DEFAULT_COMMAND: Record<WriterKind, string> = {
  cli: 'the theorycraft command line',
  server: 'theorycraft serve',
  app: 'TheoryCraft Workstation (desktop app)'
}

/** Locks held by this process: file → token. A second acquire in the same process is a second writer too. */
const heldHere = new Map<string, string>()
let exitHookInstalled = false

export function lockFileOf(journalPath: string): string {
  return `${journalPath}.lock`
}

/** The current holder of a journal's lock, or null (no lock, or an unreadable one). */
export function readWriterLock(journalPath: string): WriterInfo | null {
  return parseLock(lockFileOf(journalPath))
}

/** `theorycraft serve (pid 1234) since 2026-11-25 15:02:11 UTC` (plus the host when it is another machine). */
export function describeWriter(info: WriterInfo): string {
  const since = new Date(info.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
  return `${info.command} (pid ${info.pid}) since ${since}${info.host !== hostname() ? ` on ${info.host}` : ''}`
}

export function acquireWriterLock(journalPath: string, options: AcquireOptions): WriterLock {
  const file = lockFileOf(journalPath)
  const isAlive = options.isAlive ?? pidIsAlive
  const info: WriterInfo = {
    pid: process.pid,
    host: hostname(),
    kind: options.kind,
    command: options.command ?? DEFAULT_COMMAND[options.kind],
    startedAt: (options.now ?? Date.now)(),
    token: randomUUID()
  }
  let tookOverFrom: WriterInfo | null = null
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, info)) break
    const holder = parseLock(file)
    if (holder === null) {
      // gone in between, or a file that is not a lock we can read: the next attempt settles it
      if (attempt < 3) {
        removeIfUnreadable(file)
        continue
      }
      throw new Error(`cannot take the journal writer lock ${file}; delete it if no TheoryCraft program is running`)
    }
    if (!isStale(file, holder, isAlive) || attempt >= 3) {
      throw new WriterLockError(
        `${basename(journalPath)} is being written by ${describeWriter(holder)}. Only one program writes a journal at a time: close that one first. ` +
          `(Lock file: ${file}; delete it only if that program is not running.)`,
        file,
        holder
      )
    }
    if (moveAside(file, holder)) tookOverFrom = holder
  }
  heldHere.set(file, info.token)
  installExitHook()
  let released = false
  return {
    file,
    info,
    tookOverFrom,
    release() {
      if (released) return
      released = true
      releaseFile(file, info.token)
    }
  }
}

/** Atomic create: the complete file is written aside, then linked into place (fails if one exists). */
function tryCreate(file: string, info: WriterInfo): boolean {
  const temp = `${file}.${info.token}.tmp`
  writeFileSync(temp, `${JSON.stringify(info, null, 2)}\n`)
  try {
    linkSync(temp, file)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // file systems without hard links (FAT, some network shares): exclusive create instead
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') return createExclusive(file, info)
    throw err
  } finally {
    rmSync(temp, { force: true })
  }
}

function createExclusive(file: string, info: WriterInfo): boolean {
  try {
    writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { flag: 'wx' })
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

function parseLock(file: string): WriterInfo | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const v = JSON.parse(text) as Partial<WriterInfo>
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.token !== 'string' || typeof v.startedAt !== 'number') return null
    const kind: WriterKind = v.kind === 'cli' || v.kind === 'server' || v.kind === 'app' ? v.kind : 'cli'
    return { pid: v.pid, host: v.host, kind, command: typeof v.command === 'string' ? v.command : DEFAULT_COMMAND[kind], startedAt: v.startedAt, token: v.token }
  } catch {
    return null
  }
}

function isStale(file: string, holder: WriterInfo, isAlive: (pid: number) => boolean): boolean {
  // another machine's process cannot be checked from here (a shared folder): never stale
  if (holder.host !== hostname()) return false
  if (holder.pid === process.pid) return heldHere.get(file) !== holder.token
  return !isAlive(holder.pid)
}

/**
 * Moves a stale lock out of the way. Renaming is atomic, so of two processes taking over at once
 * only one moves the stale file; if what was moved is not the stale holder (someone took over
 * first), it is put back.
 */
function moveAside(file: string, stale: WriterInfo): boolean {
  const aside = `${file}.stale-${randomUUID()}`
  try {
    renameSync(file, aside)
  } catch {
    return false
  }
  const moved = parseLock(aside)
  if (moved !== null && moved.token !== stale.token) {
    try {
      linkSync(aside, file)
    } catch {
      // a third writer is in place already; the moved lock's owner will find its file gone
    }
    rmSync(aside, { force: true })
    return false
  }
  rmSync(aside, { force: true })
  return true
}

/** An empty or damaged lock file (not one this code wrote: it links complete files) protects nothing. */
function removeIfUnreadable(file: string): void {
  if (parseLock(file) !== null) return
  try {
    unlinkSync(file)
  } catch {
    // already gone
  }
}

function releaseFile(file: string, token: string): void {
  if (heldHere.get(file) === token) heldHere.delete(file)
  const holder = parseLock(file)
  if (holder !== null && holder.token === token) rmSync(file, { force: true })
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [file, token] of heldHere) releaseFile(file, token)
  })
}

/** Signal 0 checks that a process exists; EPERM means it exists but belongs to another user. */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
