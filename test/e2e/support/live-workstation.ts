import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createWorkstation, type Workstation, type WorkstationOptions } from '../../../src/main/host/workstation'
import { startServer } from '../../../src/main/transport/ws-server'
import setupBundles from '../../support/global-setup'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

export interface LiveTestWorkstation {
  url: string
  token: string
  port: number
  workstation: Workstation
  dataFolder: string
  close(): Promise<void>
}

/**
 * Like test/support/start-workstation.ts, with what live tests need on top: a given data folder
 * (to start again on a crashed app's journal), live sessions pointed at the emulated venue, and
 * an OS-keychain stand-in for `credentials.set`. A folder it created is removed on close.
 */
export async function startLiveWorkstation(
  options: Pick<WorkstationOptions, 'liveExchange' | 'paperExchange' | 'encryptor'> & { dataFolder?: string } = {}
): Promise<LiveTestWorkstation> {
  const workerScript = join(ROOT, 'out', 'node', 'session-worker.js')
  if (!existsSync(workerScript)) setupBundles()
  const own = options.dataFolder === undefined
  const dataFolder = options.dataFolder ?? mkdtempSync(join(tmpdir(), 'theorycraft-live-e2e-'))
  let workstation: Workstation | null = null
  try {
    workstation = createWorkstation({
      dataFolder,
      sampleDir: join(ROOT, 'resources', 'sample'),
      workerScript,
      liveExchange: options.liveExchange,
      paperExchange: options.paperExchange,
      encryptor: options.encryptor
    })
    const server = await startServer({ workstation, host: '127.0.0.1', port: 0, rendererDir: join(ROOT, 'out', 'renderer') })
    const ws = workstation
    let closing: Promise<void> | null = null
    return {
      url: server.url,
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
