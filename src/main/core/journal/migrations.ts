import type Database from 'better-sqlite3'
import { JournalError, JournalSchemaError, describeCause } from './errors'

/** One schema step. Versions are 1, 2, 3, … with no holes; each runs once, in its own transaction. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions and events',
    // STRICT so a non-integer seq/ts or a non-text payload is refused by SQLite itself.
    // No CHECK on mode/status: adding a mode later should not need a table rebuild;
    // the Journal validates both before writing.
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY NOT NULL,
        mode TEXT NOT NULL,
        config TEXT NOT NULL,
        engines TEXT NOT NULL,
        app_version TEXT NOT NULL,
        data_fingerprint TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        status TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      ) STRICT;
      CREATE TABLE events (
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) WITHOUT ROWID, STRICT;
    `
  }
]

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version

export interface MigrateResult {
  from: number
  to: number
  applied: number[]
}

function hasMigrationsTable(db: Database.Database): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined
  )
}

/** The higher of `user_version` and the newest row of `schema_migrations` (0 for an empty file). */
export function readSchemaVersion(db: Database.Database): number {
  const userVersion = db.pragma('user_version', { simple: true }) as number
  if (!hasMigrationsTable(db)) return userVersion
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return Math.max(userVersion, row.v ?? 0)
}

function checkList(migrations: readonly Migration[], path: string): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new JournalError(
        'bad-argument',
        `journal ${path}: migration list entry ${i} has version ${m.version}, expected ${i + 1}`,
        { path }
      )
    }
  })
}

function tooNew(found: number, supported: number, path: string): JournalSchemaError {
  return new JournalSchemaError(
    'schema-too-new',
    `journal ${path}: schema version ${found} is newer than this build supports (${supported}); ` +
      'open it with a newer TheoryCraft version',
    found,
    supported,
    { path }
  )
}

/**
 * Brings the file up to the newest version in `migrations`, one IMMEDIATE transaction per
 * step (the version is re-read inside it, so two processes opening the same new file do
 * not both apply a step). A file newer than the list is refused before anything is written.
 */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS
): MigrateResult {
  checkList(migrations, path)
  const latest = migrations.length
  const from = assertNotNewer(db, path, migrations)
  const applied: number[] = []
  for (const m of migrations) {
    if (m.version <= from) continue
    const step = db.transaction(() => {
      const now = readSchemaVersion(db)
      if (now >= m.version) return false
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, applied_at_text TEXT NOT NULL)'
      )
      db.exec(m.sql)
      // The applied-at text is SQLite's clock, not the core's: it is audit metadata, never an input.
      db.prepare("INSERT INTO schema_migrations (version, applied_at_text) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))").run(
        m.version
      )
      db.pragma(`user_version = ${m.version}`)
      return true
    })
    try {
      if (step.immediate()) applied.push(m.version)
    } catch (err) {
      throw new JournalSchemaError(
        'migration-failed',
        `journal ${path}: migration ${m.version} (${m.name}) failed and was rolled back: ${describeCause(err)}`,
        m.version - 1,
        latest,
        { path, cause: err }
      )
    }
  }
  return { from, to: readSchemaVersion(db), applied }
}

/** Refuses a file newer than `migrations` without writing anything; returns its version. */
export function assertNotNewer(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS
): number {
  const found = readSchemaVersion(db)
  if (found > migrations.length) throw tooNew(found, migrations.length, path)
  return found
}

/** For read-only opens: the file must be exactly at the version this code knows. */
export function requireSchemaVersion(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS
): number {
  const latest = migrations.length
  const found = assertNotNewer(db, path, migrations)
  if (found < latest) {
    throw new JournalSchemaError(
      'schema-too-old',
      `journal ${path}: schema version ${found} is older than ${latest} and a read-only open cannot migrate it; ` +
        'open it read-write once',
      found,
      latest,
      { path }
    )
  }
  return found
}
