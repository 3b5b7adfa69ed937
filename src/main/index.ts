import { app, BrowserWindow, clipboard, dialog, globalShortcut, Menu, protocol, safeStorage, session, shell, type MenuItemConstructorOptions } from 'electron'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMMANDS, type CommandHandlers, type CommandName, type Mode } from '../shared/api'
import { dataFolder } from './host/data-folder'
import { captureConsole, createLogger, installCrashHandlers, logsFolder } from './host/logging'
import { createWorkstation } from './host/workstation'
import type { Encryptor } from './host/credential-store'
import { sqliteNativeBinding } from './host/sqlite-native-binding'
import { SQLITE_BINDING_ENV } from './core/sqlite-driver'
import { defaultCaptureFiles } from './transport/app-paths'
import { contentSecurityPolicy, SECURITY_HEADERS } from './transport/csp'
import { attachIpc, type IpcTransport } from './transport/electron-ipc'
import { resolveStaticFile } from './transport/static-files'
import { APP_HOST, APP_ORIGIN, APP_SCHEME, APP_START_URL, mainWindowOptions, modeFrameCss, windowTitle } from './window-options'

/**
 * The Electron shell, kept thin: the host runs in this process (its sessions run in worker
 * threads), the renderer is the built page served from app://workstation, and everything the
 * renderer does goes through the IPC transport. The shell adds windows, menus, the kill-switch
 * shortcut and the mode shown in the title and frame.
 */

const here = dirname(fileURLToPath(import.meta.url))
const rendererDir = join(here, '..', 'renderer')
// Sandboxed preloads cannot be ES modules: electron.vite.config.ts emits CommonJS.
const preloadPath = join(here, '..', 'preload', 'index.cjs')
const CSP = contentSecurityPolicy()
const KILL_SWITCH = 'CommandOrControl+Shift+K'
/** Permissions the page may have: writing to the clipboard (About → Copy diagnostics); nothing else. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

// The shell and the host share one rotating log in <dataFolder>/logs; secrets are redacted line by line.
const folder = dataFolder()
const logger = createLogger({ dir: logsFolder(folder), source: 'shell' })
captureConsole(logger)
installCrashHandlers(logger, (r) =>
  dialog.showErrorBox('TheoryCraft Workstation: unexpected error', `${r.message}\n\nThe details are in the log (Help → Open Logs Folder). Further errors are logged without this message.`)
)

type Workstation = Awaited<ReturnType<typeof createWorkstation>>

let workstation: Workstation | null = null
let ipc: IpcTransport | null = null
let mainWindow: BrowserWindow | null = null
let mode: Mode = 'backtest'
let frameCssKey: string | null = null
let killSwitchIsGlobal = false
let quitting = false

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }])
app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  // A second instance would share the data folder and the journal with the first.
  app.quit()
} else {
  app.on('second-instance', () => {
    logger.info('a second instance was started; focusing this one')
    if (mainWindow?.isMinimized()) mainWindow.restore()
    mainWindow?.focus()
  })
  start().catch((err: unknown) => {
    logger.error('could not start', { error: err })
    // e.g. the journal's writer lock, naming the program that holds it
    dialog.showErrorBox('TheoryCraft Workstation could not start', logger.redact(err instanceof Error ? err.message : String(err)))
    logger.close()
    app.exit(1)
  })
}

app.on('web-contents-created', (_event, contents) => {
  // One page, no navigation, no popups, no webviews.
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

app.on('window-all-closed', () => app.quit())

app.on('before-quit', (event) => {
  if (quitting || workstation === null) return
  // Let the host flush its journals before the process goes.
  event.preventDefault()
  quitting = true
  ipc?.detach()
  void Promise.resolve(workstation.close())
    .catch((err: unknown) => console.error('[workstation] close failed:', err))
    .finally(() => {
      logger.info('quit')
      app.quit()
    })
})

app.on('will-quit', () => globalShortcut.unregisterAll())
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

async function start(): Promise<void> {
  await app.whenReady()
  hardenSession()
  protocol.handle(APP_SCHEME, serveRenderer)

  const root = app.getAppPath()
  // The Electron-ABI build of the SQLite addon, for this process and the session workers.
  const binding = sqliteNativeBinding(root)
  if (binding) process.env[SQLITE_BINDING_ENV] = binding.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
  logger.info(`starting TheoryCraft Workstation ${app.getVersion()} (electron ${process.versions.electron}, chrome ${process.versions.chrome})`, { dataFolder: folder, packaged: app.isPackaged })
  const ws = await createWorkstation({ dataFolder: folder, sampleDir: join(root, 'resources', 'sample'), captureFiles: defaultCaptureFiles(root), appKind: 'app', logger, encryptor: keychain() })
  workstation = ws
  mode = (await ws.handlers['app.info']({})).mode
  ipc = attachIpc({
    workstation: { handlers: observeModeChanges(ws.handlers), onPush: (listener) => ws.onPush(listener) },
    origin: APP_ORIGIN,
    windows: () => (mainWindow && !mainWindow.isDestroyed() ? [mainWindow.webContents] : [])
  })

  killSwitchIsGlobal = globalShortcut.register(KILL_SWITCH, () => void pressKillSwitch(false))
  if (!killSwitchIsGlobal) console.warn(`[workstation] ${KILL_SWITCH} is taken by another program; the kill switch works while the window has focus`)
  Menu.setApplicationMenu(buildMenu())
  createWindow()
}

/** API keys typed in the window are encrypted with the OS keychain; Chromium's plain-text fallback is refused. */
function keychain(): Encryptor {
  const backend = (): string => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'darwin' ? 'keychain' : 'dpapi')
  return {
    backend,
    async unavailable() {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'the OS keychain is not available'
      if (backend() === 'basic_text') return 'no OS keychain was found, only the plain-text fallback, which is refused'
      return null
    },
    encrypt: (plain) => safeStorage.encryptStringAsync(plain),
    decrypt: async (data) => (await safeStorage.decryptStringAsync(data)).result
  }
}

