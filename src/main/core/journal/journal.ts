import { existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { openSqlite } from '../sqlite-driver'
import type { EndStatus, EncodedAppender, SessionStatus } from './appender'
import { encodeAppend, checkEncodedAppend } from './appender'
import { JournalError, describeCause } from './errors'
import { ChainBuffer, chainHash, ChainStrings, genesisHash, type ChainRows } from './hash'
import { assertNotNewer, migrate, requireSchemaVersion } from './migrations'

export type SessionMode = 'backtest' | 'replay' | 'paper' | 'live'

export interface EngineRef {
  name: string
  version: string
}

export interface SessionMeta {
  /** Omitted: derived from the other fields (deterministic; `-2`, `-3`, … on a clash). */
  id?: string
  mode: SessionMode
  config: unknown
  engines: readonly EngineRef[]
  appVersion: string
  dataFingerprint: string
  startedAt: number
}

export interface SessionInfo {
  id: string
  mode: SessionMode
  config: unknown
  engines: EngineRef[]
  appVersion: string
  dataFingerprint: string
  startedAt: number
  endedAt: number | null
  status: SessionStatus
  lastSeq: number
  lastHash: string
}

export interface JournalRecord {
  seq: number
  ts: number
  type: string
  payload: unknown
  hash: string
}

export interface EventsQuery {
  /** Inclusive; default 1. */
  fromSeq?: number
  /** Inclusive; default: the last event. */
  toSeq?: number
  /** Only these event types (an empty list yields nothing). */
  types?: readonly string[]
}

export type VerifyProblemKind = 'gap' | 'hash-mismatch' | 'truncated' | 'bad-json'

export interface VerifyProblem {
  seq: number
  kind: VerifyProblemKind
  message: string
}

export interface VerifyResult {
  ok: boolean
  /** Events stored for the session. */
  count: number
  /** Seq of the last stored event (0 if none). */
  lastSeq: number
  /** Chain head recomputed from the stored events (hash_0 if none). */
  hash: string
  problems: VerifyProblem[]
}

export interface JournalOpenOptions {
  readonly?: boolean
  /** How long a write waits for another connection's lock; default 5000 ms. */
  busyTimeoutMs?: number
}

export interface AppenderOptions {
  /** Events per automatic flush (one transaction); default 512. */
  batchSize?: number
}

export const DEFAULT_BATCH_SIZE = 512
const MAX_BATCH_SIZE = 1_000_000
const MAX_ID_LENGTH = 256
// Date's range: toISOString throws beyond it, and no real timestamp is outside it.
const MAX_TIME_MS = 8.64e15

const MODES: readonly SessionMode[] = ['backtest', 'replay', 'paper', 'live']
const STATUSES: readonly SessionStatus[] = ['running', 'completed', 'failed', 'crashed']
const END_STATUSES: readonly EndStatus[] = ['completed', 'failed', 'crashed']

interface SessionRow {
  id: string
  mode: string
  config: string
  engines: string
  app_version: string
  data_fingerprint: string
  started_at: number
  ended_at: number | null
  status: string
  last_seq: number
  last_hash: string
}

interface EventRow {
  seq: number
  ts: number
  type: string
  payload: string
  hash: string
}

/** Batches at least this large hold their rows as bytes; smaller ones die young as strings. */
const BYTES_FROM_BATCH_SIZE = 4096

/** Rows per INSERT statement when committing a batch: one statement per row costs about a fifth more. */
const ROWS_PER_INSERT = 64

/**
 * Appended events not yet committed: numbers and type names in columns, payloads and hashes in
 * the chain rows. A large batch keeps them as bytes (see ChainBuffer): as strings, thousands of
 * them would outlive the young generation and grow the heap.
 */
class BufferedEvents {
  readonly seq: number[] = []
  readonly ts: number[] = []
  readonly type: string[] = []
  readonly chain: ChainRows

  /** `head`: the chain head the first buffered event follows. */
  constructor(head: string, batchSize: number) {
    this.chain = batchSize >= BYTES_FROM_BATCH_SIZE ? new ChainBuffer(head) : new ChainStrings(head)
  }

  get length(): number {
    return this.seq.length
  }

  /** Chain head after the last buffered event. */
  get head(): string {
    return this.chain.head
  }

  push(seq: number, ts: number, type: string, payload: string): void {
    this.chain.push(seq, ts, type, payload)
    this.seq.push(seq)
    this.ts.push(ts)
    this.type.push(type)
  }

  clear(): void {
    this.seq.length = 0
    this.ts.length = 0
    this.type.length = 0
    this.chain.clear()
  }
}

function prepareStatements(db: Database.Database) {
  const eventCols = 'seq, ts, type, payload, hash'
  return {
    insertSession: db.prepare(
      `INSERT INTO sessions (id, mode, config, engines, app_version, data_fingerprint, started_at, ended_at, status, last_seq, last_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'running', 0, ?)`
    ),
    getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    listSessions: db.prepare<[], SessionRow>('SELECT * FROM sessions ORDER BY started_at, id'),
    setHead: db.prepare('UPDATE sessions SET last_seq = ?, last_hash = ? WHERE id = ?'),
    setStatus: db.prepare('UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?'),
    insertEvent: db.prepare(`INSERT INTO events (session_id, ${eventCols}) VALUES (?, ?, ?, ?, ?, ?)`),
    insertEvents: db.prepare(`INSERT INTO events (session_id, ${eventCols}) VALUES ${new Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`),
    lastEvent: db.prepare<[string], { seq: number; hash: string }>(
      'SELECT seq, hash FROM events WHERE session_id = ? ORDER BY seq DESC LIMIT 1'
    ),
    eventsRange: db.prepare<[string, number, number], EventRow>(
      `SELECT ${eventCols} FROM events WHERE session_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`
    ),
    eventsRangeTyped: db.prepare<[string, number, number, string], EventRow>(
      `SELECT ${eventCols} FROM events WHERE session_id = ? AND seq >= ? AND seq <= ?
         AND type IN (SELECT value FROM json_each(?)) ORDER BY seq`
    )
  }
}

type Statements = ReturnType<typeof prepareStatements>

function isSqliteCode(err: unknown, prefix: string): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith(prefix)
}

