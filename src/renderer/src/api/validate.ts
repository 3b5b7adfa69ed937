import type { z } from 'zod'
import { COMMANDS, PUSHES, type CommandName, type CommandParams, type CommandResult, type PushPayload, type PushTopic } from '../../../shared/api'
import { CommandError } from './errors'

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ')
}

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name)
}

export function isTopic(name: string): name is PushTopic {
  return Object.hasOwn(PUSHES, name)
}

/** Checks params before they leave the page, so a bad form value gets a precise message. */
export function checkParams<K extends CommandName>(command: K, params: CommandParams<K>): unknown {
  const parsed = COMMANDS[command].params.safeParse(params)
  if (!parsed.success) throw new CommandError('ValidationError', `${command}: ${issues(parsed.error)}`, command)
  return parsed.data
}

export function checkResult<K extends CommandName>(command: K, result: unknown): CommandResult<K> {
  const parsed = COMMANDS[command].result.safeParse(result)
  if (!parsed.success) throw new CommandError('InternalError', `the host sent an invalid result for ${command}: ${issues(parsed.error)}`, command)
  return parsed.data as CommandResult<K>
}

export type PushCheck<T extends PushTopic> = { ok: true; payload: PushPayload<T> } | { ok: false; message: string }

export function checkPush<T extends PushTopic>(topic: T, payload: unknown): PushCheck<T> {
  const parsed = PUSHES[topic].safeParse(payload)
  if (parsed.success) return { ok: true, payload: parsed.data as PushPayload<T> }
  return { ok: false, message: `invalid ${topic} push dropped: ${issues(parsed.error)}` }
}

/** Fans pushes out to listeners by topic, validating each payload once. */
export class PushHub {
  private readonly listeners = new Map<PushTopic, Set<(payload: never) => void>>()
  private readonly invalid = new Set<(message: string) => void>()

  subscribe<T extends PushTopic>(topic: T, listener: (payload: PushPayload<T>) => void): () => void {
    let set = this.listeners.get(topic)
    if (!set) this.listeners.set(topic, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  onInvalid(listener: (message: string) => void): () => void {
    this.invalid.add(listener)
    return () => this.invalid.delete(listener)
  }

  deliver(topic: string, payload: unknown): void {
    if (!isTopic(topic)) {
      this.reportInvalid(`push with unknown topic "${topic.slice(0, 60)}" dropped`)
      return
    }
    const set = this.listeners.get(topic)
    if (!set || set.size === 0) return
    const checked = checkPush(topic, payload)
    if (!checked.ok) {
      this.reportInvalid(checked.message)
      return
    }
    for (const listener of set) {
      try {
        ;(listener as (p: unknown) => void)(checked.payload)
      } catch (err) {
        console.error(`listener for ${topic} failed`, err)
      }
    }
  }

  reportInvalid(message: string): void {
    console.warn(message)
    for (const l of this.invalid) l(message)
  }
}
