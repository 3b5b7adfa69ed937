import type { CommandName, CommandParams, CommandResult, PushPayload, PushTopic } from '../../../shared/api'
import { toCommandError } from './errors'
import type { AppClient, ConnectionState } from './types'
import { checkParams, checkResult, PushHub } from './validate'

type BridgeFn = (...args: unknown[]) => unknown
/** What the Electron preload puts on `window.workstation`: one function per command, plus subscribe. */
export type PreloadBridge = Record<string, unknown> & { subscribe: (topic: string, listener: (payload: unknown) => void) => () => void }

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  return typeof value === 'object' && value !== null && typeof (value as { subscribe?: unknown }).subscribe === 'function'
}

/** "backtest.start" → "backtestStart" (the bridge may name its functions either way). */
function camel(command: string): string {
  return command.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase())
}

/**
 * Wraps the preload bridge so the renderer sees the same AppClient as over WebSocket: params
 * checked before sending, results and pushes validated against the contract on arrival.
 */
export class PreloadClient implements AppClient {
  private readonly hub = new PushHub()
  private readonly bridgeUnsubscribers = new Map<PushTopic, () => void>()
  private readonly state: ConnectionState = { status: 'connected', transport: 'electron', detail: null }

  constructor(private readonly bridge: PreloadBridge) {}

  connection(): ConnectionState {
    return this.state
  }

  onConnection(): () => void {
    return () => {}
  }

  onInvalidPush(listener: (message: string) => void): () => void {
    return this.hub.onInvalid(listener)
  }

  async call<K extends CommandName>(command: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    const checked = checkParams(command, params)
    const viaCall = this.bridge.call
    const fn = (this.bridge[command] ?? this.bridge[camel(command)]) as BridgeFn | undefined
    let result: unknown
    try {
      if (typeof fn === 'function') result = await fn(checked)
      else if (typeof viaCall === 'function') result = await (viaCall as BridgeFn)(command, checked)
      else throw new Error(`the preload bridge has no function for ${command}`)
    } catch (err) {
      throw toCommandError(err, command)
    }
    return checkResult(command, result)
  }

  subscribe<T extends PushTopic>(topic: T, listener: (payload: PushPayload<T>) => void): () => void {
    // One bridge subscription per topic; the hub validates each payload once and fans it out.
    if (!this.bridgeUnsubscribers.has(topic)) {
      this.bridgeUnsubscribers.set(
        topic,
        this.bridge.subscribe(topic, (payload) => this.hub.deliver(topic, payload))
      )
    }
    return this.hub.subscribe(topic, listener)
  }
}
