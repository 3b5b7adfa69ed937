import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushPayload, PushTopic } from '../../src/shared/api'
import { Journal } from '../../src/main/core/journal/journal'
import { BROKER, BTC_SAMPLE, errorOf, openWorkstation, SPOT_ID, type Harness } from './harness'

let t: Harness
beforeAll(() => {
  t = openWorkstation()
})
afterAll(async () => {
  await t.close()
})

const RATE_TOPICS: PushTopic[] = ['session.state', 'book', 'bars', 'orders', 'fills', 'account', 'engines', 'logs']

describe('workstation: replay of the hftbacktest capture at max speed', () => {
  it('pushes books with bid < ask, never stale, at most 20 per second per topic', async () => {
    const since = t.pushes.mark()
    const started = performance.now()
    const { sessionId } = await t.h['replay.start']({ datasetId: SPOT_ID, speed: 0 })
    const end = await t.pushes.waitFor('session.state', (p) => p.sessionId === sessionId && p.status === 'finished', since, 30_000)
    expect(end).toMatchObject({ mode: 'replay', progress: 1, tradingState: 'ACTIVE' })
    // the clock ends at the close of the last 1 s bar built from the trades: the last trade is at
    // T = 1723161601271 (00:00:01.271 on the exchange clock, 23:59:59.998 on the collector's)
    expect(end.clock).toBe(1723161602000)

    // the last book is the synced book at the end of the file (see the capture reader test); the
    // batcher may still hold it for a few ms after the final session state went out
    await t.pushes.waitFor('book', (b) => b.sessionId === sessionId && b.bids[0][0] === 61685.99 && b.bids[0][1] === 1.0087 && b.asks[0][0] === 61686 && b.asks[0][1] === 2.29327, since)
    const books = t.pushes.of('book', sessionId)
    expect(books.length).toBeGreaterThanOrEqual(3)
    for (const b of books) {
      expect(b.stale).toBe(false)
      expect(b.bids).toHaveLength(20)
      expect(b.asks).toHaveLength(20)
      expect(b.bids[0][0]).toBeLessThan(b.asks[0][0])
      // best first on both sides
      expect(b.bids[0][0]).toBeGreaterThan(b.bids[19][0])
      expect(b.asks[0][0]).toBeLessThan(b.asks[19][0])
    }
    const seconds = (performance.now() - started) / 1000
    for (const topic of RATE_TOPICS) {
      const times = t.pushes.times(topic, sessionId)
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `${topic} push ${i}`).toBeGreaterThanOrEqual(49)
      expect(times.length, topic).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 1)
    }
    // 1 s bars built from the 9757 trades reach the chart, none lost by the batching: the trades
    // fall in 345 distinct seconds, the last one at 1723161601000
    await t.pushes.waitFor('bars', (p) => p.sessionId === sessionId && p.bars.some((b) => b[0] === 1723161601000), since)
    const bars = t.pushes.of('bars', sessionId).flatMap((p) => p.bars)
    expect(bars).toHaveLength(345)
    for (let i = 1; i < bars.length; i++) expect(bars[i][0]).toBeGreaterThan(bars[i - 1][0])
    expect((await t.h['session.list']({})).sessions.find((s) => s.sessionId === sessionId)).toMatchObject({ status: 'finished', datasetId: SPOT_ID })
    expect(await errorOf(t.h['order.create']({ sessionId, symbol: 'BTC/USDT', type: 'market', side: 'buy', amount: 0.01 }))).toMatchObject({ type: 'ValidationError' })
  })
})

