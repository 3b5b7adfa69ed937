// `npm run serve`: the workstation in the browser, without Electron. Builds what is missing
// (the renderer and the Node bundles; `npm run build` refreshes them after changes), then runs
// the headless server in this process. Arguments pass through: `npm run serve -- --port 8080`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

/** Runs one build step in a child process; a failure ends the script with the step's name, not a stack trace. */
function step(name, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`\n${name} failed (${r.error ? r.error.message : `exit code ${r.status ?? r.signal}`}); see the output above.`)
    process.exit(1)
  }
}

/** electron-vite build: main, preload and renderer → out/main, out/preload, out/renderer. */
const buildApp = () => step('electron-vite build', [join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), 'build'])
/** esbuild bundles of the Node entry points → out/node (session worker, serve, CLI). */
const buildNode = () => step('node bundles', [join(root, 'scripts', 'build-node.mjs')])

if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) buildApp()
if (!existsSync(join(root, 'out', 'node', 'serve.js')) || !existsSync(join(root, 'out', 'node', 'session-worker.js'))) buildNode()

await import(pathToFileURL(join(root, 'out', 'node', 'serve.js')).href)
