import { describe, expect, it } from 'vitest'
import { defaultMarket, type BarEvent } from '../../../src/shared/events'
import { defineEngine } from '../../../src/main/core/engine/engine'
import { ReplayError, replaySession, type ReplayOptions, type ReplayRecord } from '../../../src/main/core/replay/replay'

const MINUTE = 60_000
const T0 = Date.UTC(2024, 0, 1)

/** Buys 1 at market on the first close above `above`, then rests a sell 10 higher. */
const breakout = defineEngine<{ above: number }>({
  name: 'above',
  description: 'test engine',
  params: { above: { type: 'number', default: 100, description: 'close to buy above' } },
  create(params) {
    let done = false
    return {
      onMarket(event, ctx) {
        if (event.type !== 'bar' || done || event.close <= params.above) return
        done = true
        ctx.createOrder(event.symbol, 'market', 'buy', 1)
        ctx.createOrder(event.symbol, 'limit', 'sell', 1, event.close + 10)
      }
    }
  }
})

const OPTIONS: ReplayOptions = {
  engines: [{ id: 'above', definition: breakout, values: { above: 100 } }],
  broker: { currency: 'USD', initialCash: 10_000, accountType: 'spot', leverage: 1, latencyMs: 0 },
  markets: [defaultMarket('X/USD')],
  seed: 1
}

function bar(i: number, close: number): BarEvent {
  return { type: 'bar', seq: 0, ts: T0 + (i + 1) * MINUTE, symbol: 'X/USD', timeframe: '1m', openTime: T0 + i * MINUTE, closeTime: T0 + (i + 1) * MINUTE, open: close, high: close, low: close, close, volume: 1, closed: true }
}

/** A journal as the paper session writes it: engine added (seq 1), three bars, the orders the third bar caused. */
function journal(): ReplayRecord[] {
  const rec = (seq: number, ts: number, type: string, payload: object): ReplayRecord => ({ seq, ts, type, payload: { ...payload, seq } })
  const order = (clientOrderId: string, type: string, price: number | null) => ({
    type: 'OrderSubmitted',
    ts: T0 + 3 * MINUTE,
    cause: 4,
    orderId: clientOrderId,
    order: { clientOrderId, owner: 'above', symbol: 'X/USD', type, side: type === 'market' ? 'buy' : 'sell', amount: 1, price, stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, cost: null }
  })
  return [
    rec(1, 0, 'EngineStateChanged', { engineId: 'above', state: 'running', reason: 'added' }),
    rec(2, T0 + MINUTE, 'bar', bar(0, 99)),
    rec(3, T0 + 2 * MINUTE, 'bar', bar(1, 100)),
    rec(4, T0 + 3 * MINUTE, 'bar', bar(2, 101)),
    rec(5, T0 + 3 * MINUTE, 'OrderSubmitted', order('above-1', 'market', null)),
    rec(6, T0 + 3 * MINUTE, 'OrderSubmitted', order('above-2', 'limit', 111)),
    rec(7, T0 + 3 * MINUTE, 'OrderSubmitted', { ...order('manual-4-1', 'market', null), order: { ...order('manual-4-1', 'market', null).order, owner: 'manual' } })
  ]
}

describe('replaySession', () => {
  it('reproduces the journaled orders, with the seq of the bar that caused them', () => {
    const { recorded, orders, comparison } = replaySession(journal(), OPTIONS)
    expect(orders).toEqual(recorded)
    expect(orders.map((o) => [o.seq, o.marketSeq, o.clientOrderId, o.type, o.price])).toEqual([
      [5, 4, 'above-1', 'market', null],
      [6, 4, 'above-2', 'limit', 111]
    ])
    expect(comparison).toEqual({ identical: true, marketEvents: 3, recorded: 2, replayed: 2, same: 2, different: 0, missing: 0, extra: 0, notCompared: 1, firstDivergence: null })
  })

  it('reports a changed price as the first divergence, at the order it changed', () => {
    const records = journal()
    // the limit was 10 above a close of 101; a close of 105 in the journal moves it to 115
    ;(records[3].payload as BarEvent).close = 105
    const { comparison } = replaySession(records, OPTIONS)
    expect(comparison).toMatchObject({ identical: false, same: 1, different: 1, missing: 0, extra: 0 })
    expect(comparison.firstDivergence).toMatchObject({ kind: 'different', seq: 6, fields: ['price'], recorded: { price: 111 }, replayed: { price: 115 } })
  })

  it('reports orders the replay did not place as missing, and new ones as extra', () => {
    const records = journal()
    // bar 2 now decides, and only the bars are kept: two orders the journal does not hold, at seq 4 and 5
    ;(records[2].payload as BarEvent).close = 100.5
    const { comparison } = replaySession(records.slice(0, 4), OPTIONS)
    expect(comparison).toMatchObject({ identical: false, recorded: 0, replayed: 2, extra: 2 })
    expect(comparison.firstDivergence).toMatchObject({ kind: 'extra', seq: 4, recorded: null, replayed: { clientOrderId: 'above-1', marketSeq: 3 } })
    const quiet = replaySession(journal(), { ...OPTIONS, engines: [{ ...OPTIONS.engines[0], values: { above: 200 } }] }).comparison
    expect(quiet).toMatchObject({ identical: false, recorded: 2, replayed: 0, missing: 2 })
    expect(quiet.firstDivergence).toMatchObject({ kind: 'missing', seq: 5, replayed: null, recorded: { clientOrderId: 'above-1' } })
  })

  it('refuses a journal without market events, and a market row whose payload is not that event', () => {
    expect(() => replaySession(journal().filter((r) => r.type !== 'bar'), OPTIONS)).toThrow(ReplayError)
    expect(() => replaySession(journal().filter((r) => r.type !== 'bar'), OPTIONS)).toThrow(/holds no market events/)
    const bad = journal()
    bad[2] = { ...bad[2], payload: { type: 'trade' } }
    expect(() => replaySession(bad, OPTIONS)).toThrow('journal event seq 3: a bar event whose payload is not a bar market event')
  })
})

describe('replaySession: the user engine controls', () => {
  it('applies a pause journaled between bars, so the paused engine places nothing, as it did', () => {
    const records = journal()
    const paused: ReplayRecord = { seq: 3, ts: T0 + MINUTE, type: 'EngineStateChanged', payload: { type: 'EngineStateChanged', seq: 3, ts: T0 + MINUTE, engineId: 'above', state: 'paused', reason: 'paused by user' } }
    // the pause after the first bar shifts the later rows by one seq; the engine placed no order
    const shifted = records.slice(2, 4).map((r) => ({ ...r, seq: r.seq + 1, payload: { ...(r.payload as object), seq: r.seq + 1 } }))
    const { comparison } = replaySession([...records.slice(0, 2), paused, ...shifted], OPTIONS)
    expect(comparison).toMatchObject({ identical: true, marketEvents: 3, recorded: 0, replayed: 0 })
    // without the pause, the same bars make it trade
    expect(replaySession([...records.slice(0, 2), ...shifted], OPTIONS).comparison).toMatchObject({ identical: false, extra: 2 })
  })
})
