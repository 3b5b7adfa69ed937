import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * The folder that holds the journal, the market-data store, settings and logs:
 * `THEORYCRAFT_HOME` when set, else `~/.theorycraft`.
 */
export function dataFolder(): string {
  const dir = process.env.THEORYCRAFT_HOME ? resolve(process.env.THEORYCRAFT_HOME) : join(homedir(), '.theorycraft')
  mkdirSync(dir, { recursive: true })
  return dir
}

export function defaultJournalPath(): string {
  return join(dataFolder(), 'journal.sqlite')
}

export function defaultStorePath(): string {
  return join(dataFolder(), 'market-data.sqlite')
}
