import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  Journal,
  JournalSchemaError,
  MIGRATIONS,
  SCHEMA_VERSION,
  migrate,
  readSchemaVersion
} from '../../../src/main/core/journal'

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tc-journal-mig-'))
  file = join(dir, 'journal.db')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function caught(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('journal migrations', () => {
  it('brings a fresh file to the latest version, in WAL mode, once', () => {
    expect(SCHEMA_VERSION).toBe(1)
    const j = Journal.open(file)
    expect(j.schemaVersion).toBe(1)
    j.close()
    Journal.open(file).close() // reopening applies nothing again

    const db = new Database(file)
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const rows = db.prepare('SELECT version, applied_at_text FROM schema_migrations').all() as {
      version: number
      applied_at_text: string
    }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]!.version).toBe(1)
    expect(rows[0]!.applied_at_text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
    expect(columns('sessions')).toEqual([
      'id',
      'mode',
      'config',
      'engines',
      'app_version',
      'data_fingerprint',
      'started_at',
      'ended_at',
      'status',
      'last_seq',
      'last_hash'
    ])
    expect(columns('events')).toEqual(['session_id', 'seq', 'ts', 'type', 'payload', 'hash'])
    const eventsSql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql
    expect(eventsSql).toMatch(/PRIMARY KEY \(session_id, seq\)\s*\)\s*WITHOUT ROWID/)
    db.close()
  })

  it('refuses a file whose user_version is newer than the code', () => {
    const db = new Database(file)
    db.pragma('user_version = 7')
    db.close()
    const before = readFileSync(file)
    const err = caught(() => Journal.open(file))
    expect(err).toBeInstanceOf(JournalSchemaError)
    expect(err).toMatchObject({ code: 'schema-too-new', foundVersion: 7, supportedVersion: 1, path: file })
    expect((err as Error).message).toBe(
      `journal ${file}: schema version 7 is newer than this build supports (1); open it with a newer TheoryCraft version`
    )
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(caught(() => Journal.open(file, { readonly: true }))).toMatchObject({ code: 'schema-too-new' })
  })

  it('refuses a file whose schema_migrations records a newer step', () => {
    Journal.open(file).close()
    const db = new Database(file)
    db.prepare("INSERT INTO schema_migrations (version, applied_at_text) VALUES (2, '2030-01-01T00:00:00.000Z')").run()
    db.close()
    expect(caught(() => Journal.open(file))).toMatchObject({ code: 'schema-too-new', foundVersion: 2 })
  })

  it('rolls a failing step back completely and keeps the earlier version', () => {
    const db = new Database(file)
    const broken = [
      ...MIGRATIONS,
      { version: 2, name: 'broken', sql: 'CREATE TABLE half_done (a INTEGER); INSERT INTO no_such_table VALUES (1);' }
    ]
    const err = caught(() => migrate(db, file, broken))
    expect(err).toMatchObject({ code: 'migration-failed', foundVersion: 1, supportedVersion: 2 })
    expect((err as Error).message).toContain('migration 2 (broken) failed and was rolled back')
    expect(readSchemaVersion(db)).toBe(1)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined()
    expect(caught(() => migrate(db, file, [MIGRATIONS[0]!, { version: 3, name: 'hole', sql: '' }]))).toMatchObject({
      code: 'bad-argument'
    })
    db.close()
  })

  it('will not migrate through a read-only open', () => {
    new Database(file).close()
    expect(caught(() => Journal.open(file, { readonly: true }))).toMatchObject({
      code: 'schema-too-old',
      foundVersion: 0,
      supportedVersion: 1
    })
  })

  it('wraps a file that is not SQLite in a typed error', () => {
    const bogus = join(dir, 'bogus.db')
    writeFileSync(bogus, 'this is not a database, just text '.repeat(200))
    const err = caught(() => Journal.open(bogus))
    expect(err).toMatchObject({ code: 'open-failed', path: bogus })
    expect((err as Error).message).toContain('SQLITE_NOTADB')
  })
})
