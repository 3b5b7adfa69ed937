import Database from 'better-sqlite3'

/** Names a better-sqlite3 addon built for another native ABI; worker threads inherit it. */
export const SQLITE_BINDING_ENV = 'THEORYCRAFT_SQLITE_BINDING'

/**
 * Opens a SQLite file for the journal and the market-data store. Under Electron the shell sets
 * THEORYCRAFT_SQLITE_BINDING to the Electron-ABI build of the addon; everywhere else (CLI,
 * `serve`, tests) the node_modules build is used, so one never replaces the other.
 */
export function openSqlite(path: string, options: Database.Options): Database.Database {
  const nativeBinding = process.env[SQLITE_BINDING_ENV]
  return new Database(path, nativeBinding ? { ...options, nativeBinding } : options)
}
