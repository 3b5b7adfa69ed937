/**
 * Which IPC senders are the workstation's own renderer: the main frame (not an iframe) of one of
 * the app's windows, showing a page of the app's own origin. Pure, so it is tested without Electron.
 */
export interface SenderInfo {
  webContentsId: number
  /** whether the sending frame is its window's main frame */
  isMainFrame: boolean
  /** the sending frame's URL; null when the frame is gone */
  frameUrl: string | null
}

export interface TrustedSenders {
  webContentsIds: ReadonlySet<number>
  /** e.g. `app://workstation` */
  origin: string
}

export function isTrustedSender(sender: SenderInfo, trusted: TrustedSenders): boolean {
  if (!trusted.webContentsIds.has(sender.webContentsId) || !sender.isMainFrame || sender.frameUrl === null) return false
  let url: URL
  try {
    url = new URL(sender.frameUrl)
  } catch {
    return false
  }
  // URL.origin is "null" for custom schemes, so compare scheme and host directly.
  return url.username === '' && url.password === '' && `${url.protocol}//${url.host}` === trusted.origin
}
