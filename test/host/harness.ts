import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CommandHandlers, PushPayload, PushTopic } from '../../src/shared/api'
import { createWorkstation, type Workstation } from '../../src/main/host/workstation'
import setupBundles from '../support/global-setup'
import { sharedDataPath } from '../support/shared-data'

export const ROOT = resolve(__dirname, '../..')
export const WORKER_SCRIPT = resolve(ROOT, 'out/node/session-worker.js')
export const SAMPLE_DIR = resolve(ROOT, 'resources/sample')
export const SPOT_CAPTURE = sharedDataPath('hftbacktest/examples/spot/btcusdt_20240808.gz')
export const BTC_SAMPLE = 'sample:BTC-USDT-1m-synthetic.csv'
export const SPOT_ID = 'capture:spot/btcusdt_20240808'

export interface Recorded {
  /** performance.now() when the push reached the listener */
  t: number
  topic: PushTopic
  payload: PushPayload<PushTopic>
}

/** Records every push with its arrival time; `waitFor` finds a past or future one. */
export class PushRecorder {
  readonly all: Recorded[] = []
  private waiters: Array<() => void> = []

  constructor(ws: Workstation) {
    ws.onPush((topic, payload) => {
      this.all.push({ t: performance.now(), topic, payload: payload as PushPayload<PushTopic> })
      for (const w of this.waiters) w()
    })
  }

  /** Index to pass as `since` to ignore what was pushed so far. */
  mark(): number {
    return this.all.length
  }

  of<T extends PushTopic>(topic: T, sessionKey?: string): Array<PushPayload<T>> {
    return this.all.filter((r) => r.topic === topic && (sessionKey === undefined || keyOf(r.payload) === sessionKey)).map((r) => r.payload as PushPayload<T>)
  }

  times(topic: PushTopic, sessionKey?: string): number[] {
    return this.all.filter((r) => r.topic === topic && (sessionKey === undefined || keyOf(r.payload) === sessionKey)).map((r) => r.t)
  }

  waitFor<T extends PushTopic>(topic: T, match: (payload: PushPayload<T>) => boolean, since = 0, timeoutMs = 20_000): Promise<PushPayload<T>> {
    return new Promise((resolvePromise, reject) => {
      let index = since
      const check = (): boolean => {
        for (; index < this.all.length; index++) {
          const r = this.all[index]
          if (r.topic === topic && match(r.payload as PushPayload<T>)) {
            resolvePromise(r.payload as PushPayload<T>)
            return true
          }
        }
        return false
      }
      if (check()) return
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new Error(`no ${topic} push matched within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter = (): void => {
        if (!check()) return
        clearTimeout(timer)
        this.waiters = this.waiters.filter((w) => w !== waiter)
      }
      this.waiters.push(waiter)
    })
  }
}

function keyOf(payload: unknown): string | undefined {
  const p = payload as { sessionId?: string; runId?: string; sweepId?: string }
  return p.sessionId ?? p.runId ?? p.sweepId
}

export interface Harness {
  ws: Workstation
  h: CommandHandlers
  pushes: PushRecorder
  dataFolder: string
  close(): Promise<void>
}

/** A workstation over a temp data folder, the sample data and the spot capture, with the built worker. */
export function openWorkstation(): Harness {
  // the vitest global setup builds the bundles; a single file run from an editor may skip it
  if (!existsSync(WORKER_SCRIPT)) setupBundles()
  const dataFolder = mkdtempSync(join(tmpdir(), 'theorycraft-host-'))
  const ws = createWorkstation({ dataFolder, sampleDir: SAMPLE_DIR, captureFiles: [SPOT_CAPTURE], workerScript: WORKER_SCRIPT })
  return {
    ws,
    h: ws.handlers,
    pushes: new PushRecorder(ws),
    dataFolder,
    async close() {
      await ws.close()
      rmSync(dataFolder, { recursive: true, force: true })
    }
  }
}

/** Settings the tests use: margin account, 0.1 % fees, 5 bps slippage. */
export const BROKER = {
  cash: 10_000,
  takerFee: 0.001,
  makerFee: 0.001,
  fixedFee: 0,
  slippageBps: 5,
  latencyMs: 0,
  accountType: 'margin',
  leverage: 1
} as const

/** Rejects with the error a handler throws (for `expect(...).rejects` with type checks). */
export async function errorOf(p: unknown): Promise<{ type: string; message: string }> {
  try {
    await p
  } catch (err) {
    return err as { type: string; message: string }
  }
  throw new Error('expected the call to fail')
}
