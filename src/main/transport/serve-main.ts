import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dataFolder } from '../host/data-folder'
import { captureConsole, createLogger, installCrashHandlers, logsFolder } from '../host/logging'
import { createWorkstation } from '../host/workstation'
import { defaultCaptureFiles, findAppRoot } from './app-paths'
import { startServer } from './ws-server'

/**
 * `npm run serve`: the workstation without Electron. The host and the WebSocket server run in
 * this process; the browser UI is at the printed URL (its token is the only key to the API).
 * Options: `--port N` (or THEORYCRAFT_PORT; default: a free port). Data folder: THEORYCRAFT_HOME
 * or ~/.theorycraft. Captures: THEORYCRAFT_CAPTURES or the shared hftbacktest spot examples.
 */

class UsageError extends Error {}

function parsePort(args: readonly string[], env: string | undefined): number {
  let text = env
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--port') text = args[++i]
    else if (arg.startsWith('--port=')) text = arg.slice('--port='.length)
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run serve -- [--port N]')
      process.exit(0)
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)} (usage: npm run serve -- [--port N])`)
  }
  if (text === undefined || text === '') return 0
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`)
  return port
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2), process.env.THEORYCRAFT_PORT)
  const root = findAppRoot(dirname(fileURLToPath(import.meta.url)))
  const rendererDir = join(root, 'out', 'renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) console.warn(`warning: ${rendererDir}/index.html is missing; run \`npm run build\` (the API works without it)`)

  const folder = dataFolder()
  const logger = createLogger({ dir: logsFolder(folder), source: 'serve' })
  captureConsole(logger)
  // the first uncaught error is printed; every one is logged; the process then stops (its state is unknown)
  installCrashHandlers(logger, (r) => process.stderr.write(`theorycraft serve: ${r.kind}: ${r.message} (details in ${logger.dir})\n`), { exitOnException: true })
  // a journal another program writes refuses this one with a message naming it (exit code 1)
  const workstation = await createWorkstation({
    dataFolder: folder,
    sampleDir: join(root, 'resources', 'sample'),
    captureFiles: defaultCaptureFiles(root),
    appKind: 'server',
    logger
  })
  let server: Awaited<ReturnType<typeof startServer>>
  try {
    server = await startServer({ workstation, host: '127.0.0.1', port, rendererDir })
  } catch (err) {
    await workstation.close()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use; pick another with --port`)
    throw err
  }
  logger.addSecret(server.token)
  logger.info(`serving ${server.url}`)
  console.log(`TheoryCraft Workstation: ${server.url}`)

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C means "now": skip the orderly shutdown.
      process.exit(130)
    }
    stopping = true
    console.log(`\n${signal}: closing (press Ctrl+C again to force)`)
    void server
      .close()
      .then(() => workstation.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`error while closing: ${err instanceof Error ? err.message : String(err)}`)
          process.exit(1)
        }
      )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  // Expected failures (usage, port in use, missing files) get one line, not a stack trace.
  console.error(`theorycraft serve: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(err instanceof UsageError ? 2 : 1)
})
