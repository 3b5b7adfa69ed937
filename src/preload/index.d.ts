import type { ApiError, CommandName, CommandParams, CommandResult, WorkstationClient } from '../shared/api'

/** What the preload exposes: `call`, `subscribe`, and one function per command, named like the command. */
export type WorkstationBridge = WorkstationClient & { readonly [K in CommandName]: (params: CommandParams<K>) => Promise<CommandResult<K>> }

/** A failed bridge call rejects with the plain envelope (contextBridge strips Error subclasses). */
export type WorkstationBridgeError = ApiError

declare global {
  interface Window {
    /** present in the Electron app only; in a browser the renderer uses the WebSocket client */
    readonly workstation?: WorkstationBridge
  }
}
