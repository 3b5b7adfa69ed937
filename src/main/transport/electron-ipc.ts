import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { IPC_CHANNELS, type PushTopic } from '../../shared/api'
import { checkPush, createDispatcher, isDevelopment, type DispatcherOptions, type WireResponse } from './dispatch'
import { isTrustedSender } from './ipc-sender'
import type { TransportWorkstation } from './workstation-port'

/**
 * The Electron IPC transport: `workstation:call` (invoke → wire response) and
 * `workstation:push` (main → renderer). Every call is checked twice: the sender must be the main
 * frame of one of the app's windows showing the app's own origin, and the message goes through
 * the same dispatcher as WebSocket messages.
 */

export interface IpcOptions {
  workstation: TransportWorkstation
  /** the app's origin, e.g. `app://workstation` */
  origin: string
  /** the windows allowed to call and to receive pushes */
  windows: () => readonly WebContents[]
  dispatcher?: DispatcherOptions
  validatePushes?: boolean
}

export interface IpcTransport {
  /** sends a push to every app window (used by the shell for pushes that do not come from the host) */
  push(topic: PushTopic, payload: unknown): void
  detach(): void
}

export function attachIpc(options: IpcOptions): IpcTransport {
  const dispatch = createDispatcher(options.workstation.handlers, options.dispatcher)
  const validatePushes = options.validatePushes ?? isDevelopment()

  ipcMain.handle(IPC_CHANNELS.call, async (event: IpcMainInvokeEvent, message: unknown): Promise<WireResponse> => {
    const frame = event.senderFrame
    const trusted = isTrustedSender(
      {
        webContentsId: event.sender.id,
        isMainFrame: frame !== null && frame.parent === null && frame.routingId === event.sender.mainFrame.routingId,
        frameUrl: frame?.url ?? null
      },
      { webContentsIds: new Set(options.windows().map((w) => w.id)), origin: options.origin }
    )
    if (!trusted) {
      console.error(`[workstation] refused an IPC call from ${frame?.url ?? 'a destroyed frame'}`)
      return { kind: 'error', id: -1, error: { type: 'Unauthorized', message: 'the caller is not the workstation window' } }
    }
    return dispatch(message)
  })

  function push(topic: PushTopic, payload: unknown): void {
    if (validatePushes) {
      const check = checkPush(topic, payload)
      if (!check.ok) return console.error(`[workstation] dropped an invalid ${topic} push: ${check.error}`)
    }
    for (const contents of options.windows()) if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.push, { kind: 'push', topic, payload })
  }

  const unsubscribe = options.workstation.onPush(push)
  return {
    push,
    detach() {
      unsubscribe()
      ipcMain.removeHandler(IPC_CHANNELS.call)
    }
  }
}
