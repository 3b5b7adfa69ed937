export interface TimerEntry {
  at: number
  /** insertion order: the tie-break for timers due at the same time */
  order: number
  engineId: string
  timerId: string
}

/** Binary min-heap of timers ordered by (at, order). */
export class TimerQueue {
  private readonly heap: TimerEntry[] = []
  private counter = 0

  get size(): number {
    return this.heap.length
  }

  peekTs(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0].at
  }

  push(at: number, engineId: string, timerId: string): void {
    this.heap.push({ at, order: this.counter++, engineId, timerId })
    this.up(this.heap.length - 1)
  }

  pop(): TimerEntry | undefined {
    const heap = this.heap
    if (heap.length === 0) return undefined
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      this.down(0)
    }
    return top
  }

  remove(engineId: string, timerId?: string): void {
    const kept = this.heap.filter((t) => t.engineId !== engineId || (timerId !== undefined && t.timerId !== timerId))
    if (kept.length === this.heap.length) return
    this.heap.length = 0
    for (const t of kept) {
      this.heap.push(t)
      this.up(this.heap.length - 1)
    }
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order)
  }

  private up(i: number): void {
    const heap = this.heap
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(heap[i], heap[p])) break
      ;[heap[i], heap[p]] = [heap[p], heap[i]]
      i = p
    }
  }

  private down(i: number): void {
    const heap = this.heap
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && this.less(heap[l], heap[m])) m = l
      if (r < heap.length && this.less(heap[r], heap[m])) m = r
      if (m === i) return
      ;[heap[i], heap[m]] = [heap[m], heap[i]]
      i = m
    }
  }
}
