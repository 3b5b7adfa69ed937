import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where a thread's bundle is: next to the bundle this code runs in (out/node), or in out/node
 * beside the Electron main bundle (out/main). Tests running TypeScript sources pass the path
 * instead.
 */
export function findBundle(file: 'session-worker.js' | 'journal-writer.js'): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const candidate of [join(here, file), join(here, '..', 'node', file)]) {
    if (existsSync(candidate)) return candidate
  }
  return null
}

/** The session-worker bundle (see `findBundle`). */
export function findWorkerScript(): string | null {
  return findBundle('session-worker.js')
}
