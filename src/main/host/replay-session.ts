import { WorkstationError, type CommandParams, type PushPayload } from '../../shared/api'
import { resolveParams, type ParamValues } from '../../shared/engine-params'
import { defaultMarket } from '../../shared/market'
import { SimulatedBroker } from '../core/broker/simulated-broker'
import { VirtualClock } from '../core/clock'
import type { EngineDefinition } from '../core/engine/engine'
import { Journal } from '../core/journal/journal'
import type { JournalAppender } from '../core/journal/appender'
import { Kernel } from '../core/kernel/kernel'
import { RiskGate } from '../core/risk/risk-gate'
import { APP_VERSION } from './app-version'
import { brokerConfig, DEFAULT_BROKER_SETTINGS } from './broker-settings'
import { loadEngine } from './engine-loader'
import { toApiError } from './errors'
import { loadDatasetData } from './dataset-data'
import { CaptureFeed, SeriesFeed, type ReplayFeed } from './replay-feed'
import { ReplayViews, type View } from './replay-views'
import { SessionControls } from './session-controls'
import type { ReplaySpec, WorkerMethods } from './worker-protocol'

type Status = PushPayload<'session.state'>['status']

/** Longest stretch of work between two looks at the message queue (controls, views). */
const SLICE_MS = 8
/** How often views are sent to the host; the host's batcher enforces the per-topic rate. */
const VIEW_INTERVAL_MS = 50

/**
 * One replay session in a worker: a kernel fed from a dataset, paced against the wall clock by
 * `speed` (data ms per wall ms; 0 = as fast as possible), with play/pause/step/seek/stop, the
 * manual order ticket and the kill switch. Work is done in short slices so control messages
 * are answered promptly whatever the speed.
 */
export class ReplaySession {
  status: Status = 'running'
  private speed: number
  private queue: unknown[] = []
  private qi = 0
  private exhausted = false
  private fetching: Promise<void> | null = null
  private dataTime = -Infinity
  private anchorWall = 0
  private anchorData = NaN
  private timer: ReturnType<typeof setTimeout> | null = null
  private immediate: ReturnType<typeof setImmediate> | null = null
  private looping = false
  private seek: { target: number; done: () => void } | null = null
  private ended = false
  private readonly viewTimer: ReturnType<typeof setInterval>
  private readonly views: ReplayViews
  private readonly controls: SessionControls

  private constructor(
    private readonly spec: ReplaySpec,
    private readonly feed: ReplayFeed,
    readonly kernel: Kernel,
    private readonly journal: { db: Journal; appender: JournalAppender } | null,
    viewsFor: (session: ReplaySession) => ReplayViews,
    private readonly post: (views: View[]) => void,
    private readonly onEnded: () => void
  ) {
    this.speed = spec.speed
    this.views = viewsFor(this)
    this.controls = new SessionControls({ sessionId: spec.sessionId, kernel, views: this.views, journal, requireLive: () => this.requireLive() })
    this.viewTimer = setInterval(() => this.sendViews(), VIEW_INTERVAL_MS)
  }