describe('workstation: an interactive replay of the sample bars with the grid engine', () => {
  let sessionId = ''
  const state = (since: number, match: (p: PushPayload<'session.state'>) => boolean) =>
    t.pushes.waitFor('session.state', (p) => p.sessionId === sessionId && match(p), since)
  const engines = (since: number, state: string) =>
    t.pushes.waitFor('engines', (p) => p.sessionId === sessionId && p.engines[0]?.state === state, since)
  const orders = async (since: number, match: (o: PushPayload<'orders'>['orders']) => boolean) =>
    (await t.pushes.waitFor('orders', (p) => p.sessionId === sessionId && match(p.orders), since)).orders

  it('starts running and the engine places its grid', async () => {
    const since = t.pushes.mark()
    // speed 60: one 1-minute bar per second, so the session stays live through the test
    ;({ sessionId } = await t.h['replay.start']({ datasetId: BTC_SAMPLE, engine: 'grid', params: { levels: 3, amount: 0.01 }, broker: BROKER, speed: 60 }))
    await state(since, (p) => p.status === 'running')
    const grid = await orders(since, (o) => o.filter((x) => x.owner === 'grid' && x.type === 'limit').length === 6)
    expect(grid.filter((o) => o.side === 'buy' && o.type === 'limit')).toHaveLength(3)
    await engines(since, 'running')
  })

  it('pause, step and seek move the session as asked', async () => {
    let since = t.pushes.mark()
    expect(await t.h['replay.control']({ sessionId, action: 'pause' })).toEqual({ ok: true })
    const paused = await state(since, (p) => p.status === 'paused')
    since = t.pushes.mark()
    await t.h['replay.control']({ sessionId, action: 'step' })
    const stepped = await state(since, (p) => p.status === 'paused' && p.clock > paused.clock)
    // one step is one 1-minute bar (the sample has no gaps)
    expect(stepped.clock - paused.clock).toBe(60_000)
    since = t.pushes.mark()
    const target = stepped.clock + 10 * 60_000
    await t.h['replay.control']({ sessionId, action: 'seek', value: target })
    const sought = await state(since, (p) => p.clock === target)
    expect(sought.status).toBe('paused')
    expect(await errorOf(t.h['replay.control']({ sessionId, action: 'seek', value: target - 1 }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/forward only/) })
    expect(await errorOf(t.h['replay.control']({ sessionId, action: 'speed' }))).toMatchObject({ type: 'ValidationError' })
    expect(await t.h['replay.control']({ sessionId, action: 'speed', value: 120 })).toEqual({ ok: true })
    await state(t.pushes.mark(), (p) => p.speed === 120)
  })

  it('engine pause, resume and stop show in the engines push', async () => {
    let since = t.pushes.mark()
    expect(await t.h['engine.control']({ sessionId, engineId: 'grid', action: 'pause' })).toEqual({ state: 'paused' })
    await engines(since, 'paused')
    since = t.pushes.mark()
    expect(await t.h['engine.control']({ sessionId, engineId: 'grid', action: 'resume' })).toEqual({ state: 'running' })
    await engines(since, 'running')
    expect(await errorOf(t.h['engine.control']({ sessionId, engineId: 'nope', action: 'pause' }))).toMatchObject({ type: 'NotFound' })
  })

  it('a manual order appears in orders and a cancel removes it', async () => {
    let since = t.pushes.mark()
    const placed = await t.h['order.create']({ sessionId, symbol: 'BTC/USDT', type: 'limit', side: 'buy', amount: 0.01, price: 1000 })
    expect(placed.denied).toBeNull()
    const open = await orders(since, (o) => o.some((x) => x.clientOrderId === placed.clientOrderId))
    expect(open.find((x) => x.clientOrderId === placed.clientOrderId)).toMatchObject({ owner: 'manual', status: 'accepted', price: 1000, amount: 0.01, remaining: 0.01 })
    since = t.pushes.mark()
    expect(await t.h['order.cancel']({ sessionId, clientOrderId: placed.clientOrderId })).toEqual({ ok: true })
    await orders(since, (o) => !o.some((x) => x.clientOrderId === placed.clientOrderId) && o.length > 0)
    expect(await errorOf(t.h['order.cancel']({ sessionId, clientOrderId: 'nope' }))).toMatchObject({ type: 'NotFound' })
    expect(await errorOf(t.h['order.create']({ sessionId, symbol: 'BTC/USDT', type: 'limit', side: 'buy', amount: 0.01 }))).toMatchObject({ type: 'InvalidOrder', message: expect.stringMatching(/needs a positive price/) })
  })

  it('the kill switch halts trading, pauses the engine, cancels every order and is journaled with who, when and why', async () => {
    const since = t.pushes.mark()
    expect(t.pushes.of('orders', sessionId).at(-1)!.orders).toHaveLength(6)
    const result = await t.h['killSwitch.press']({ flatten: false, reason: 'test: runaway engine' })
    expect(result).toEqual({ sessions: 1, cancelled: 6 })
    await engines(since, 'paused')
    await orders(since, (o) => o.length === 0)
    await state(since, (p) => p.tradingState === 'HALTED')
    // HALTED denies new orders at the risk gate
    const denied = await t.h['order.create']({ sessionId, symbol: 'BTC/USDT', type: 'limit', side: 'buy', amount: 0.01, price: 1000 })
    expect(denied.denied).toMatch(/HALTED/)
    const journal = Journal.open(join(t.dataFolder, 'journal.sqlite'), { readonly: true })
    try {
      const halts = [...journal.events(sessionId, { types: ['TradingStateChanged'] })]
      expect(halts).toHaveLength(1)
      expect(halts[0].payload).toMatchObject({ state: 'HALTED', by: 'user (workstation)', reason: expect.stringMatching(/^test: runaway engine \(pressed at \d{4}-\d\d-\d\dT/) })
    } finally {
      journal.close()
    }
    expect(await t.h['engine.control']({ sessionId, engineId: 'grid', action: 'stop' })).toEqual({ state: 'stopped' })
  })

  it('stop ends the session; it stays listed, and only stop is still accepted', async () => {
    const since = t.pushes.mark()
    expect(await t.h['replay.control']({ sessionId, action: 'stop' })).toEqual({ ok: true })
    await state(since, (p) => p.status === 'stopped')
    const listed = (await t.h['session.list']({})).sessions.find((s) => s.sessionId === sessionId)
    expect(listed).toMatchObject({ mode: 'replay', status: 'stopped', tradingState: 'HALTED', datasetId: BTC_SAMPLE })
    expect(await t.h['replay.control']({ sessionId, action: 'stop' })).toEqual({ ok: true })
    expect(await errorOf(t.h['replay.control']({ sessionId, action: 'play' }))).toMatchObject({ type: 'ValidationError' })
    expect(await errorOf(t.h['replay.control']({ sessionId: 'replay-nope', action: 'play' }))).toMatchObject({ type: 'NotFound' })
    const { sessions } = await t.h['journal.sessions']({})
    expect(sessions.find((s) => s.id === sessionId)).toMatchObject({ mode: 'replay', status: 'completed' })
    // nothing live is left for the kill switch
    expect(await t.h['killSwitch.press']({ flatten: true, reason: 'again' })).toEqual({ sessions: 0, cancelled: 0 })
  })

  it('a replay with a bad engine parameter is refused before a worker starts', async () => {
    expect(await errorOf(t.h['replay.start']({ datasetId: BTC_SAMPLE, engine: 'grid', params: { levels: 0 }, speed: 1 }))).toMatchObject({ type: 'ValidationError' })
  })
})
