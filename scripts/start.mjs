// `npm start`: builds the app, then launches it in Electron. The Electron binary is not part of
// the npm package: it is downloaded on first use. Where that cannot happen (no access to GitHub),
// this says so and points to `npm run serve`, which runs the same workstation in a browser.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { buildApp, buildNode, root } from './build-steps.mjs'

const require = createRequire(import.meta.url)
let version = ''
let electronDir
try {
  electronDir = dirname(require.resolve('electron/package.json'))
} catch {
  fail('the `electron` package is not installed (run `npm install`).')
}
version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version

/** The Electron executable if it is on disk (the same lookup as the electron package, without its download side effect). */
function electronBinary() {
  const exec = process.env.ELECTRON_EXEC_PATH
  if (exec) return existsSync(exec) ? exec : null
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8')
  const file = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(electronDir, 'dist', relative)
  return existsSync(file) ? file : null
}

function fail(reason) {
  console.error(
    [
      '',
      `Cannot start the desktop app: ${reason}`,
      'The same workstation runs in a browser instead:',
      '  npm run serve',
      'then open the printed http://127.0.0.1:PORT/?token=… address.',
      `(With an Electron ${version} binary from elsewhere, set ELECTRON_OVERRIDE_DIST_PATH to its folder, or ELECTRON_EXEC_PATH to the executable.)`
    ].join('\n')
  )
  process.exit(1)
}

buildApp()
buildNode()

let binary = electronBinary()
if (!binary) {
  console.log(`\nThe Electron ${version} binary is missing; trying to download it…`)
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: root, encoding: 'utf8', timeout: 300_000 })
  binary = electronBinary()
  if (!binary) {
    const firstLine = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l !== '')
    const why = r.error ? r.error.message : (firstLine ?? `exit code ${r.status}`)
    fail(`the Electron ${version} binary is missing and could not be downloaded (${why.slice(0, 200)}).`)
  }
}

const env = { ...process.env }
// Set by some tools; it would make Electron run as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE
const child = spawn(binary, ['.'], { cwd: root, stdio: 'inherit', env })
child.on('error', (err) => fail(`Electron could not be launched (${err.message}).`))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => {
  if (code !== 0) console.error(`\nElectron exited with ${signal ?? `code ${code}`}. If the window cannot open here (no display), use \`npm run serve\`.`)
  process.exit(code ?? 1)
})
