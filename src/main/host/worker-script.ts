import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the session-worker bundle is: next to the bundle this code runs in (out/node), or in
 * out/node beside the Electron main bundle (out/main). Tests running TypeScript sources pass
 * `workerScript` instead.
 */
export function findWorkerScript(): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const candidate of [join(here, 'session-worker.js'), join(here, '..', 'node', 'session-worker.js')]) {
    if (existsSync(candidate)) return candidate
  }
  return null
}
