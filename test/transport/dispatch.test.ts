import { describe, expect, it } from 'vitest'
import { WorkstationError, type ApiError, type CommandHandlers } from '../../src/shared/api'
import { createDispatcher, inspect } from '../../src/main/transport/dispatch'
import { recordingHandlers, VALID_PARAMS, VALID_RESULTS } from './samples'

const call = (command: string, params: unknown, id = 7) => ({ kind: 'call', id, command, params })

function setup(options: Parameters<typeof createDispatcher>[1] = {}) {
  const rec = recordingHandlers()
  const internal: unknown[] = []
  const dispatch = createDispatcher(rec.handlers, { onInternalError: (_c, e) => internal.push(e), ...options })
  return { ...rec, dispatch, internal }
}

function withHandler(name: keyof CommandHandlers, fn: (p: unknown) => unknown, options: Parameters<typeof createDispatcher>[1] = {}) {
  const s = setup(options)
  ;(s.handlers as Record<string, unknown>)[name] = fn
  return s
}

async function errorOf(dispatch: (m: unknown) => Promise<unknown>, message: unknown): Promise<ApiError & { id: number }> {
  const r = (await dispatch(message)) as { kind: string; id: number; error: ApiError }
  expect(r.kind).toBe('error')
  return { ...r.error, id: r.id }
}

describe('dispatcher: valid calls', () => {
  it('passes the parsed params (a copy, not the caller object) to the handler and wraps the result', async () => {
    const { dispatch, calls } = setup()
    const params = structuredClone(VALID_PARAMS['order.create'])
    const r = await dispatch(call('order.create', params, 41))
    expect(r).toEqual({ kind: 'result', id: 41, result: VALID_RESULTS['order.create'] })
    expect(calls).toHaveLength(1)
    expect(calls[0].params).toEqual(params)
    expect(calls[0].params).not.toBe(params)
  })

  it('accepts JSON text (WebSocket) and objects (IPC) alike, and undefined optional fields (structured clone keeps them)', async () => {
    const { dispatch, calls } = setup()
    expect(await dispatch(JSON.stringify(call('mode.set', { mode: 'paper' }, 1)))).toEqual({ kind: 'result', id: 1, result: VALID_RESULTS['mode.set'] })
    expect(await dispatch(call('mode.set', { mode: 'paper', confirmation: undefined }, 2))).toMatchObject({ kind: 'result', id: 2 })
    expect(calls).toHaveLength(2)
  })
})

