import type Database from 'better-sqlite3'
import { MarketStoreError, describeCause } from './errors'

/** One schema step of the market-data store. Versions are 1, 2, 3, … with no holes; each runs once, in its own transaction. */
export interface StoreMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const STORE_MIGRATIONS: readonly StoreMigration[] = [
  {
    version: 1,
    name: 'instruments, series and columnar chunks',
    // STRICT so a wrongly typed value is refused by SQLite itself. Times are integer
    // milliseconds; prices and fees are REAL. `chunk_columns` keeps one BLOB per column per
    // chunk (see columns.ts for the codecs), so a read is a handful of large copies instead of
    // a row per bar. It is a rowid table: SQLite advises against WITHOUT ROWID for large rows.
    sql: `
      CREATE TABLE instruments (
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        base TEXT NOT NULL,
        quote TEXT NOT NULL,
        price_precision REAL NOT NULL,
        amount_precision REAL NOT NULL,
        min_amount REAL NOT NULL,
        min_notional REAL NOT NULL,
        maker_fee REAL NOT NULL,
        taker_fee REAL NOT NULL,
        sessions TEXT NOT NULL,
        PRIMARY KEY (venue, symbol)
      ) WITHOUT ROWID, STRICT;
      CREATE TABLE series (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT,
        timeframe_ms INTEGER,
        rows INTEGER NOT NULL,
        first_time INTEGER,
        last_time INTEGER,
        fingerprint TEXT NOT NULL,
        quality TEXT,
        source_file TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE series_imports (
        series_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        source_file TEXT,
        rows_appended INTEGER NOT NULL,
        rows_identical INTEGER NOT NULL,
        rows_conflicting INTEGER NOT NULL,
        report TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (series_id, seq)
      ) STRICT;
      CREATE TABLE chunks (
        series_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        first_time INTEGER NOT NULL,
        last_time INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        PRIMARY KEY (series_id, seq)
      ) WITHOUT ROWID, STRICT;
      CREATE TABLE chunk_columns (
        series_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        name TEXT NOT NULL,
        codec TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (series_id, seq, name)
      ) STRICT;
    `
  }
]

/** The schema version this code writes and understands. */
export const STORE_SCHEMA_VERSION: number = STORE_MIGRATIONS[STORE_MIGRATIONS.length - 1]!.version

export interface StoreMigrateResult {
  from: number
  to: number
  applied: number[]
}

/** The higher of `user_version` and the newest row of `schema_migrations` (0 for an empty file). */
export function readStoreSchemaVersion(db: Database.Database): number {
  const userVersion = db.pragma('user_version', { simple: true }) as number
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined
  if (!hasTable) return userVersion
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return Math.max(userVersion, row.v ?? 0)
}

/** Refuses a file newer than `migrations` without writing anything; returns its version. */
export function assertStoreNotNewer(db: Database.Database, path: string, migrations: readonly StoreMigration[] = STORE_MIGRATIONS): number {
  const found = readStoreSchemaVersion(db)
  if (found > migrations.length) {
    throw new MarketStoreError(
      'schema-too-new',
      `market-data store ${path}: schema version ${found} is newer than this build supports (${migrations.length}); open it with a newer TheoryCraft version`,
      { path }
    )
  }
  return found
}

/**
 * Brings the file up to the newest version in `migrations`, one IMMEDIATE transaction per step
 * (the version is re-read inside it, so two processes opening a new file do not both apply a
 * step). A file newer than the list is refused before anything is written.
 */
export function migrateStore(db: Database.Database, path: string, migrations: readonly StoreMigration[] = STORE_MIGRATIONS): StoreMigrateResult {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MarketStoreError('bad-argument', `market-data store ${path}: migration list entry ${i} has version ${m.version}, expected ${i + 1}`, { path })
    }
  })
  const from = assertStoreNotNewer(db, path, migrations)
  const applied: number[] = []
  for (const m of migrations) {
    if (m.version <= from) continue
    const step = db.transaction(() => {
      if (readStoreSchemaVersion(db) >= m.version) return false
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, applied_at_text TEXT NOT NULL)')
      db.exec(m.sql)
      // SQLite's clock, not the core's: audit metadata, never an input.
      db.prepare("INSERT INTO schema_migrations (version, applied_at_text) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))").run(m.version)
      db.pragma(`user_version = ${m.version}`)
      return true
    })
    try {
      if (step.immediate()) applied.push(m.version)
    } catch (err) {
      throw new MarketStoreError(
        'migration-failed',
        `market-data store ${path}: migration ${m.version} (${m.name}) failed and was rolled back: ${describeCause(err)}`,
        { path, cause: err }
      )
    }
  }
  return { from, to: readStoreSchemaVersion(db), applied }
}
