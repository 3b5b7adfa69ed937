import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root: this file lives in `<root>/test/support/`. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Absolute path of a file in the shared real-data folder (`../shared/data` beside the repo); read in place, never copied. */
export function sharedDataPath(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/data', ...parts)
}
