import type { PushPayload, PushTopic } from '../../shared/api'

/** Where batched pushes go (the workstation's push listeners). */
export type PushSink = (topic: PushTopic, payload: PushPayload<PushTopic>) => void

/** Time and timers, injected so tests can drive the batcher with a fake clock. */
export interface BatcherTimers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemTimers: BatcherTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

/**
 * Topics whose payloads are appended (their array field concatenates) rather than replaced:
 * log lines and fills must never be lost, and bars carry only what was appended since the last push.
 */
const CONCAT_FIELD: Partial<Record<PushTopic, string>> = { logs: 'lines', fills: 'fills', bars: 'bars' }

interface Slot {
  topic: PushTopic
  key: string
  lastEmit: number
  pending: Record<string, unknown> | null
  timer: unknown
}

/**
 * Rate-limits view pushes per (topic, key) — key = session, run or sweep id — to `maxPerSecond`.
 * The first push after a quiet period goes out at once; later ones wait for the interval. While
 * waiting, latest-state topics keep only the newest payload and concatenating topics append.
 */
export class ViewBatcher {
  private readonly slots = new Map<string, Slot>()
  private readonly interval: number
  private readonly timers: BatcherTimers
  private closed = false

  constructor(
    private readonly sink: PushSink,
    options: { maxPerSecond?: number; timers?: BatcherTimers } = {}
  ) {
    this.interval = 1000 / (options.maxPerSecond ?? 20)
    this.timers = options.timers ?? systemTimers
  }

  push<T extends PushTopic>(topic: T, key: string, payload: PushPayload<T>): void {
    if (this.closed) return
    const id = `${topic}\u0000${key}`
    let slot = this.slots.get(id)
    if (slot === undefined) {
      slot = { topic, key, lastEmit: -Infinity, pending: null, timer: null }
      this.slots.set(id, slot)
    }
    const now = this.timers.now()
    if (slot.pending === null && now - slot.lastEmit >= this.interval) {
      slot.lastEmit = now
      this.sink(topic, payload)
      return
    }
    slot.pending = merge(topic, slot.pending, payload as Record<string, unknown>)
    if (slot.timer === null) {
      const s = slot
      s.timer = this.timers.setTimeout(() => this.fire(s), Math.max(0, s.lastEmit + this.interval - now))
    }
  }

  /** Sends a one-off message at once, outside the rate limit (a run's `backtest.finished`). */
  pushNow<T extends PushTopic>(topic: T, payload: PushPayload<T>): void {
    if (!this.closed) this.sink(topic, payload)
  }

  /** Sends what is pending for `key` now (before a final message such as `backtest.finished`). */
  flushKey(key: string): void {
    for (const slot of this.slots.values()) if (slot.key === key) this.emitPending(slot)
  }

  /** Drops the bookkeeping of a key that will not push again (after flushing it). */
  forget(key: string): void {
    for (const [id, slot] of this.slots) {
      if (slot.key !== key) continue
      this.emitPending(slot)
      this.slots.delete(id)
    }
  }

  close(): void {
    this.closed = true
    for (const slot of this.slots.values()) if (slot.timer !== null) this.timers.clearTimeout(slot.timer)
    this.slots.clear()
  }

  private fire(slot: Slot): void {
    slot.timer = null
    if (slot.pending === null) return
    const now = this.timers.now()
    const early = slot.lastEmit + this.interval - now
    if (early > 0) {
      // timers run on a coarser clock and may fire a little early: wait out the rest
      slot.timer = this.timers.setTimeout(() => this.fire(slot), early)
      return
    }
    const payload = slot.pending
    slot.pending = null
    slot.lastEmit = now
    this.sink(slot.topic, payload as PushPayload<PushTopic>)
  }

  private emitPending(slot: Slot): void {
    if (slot.timer !== null) {
      this.timers.clearTimeout(slot.timer)
      slot.timer = null
    }
    if (slot.pending === null) return
    const payload = slot.pending
    slot.pending = null
    slot.lastEmit = this.timers.now()
    this.sink(slot.topic, payload as PushPayload<PushTopic>)
  }
}

function merge(topic: PushTopic, pending: Record<string, unknown> | null, next: Record<string, unknown>): Record<string, unknown> {
  const field = CONCAT_FIELD[topic]
  if (field === undefined) return next
  if (pending === null) return { ...next, [field]: [...(next[field] as unknown[])] }
  const list = pending[field] as unknown[]
  for (const item of next[field] as unknown[]) list.push(item)
  return pending
}
