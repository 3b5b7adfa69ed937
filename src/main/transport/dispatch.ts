import type { z } from 'zod'
import {
  ApiErrorSchema,
  COMMANDS,
  PUSHES,
  WireRequestSchema,
  WorkstationError,
  type ApiError,
  type CommandHandlers,
  type CommandName,
  type PushTopic,
  type WireResponseSchema
} from '../../shared/api'

/**
 * The one entry point both transports (WebSocket and Electron IPC) hand untrusted messages to.
 * Order of checks: size → JSON → shape guard (depth, forbidden keys, non-finite numbers,
 * non-plain objects) → wire envelope → command name → params schema → handler → result schema
 * (development builds). Whatever fails before the handler is a `ValidationError` naming the
 * field; the handler is never called with anything its params schema did not accept.
 */

export type WireResponse = z.output<typeof WireResponseSchema>

export interface Limits {
  /** JSON text size in bytes (or an estimate of it for structured IPC messages) */
  maxBytes: number
  /** nesting depth of objects and arrays, the envelope counting as 1 */
  maxDepth: number
}

export const DEFAULT_LIMITS: Readonly<Limits> = { maxBytes: 1024 * 1024, maxDepth: 32 }

/** Keys that could reach an object's prototype chain once the value is copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

const MAX_ERROR_CHARS = 500
const UNKNOWN_ID = -1

export interface DispatcherOptions {
  /** validate handler results against the contract; default: on unless NODE_ENV is 'production' */
  validateResults?: boolean
  limits?: Partial<Limits>
  /** where unexpected handler failures (with their stacks) are reported; default console.error */
  onInternalError?: (command: string, error: unknown) => void
}

export type Dispatch = (message: unknown) => Promise<WireResponse>

export function isDevelopment(): boolean {
  return process.env.NODE_ENV !== 'production'
}

export function createDispatcher(handlers: CommandHandlers, options: DispatcherOptions = {}): Dispatch {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits }
  const validateResults = options.validateResults ?? isDevelopment()
  const report = options.onInternalError ?? ((command, error) => console.error(`[workstation] ${command} failed:`, error))

  return async function dispatch(message: unknown): Promise<WireResponse> {
    let id = UNKNOWN_ID
    let command = '(unknown)'
    try {
      const decoded = decode(message, limits)
      if (!decoded.ok) return failure(id, 'ValidationError', decoded.error)
      const value = decoded.value
      id = attributableId(value)
      const guard = inspect(value, limits, '')
      if (guard) return failure(id, 'ValidationError', guard)

      const envelope = WireRequestSchema.safeParse(value)
      if (!envelope.success) return failure(id, 'ValidationError', describeIssues(envelope.error.issues, ''))
      id = envelope.data.id
      command = envelope.data.command
      if (!Object.hasOwn(COMMANDS, command)) return failure(id, 'ValidationError', `command: unknown command ${quote(command)}`)
      const name = command as CommandName

      const params = COMMANDS[name].params.safeParse(envelope.data.params)
      if (!params.success) return failure(id, 'ValidationError', describeIssues(params.error.issues, 'params'))

      const handler = handlers[name] as ((p: unknown) => unknown) | undefined
      if (typeof handler !== 'function') {
        report(name, new Error(`no handler for ${name}`))
        return failure(id, 'InternalError', `${name}: not implemented by this host`)
      }
      const result = await handler.call(handlers, params.data)

      if (validateResults) {
        const checked = COMMANDS[name].result.safeParse(result)
        if (!checked.success) {
          const detail = describeIssues(checked.error.issues, 'result')
          report(name, new Error(`${name} returned a result that breaks the contract: ${detail}`))
          return failure(id, 'InternalError', `${name} returned an invalid result (${detail})`)
        }
      }
      return { kind: 'result', id, result }
    } catch (err) {
      return fromThrown(id, command, err, report)
    }
  }
}

/** Checks a push before it is sent (transports do this in development builds). */
export function checkPush(topic: string, payload: unknown, limits: Limits = DEFAULT_LIMITS): { ok: true } | { ok: false; error: string } {
  if (!Object.hasOwn(PUSHES, topic)) return { ok: false, error: `topic: unknown push topic ${quote(topic)}` }
  const guard = inspect(payload, limits, 'payload')
  if (guard) return { ok: false, error: guard }
  const parsed = PUSHES[topic as PushTopic].safeParse(payload)
  return parsed.success ? { ok: true } : { ok: false, error: describeIssues(parsed.error.issues, 'payload') }
}

type Decoded = { ok: true; value: unknown } | { ok: false; error: string }

