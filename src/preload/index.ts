import { contextBridge, ipcRenderer } from 'electron'
import { COMMANDS, IPC_CHANNELS, PUSHES, type ApiError } from '../shared/api'

/**
 * Exposes the contract to the renderer as `window.workstation`: one function per command, plus
 * `call` and `subscribe`, nothing else (no ipcRenderer, no event objects, no Node). The main
 * process validates every message; this side only shapes calls and fans pushes out to listeners.
 * A failed call rejects with the plain error envelope `{ type, message }` (ApiError), because
 * contextBridge drops the custom fields of Error instances.
 */

let nextId = 0

async function call(command: unknown, params: unknown): Promise<unknown> {
  const id = nextId++
  const response: unknown = await ipcRenderer.invoke(IPC_CHANNELS.call, { kind: 'call', id, command, params })
  if (isObject(response) && response.kind === 'result') return response.result
  const error: ApiError =
    isObject(response) && response.kind === 'error' && isObject(response.error)
      ? { type: response.error.type as ApiError['type'], message: String(response.error.message) }
      : { type: 'InternalError', message: 'malformed response from the main process' }
  throw error
}

const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(IPC_CHANNELS.push, (_event, message: unknown) => {
  if (!isObject(message) || message.kind !== 'push' || typeof message.topic !== 'string') return
  const set = listeners.get(message.topic)
  if (!set) return
  for (const listener of [...set]) {
    try {
      listener(message.payload)
    } catch (err) {
      console.error(`workstation: a ${message.topic} listener threw`, err)
    }
  }
})

function subscribe(topic: unknown, listener: unknown): () => void {
  if (typeof topic !== 'string' || !Object.hasOwn(PUSHES, topic)) throw new Error(`workstation.subscribe: unknown push topic ${JSON.stringify(topic)}`)
  if (typeof listener !== 'function') throw new Error('workstation.subscribe: the listener must be a function')
  const fn = listener as (payload: unknown) => void
  let set = listeners.get(topic)
  if (!set) listeners.set(topic, (set = new Set()))
  set.add(fn)
  return () => {
    set.delete(fn)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

const commands = Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, (params: unknown) => call(name, params)]))

contextBridge.exposeInMainWorld('workstation', { ...commands, call, subscribe })
