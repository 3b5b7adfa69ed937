// `npm run serve`: the workstation in the browser, without Electron. Builds what is missing
// (the renderer and the Node bundles; `npm run build` refreshes them after changes), then runs
// the headless server in this process. Arguments pass through: `npm run serve -- --port 8080`.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildApp, buildNode, root } from './build-steps.mjs'

if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) buildApp()
if (!existsSync(join(root, 'out', 'node', 'serve.js')) || !existsSync(join(root, 'out', 'node', 'session-worker.js'))) buildNode()

await import(pathToFileURL(join(root, 'out', 'node', 'serve.js')).href)
