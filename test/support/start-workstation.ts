import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createWorkstation, type Workstation, type WorkstationOptions } from '../../src/main/host/workstation'
import { defaultCaptureFiles } from '../../src/main/transport/app-paths'
import { startServer } from '../../src/main/transport/ws-server'
import setupBundles from './global-setup'

const ROOT = resolve(__dirname, '../..')

export interface TestWorkstation {
  /** `http://127.0.0.1:PORT/?token=…` */
  url: string
  /** `http://127.0.0.1:PORT`: the only Origin the WebSocket accepts */
  origin: string
  token: string
  port: number
  /** the host itself, for tests that want to drive or observe it directly */
  workstation: Workstation
  dataFolder: string
  close(): Promise<void>
}

/**
 * The real host and the real WebSocket server in this process, over a fresh temp data folder,
 * the sample data and the hftbacktest spot capture(s), serving the built renderer (`out/renderer`;
 * build it first for browser tests: `npm run build`). The session workers run from the built
 * bundle `out/node/session-worker.js`, built here if it is missing. `paperExchange` and
 * `liveExchange` point paper and live sessions at an emulated venue (e.g.
 * `() => binanceAgainst(venue)`) instead of Binance; `encryptor` stands in for the OS keychain;
 * `dataFolder` starts on a given folder (a crashed app's journal), which close() leaves in place.
 */
export async function startTestWorkstation(
  options: Pick<WorkstationOptions, 'liveExchange' | 'paperExchange' | 'encryptor'> & { rendererDir?: string; dataFolder?: string; captures?: boolean } = {}
): Promise<TestWorkstation> {
  const workerScript = join(ROOT, 'out', 'node', 'session-worker.js')
  if (!existsSync(workerScript)) setupBundles()
  const own = options.dataFolder === undefined
  const dataFolder = options.dataFolder ?? mkdtempSync(join(tmpdir(), 'theorycraft-ws-'))
  let workstation: Workstation | null = null
  try {
    workstation = createWorkstation({
      dataFolder,
      sampleDir: join(ROOT, 'resources', 'sample'),
      captureFiles: options.captures === false ? undefined : defaultCaptureFiles(ROOT, {}),
      workerScript,
      liveExchange: options.liveExchange,
      paperExchange: options.paperExchange,
      encryptor: options.encryptor
    })
    const server = await startServer({ workstation, host: '127.0.0.1', port: 0, rendererDir: options.rendererDir ?? join(ROOT, 'out', 'renderer') })
    const ws = workstation
    let closing: Promise<void> | null = null
    return {
      url: server.url,
      origin: server.origin,
      token: server.token,
      port: server.port,
      workstation: ws,
      dataFolder,
      close() {
        closing ??= (async () => {
          await server.close()
          await ws.close()
          if (own) rmSync(dataFolder, { recursive: true, force: true })
        })()
        return closing
      }
    }
  } catch (err) {
    await workstation?.close()
    if (own) rmSync(dataFolder, { recursive: true, force: true })
    throw err
  }
}
