import { Worker } from 'node:worker_threads'
import { WorkstationError } from '../../shared/api'
import type { FromWorker, ToWorker, WorkerMethod, WorkerMethods } from './worker-protocol'
import { BACKTEST_YOUNG_GENERATION_MB } from './young-generation'

type Progress = (done: number, total: number, elapsedMs: number) => void

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  onProgress?: Progress
}

/**
 * The host's end of one session worker: numbered calls with promised replies. A worker that
 * dies (an uncaught error, `process.exit` in engine code, out of memory) rejects its pending
 * calls and reports through `onExit`; the host process itself never goes down with it.
 */
export class WorkerClient {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private exited = false
  private terminating = false
  private releasing = false
  private lastError: string | null = null

  constructor(
    script: string,
    private readonly onMessage: (msg: FromWorker) => void = () => {},
    private readonly onExit: (error: string | null) => void = () => {}
  ) {
    // execArgv: not the parent's (a test runner's loader flags have no business in the worker);
    // the young generation of a thread that runs backtests (see young-generation.ts)
    this.worker = new Worker(script, { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: BACKTEST_YOUNG_GENERATION_MB } })
    this.worker.on('message', (msg: FromWorker) => this.receive(msg))
    this.worker.on('error', (err) => {
      this.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    })
    this.worker.on('messageerror', (err) => {
      this.lastError = `a message from the worker could not be read: ${err.message}`
    })
    this.worker.on('exit', (code) => this.gone(code))
  }

  get alive(): boolean {
    return !this.exited
  }

  /** The V8 heap limits the worker runs with (empty once it has stopped). */
  get resourceLimits(): { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number } {
    return this.worker.resourceLimits ?? {}
  }

  call<M extends WorkerMethod>(method: M, params: WorkerMethods[M]['params'], onProgress?: Progress): Promise<WorkerMethods[M]['result']> {
    if (this.exited || this.releasing) return Promise.reject(new WorkstationError('Unavailable', 'the session worker has stopped'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress })
      const msg: ToWorker = { type: 'call', id, method, params }
      this.worker.postMessage(msg)
    })
  }

  /** Stops the worker once the calls already made are answered (their replies are on the way). */
  release(): void {
    this.releasing = true
    if (this.pending.size === 0) void this.terminate()
  }

  /** Stops the worker; pending calls reject as cancelled. */
  async terminate(): Promise<void> {
    if (this.exited) return
    this.terminating = true
    await this.worker.terminate()
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'reply') {
      const p = this.pending.get(msg.id)
      if (p === undefined) return
      this.pending.delete(msg.id)
      if ('error' in msg) p.reject(new WorkstationError(msg.error.type, msg.error.message))
      else p.resolve(msg.result)
      if (this.releasing && this.pending.size === 0) void this.terminate()
    } else if (msg.type === 'progress') {
      this.pending.get(msg.id)?.onProgress?.(msg.done, msg.total, msg.elapsedMs)
    } else {
      this.onMessage(msg)
    }
  }

  private gone(code: number): void {
    this.exited = true
    const error = this.terminating ? null : `the session worker stopped unexpectedly (exit code ${code})${this.lastError ? `: ${this.lastError}` : ''}`
    const reason = error ?? 'cancelled'
    for (const p of this.pending.values()) p.reject(new WorkstationError(this.terminating ? 'Unavailable' : 'InternalError', reason))
    this.pending.clear()
    this.onExit(error)
  }
}