function stringifyField(path: string, field: string, value: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (err) {
    throw new JournalError('bad-argument', `journal ${path}: session ${field} is not JSON-serialisable: ${describeCause(err)}`, {
      path,
      cause: err
    })
  }
  if (json === undefined) {
    throw new JournalError('bad-argument', `journal ${path}: session ${field} has no JSON form`, { path })
  }
  return json
}

/**
 * The event journal: one SQLite file (WAL, synchronous=FULL) holding sessions and their
 * hash-chained events. One connection per instance; use it from one thread. Reads may nest
 * inside an open `events()` iterator, but writes (flush, createSession, …) on the same
 * instance fail with 'write-failed' until it is finished or returned.
 */
export class Journal {
  readonly path: string
  readonly readonly: boolean
  readonly schemaVersion: number
  private db: Database.Database | null
  private readonly stmts: Statements
  private readonly writeBatch: (sessionId: string, rows: BufferedEvents, lastSeq: number, lastHash: string) => void
  private readonly writeEnd: (sessionId: string, lastSeq: number, lastHash: string, status: EndStatus | undefined, endedAt: number | null) => void
  private readonly appenders = new Map<string, SqliteAppender>()

  private constructor(path: string, db: Database.Database, readonly: boolean, schemaVersion: number) {
    this.path = path
    this.db = db
    this.readonly = readonly
    this.schemaVersion = schemaVersion
    const s = (this.stmts = prepareStatements(db))
    const args: unknown[] = new Array(ROWS_PER_INSERT * 6)
    this.writeBatch = db.transaction((sessionId: string, rows: BufferedEvents, lastSeq: number, lastHash: string) => {
      const { seq, ts, type, chain } = rows
      let i = 0
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        for (let k = 0, b = 0; k < ROWS_PER_INSERT; k++, b += 6) {
          args[b] = sessionId
          args[b + 1] = seq[i + k]
          args[b + 2] = ts[i + k]
          args[b + 3] = type[i + k]
          args[b + 4] = chain.payload(i + k)
          args[b + 5] = chain.hash(i + k)
        }
        s.insertEvents.run(args)
      }
      for (; i < rows.length; i++) s.insertEvent.run(sessionId, seq[i], ts[i], type[i], chain.payload(i), chain.hash(i))
      s.setHead.run(lastSeq, lastHash, sessionId)
    }).immediate
    this.writeEnd = db.transaction(
      (sessionId: string, lastSeq: number, lastHash: string, status: EndStatus | undefined, endedAt: number | null) => {
        s.setHead.run(lastSeq, lastHash, sessionId)
        if (status !== undefined) s.setStatus.run(status, endedAt, sessionId)
      }
    ).immediate
  }

  /** Opens (creating and migrating unless read-only) the journal file at `path`. */
  static open(path: string, options: JournalOpenOptions = {}): Journal {
    const readonly = options.readonly === true
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000
    if (typeof path !== 'string' || path.length === 0) {
      throw new JournalError('bad-argument', 'journal: path must be a non-empty string')
    }
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new JournalError('bad-argument', `journal ${path}: busyTimeoutMs must be a non-negative integer`, { path })
    }
    let db: Database.Database
    try {
      db = openSqlite(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs })
    } catch (err) {
      throw new JournalError('open-failed', `journal ${path}: cannot open: ${describeCause(err)}`, { path, cause: err })
    }
    try {
      let version: number
      if (readonly) {
        version = requireSchemaVersion(db, path)
      } else {
        // Checked before the WAL switch so a file from a newer build is left byte-for-byte alone.
        assertNotNewer(db, path)
        // New files only (an existing file keeps its page size): with rows of a few hundred
        // bytes, 16 KiB pages made appends about a third cheaper than the default 4 KiB.
        db.pragma('page_size = 16384')
        const mode = db.pragma('journal_mode = WAL', { simple: true })
        if (mode !== 'wal' && path !== ':memory:') {
          throw new JournalError('open-failed', `journal ${path}: could not switch to WAL mode (got ${String(mode)})`, { path })
        }
        // FULL: a commit that returned survives power loss, which is what "acknowledged" promises.
        db.pragma('synchronous = FULL')
        version = migrate(db, path).to
      }
      return new Journal(path, db, readonly, version)
    } catch (err) {
      db.close()
      if (err instanceof JournalError) throw err
      throw new JournalError('open-failed', `journal ${path}: cannot open: ${describeCause(err)}`, { path, cause: err })
    }
  }

  /** Registers a new running session and returns its id. */
  createSession(meta: SessionMeta): string {
    this.ensureWritable()
    const path = this.path
    if (!MODES.includes(meta.mode)) {
      throw new JournalError('bad-argument', `journal ${path}: session mode must be one of ${MODES.join('|')}, got ${String(meta.mode)}`, { path })
    }
    if (!Number.isSafeInteger(meta.startedAt) || Math.abs(meta.startedAt) > MAX_TIME_MS) {
      throw new JournalError('bad-argument', `journal ${path}: session startedAt must be integer milliseconds, got ${String(meta.startedAt)}`, { path })
    }
    for (const field of ['appVersion', 'dataFingerprint'] as const) {
      if (typeof meta[field] !== 'string') {
        throw new JournalError('bad-argument', `journal ${path}: session ${field} must be a string`, { path })
      }
    }
    if (!Array.isArray(meta.engines)) {
      throw new JournalError('bad-argument', `journal ${path}: session engines must be an array of { name, version }`, { path })
    }
    const engines = meta.engines.map((e, i) => {
      if (typeof e?.name !== 'string' || typeof e?.version !== 'string') {
        throw new JournalError('bad-argument', `journal ${path}: session engines[${i}] must have string name and version`, { path })
      }
      return { name: e.name, version: e.version }
    })
    const enginesJson = JSON.stringify(engines)
    const configJson = stringifyField(path, 'config', meta.config)
    let id: string
    if (meta.id === undefined) {
      id = this.deriveSessionId(meta, enginesJson, configJson)
    } else {
      checkSessionId(path, meta.id)
      id = meta.id
    }
    try {
      this.stmts.insertSession.run(
        id,
        meta.mode,
        configJson,
        enginesJson,
        meta.appVersion,
        meta.dataFingerprint,
        meta.startedAt,
        genesisHash()
      )
    } catch (err) {
      if (isSqliteCode(err, 'SQLITE_CONSTRAINT')) {
        throw new JournalError('duplicate-session', `journal ${path}: session ${id} already exists`, { path, sessionId: id, cause: err })
      }
      throw new JournalError('write-failed', `journal ${path}: creating session ${id} failed: ${describeCause(err)}`, {
        path,
        sessionId: id,
        cause: err
      })
    }
    return id
  }

  /**
   * The appender of a running (or crashed, which resumes it) session. It continues from the
   * last event stored in the events table, not from the session row.
   */
  appender(sessionId: string, options: AppenderOptions = {}): EncodedAppender {
    this.ensureWritable()
    const path = this.path
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new JournalError('bad-argument', `journal ${path}: batchSize must be an integer in 1..${MAX_BATCH_SIZE}, got ${String(batchSize)}`, {
        path,
        sessionId
      })
    }
    if (this.appenders.has(sessionId)) {
      throw new JournalError('appender-open', `journal ${path}: session ${sessionId} already has an open appender`, { path, sessionId })
    }
    const row = this.requireSession(sessionId)
    if (row.status === 'completed' || row.status === 'failed') {
      throw new JournalError('session-ended', `journal ${path}: session ${sessionId} has ended (${row.status}); it cannot be appended to`, {
        path,
        sessionId
      })
    }
    const last = this.stmts.lastEvent.get(sessionId)
    const lastSeq = last?.seq ?? 0
    const head = last?.hash ?? genesisHash()
    if (row.last_seq > lastSeq) {
      throw new JournalError(
        'corrupt-record',
        `journal ${path}: session ${sessionId} records last_seq ${row.last_seq} but its last stored event is ${lastSeq}; ` +
          'events were lost (run verify)',
        { path, sessionId, seq: lastSeq + 1 }
      )
    }
    if (row.status === 'crashed') this.stmts.setStatus.run('running', null, sessionId)
    const appender = new SqliteAppender(this, sessionId, batchSize, lastSeq, head)
    this.appenders.set(sessionId, appender)
    return appender
  }

  listSessions(): SessionInfo[] {
    this.ensureOpen()
    return this.stmts.listSessions.all().map((r) => this.toInfo(r))
  }

  getSession(id: string): SessionInfo | undefined {
    this.ensureOpen()
    const row = this.stmts.getSession.get(id)
    return row === undefined ? undefined : this.toInfo(row)
  }

  /** Streams a session's events in seq order (payloads parsed). */
  events(sessionId: string, query: EventsQuery = {}): IterableIterator<JournalRecord> {
    this.ensureOpen()
    const path = this.path
    const from = query.fromSeq ?? 1
    const to = query.toSeq ?? Number.MAX_SAFE_INTEGER
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new JournalError('bad-argument', `journal ${path}: fromSeq/toSeq must be integers`, { path, sessionId })
    }
    if (query.types !== undefined && (!Array.isArray(query.types) || query.types.some((t) => typeof t !== 'string'))) {
      throw new JournalError('bad-argument', `journal ${path}: types must be an array of strings`, { path, sessionId })
    }
    this.requireSession(sessionId)
    const rows =
      query.types === undefined
        ? this.idle('eventsRange').iterate(sessionId, from, to)
        : this.idle('eventsRangeTyped').iterate(sessionId, from, to, JSON.stringify(query.types))
    return readRecords(path, sessionId, rows)
  }

  /** Recomputes the session's hash chain from hash_0 and reports every inconsistency found. */
  verify(sessionId: string): VerifyResult {
    this.ensureOpen()
    const session = this.requireSession(sessionId)
    const problems: VerifyProblem[] = []
    let expected = 1
    let prevStored = genesisHash()
    let computed = prevStored
    let count = 0
    let lastSeq = 0
    for (const row of this.idle('eventsRange').iterate(sessionId, 1, Number.MAX_SAFE_INTEGER)) {
      count++
      const afterGap = row.seq !== expected
      if (afterGap) {
        const missing = row.seq - 1 === expected ? `event ${expected} is` : `events ${expected}..${row.seq - 1} are`
        problems.push({ seq: expected, kind: 'gap', message: `${missing} missing before seq ${row.seq}` })
      }
      try {
        JSON.parse(row.payload)
      } catch (err) {
        problems.push({ seq: row.seq, kind: 'bad-json', message: `seq ${row.seq} (${row.type}): payload is not JSON: ${describeCause(err)}` })
      }
      computed = chainHash(prevStored, row.seq, row.ts, row.type, row.payload)
      // Right after a gap the predecessor's hash is unknown, so that link cannot be checked.
      if (!afterGap && computed !== row.hash) {
        problems.push({
          seq: row.seq,
          kind: 'hash-mismatch',
          message: `seq ${row.seq} (${row.type}): stored hash ${row.hash.slice(0, 12)}… but the chain gives ${computed.slice(0, 12)}… (ts, type or payload changed)`
        })
      }
      // Continue from the stored hash so one edited event is reported once, not for the whole tail.
      prevStored = row.hash
      expected = row.seq + 1
      lastSeq = row.seq
    }
    if (session.last_seq > lastSeq) {
      problems.push({
        seq: lastSeq + 1,
        kind: 'truncated',
        message: `session (${session.status}) records last_seq ${session.last_seq} but the last stored event is ${lastSeq}`
      })
    } else if (session.last_seq === lastSeq && lastSeq > 0 && session.last_hash !== prevStored) {
      problems.push({
        seq: lastSeq,
        kind: 'hash-mismatch',
        message: `session records last_hash ${session.last_hash.slice(0, 12)}… but event ${lastSeq} has ${prevStored.slice(0, 12)}…`
      })
    }
    return { ok: problems.length === 0, count, lastSeq, hash: computed, problems }
  }

  /** Marks a session ended. An appender of it open on this instance is flushed and closed first. */
  endSession(id: string, status: EndStatus, endedAt: number): void {
    this.ensureWritable()
    const path = this.path
    if (!END_STATUSES.includes(status)) {
      throw new JournalError('bad-argument', `journal ${path}: end status must be one of ${END_STATUSES.join('|')}, got ${String(status)}`, {
        path,
        sessionId: id
      })
    }
    if (!Number.isSafeInteger(endedAt) || Math.abs(endedAt) > MAX_TIME_MS) {
      throw new JournalError('bad-argument', `journal ${path}: endedAt must be integer milliseconds, got ${String(endedAt)}`, {
        path,
        sessionId: id
      })
    }
    const open = this.appenders.get(id)
    if (open !== undefined) {
      open.close(status, endedAt)
      return
    }
    const row = this.requireSession(id)
    if (row.status === 'completed' || row.status === 'failed') {
      throw new JournalError('session-ended', `journal ${path}: session ${id} has already ended (${row.status})`, { path, sessionId: id })
    }
    this.stmts.setStatus.run(status, endedAt, id)
  }

  /**
   * Copies the whole database, WAL content included, to a new file through SQLite's backup
   * API (a plain file copy without the -wal file silently loses data). Appenders open on this
   * instance are flushed first, so the copy holds every event appended so far.
   */
  async backupTo(destination: string): Promise<void> {
    const db = this.ensureOpen()
    const path = this.path
    if (existsSync(destination)) {
      throw new JournalError('backup-failed', `journal ${path}: backup destination ${destination} already exists`, { path })
    }
    for (const a of this.appenders.values()) a.flush()
    try {
      await db.backup(destination)
    } catch (err) {
      throw new JournalError('backup-failed', `journal ${path}: backup to ${destination} failed: ${describeCause(err)}`, { path, cause: err })
    }
  }

  /** Flushes and detaches open appenders (their sessions stay running), then closes the file. */
  close(): void {
    const db = this.db
    if (db === null) return
    let failure: unknown
    for (const a of [...this.appenders.values()]) {
      try {
        a.close()
      } catch (err) {
        failure ??= err
      }
    }
    this.appenders.clear()
    this.db = null
    db.close()
    if (failure !== undefined) throw failure
  }

  get isOpen(): boolean {
    return this.db !== null
  }

  /** @internal used by SqliteAppender */
  commitBatch(sessionId: string, rows: BufferedEvents): void {
    this.ensureOpen()
    const first = rows.seq[0]!
    const last = rows.length - 1
    try {
      this.writeBatch(sessionId, rows, rows.seq[last]!, rows.chain.hash(last))
    } catch (err) {
      const span = `events ${first}..${rows.seq[last]}`
      if (isSqliteCode(err, 'SQLITE_CONSTRAINT')) {
        throw new JournalError(
          'conflict',
          `journal ${this.path}: session ${sessionId}: ${span} clash with stored events (another writer?): ${describeCause(err)}`,
          { path: this.path, sessionId, seq: first, cause: err }
        )
      }
      throw new JournalError('write-failed', `journal ${this.path}: session ${sessionId}: writing ${span} failed: ${describeCause(err)}`, {
        path: this.path,
        sessionId,
        seq: first,
        cause: err
      })
    }
  }

  /** @internal used by SqliteAppender */
  finishAppender(sessionId: string, lastSeq: number, lastHash: string, status: EndStatus | undefined, endedAt: number | undefined): void {
    this.ensureOpen()
    if (status !== undefined && !END_STATUSES.includes(status)) {
      throw new JournalError('bad-argument', `journal ${this.path}: end status must be one of ${END_STATUSES.join('|')}, got ${String(status)}`, {
        path: this.path,
        sessionId
      })
    }
    if (status !== undefined && (endedAt === undefined || !Number.isSafeInteger(endedAt) || Math.abs(endedAt) > MAX_TIME_MS)) {
      throw new JournalError('bad-argument', `journal ${this.path}: closing session ${sessionId} as ${status} needs integer endedAt milliseconds`, {
        path: this.path,
        sessionId
      })
    }
    try {
      this.writeEnd(sessionId, lastSeq, lastHash, status, endedAt ?? null)
    } catch (err) {
      throw new JournalError('write-failed', `journal ${this.path}: closing session ${sessionId} failed: ${describeCause(err)}`, {
        path: this.path,
        sessionId,
        cause: err
      })
    }
    this.appenders.delete(sessionId)
  }

  private deriveSessionId(meta: SessionMeta, enginesJson: string, configJson: string): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([meta.mode, meta.startedAt, meta.appVersion, meta.dataFingerprint, enginesJson, configJson]))
      .digest('hex')
      .slice(0, 12)
    const stamp = new Date(meta.startedAt).toISOString().replace(/[-:]/g, '')
    const base = `${meta.mode}-${stamp}-${digest}`
    let id = base
    for (let n = 2; this.stmts.getSession.get(id) !== undefined; n++) id = `${base}-${n}`
    return id
  }

  /** The cached statement, or a fresh copy while the cached one is still iterating (nested reads). */
  private idle<K extends 'eventsRange' | 'eventsRangeTyped'>(key: K): Statements[K] {
    const stmt = this.stmts[key]
    return stmt.busy ? (this.ensureOpen().prepare(stmt.source) as Statements[K]) : stmt
  }

  private requireSession(id: string): SessionRow {
    const row = this.stmts.getSession.get(id)
    if (row === undefined) {
      throw new JournalError('unknown-session', `journal ${this.path}: no session ${String(id)}`, { path: this.path, sessionId: id })
    }
    return row
  }

  private toInfo(r: SessionRow): SessionInfo {
    const parse = (field: string, text: string): unknown => {
      try {
        return JSON.parse(text)
      } catch (err) {
        throw new JournalError('corrupt-record', `journal ${this.path}: session ${r.id}: ${field} is not JSON: ${describeCause(err)}`, {
          path: this.path,
          sessionId: r.id,
          cause: err
        })
      }
    }
    if (!MODES.includes(r.mode as SessionMode) || !STATUSES.includes(r.status as SessionStatus)) {
      throw new JournalError('corrupt-record', `journal ${this.path}: session ${r.id}: unknown mode ${r.mode} or status ${r.status}`, {
        path: this.path,
        sessionId: r.id
      })
    }
    return {
      id: r.id,
      mode: r.mode as SessionMode,
      config: parse('config', r.config),
      engines: parse('engines', r.engines) as EngineRef[],
      appVersion: r.app_version,
      dataFingerprint: r.data_fingerprint,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      status: r.status as SessionStatus,
      lastSeq: r.last_seq,
      lastHash: r.last_hash
    }
  }

  private ensureOpen(): Database.Database {
    if (this.db === null) throw new JournalError('closed', `journal ${this.path}: it is closed`, { path: this.path })
    return this.db
  }

  private ensureWritable(): void {
    this.ensureOpen()
    if (this.readonly) throw new JournalError('readonly', `journal ${this.path}: opened read-only`, { path: this.path })
  }
}

