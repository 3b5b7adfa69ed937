import { describe, expect, it } from 'vitest'
import type { PushPayload, PushTopic } from '../../src/shared/api'
import { ViewBatcher, type BatcherTimers } from '../../src/main/host/view-batcher'

/** A clock that only moves when told, with the timers due by then fired in time order. */
class FakeTimers implements BatcherTimers {
  t = 0
  private seq = 0
  private readonly queue: Array<{ at: number; n: number; fn: () => void }> = []
  now(): number {
    return this.t
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { at: this.t + ms, n: ++this.seq, fn }
    this.queue.push(entry)
    return entry
  }
  clearTimeout(handle: unknown): void {
    const i = this.queue.indexOf(handle as (typeof this.queue)[number])
    if (i >= 0) this.queue.splice(i, 1)
  }
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.n - b.n)
      const next = this.queue[0]
      if (next === undefined || next.at > end) break
      this.queue.shift()
      this.t = next.at
      next.fn()
    }
    this.t = end
  }
  get pending(): number {
    return this.queue.length
  }
}

function setup() {
  const timers = new FakeTimers()
  const out: Array<{ t: number; topic: PushTopic; payload: PushPayload<PushTopic> }> = []
  const batcher = new ViewBatcher((topic, payload) => out.push({ t: timers.now(), topic, payload }), { timers, maxPerSecond: 20 })
  return { timers, out, batcher }
}

const book = (sessionId: string, ts: number): PushPayload<'book'> => ({ sessionId, symbol: 'X', ts, bids: [[1, 1]], asks: [[2, 1]], stale: false })
const log = (sessionId: string, seq: number): PushPayload<'logs'> => ({
  sessionId,
  lines: [{ seq, ts: seq, engineId: 'e', kind: 'log', level: 'info', message: `line ${seq}` }]
})

describe('ViewBatcher', () => {
  it('sends the first push at once and then at most one per 50 ms, keeping only the newest book', () => {
    const { timers, out, batcher } = setup()
    // 1000 book updates over one second, one per millisecond
    for (let i = 0; i < 1000; i++) {
      batcher.push('book', 's1', book('s1', i))
      timers.advance(1)
    }
    timers.advance(100)
    expect(out[0]).toMatchObject({ t: 0, topic: 'book' })
    expect((out[0].payload as PushPayload<'book'>).ts).toBe(0)
    // 0, 50, 100, … 950 and the last one at 1000
    expect(out.map((o) => o.t)).toEqual(Array.from({ length: 21 }, (_, i) => i * 50))
    for (let i = 1; i < out.length; i++) expect(out[i].t - out[i - 1].t).toBeGreaterThanOrEqual(50)
    // each push carries the newest state at its time; the last one the very last update
    expect((out[1].payload as PushPayload<'book'>).ts).toBe(49)
    expect((out[out.length - 1].payload as PushPayload<'book'>).ts).toBe(999)
    expect(timers.pending).toBe(0)
  })

  it('concatenates log lines so none is lost, in order', () => {
    const { timers, out, batcher } = setup()
    for (let i = 1; i <= 300; i++) {
      batcher.push('logs', 's1', log('s1', i))
      if (i % 3 === 0) timers.advance(1)
    }
    timers.advance(100)
    const seqs = out.flatMap((o) => (o.payload as PushPayload<'logs'>).lines.map((l) => l.seq))
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
    // 100 ms of pushes: at 0, 50, 100
    expect(out.map((o) => o.t)).toEqual([0, 50, 100])
  })

  it('concatenates fills and bars too', () => {
    const { timers, out, batcher } = setup()
    const fill = (n: number): PushPayload<'fills'> => ({
      sessionId: 's',
      fills: [{ ts: n, symbol: 'X', side: 'buy', price: 1, amount: n, fee: 0, clientOrderId: `c${n}`, owner: 'manual' }]
    })
    const bars = (n: number): PushPayload<'bars'> => ({ sessionId: 's', symbol: 'X', timeframe: '1m', bars: [[n, 1, 1, 1, 1, 1]] })
    for (let n = 1; n <= 4; n++) {
      batcher.push('fills', 's', fill(n))
      batcher.push('bars', 's', bars(n))
    }
    timers.advance(50)
    expect(out.filter((o) => o.topic === 'fills').map((o) => (o.payload as PushPayload<'fills'>).fills.map((f) => f.amount))).toEqual([[1], [2, 3, 4]])
    expect(out.filter((o) => o.topic === 'bars').map((o) => (o.payload as PushPayload<'bars'>).bars.map((b) => b[0]))).toEqual([[1], [2, 3, 4]])
  })

  it('limits each (topic, session) on its own', () => {
    const { timers, out, batcher } = setup()
    batcher.push('book', 'a', book('a', 1))
    batcher.push('book', 'b', book('b', 1))
    batcher.push('account', 'a', { sessionId: 'a', equity: 1, positions: [], balances: [] })
    batcher.push('book', 'a', book('a', 2))
    expect(out.map((o) => [o.topic, (o.payload as { sessionId: string }).sessionId])).toEqual([
      ['book', 'a'],
      ['book', 'b'],
      ['account', 'a']
    ])
    timers.advance(50)
    expect(out).toHaveLength(4)
  })

  it('flushKey sends what is pending before a final message; forget drops the key; close cancels timers', () => {
    const { timers, out, batcher } = setup()
    const progress = (done: number): PushPayload<'backtest.progress'> => ({ runId: 'r', done, total: 10, eventsPerSecond: 1, etaMs: 0 })
    batcher.push('backtest.progress', 'r', progress(1))
    batcher.push('backtest.progress', 'r', progress(9))
    batcher.forget('r')
    batcher.pushNow('backtest.finished', { runId: 'r', summary: null, error: 'x' })
    expect(out.map((o) => o.topic)).toEqual(['backtest.progress', 'backtest.progress', 'backtest.finished'])
    expect((out[1].payload as PushPayload<'backtest.progress'>).done).toBe(9)
    batcher.push('book', 's', book('s', 1))
    batcher.push('book', 's', book('s', 2))
    batcher.close()
    timers.advance(1000)
    expect(out).toHaveLength(4)
    expect(timers.pending).toBe(0)
  })
})
