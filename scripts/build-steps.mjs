// Build steps shared by `npm start` and `npm run serve`: each runs in a child process, and a
// failure ends the script with the step's name, not a stack trace.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function step(name, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`\n${name} failed (${r.error ? r.error.message : `exit code ${r.status ?? r.signal}`}); see the output above.`)
    process.exit(1)
  }
}

/** electron-vite build: main, preload and renderer → out/main, out/preload, out/renderer. */
export const buildApp = () => step('electron-vite build', [join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), 'build'])
/** esbuild bundles of the Node entry points → out/node (session worker, serve, CLI). */
export const buildNode = () => step('node bundles', [join(root, 'scripts', 'build-node.mjs')])