function checkSessionId(path: string, id: unknown): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new JournalError('bad-argument', `journal ${path}: session id must be a string of 1..${MAX_ID_LENGTH} characters`, { path })
  }
}

function* readRecords(path: string, sessionId: string, rows: IterableIterator<EventRow>): IterableIterator<JournalRecord> {
  for (const row of rows) {
    let payload: unknown
    try {
      payload = JSON.parse(row.payload)
    } catch (err) {
      throw new JournalError('corrupt-record', `journal ${path}: session ${sessionId}, seq ${row.seq}: payload is not JSON: ${describeCause(err)}`, {
        path,
        sessionId,
        seq: row.seq,
        cause: err
      })
    }
    yield { seq: row.seq, ts: row.ts, type: row.type, payload, hash: row.hash }
  }
}

/** Buffers appends and commits them in one transaction per batch. */
class SqliteAppender implements EncodedAppender {
  readonly sessionId: string
  private readonly journal: Journal
  private readonly batchSize: number
  private readonly buffer: BufferedEvents
  private readonly where: { path: string; sessionId: string }
  private last: number
  private acked: number
  private isClosed = false

  constructor(journal: Journal, sessionId: string, batchSize: number, lastSeq: number, head: string) {
    this.journal = journal
    this.sessionId = sessionId
    this.where = { path: journal.path, sessionId }
    this.batchSize = batchSize
    this.last = lastSeq
    this.acked = lastSeq
    this.buffer = new BufferedEvents(head, batchSize)
  }

