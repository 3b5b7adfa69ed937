import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../src/main/transport/csp'
import { isTrustedSender } from '../../src/main/transport/ipc-sender'
import { APP_ORIGIN, APP_START_URL, mainWindowOptions, MODE_COLOURS, modeFrameCss, windowTitle } from '../../src/main/window-options'

const ROOT = resolve(__dirname, '../..')

describe('main window options', () => {
  const options = mainWindowOptions({ preload: '/app/out/preload/index.cjs', mode: 'backtest', devTools: false })

  it('isolate the renderer: context isolation, sandbox, no Node, web security on', () => {
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      devTools: false
    })
  })

  it('dark background, hidden until ready, titled with the mode', () => {
    expect(options.backgroundColor).toBe('#0d1117')
    expect(options.show).toBe(false)
    expect(options.title).toBe('TheoryCraft — BACKTEST')
    expect(mainWindowOptions({ preload: 'p', mode: 'live', devTools: true }).title).toBe('TheoryCraft — LIVE')
  })

  it('mode cues: one title and one frame colour per mode, live the loudest (red)', () => {
    expect(['backtest', 'replay', 'paper', 'live'].map((m) => windowTitle(m as 'live'))).toEqual([
      'TheoryCraft — BACKTEST',
      'TheoryCraft — REPLAY',
      'TheoryCraft — PAPER',
      'TheoryCraft — LIVE'
    ])
    expect(new Set(Object.values(MODE_COLOURS)).size).toBe(4)
    expect(MODE_COLOURS.live).toBe('#f85149')
    expect(modeFrameCss('paper')).toContain(`border:3px solid ${MODE_COLOURS.paper}`)
    expect(modeFrameCss('paper')).toContain('pointer-events:none')
  })

  it('the app page lives on its own app:// origin', () => {
    expect(APP_ORIGIN).toBe('app://workstation')
    expect(APP_START_URL).toBe('app://workstation/index.html')
  })
})

describe('content security policy', () => {
  const electronCsp = contentSecurityPolicy()
  const serverCsp = contentSecurityPolicy({ connect: ['ws://127.0.0.1:43123'] })

  it('is exactly the strict policy', () => {
    expect(electronCsp).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    )
    expect(serverCsp).toContain("connect-src 'self' ws://127.0.0.1:43123;")
  })

  it('has no eval, no inline scripts, no wildcard and no remote host', () => {
    for (const csp of [electronCsp, serverCsp]) {
      const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
      expect(csp).not.toContain('unsafe-eval')
      expect(csp).not.toContain('*')
      expect(directives['script-src']).toEqual(["'self'"])
      expect(directives['object-src']).toEqual(["'none'"])
      const hosts = csp.match(/[a-z]+:\/\/[^\s;]+/g) ?? []
      expect(hosts.every((h) => h.startsWith('ws://127.0.0.1:'))).toBe(true)
    }
  })

  it('accepts only loopback connect sources', () => {
    for (const bad of ['ws://evil.example:1', '*', "'unsafe-eval'", 'https://127.0.0.1:1', 'ws://127.0.0.1:1; script-src *', 'ws://localhost:1'])
      expect(() => contentSecurityPolicy({ connect: [bad] }), bad).toThrow('CSP: connect-src source')
  })

  it('ships with nosniff and no-referrer (the page URL carries the token)', () => {
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff')
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('no-referrer')
  })
})

describe('IPC sender check', () => {
  const trusted = { webContentsIds: new Set([3]), origin: APP_ORIGIN }
  const ok = { webContentsId: 3, isMainFrame: true, frameUrl: 'app://workstation/index.html' }

  it('trusts only the main frame of an app window showing the app origin', () => {
    expect(isTrustedSender(ok, trusted)).toBe(true)
    expect(isTrustedSender({ ...ok, frameUrl: 'app://workstation/index.html?x=1#y' }, trusted)).toBe(true)
    const refused: [string, typeof ok | { webContentsId: number; isMainFrame: boolean; frameUrl: string | null }][] = [
      ['another window', { ...ok, webContentsId: 4 }],
      ['an iframe', { ...ok, isMainFrame: false }],
      ['a destroyed frame', { ...ok, frameUrl: null }],
      ['a remote page', { ...ok, frameUrl: 'https://evil.example/' }],
      ['another app host', { ...ok, frameUrl: 'app://evil/index.html' }],
      ['a file page', { ...ok, frameUrl: 'file:///opt/theorycraft/out/renderer/index.html' }],
      ['a lookalike host', { ...ok, frameUrl: 'app://workstation.evil/index.html' }],
      ['credentials in the URL', { ...ok, frameUrl: 'app://user:pw@workstation/' }],
      ['garbage', { ...ok, frameUrl: 'not a url' }]
    ]
    for (const [what, sender] of refused) expect(isTrustedSender(sender, trusted), what).toBe(false)
  })
})

describe('Electron stays out of what tests and Node load', () => {
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : []
    })
  }
  const importsElectron = (file: string) => /(?:from|import|require\()\s*\(?\s*['"]electron(?:\/[^'"]*)?['"]/.test(readFileSync(file, 'utf8'))

  it('only the entry, the IPC adapter and the preload import electron', () => {
    const files = [...sources(join(ROOT, 'src/main')), ...sources(join(ROOT, 'src/preload')), ...sources(join(ROOT, 'src/shared'))]
    expect(files.length).toBeGreaterThan(30)
    expect(files.filter(importsElectron).map((f) => relative(ROOT, f)).sort()).toEqual(['src/main/index.ts', 'src/main/transport/electron-ipc.ts', 'src/preload/index.ts'])
  })

  it('the import check recognises an electron import and its absence', () => {
    expect(importsElectron(join(ROOT, 'src/main/index.ts'))).toBe(true)
    expect(importsElectron(join(ROOT, 'src/main/window-options.ts'))).toBe(false)
  })
})
