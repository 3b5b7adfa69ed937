import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { IPC_CHANNELS, type PushTopic } from '../../src/shared/api'
import { attachIpc, type IpcTransport } from '../../src/main/transport/electron-ipc'
import { APP_ORIGIN } from '../../src/main/window-options'
import { recordingHandlers, VALID_PUSHES, VALID_RESULTS } from './samples'

// Stand-in for ipcMain (the real module needs the Electron binary, which cannot run here).
const fake = vi.hoisted(() => ({ handlers: new Map<string, (event: unknown, message: unknown) => Promise<unknown>>() }))
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, message: unknown) => Promise<unknown>) => {
      if (fake.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      fake.handlers.set(channel, fn)
    },
    removeHandler: (channel: string) => fake.handlers.delete(channel)
  }
}))

function fakeWindow(id: number) {
  const sent: { channel: string; message: unknown }[] = []
  let destroyed = false
  return {
    id,
    mainFrame: { routingId: 1 },
    sent,
    isDestroyed: () => destroyed,
    destroy: () => void (destroyed = true),
    send: (channel: string, message: unknown) => void sent.push({ channel, message })
  }
}

const rec = recordingHandlers()
const listeners = new Set<(topic: PushTopic, payload: unknown) => void>()
const win = fakeWindow(5)
const other = fakeWindow(6)
let windows = [win]
let ipc: IpcTransport
const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})

beforeAll(() => {
  ipc = attachIpc({
    workstation: {
      handlers: rec.handlers,
      onPush: (l) => {
        listeners.add(l)
        return () => void listeners.delete(l)
      }
    },
    origin: APP_ORIGIN,
    windows: () => windows as never,
    validatePushes: true
  })
})

afterAll(() => quiet.mockRestore())

const call = (event: unknown, message: unknown) => fake.handlers.get(IPC_CHANNELS.call)!(event, message)
const from = (sender: { id: number; mainFrame: { routingId: number } }, frame: { url: string; parent?: unknown; routingId?: number } | null) => ({
  sender,
  senderFrame: frame && { parent: frame.parent ?? null, routingId: frame.routingId ?? 1, url: frame.url }
})
const msg = { kind: 'call', id: 9, command: 'app.info', params: {} }

describe('Electron IPC transport', () => {
  it('answers the app window’s main frame through the dispatcher', async () => {
    expect(await call(from(win, { url: 'app://workstation/index.html' }), msg)).toEqual({ kind: 'result', id: 9, result: VALID_RESULTS['app.info'] })
    expect(await call(from(win, { url: 'app://workstation/index.html' }), { ...msg, params: { x: 1 } })).toMatchObject({
      kind: 'error',
      error: { type: 'ValidationError', message: 'params: Unrecognized key: "x"' }
    })
    expect(rec.calls.map((c) => c.command)).toEqual(['app.info'])
  })

  it('refuses iframes, foreign pages, other windows and vanished frames with Unauthorized, before any handler', async () => {
    rec.calls.length = 0
    const unauthorized = { kind: 'error', id: -1, error: { type: 'Unauthorized', message: 'the caller is not the workstation window' } }
    expect(await call(from(win, { url: 'app://workstation/index.html', parent: {} }), msg)).toEqual(unauthorized)
    expect(await call(from(win, { url: 'app://workstation/index.html', routingId: 2 }), msg)).toEqual(unauthorized)
    expect(await call(from(win, { url: 'https://evil.example/' }), msg)).toEqual(unauthorized)
    expect(await call(from(win, { url: 'file:///etc/passwd' }), msg)).toEqual(unauthorized)
    expect(await call(from(win, null), msg)).toEqual(unauthorized)
    expect(await call(from(other, { url: 'app://workstation/index.html' }), msg)).toEqual(unauthorized)
    expect(rec.calls).toEqual([])
  })

  it('pushes to every live app window; invalid pushes are dropped in development builds', () => {
    windows = [win, other]
    for (const l of listeners) l('engines', { sessionId: 's-1', engines: 'bad' })
    for (const l of listeners) l('engines', VALID_PUSHES.engines)
    other.destroy()
    for (const l of listeners) l('logs', VALID_PUSHES.logs)
    ipc.push('mode.changed', { mode: 'replay' })
    expect(win.sent).toEqual([
      { channel: 'workstation:push', message: { kind: 'push', topic: 'engines', payload: VALID_PUSHES.engines } },
      { channel: 'workstation:push', message: { kind: 'push', topic: 'logs', payload: VALID_PUSHES.logs } },
      { channel: 'workstation:push', message: { kind: 'push', topic: 'mode.changed', payload: { mode: 'replay' } } }
    ])
    expect(other.sent.map((s) => (s.message as { topic: string }).topic)).toEqual(['engines'])
  })

  it('detach() removes the handler and the push subscription', () => {
    ipc.detach()
    expect(fake.handlers.has(IPC_CHANNELS.call)).toBe(false)
    expect(listeners.size).toBe(0)
  })
})
