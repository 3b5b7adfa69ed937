import type { Mode } from '../shared/api'

/**
 * The main window's options and the mode's visual cues, kept free of any `electron` import so
 * tests can assert them field by field (loading `electron` in Node tries to download the binary).
 */

export const APP_SCHEME = 'app'
export const APP_HOST = 'workstation'
/** The renderer's own origin in the desktop app: the built files served by the app:// protocol. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_START_URL = `${APP_ORIGIN}/index.html`

export const BACKGROUND_COLOUR = '#0d1117'

/** Frame colour per mode: calm for simulations, loud for real money. */
export const MODE_COLOURS: Readonly<Record<Mode, string>> = {
  backtest: '#2f81f7',
  replay: '#a371f7',
  paper: '#d29922',
  live: '#f85149'
}

export function windowTitle(mode: Mode): string {
  return `TheoryCraft — ${mode.toUpperCase()}`
}

/** Injected by the shell (not the page), so the border shows the mode even if the renderer misbehaves. */
export function modeFrameCss(mode: Mode): string {
  return `html::after{content:"";position:fixed;inset:0;border:3px solid ${MODE_COLOURS[mode]};pointer-events:none;z-index:2147483647}`
}

export interface WindowOptionsInput {
  /** absolute path of the built preload script (CommonJS: sandboxed preloads cannot be ESM) */
  preload: string
  mode: Mode
  devTools: boolean
}

export function mainWindowOptions(input: WindowOptionsInput) {
  return {
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: windowTitle(input.mode),
    backgroundColor: BACKGROUND_COLOUR,
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools
    }
  } as const
}
