import { describe, expect, it } from 'vitest'
import type { BrokerEvent, MarketEvent } from '../../../src/shared/events'
import { defineEngine, type Engine } from '../../../src/main/core/engine/engine'
import { bar, makeKernel, MINUTE, T0 } from './kernel-harness'

type Seen = { kind: string; seq: number; now: number; detail?: string }

/** An engine whose behaviour each test scripts through callbacks. */
function scripted(name: string, engine: Engine, subscription?: Parameters<typeof defineEngine>[0]['subscription']) {
  return defineEngine({ name, description: 'test engine', params: {}, subscription, create: () => engine })
}

describe('kernel', () => {
  it('numbers every event densely and journals them in processing order', () => {
    const { kernel, journal, feed } = makeKernel()
    kernel.addEngine('buyer', scripted('buyer', {
      onMarket(e, ctx) {
        if (e.type === 'bar' && e.openTime === T0) ctx.createOrder('BTC/USDT', 'market', 'buy', 1)
      }
    }), {})
    feed([bar(0, 100, 101, 99, 100), bar(1, 102, 103, 101, 102), bar(2, 103, 104, 102, 103)])
    kernel.finish()
    expect(journal.map((r) => r.seq)).toEqual(journal.map((_, i) => i + 1))
    expect(journal.map((r) => r.payload.seq)).toEqual(journal.map((r) => r.seq))
    const types = journal.map((r) => r.type)
    // submitted while handling bar 0; accepted before bar 1 (zero latency); filled at bar 1's open
    expect(types.slice(0, 4)).toEqual(['EngineStateChanged', 'bar', 'OrderSubmitted', 'OrderAccepted'])
    const fill = journal.find((r) => r.type === 'OrderFilled')!.payload as Extract<BrokerEvent, { type: 'OrderFilled' }>
    expect(fill.price).toBe(102)
    expect(fill.tradeTs).toBe(T0 + MINUTE)
    const barIdx = journal.findIndex((r) => r.type === 'bar' && (r.payload as { openTime: number }).openTime === T0 + MINUTE)
    expect(journal.indexOf(journal.find((r) => r.type === 'OrderFilled')!)).toBeGreaterThan(barIdx)
    // the fill's cause is the bar that filled it
    expect(fill.cause).toBe(journal[barIdx].seq)
  })

  it('never lets an engine see a bar before its close, nor a broker event inside the call that caused it', () => {
    const { kernel, feed } = makeKernel()
    const seen: Seen[] = []
    let inside = false
    kernel.addEngine('e', scripted('e', {
      onMarket(e, ctx) {
        inside = true
        if (e.type === 'bar') {
          seen.push({ kind: 'bar', seq: e.seq, now: ctx.now(), detail: String(e.closeTime) })
          if (e.openTime === T0) ctx.createOrder('BTC/USDT', 'market', 'buy', 1)
        }
        inside = false
      },
      onBroker(e, ctx) {
        expect(inside).toBe(false)
        seen.push({ kind: e.type, seq: e.seq, now: ctx.now() })
      }
    }), {})
    feed([bar(0, 100, 101, 99, 100), bar(1, 102, 103, 101, 102)])
    for (const s of seen.filter((x) => x.kind === 'bar')) expect(s.now).toBeGreaterThanOrEqual(Number(s.detail))
    expect(seen.map((s) => s.kind)).toEqual(['bar', 'OrderSubmitted', 'OrderAccepted', 'bar', 'OrderFilled', 'PositionChanged', 'BalanceUpdated'])
  })

  it('marks a throwing engine faulted, journals the fault with its cause, and keeps the others going', () => {
    const { kernel, journal, feed } = makeKernel()
    const counts = { good: 0, bad: 0 }
    kernel.addEngine('bad', scripted('bad', {
      onMarket() {
        counts.bad++
        if (counts.bad === 2) throw new Error('boom')
      }
    }), {})
    kernel.addEngine('good', scripted('good', { onMarket: () => void counts.good++ }), {})
    feed([bar(0, 1, 1, 1, 1), bar(1, 1, 1, 1, 1), bar(2, 1, 1, 1, 1), bar(3, 1, 1, 1, 1)])
    expect(counts).toEqual({ good: 4, bad: 2 })
    const fault = journal.find((r) => r.type === 'EngineFaulted')!.payload as Extract<typeof journal[0]['payload'], { type: 'EngineFaulted' }>
    expect(fault.engineId).toBe('bad')
    expect(fault.error).toBe('Error: boom')
    const secondBar = journal.filter((r) => r.type === 'bar')[1]
    expect(fault.cause).toBe(secondBar.seq)
    expect(kernel.engines().map((e) => [e.id, e.state, e.fault])).toEqual([
      ['bad', 'faulted', 'Error: boom'],
      ['good', 'running', null]
    ])
  })

  it('adds and removes engines while the session runs, without touching the others', () => {
    const { kernel, feed } = makeKernel()
    const got: Record<string, number[]> = { a: [], b: [] }
    const recorder = (id: string) => scripted(id, { onMarket: (e) => void (e.type === 'bar' && got[id].push(e.openTime)) })
    kernel.addEngine('a', recorder('a'), {})
    feed([bar(0, 1, 1, 1, 1)])
    kernel.addEngine('b', recorder('b'), {})
    feed([bar(1, 1, 1, 1, 1)])
    kernel.removeEngine('a')
    feed([bar(2, 1, 1, 1, 1)])
    expect(got.a).toEqual([T0, T0 + MINUTE])
    expect(got.b).toEqual([T0 + MINUTE, T0 + 2 * MINUTE])
    expect(kernel.engines().map((e) => e.id)).toEqual(['b'])
  })

  it('filters by symbol and event type', () => {
    const { kernel, feed } = makeKernel({ symbols: ['BTC/USDT', 'ETH/USDT'] })
    const got: string[] = []
    kernel.addEngine('eth-bars', scripted('eth-bars', { onMarket: (e) => void got.push(`${e.type}:${(e as { symbol: string }).symbol}`) }, { market: { symbols: ['ETH/USDT'], types: ['bar'] } }), {})
    const trade: MarketEvent = { type: 'trade', seq: 0, ts: T0 + 1, symbol: 'ETH/USDT', price: 1, amount: 1, side: 'buy', id: null }
    feed([trade, bar(0, 1, 1, 1, 1, 'BTC/USDT'), bar(0, 2, 2, 2, 2, 'ETH/USDT')])
    expect(got).toEqual(['bar:ETH/USDT'])
  })

  it('fires timers in time order, before a market event of the same time, with the clock at the timer', () => {
    const { kernel, journal, feed } = makeKernel()
    const fired: [string, number][] = []
    kernel.addEngine('t', scripted('t', {
      onStart(ctx) {
        ctx.setTimer(T0 + 90_000, 'late')
        ctx.setTimer(T0 + MINUTE, 'at-bar-close')
        ctx.setTimer(T0 + 30_000, 'early')
      },
      onTimer: (e, ctx) => void fired.push([e.timerId, ctx.now()])
    }), {})
    feed([bar(0, 1, 1, 1, 1), bar(1, 1, 1, 1, 1)])
    expect(fired).toEqual([
      ['early', T0 + 30_000],
      ['at-bar-close', T0 + MINUTE],
      ['late', T0 + 90_000]
    ])
    const order = journal.filter((r) => r.type === 'TimerFired' || r.type === 'bar').map((r) => r.type)
    expect(order).toEqual(['TimerFired', 'TimerFired', 'bar', 'TimerFired', 'bar'])
  })

  it('passes orders through the risk gate: denials come back as OrderDenied events, cancels always pass', () => {
    const { kernel, feed } = makeKernel({ risk: { maxOrderAmount: 5 } })
    const events: string[] = []
    let resting = ''
    kernel.addEngine('r', scripted('r', {
      onMarket(e, ctx) {
        if (e.type !== 'bar') return
        if (e.openTime === T0) {
          ctx.createOrder('BTC/USDT', 'market', 'buy', 6)
          resting = ctx.createOrder('BTC/USDT', 'limit', 'buy', 1, 50)
        }
        if (e.openTime === T0 + MINUTE) {
          kernel.setTradingState('HALTED', 'test', 'halt')
          ctx.createOrder('BTC/USDT', 'market', 'buy', 1)
          ctx.cancelOrder(resting)
        }
      },
      onBroker: (e) => void events.push(e.type === 'OrderDenied' ? `denied:${e.rule}` : e.type)
    }), {})
    feed([bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100), bar(2, 100, 100, 100, 100)])
    expect(events).toEqual(['denied:max-order-amount', 'OrderSubmitted', 'OrderAccepted', 'denied:trading-state', 'OrderCancelled'])
  })

  it('kill switch: halts engines, cancels every open order and flattens, recording who and why', () => {
    const { kernel, journal, feed, broker } = makeKernel()
    kernel.addEngine('k', scripted('k', {
      onMarket(e, ctx) {
        if (e.type === 'bar' && e.openTime === T0) {
          ctx.createOrder('BTC/USDT', 'market', 'buy', 2)
          ctx.createOrder('BTC/USDT', 'limit', 'buy', 1, 10)
        }
      }
    }), {})
    feed([bar(0, 100, 100, 100, 100), bar(1, 100, 100, 100, 100)])
    expect(broker.account.position('BTC/USDT').amount).toBe(2)
    kernel.killSwitch('user@desk', 'runaway engine', true)
    feed([bar(2, 101, 101, 101, 101)])
    expect(broker.account.openOrders()).toEqual([])
    expect(broker.account.position('BTC/USDT').amount).toBe(0)
    expect(kernel.engines()[0].state).toBe('paused')
    const halted = journal.find((r) => r.type === 'TradingStateChanged')!.payload
    expect(halted).toMatchObject({ state: 'HALTED', by: 'user@desk', reason: 'runaway engine' })
    expect(kernel.tradingState).toBe('HALTED')
  })

  it('fires the kill switch on the first event that takes equity past the loss limit, not before', () => {
    const { kernel, journal, feed } = makeKernel({ risk: { maxLoss: 100 } })
    let seenAfterHalt = 0
    kernel.addEngine('long', scripted('long', {
      onMarket(e, ctx) {
        if (kernel.tradingState === 'HALTED') seenAfterHalt++
        if (e.type === 'bar' && e.openTime === T0) ctx.createOrder('BTC/USDT', 'market', 'buy', 10)
      }
    }), {})
    // long 10 from 100 (bar 1's open); equity = 100,000 − 10 × (100 − close)
    feed([bar(0, 100, 100, 100, 100), bar(1, 100, 100, 99, 99), bar(2, 99, 99, 90, 90.5), bar(3, 90.5, 91, 89, 89.9), bar(4, 89.9, 90, 80, 85)])
    const halted = journal.findIndex((r) => r.type === 'TradingStateChanged')
    expect(halted).toBeGreaterThan(0)
    // the bar whose close makes the loss 101 (> 100) is the event just before the kill switch; 95 at 90.5 did not fire
    const trigger = journal.slice(0, halted).reverse().find((r) => r.type === 'bar')!.payload as { close: number }
    expect(trigger.close).toBe(89.9)
    expect(journal[halted].payload).toMatchObject({ state: 'HALTED', by: 'risk-limit' })
    expect((journal[halted].payload as { reason: string }).reason).toMatch(/^loss limit: equity 99899 is 101 below the start \(100000\), limit 100/)
    expect(kernel.engines()[0].state).toBe('paused')
    expect(seenAfterHalt).toBe(0)
    // the kill switch closes the position at the next open: bar 4 opens at 89.9
    const flatten = journal.slice(halted).find((r) => r.type === 'OrderFilled')!.payload as { side: string; amount: number; price: number; owner: string }
    expect(flatten).toMatchObject({ side: 'sell', amount: 10, price: 89.9, owner: 'manual' })
  })

  it('fires on a drawdown from the peak equity', () => {
    const { kernel, journal, feed } = makeKernel({ risk: { maxDrawdown: 0.0005 } })
    kernel.addEngine('long', scripted('long', { onMarket: (e, ctx) => void (e.type === 'bar' && e.openTime === T0 && ctx.createOrder('BTC/USDT', 'market', 'buy', 10)) }), {})
    // peak equity 100,100 at close 110; 0.05 % below it is 100,049.95: close 105 gives 100,050 (no), 104.9 gives 100,049 (yes)
    feed([bar(0, 100, 100, 100, 100), bar(1, 100, 110, 100, 110), bar(2, 110, 110, 105, 105), bar(3, 105, 105, 104.9, 104.9)])
    const halted = journal.findIndex((r) => r.type === 'TradingStateChanged')
    const trigger = journal.slice(0, halted).reverse().find((r) => r.type === 'bar')!.payload as { close: number }
    expect(trigger.close).toBe(104.9)
    expect((journal[halted].payload as { reason: string }).reason).toMatch(/^drawdown limit/)
  })

  it('gives each engine a seeded random stream: same seed and id, same numbers', () => {
    const draw = () => {
      const { kernel, feed } = makeKernel()
      const xs: number[] = []
      kernel.addEngine('r', scripted('r', { onMarket: (_e, ctx) => void xs.push(ctx.random()) }), {})
      feed([bar(0, 1, 1, 1, 1), bar(1, 1, 1, 1, 1)])
      return xs
    }
    const a = draw()
    expect(a).toEqual(draw())
    expect(new Set(a).size).toBe(2)
  })

  it('rejects malformed orders from an engine as a fault of that engine', () => {
    const { kernel, feed } = makeKernel()
    kernel.addEngine('x', scripted('x', { onMarket: (_e, ctx) => void ctx.createOrder('BTC/USDT', 'limit', 'buy', 1) }), {})
    feed([bar(0, 1, 1, 1, 1)])
    expect(kernel.engines()[0]).toMatchObject({ state: 'faulted', fault: 'InvalidOrder: createOrder: a limit order needs a positive price' })
  })
  it('refuses a client order id already used, whether given or made by an engine\'s counter', () => {
    const placed: string[] = []
    const errors: string[] = []
    const tryOrder = (ctx: Parameters<NonNullable<Engine['onMarket']>>[1], id?: string) => {
      try {
        placed.push(ctx.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 1, id === undefined ? {} : { clientOrderId: id }))
      } catch (err) {
        errors.push((err as Error).message)
      }
    }
    const { kernel, feed } = makeKernel()
    // a counts its own ids (a-1, a-2); b gives the id a's counter makes next, then a's first
    kernel.addEngine('a', scripted('a', { onMarket: (_e, ctx) => tryOrder(ctx) }), {})
    kernel.addEngine('b', scripted('b', { onMarket: (e, ctx) => tryOrder(ctx, e.ts === T0 + MINUTE ? 'a-2' : 'a-1') }), {})
    feed([bar(0, 10, 10, 10, 10), bar(1, 10, 10, 10, 10)])
    expect(placed).toEqual(['a-1', 'a-2'])
    expect(errors).toEqual(['createOrder: client order id a-2 was already used', 'createOrder: client order id a-1 was already used'])
  })
})