describe('dispatcher: validation errors say which field and what is wrong', () => {
  it('names the params field', async () => {
    const { dispatch, calls } = setup()
    expect(await errorOf(dispatch, call('mode.set', { mode: 'turbo' }))).toEqual({
      id: 7,
      type: 'ValidationError',
      message: 'params.mode: Invalid option: expected one of "backtest"|"replay"|"paper"|"live"'
    })
    const broker = { ...VALID_PARAMS['backtest.start'].broker, cash: '10000' }
    expect((await errorOf(dispatch, call('backtest.start', { ...VALID_PARAMS['backtest.start'], broker }))).message).toBe(
      'params.broker.cash: Invalid input: expected number, received string'
    )
    expect((await errorOf(dispatch, call('sweep.start', { ...VALID_PARAMS['sweep.start'], grid: { fast: [1, {}] } }))).message).toMatch(/^params\.grid\.fast\[1\]: /)
    expect((await errorOf(dispatch, call('app.info', { extra: 1 }))).message).toBe('params: Unrecognized key: "extra"')
    expect((await errorOf(dispatch, call('app.info', undefined))).message).toBe('params: Invalid input: expected object, received undefined')
    expect(calls).toEqual([])
  })

  it('rejects NaN and ±Infinity wherever they are (IPC can carry them; JSON text cannot)', async () => {
    const { dispatch, calls } = setup()
    const broker = { ...VALID_PARAMS['backtest.start'].broker, cash: Number.NaN }
    expect((await errorOf(dispatch, call('backtest.start', { ...VALID_PARAMS['backtest.start'], broker }))).message).toBe('params.broker.cash: NaN is not a finite number')
    expect((await errorOf(dispatch, call('replay.control', { sessionId: 's', action: 'seek', value: -Infinity }))).message).toBe(
      'params.value: -Infinity is not a finite number'
    )
    expect((await errorOf(dispatch, '{"kind":"call","id":1,"command":"app.info","params":{"x":NaN}}')).message).toMatch(/^message: not valid JSON/)
    expect(calls).toEqual([])
  })

  it('rejects __proto__, constructor and prototype keys without polluting anything', async () => {
    const { dispatch, calls } = setup()
    const text = '{"kind":"call","id":3,"command":"backtest.start","params":{"params":{"__proto__":{"polluted":1}}}}'
    expect(await errorOf(dispatch, text)).toEqual({ id: 3, type: 'ValidationError', message: 'params.params.__proto__: key "__proto__" is not allowed' })
    expect((await errorOf(dispatch, JSON.parse('{"kind":"call","id":3,"command":"app.info","params":{},"constructor":{"prototype":{}}}'))).message).toBe(
      'constructor: key "constructor" is not allowed'
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(calls).toEqual([])
  })

  it('caps the size: 1 MB of text, counted in UTF-8 bytes, and the same estimate for IPC objects', async () => {
    const { dispatch, calls } = setup()
    const bigText = JSON.stringify(call('order.cancel', { sessionId: 's', clientOrderId: 'x'.repeat(1_100_000) }))
    expect((await errorOf(dispatch, bigText)).message).toBe('message: larger than 1048576 bytes')
    // 400,000 euro signs are 400,000 UTF-16 units but 1.2 MB of UTF-8.
    const euros = JSON.stringify(call('order.cancel', { sessionId: 's', clientOrderId: '€'.repeat(400_000) }))
    expect(euros.length).toBeLessThan(1_048_576)
    expect((await errorOf(dispatch, euros)).message).toBe('message: larger than 1048576 bytes')
    const manyLevels = call('backtest.start', { ...VALID_PARAMS['backtest.start'], params: Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 'abcdefghij'])) })
    expect((await errorOf(dispatch, manyLevels)).message).toMatch(/^params\.params: message larger than 1048576 bytes$/)
    expect(calls).toEqual([])
  })

  it('caps nesting depth', async () => {
    const { dispatch, calls } = setup()
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const e = await errorOf(dispatch, call('app.info', { a: deep }))
    expect(e.message).toMatch(/^params\.a(\[0\])+: nested deeper than 32 levels$/)
    // JSON text that deep is refused without a stack overflow as well.
    expect((await errorOf(dispatch, `{"kind":"call","id":1,"command":"app.info","params":${'['.repeat(200_000)}${']'.repeat(200_000)}}`)).message).toMatch(
      /nested deeper than 32 levels|larger than/
    )
    expect(calls).toEqual([])
  })

  it('refuses values JSON cannot carry: Dates, Maps, typed arrays, functions, symbols, bigints', async () => {
    const { dispatch, calls } = setup()
    expect((await errorOf(dispatch, call('app.info', { d: new Date(0) }))).message).toBe('params.d: not a plain object (Date)')
    expect((await errorOf(dispatch, call('app.info', { m: new Map() }))).message).toBe('params.m: not a plain object (Map)')
    expect((await errorOf(dispatch, call('app.info', { t: new Uint8Array(2) }))).message).toBe('params.t: not a plain object (Uint8Array)')
    expect((await errorOf(dispatch, call('app.info', { f: () => 1 }))).message).toBe('params.f: values of type function are not allowed')
    expect((await errorOf(dispatch, call('app.info', { b: 1n }))).message).toBe('params.b: values of type bigint are not allowed')
    expect((await errorOf(dispatch, call('app.info', { [Symbol('s')]: 1 }))).message).toBe('params: symbol keys are not allowed')
    expect(calls).toEqual([])
  })

  it('checks the envelope and the command name; replies with id -1 when the id itself is unusable', async () => {
    const { dispatch } = setup()
    expect(await errorOf(dispatch, call('no.such', {}))).toEqual({ id: 7, type: 'ValidationError', message: 'command: unknown command "no.such"' })
    expect(await errorOf(dispatch, call('toString', {}))).toEqual({ id: 7, type: 'ValidationError', message: 'command: unknown command "toString"' })
    expect((await errorOf(dispatch, { ...call('app.info', {}), id: 1.5 })).id).toBe(-1)
    expect((await errorOf(dispatch, { ...call('app.info', {}), kind: 'push' })).message).toMatch(/^kind: /)
    expect(await errorOf(dispatch, 'not json')).toMatchObject({ id: -1, type: 'ValidationError' })
    expect(await errorOf(dispatch, null)).toEqual({ id: -1, type: 'ValidationError', message: 'message: Invalid input: expected object, received null' })
  })
})

describe('dispatcher: handler outcomes', () => {
  it('a WorkstationError keeps its type and message', async () => {
    const { dispatch } = withHandler('backtest.report', () => {
      throw new WorkstationError('NotFound', 'no run "r9"')
    })
    expect(await dispatch(call('backtest.report', { runId: 'r9' }))).toEqual({ kind: 'error', id: 7, error: { type: 'NotFound', message: 'no run "r9"' } })
  })

  it('anything else becomes InternalError with the first line of the message and no stack; the stack goes to the log', async () => {
    const err = new Error('disk on fire\nsecond line')
    const { dispatch, internal } = withHandler('data.list', async () => {
      throw err
    })
    const r = await errorOf(dispatch, call('data.list', {}))
    expect(r).toEqual({ id: 7, type: 'InternalError', message: 'data.list failed: disk on fire' })
    expect(r.message).not.toMatch(/\bat\s/)
    expect(internal).toEqual([err])

    const thrownString = withHandler('data.list', () => Promise.reject('plain string'))
    expect(await errorOf(thrownString.dispatch, call('data.list', {}))).toMatchObject({ type: 'InternalError', message: 'data.list failed: plain string' })
    const badType = withHandler('data.list', () => {
      throw new WorkstationError('Bogus' as ApiError['type'], 'x')
    })
    expect(await errorOf(badType.dispatch, call('data.list', {}))).toMatchObject({ type: 'InternalError' })
  })

  it('results are checked against the contract when validation is on (development), passed through when off', async () => {
    const bad = () => ({ mode: 'warp' })
    const dev = withHandler('mode.set', bad, { validateResults: true })
    const e = await errorOf(dev.dispatch, call('mode.set', { mode: 'paper' }))
    expect(e.type).toBe('InternalError')
    expect(e.message).toMatch(/^mode\.set returned an invalid result \(result\.mode: Invalid option/)
    expect(dev.internal).toHaveLength(1)
    const prod = withHandler('mode.set', bad, { validateResults: false })
    expect(await prod.dispatch(call('mode.set', { mode: 'paper' }))).toEqual({ kind: 'result', id: 7, result: { mode: 'warp' } })
  })
})

describe('inspect', () => {
  it('passes plain JSON data, including null-prototype objects', () => {
    expect(inspect({ a: [1, 'x', null, true, { b: Object.create(null) }] })).toBeNull()
  })
})