  get hash(): string {
    return this.buffer.head
  }

  get lastSeq(): number {
    return this.last
  }

  get ackedSeq(): number {
    return this.acked
  }

  get pending(): number {
    return this.buffer.length
  }

  get closed(): boolean {
    return this.isClosed
  }

  /**
   * Buffers one event; when the buffer reaches batchSize it is flushed. If that flush fails
   * the event stays buffered and the error is thrown; the next append retries the flush
   * before accepting anything, so the buffer never grows past batchSize.
   */
  append(seq: number, ts: number, type: string, payload: unknown): void {
    this.ensureOpen()
    const json = encodeAppend(this.where, this.last + 1, seq, ts, type, payload)
    if (this.buffer.length >= this.batchSize) this.flush()
    this.buffer.push(seq, ts, type, json)
    this.last = seq
    if (this.buffer.length >= this.batchSize) this.flush()
  }

  /** `append` for a payload that is JSON already (encoded by another thread). */
  appendEncoded(seq: number, ts: number, type: string, json: string): void {
    this.ensureOpen()
    checkEncodedAppend(this.where, this.last + 1, seq, ts, type, json)
    if (this.buffer.length >= this.batchSize) this.flush()
    this.buffer.push(seq, ts, type, json)
    this.last = seq
    if (this.buffer.length >= this.batchSize) this.flush()
  }

  /** Commits the buffer in one transaction; on return those events are durable. */
  flush(): void {
    this.ensureOpen()
    if (this.buffer.length === 0) return
    this.journal.commitBatch(this.sessionId, this.buffer)
    this.acked = this.last
    this.buffer.clear()
  }

  /** Flushes, records the chain head on the session row and, given a status, ends the session. */
  close(status?: EndStatus, endedAt?: number): void {
    if (this.isClosed) return
    this.flush()
    this.journal.finishAppender(this.sessionId, this.last, this.buffer.head, status, endedAt)
    this.isClosed = true
  }

  private ensureOpen(): void {
    if (this.isClosed) {
      throw new JournalError('closed', `journal ${this.journal.path}, session ${this.sessionId}: appender is closed`, {
        path: this.journal.path,
        sessionId: this.sessionId
      })
    }
  }
}
