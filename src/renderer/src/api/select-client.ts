import { isPreloadBridge, PreloadClient } from './preload-client'
import type { AppClient } from './types'
import { WebSocketClient } from './ws-client'

/** Electron's preload bridge when the page runs in the desktop app, else the WebSocket transport. */
export function selectClient(win: Window): AppClient {
  const bridge = (win as Window & { workstation?: unknown }).workstation
  if (isPreloadBridge(bridge)) return new PreloadClient(bridge)
  return WebSocketClient.fromLocation(win.location)
}
