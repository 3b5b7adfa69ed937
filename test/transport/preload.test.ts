import { beforeAll, describe, expect, it, vi } from 'vitest'
import { ApiErrorSchema, COMMANDS, IPC_CHANNELS } from '../../src/shared/api'
import { VALID_PUSHES } from './samples'

// The Electron binary cannot run here, and loading the real `electron` module in Node tries to
// download it: the preload runs against a stand-in for the two objects it touches.
const fake = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, unknown>>(),
  invoke: null as null | ((channel: string, message: unknown) => Promise<unknown>),
  sent: [] as { channel: string; message: unknown }[],
  on: new Map<string, (event: unknown, message: unknown) => void>()
}))

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => fake.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, message: unknown) => {
      fake.sent.push({ channel, message })
      return fake.invoke ? fake.invoke(channel, message) : Promise.reject(new Error('no main process'))
    },
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => fake.on.set(channel, listener)
  }
}))

type Bridge = Record<string, (...args: unknown[]) => unknown>
let api: Bridge

beforeAll(async () => {
  await import('../../src/preload/index')
  api = fake.exposed.get('workstation') as Bridge
})

const push = (message: unknown) => fake.on.get(IPC_CHANNELS.push)?.({ sender: 'the ipc event must not leak' }, message)

describe('preload bridge', () => {
  it('exposes window.workstation only: one function per command, call and subscribe, nothing else', () => {
    expect([...fake.exposed.keys()]).toEqual(['workstation'])
    expect(Object.keys(api).sort()).toEqual([...Object.keys(COMMANDS), 'call', 'subscribe'].sort())
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
  })

  it('sends wire calls on the call channel and resolves with the result', async () => {
    fake.invoke = async (_channel, message) => ({ kind: 'result', id: (message as { id: number }).id, result: { mode: 'replay' } })
    fake.sent.length = 0
    await expect(api['mode.set']({ mode: 'replay' })).resolves.toEqual({ mode: 'replay' })
    await expect(api.call('app.info', {})).resolves.toEqual({ mode: 'replay' })
    expect(fake.sent).toHaveLength(2)
    expect(fake.sent[0]).toEqual({ channel: 'workstation:call', message: { kind: 'call', id: expect.any(Number), command: 'mode.set', params: { mode: 'replay' } } })
    expect(fake.sent[1].message).toMatchObject({ kind: 'call', command: 'app.info', params: {} })
    expect((fake.sent[1].message as { id: number }).id).toBeGreaterThan((fake.sent[0].message as { id: number }).id)
  })

  it('rejects with the plain error envelope (contextBridge would strip an Error subclass)', async () => {
    fake.invoke = async (_c, message) => ({ kind: 'error', id: (message as { id: number }).id, error: { type: 'NotFound', message: 'no run "r1"' } })
    const err = await (api['backtest.report']({ runId: 'r1' }) as Promise<unknown>).catch((e: unknown) => e)
    expect(err).toEqual({ type: 'NotFound', message: 'no run "r1"' })
    expect(ApiErrorSchema.safeParse(err).success).toBe(true)
    fake.invoke = async () => 'garbage'
    expect(await (api['data.list']({}) as Promise<unknown>).catch((e: unknown) => e)).toEqual({ type: 'InternalError', message: 'malformed response from the main process' })
  })

  it('delivers pushes by topic, payload only (never the IPC event), until unsubscribed', () => {
    const books: unknown[][] = []
    const logs: unknown[][] = []
    const stop = api.subscribe('book', (...args: unknown[]) => books.push(args)) as () => void
    api.subscribe('logs', (...args: unknown[]) => logs.push(args))
    push({ kind: 'push', topic: 'book', payload: VALID_PUSHES.book })
    push({ kind: 'push', topic: 'fills', payload: VALID_PUSHES.fills })
    push({ kind: 'nonsense' })
    push(null)
    expect(books).toEqual([[VALID_PUSHES.book]])
    expect(logs).toEqual([])
    stop()
    push({ kind: 'push', topic: 'book', payload: VALID_PUSHES.book })
    expect(books).toHaveLength(1)
  })

  it('a throwing listener does not stop the others', () => {
    const got: unknown[] = []
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    api.subscribe('account', () => {
      throw new Error('panel bug')
    })
    api.subscribe('account', (p: unknown) => got.push(p))
    push({ kind: 'push', topic: 'account', payload: VALID_PUSHES.account })
    expect(got).toEqual([VALID_PUSHES.account])
    expect(quiet).toHaveBeenCalledTimes(1)
    quiet.mockRestore()
  })

  it('refuses unknown topics and non-function listeners', () => {
    expect(() => api.subscribe('secrets', () => {})).toThrow('unknown push topic "secrets"')
    expect(() => api.subscribe('__proto__', () => {})).toThrow('unknown push topic')
    expect(() => api.subscribe('book', 'not a function')).toThrow('the listener must be a function')
  })
})