function hardenSession(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)))
  ses.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
  ses.setDevicePermissionHandler(() => false)
  // The renderer talks to the host over IPC only: no network, no file:// reads.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !/^(app|data|blob|devtools):/.test(details.url) }))
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) if (name.toLowerCase() !== 'content-security-policy') headers[name] = value
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CSP] } })
  })
}

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP, ...SECURITY_HEADERS }
  if (url.host !== APP_HOST || request.method !== 'GET') return new Response('not found', { status: 404, headers: plain })
  const found = await resolveStaticFile(rendererDir, url.pathname)
  if (!found.ok) return new Response(found.reason, { status: found.status, headers: plain })
  const body = await readFile(found.file)
  return new Response(new Uint8Array(body), { headers: { ...plain, 'Content-Type': found.contentType } })
}

function createWindow(): void {
  const win = new BrowserWindow(mainWindowOptions({ preload: preloadPath, mode, devTools: !app.isPackaged }))
  mainWindow = win
  // The title is the mode indicator; the page does not get to change it.
  win.on('page-title-updated', (event) => event.preventDefault())
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  win.webContents.on('did-finish-load', () => {
    frameCssKey = null
    void showMode(mode)
  })
  win.webContents.on('render-process-gone', (_event, details) => logger.error(`renderer gone: ${details.reason}`, { exitCode: details.exitCode }))
  void win.loadURL(APP_START_URL)
}

/** Wraps `mode.set` so the shell learns of every change, whoever made it. */
function observeModeChanges(handlers: CommandHandlers): CommandHandlers {
  const wrapped = Object.fromEntries(
    (Object.keys(COMMANDS) as CommandName[]).map((name) => [name, (params: unknown) => (handlers[name] as (p: unknown) => unknown).call(handlers, params)])
  ) as CommandHandlers
  wrapped['mode.set'] = async (params) => {
    const result = await handlers['mode.set'](params)
    await showMode(result.mode)
    return result
  }
  return wrapped
}