  static async open(spec: ReplaySpec, post: (views: View[]) => void, onEnded: () => void): Promise<ReplaySession> {
    const { dataset } = spec
    const feed: ReplayFeed =
      dataset.reader === 'hftbacktest'
        ? new CaptureFeed(dataset.path, dataset.symbol, spec.rows)
        : new SeriesFeed(await loadDatasetData(dataset))
    let engine: { definition: EngineDefinition<ParamValues>; values: ParamValues } | null = null
    if (spec.engine !== undefined) {
      const definition = await loadEngine(spec.engine)
      engine = { definition, values: resolveParams(definition.params, spec.params ?? {}) }
    }
    const market = defaultMarket(dataset.symbol)
    const broker = new SimulatedBroker({ ...brokerConfig(spec.broker ?? DEFAULT_BROKER_SETTINGS, market), markets: [market] })
    let journal: { db: Journal; appender: JournalAppender } | null = null
    if (spec.journalPath !== null) {
      const db = Journal.open(spec.journalPath)
      db.createSession({
        id: spec.sessionId,
        mode: 'replay',
        config: { dataset: dataset.id, engine: spec.engine ?? null, params: spec.params ?? {}, broker: spec.broker ?? DEFAULT_BROKER_SETTINGS, speed: spec.speed },
        engines: engine ? [{ name: engine.definition.name, version: APP_VERSION }] : [],
        appVersion: APP_VERSION,
        dataFingerprint: `${dataset.source}:${dataset.path}`,
        startedAt: Date.now()
      })
      journal = { db, appender: db.appender(spec.sessionId) }
    }
    let session: ReplaySession | undefined
    const kernel = new Kernel({
      clock: new VirtualClock(0),
      broker,
      risk: new RiskGate({}),
      journal: journal?.appender ?? null,
      journalMarket: false,
      seed: 1,
      observer: (event) => session?.views.observe(event)
    })
    session = new ReplaySession(spec, feed, kernel, journal, (s) => new ReplayViews(spec.sessionId, kernel, feed, () => s.state()), post, onEnded)
    if (engine !== null) {
      try {
        kernel.addEngine(engine.definition.name, engine.definition, engine.values)
      } catch (err) {
        session.discard()
        throw new WorkstationError('EngineError', `engine ${engine.definition.name}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    session.views.system('info', `replay of ${dataset.id} started at speed ${spec.speed === 0 ? 'max' : `${spec.speed}×`}`)
    session.schedule(0)
    return session
  }

  state(): PushPayload<'session.state'> {
    return {
      sessionId: this.spec.sessionId,
      mode: 'replay',
      status: this.status,
      clock: this.kernel.now(),
      speed: this.speed,
      tradingState: this.kernel.tradingState,
      progress: this.status === 'finished' ? 1 : this.feed.progress()
    }
  }

  // ---- commands --------------------------------------------------------------------------

  async control(p: WorkerMethods['replay.control']['params']): Promise<{ ok: boolean }> {
    if (p.action === 'stop') {
      this.end('stopped')
      return { ok: true }
    }
    this.requireLive()
    switch (p.action) {
      case 'play':
        if (this.status !== 'running') {
          this.status = 'running'
          this.reanchor()
          this.schedule(0)
        }
        break
      case 'pause':
        this.pause()
        break
      case 'step':
        this.pause()
        await this.stepOne()
        break
      case 'seek': {
        const target = requireValue(p.value, 'seek needs a value: the data time (ms) to jump to')
        if (target < this.kernel.now()) {
          throw new WorkstationError('ValidationError', `seek goes forward only: ${target} is before the session clock ${this.kernel.now()}`)
        }
        await new Promise<void>((done) => {
          this.seek = { target, done }
          this.clearTimers()
          this.schedule(0)
        })
        break
      }
      case 'speed': {
        const speed = requireValue(p.value, 'speed needs a value: data ms per wall ms (0 = as fast as possible)')
        if (speed < 0 || speed > 1_000_000) throw new WorkstationError('ValidationError', `speed must be within 0..1000000, got ${speed}`)
        this.speed = speed
        this.reanchor()
        if (this.status === 'running') {
          // a wait computed at the old speed no longer holds
          this.clearTimers()
          this.schedule(0)
        }
        break
      }
    }
    this.views.touch()
    return { ok: true }
  }

  engineControl(p: WorkerMethods['engine.control']['params']): { state: string } {
    return this.controls.engineControl(p)
  }

  createOrder(p: Omit<CommandParams<'order.create'>, 'sessionId'>): { clientOrderId: string; denied: string | null } {
    return this.controls.createOrder(p)
  }

  cancelOrder(clientOrderId: string): { ok: boolean } {
    return this.controls.cancelOrder(clientOrderId)
  }

  cancelAll(symbol: string | undefined): { ok: boolean } {
    return this.controls.cancelAll(symbol)
  }

  killSwitch(p: WorkerMethods['killSwitch']['params']): { cancelled: number } {
    return this.controls.killSwitch(p)
  }

  /** Ends the session (finished: the data ran out; stopped: by the user or an error). */
  end(status: 'finished' | 'stopped'): void {
    if (this.ended) return
    this.ended = true
    this.clearTimers()
    clearInterval(this.viewTimer)
    let failed = false
    try {
      if (status === 'finished') this.feed.finish(this.kernel)
      this.kernel.finish()
    } catch (err) {
      failed = true
      this.views.system('error', `finishing the session failed: ${toApiError(err).message}`)
    }
    this.status = status
    this.views.system('info', `replay ${status}`)
    this.views.touch()
    try {
      this.journal?.appender.close(failed ? 'failed' : 'completed', Date.now())
      this.journal?.db.close()
    } catch (err) {
      this.views.system('error', `closing the journal failed: ${toApiError(err).message}`)
    }
    this.seek?.done()
    this.seek = null
    this.sendViews()
    // after the reply to the command that ended the session (sent on a microtask), not before it:
    // the host lets the worker go when it hears of the end
    setImmediate(() => this.onEnded())
  }

  /** Drops a session that never started (its engine failed to start): nothing is posted. */
  private discard(): void {
    this.ended = true
    this.status = 'stopped'
    clearInterval(this.viewTimer)
    try {
      this.journal?.appender.close('failed', Date.now())
      this.journal?.db.close()
    } catch {
      // the engine's error is the one to report
    }
  }

  // ---- the loop ----------------------------------------------------------------------------

  private requireLive(): void {
    if (this.ended) throw new WorkstationError('ValidationError', `session ${this.spec.sessionId} has ${this.status}`)
  }

  private pause(): void {
    this.status = 'paused'
    this.clearTimers()
    this.journal?.appender.flush()
  }

  private reanchor(): void {
    this.anchorWall = performance.now()
    this.anchorData = Number.isFinite(this.dataTime) ? this.dataTime : NaN
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.immediate !== null) clearImmediate(this.immediate)
    this.timer = null
    this.immediate = null
  }

  private schedule(delayMs: number): void {
    if (this.ended || this.looping || this.timer !== null || this.immediate !== null) return
    if (delayMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.loop()
      }, delayMs)
    } else {
      this.immediate = setImmediate(() => {
        this.immediate = null
        void this.loop()
      })
    }
  }

  /** True when an item is waiting in the queue (fetching the next batch if needed). */
  private async fill(): Promise<boolean> {
    while (this.qi >= this.queue.length) {
      if (this.exhausted) return false
      this.fetching ??= this.feed.next().then(
        (batch) => {
          this.fetching = null
          if (batch === null) this.exhausted = true
          else {
            this.queue = batch
            this.qi = 0
          }
        },
        (err: unknown) => {
          this.fetching = null
          throw err
        }
      )
      await this.fetching
    }
    return true
  }

  private get active(): boolean {
    return !this.ended && (this.status === 'running' || this.seek !== null)
  }

  private async loop(): Promise<void> {
    if (!this.active || this.looping) return
    this.looping = true
    let delay = 0
    try {
      const sliceEnd = performance.now() + SLICE_MS
      for (let n = 0; ; n++) {
        if (!(await this.fill())) {
          this.finishSeek()
          this.end('finished')
          return
        }
        if (!this.active) return
        const item = this.queue[this.qi]
        const t = Math.max(this.dataTime, this.feed.timeOf(item))
        if (this.seek !== null) {
          if (t > this.seek.target) {
            this.finishSeek()
            if (!this.active) return
            this.reanchor()
            continue
          }
        } else if (this.speed > 0) {
          const now = performance.now()
          if (Number.isNaN(this.anchorData)) {
            this.anchorData = t
            this.anchorWall = now
          }
          const wait = this.anchorWall + (t - this.anchorData) / this.speed - now
          if (wait >= 1) {
            delay = wait
            return
          }
        }
        this.qi++
        this.dataTime = t
        this.feed.apply(item, this.kernel)
        if ((n & 63) === 63 && performance.now() >= sliceEnd) return
      }
    } catch (err) {
      this.views.system('error', `replay failed: ${toApiError(err).message}`)
      this.end('stopped')
    } finally {
      this.looping = false
      if (this.active) this.schedule(delay)
    }
  }

  private finishSeek(): void {
    if (this.seek === null) return
    // the clock stands at the seek target even when no event fell on it
    this.kernel.advanceTo(Math.max(this.kernel.now(), this.seek.target))
    this.seek.done()
    this.seek = null
  }

  /** Step: one item that reaches the kernel (items the book sync drops do not count). */
  private async stepOne(): Promise<void> {
    while (await this.fill()) {
      if (this.ended) return
      const item = this.queue[this.qi++]
      this.dataTime = Math.max(this.dataTime, this.feed.timeOf(item))
      if (this.feed.apply(item, this.kernel) > 0) return
    }
    this.end('finished')
  }

  private sendViews(): void {
    const views = this.views.take()
    if (views.length > 0) this.post(views)
  }
}

function requireValue(value: number | undefined, message: string): number {
  if (value === undefined) throw new WorkstationError('ValidationError', message)
  return value
}
