import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const INDEX = join(ROOT, 'out/renderer/index.html')
const LOCK = join(ROOT, 'out/.renderer-build.lock')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * The browser tests run against the real renderer build (`out/renderer`). `npm test` builds it
 * first; when a test file runs alone and the build is missing or older than the renderer or
 * contract sources, this rebuilds it once (a lock keeps parallel test files from racing).
 */
export function ensureRendererBuilt(): void {
  const sources = Math.max(newestMtime(join(ROOT, 'src/renderer')), newestMtime(join(ROOT, 'src/shared')))
  const fresh = () => existsSync(INDEX) && statSync(INDEX).mtimeMs >= sources
  if (fresh()) return
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      if (waited > 180_000) throw new Error(`renderer build lock ${LOCK} held for 3 minutes; remove it if no build is running`)
      sleep(250)
    }
  }
  try {
    if (fresh()) return
    execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe' })
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string }
    throw new Error(`building the renderer failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`)
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}