/** Size check and JSON parsing for text; structured (IPC) values pass as they are. */
function decode(message: unknown, limits: Limits): Decoded {
  let value = message
  if (typeof message === 'string') {
    // UTF-8 needs at most 3 bytes per UTF-16 unit, so the exact count is only needed near the cap.
    if (message.length > limits.maxBytes || (message.length * 3 > limits.maxBytes && Buffer.byteLength(message) > limits.maxBytes))
      return { ok: false, error: `message: larger than ${limits.maxBytes} bytes` }
    try {
      value = JSON.parse(message)
    } catch (err) {
      return { ok: false, error: `message: not valid JSON (${firstLine(err).slice(0, 120)})` }
    }
  }
  return { ok: true, value }
}

/**
 * Walks a JSON-like value and returns what is wrong with it, or null. Only null, booleans,
 * finite numbers, strings, arrays and plain objects pass (`undefined` too: structured clone
 * keeps optional fields that were set to undefined). The budget estimates the JSON size, so a
 * structured IPC message is held to the same cap as WebSocket text.
 */
export function inspect(value: unknown, limits: Limits = DEFAULT_LIMITS, root = ''): string | null {
  let budget = limits.maxBytes
  const walk = (v: unknown, path: string, depth: number): string | null => {
    switch (typeof v) {
      case 'undefined':
        return null
      case 'boolean':
        budget -= 5
        break
      case 'number':
        if (!Number.isFinite(v)) return `${label(path)}: ${String(v)} is not a finite number`
        budget -= 8
        break
      case 'string':
        budget -= v.length + 2
        break
      case 'object': {
        if (v === null) {
          budget -= 4
          break
        }
        if (depth >= limits.maxDepth) return `${label(path)}: nested deeper than ${limits.maxDepth} levels`
        budget -= 2
        if (Array.isArray(v)) {
          budget -= v.length
          if (budget < 0) return tooBig(path)
          for (let i = 0; i < v.length; i++) {
            const problem = walk(v[i], `${path}[${i}]`, depth + 1)
            if (problem) return problem
          }
          return null
        }
        const proto = Object.getPrototypeOf(v)
        if (proto !== Object.prototype && proto !== null) return `${label(path)}: not a plain object (${describeObject(v)})`
        for (const key of Reflect.ownKeys(v)) {
          if (typeof key === 'symbol') return `${label(path)}: symbol keys are not allowed`
          const child = joinPath(path, key)
          if (FORBIDDEN_KEYS.has(key)) return `${label(child)}: key ${quote(key)} is not allowed`
          budget -= key.length + 4
          if (budget < 0) return tooBig(path)
          const problem = walk((v as Record<string, unknown>)[key], child, depth + 1)
          if (problem) return problem
        }
        return null
      }
      default:
        return `${label(path)}: values of type ${typeof v} are not allowed`
    }
    return budget < 0 ? tooBig(path) : null
  }
  const tooBig = (path: string) => `${label(path)}: message larger than ${limits.maxBytes} bytes`
  const label = (path: string) => (root && path ? `${root}${path.startsWith('[') ? '' : '.'}${path}` : root || path || 'message')
  return walk(value, '', 0)
}

function describeObject(v: object): string {
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name ? name.slice(0, 40) : 'unknown prototype'
}

function joinPath(path: string, key: string): string {
  const shown = /^[A-Za-z_$][\w$]*$/.test(key) ? key : null
  if (shown !== null) return path ? `${path}.${shown}` : shown
  return `${path}[${quote(key)}]`
}

/** `params.broker.cash: Invalid input: expected number, received string; params: Unrecognized key: "x"` */
function describeIssues(issues: readonly z.core.$ZodIssue[], root: string): string {
  const parts = issues.slice(0, 4).map((issue) => {
    let path = root
    for (const segment of issue.path) {
      if (typeof segment === 'number') path += `[${segment}]`
      else path = typeof segment === 'string' ? joinPath(path, segment) : `${path}[symbol]`
    }
    return `${path || 'message'}: ${issue.message.slice(0, 200)}`
  })
  if (issues.length > 4) parts.push(`and ${issues.length - 4} more`)
  return cap(parts.join('; '))
}

function attributableId(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNKNOWN_ID
  // Only an own data property: reading through a getter or the prototype chain could run code.
  const id = Object.getOwnPropertyDescriptor(value, 'id')?.value
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : UNKNOWN_ID
}

function fromThrown(id: number, command: string, err: unknown, report: (command: string, error: unknown) => void): WireResponse {
  if (err instanceof WorkstationError && ApiErrorSchema.shape.type.safeParse(err.type).success) {
    return failure(id, err.type, cap(String(err.message)))
  }
  report(command, err)
  // The first line of the message helps the user; the stack stays in the host's log.
  return failure(id, 'InternalError', cap(`${command} failed: ${firstLine(err)}`))
}

function failure(id: number, type: ApiError['type'], message: string): WireResponse {
  return { kind: 'error', id, error: { type, message: cap(message) } }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error'
  return text.split('\n', 1)[0]
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

function cap(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text
}