async function showMode(next: Mode): Promise<void> {
  const changed = next !== mode
  mode = next
  if (changed) Menu.setApplicationMenu(buildMenu())
  ipc?.push('mode.changed', { mode })
  const win = mainWindow
  if (!win || win.isDestroyed()) return
  win.setTitle(windowTitle(mode))
  const contents = win.webContents
  if (frameCssKey !== null) await contents.removeInsertedCSS(frameCssKey)
  frameCssKey = await contents.insertCSS(modeFrameCss(mode))
}

async function setMode(next: Exclude<Mode, 'live'>): Promise<void> {
  if (!workstation) return
  try {
    const result = await workstation.handlers['mode.set']({ mode: next })
    await showMode(result.mode)
  } catch (err) {
    dialog.showErrorBox('Mode not changed', err instanceof Error ? err.message : String(err))
    Menu.setApplicationMenu(buildMenu())
  }
}

async function pressKillSwitch(flatten: boolean): Promise<void> {
  if (!workstation) return
  try {
    const result = await workstation.handlers['killSwitch.press']({ flatten, reason: flatten ? 'kill switch and flatten (menu)' : 'kill switch (menu or shortcut)' })
    const detail = `${result.sessions} session(s) halted, ${result.cancelled} order(s) cancelled${flatten ? ', positions flattened' : ''}.`
    if (mainWindow && !mainWindow.isDestroyed()) void dialog.showMessageBox(mainWindow, { type: 'warning', message: 'Kill switch pressed', detail })
    else console.warn(`[workstation] kill switch: ${detail}`)
  } catch (err) {
    dialog.showErrorBox('Kill switch failed', err instanceof Error ? err.message : String(err))
  }
}

function buildMenu(): Menu {
  const modeItem = (value: Exclude<Mode, 'live'>, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: mode === value,
    click: () => void setMode(value)
  })
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    {
      // No reload: reloading would drop the panels' state while sessions keep running.
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as MenuItemConstructorOptions])
      ]
    },
    {
      label: 'Trading',
      submenu: [
        {
          label: 'Kill Switch (cancel all, halt)',
          accelerator: KILL_SWITCH,
          // When the shortcut is global, the menu only shows it; registering it twice would fire twice.
          registerAccelerator: !killSwitchIsGlobal,
          click: () => void pressKillSwitch(false)
        },
        { label: 'Kill Switch and Flatten Positions', click: () => void pressKillSwitch(true) },
        { type: 'separator' },
        { label: `Mode: ${mode.toUpperCase()}`, enabled: false },
        modeItem('backtest', 'Backtest'),
        modeItem('replay', 'Replay'),
        modeItem('paper', 'Paper'),
        {
          label: 'Live…',
          type: 'radio',
          checked: mode === 'live',
          click: () => {
            // Going live needs "LIVE" typed in the window's mode switch; the menu does not bypass it.
            Menu.setApplicationMenu(buildMenu())
            void dialog.showMessageBox({ type: 'info', message: 'Switch to LIVE in the window', detail: 'Open the mode switch in the toolbar and type LIVE to confirm.' })
          }
        }
      ]
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'About TheoryCraft Workstation…', click: () => void showAbout() },
        { type: 'separator' },
        { label: 'Open Logs Folder', click: () => void openFolder(logger.dir) },
        { label: 'Open Data Folder', click: () => void openFolder(folder) }
      ]
    }
  ]
  return Menu.buildFromTemplate(template)
}

async function openFolder(path: string): Promise<void> {
  const error = await shell.openPath(path)
  if (error) dialog.showErrorBox('Cannot open the folder', `${path}: ${error}`)
}

/** Versions, data folder and logs, with a button that copies the (redacted) diagnostics text. */
async function showAbout(): Promise<void> {
  if (!workstation) return
  const userAgent = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.getUserAgent() : undefined
  const d = await workstation.handlers['app.diagnostics'](userAgent ? { userAgent } : {})
  const options = { type: 'info' as const, title: 'About', message: `TheoryCraft Workstation ${d.versions.app}`, detail: d.text, buttons: ['Copy Diagnostics', 'Close'], defaultId: 1, cancelId: 1 }
  const { response } = mainWindow && !mainWindow.isDestroyed() ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options)
  if (response === 0) clipboard.writeText(d.text)
}
