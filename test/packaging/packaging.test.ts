import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The packaging configuration, checked without packaging (no Electron binary can be fetched
 * here): electron-builder 26.17.0's own loader and schema validator read electron-builder.yml,
 * then the test checks the fields, fuses and targets the app relies on, and that every file the
 * package needs exists after `npm run build` and is matched by the `files` patterns.
 */

const ROOT = resolve(__dirname, '../..')
const require = createRequire(join(ROOT, 'package.json'))
const builderLib = require.resolve('app-builder-lib/package.json')
const { getConfig, validateConfiguration } = require(join(builderLib, '..', 'out/util/config/config.js')) as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>
  validateConfiguration(config: Config, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>
}
// the glob matcher electron-builder itself uses for `files`
const { minimatch } = createRequire(builderLib)('minimatch') as { minimatch(path: string, pattern: string, options?: { dot?: boolean }): boolean }

interface Config {
  appId?: string
  productName?: string
  asar?: boolean
  asarUnpack?: string[]
  /** after loading: `[{ filter: [...] }]` */
  files?: (string | { filter?: string[] })[]
  npmRebuild?: boolean
  buildDependenciesFromSource?: boolean
  electronFuses?: Record<string, boolean>
  directories?: { output?: string; buildResources?: string }
  linux?: { target?: string[]; icon?: string; maintainer?: string }
  mac?: { target?: string; icon?: string }
  win?: { target?: string; icon?: string }
  [key: string]: unknown
}

const noDebug = { isEnabled: false, add() {} }
let config: Config

beforeAll(async () => {
  config = await getConfig(ROOT, 'electron-builder.yml', null)
  // the files the package is made of: built if they are missing (npm test builds first anyway)
  if (!existsSync(join(ROOT, 'out/main/index.js')) || !existsSync(join(ROOT, 'out/preload/index.cjs')) || !existsSync(join(ROOT, 'out/renderer/index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe' })
  }
})

/** Whether electron-builder's `files` patterns (later ones win, `!` excludes) take this app-relative path. */
function packaged(path: string, patterns: string[]): boolean {
  let taken = false
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (minimatch(path, p.slice(1), { dot: true })) taken = false
    } else if (minimatch(path, p, { dot: true })) taken = true
  }
  return taken
}

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

describe('electron-builder.yml', () => {
  it('is valid for electron-builder 26.17.0 (its own schema), and the validator does reject a wrong field', async () => {
    expect(JSON.parse(readFileSync(builderLib, 'utf8')).version).toBe('26.17.0')
    await expect(validateConfiguration(structuredClone(config), noDebug)).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...structuredClone(config), electronFuses: { runAsNode: false, notAFuse: true } }, noDebug)).rejects.toThrow(/configuration\.electronFuses/)
  })

  it('names the app, and builds AppImage + deb, dmg and an NSIS installer', () => {
    expect(config.appId).toBe('dev.theorycraft.workstation')
    expect(config.productName).toBe('TheoryCraft Workstation')
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/) // deb packages need a maintainer e-mail
    expect(config.mac?.target).toBe('dmg')
    expect(config.win?.target).toBe('nsis')
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>
    expect(scripts.dist).toBe('npm run build && electron-builder')
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main).toBe('./out/main/index.js')
  })

  it('packs into asar, unpacks native addons, and rebuilds better-sqlite3 for Electron’s ABI', () => {
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('**/*.node')
    expect(minimatch('node_modules/better-sqlite3/build/Release/better_sqlite3.node', config.asarUnpack![0])).toBe(true)
    expect(config.npmRebuild).toBe(true)
    expect(config.buildDependenciesFromSource).toBe(false)
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies['better-sqlite3']).toBeDefined()
  })

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('packages every file the app needs after `npm run build`, and leaves out source maps and scratch output', () => {
    const files = config.files!.flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])))
    expect(files).toContain('out/**')
    expect(files).toContain('resources/**')
    const needed = ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/node/session-worker.js']
    const samples = readdirSync(join(ROOT, 'resources/sample')).map((f) => `resources/sample/${f}`)
    expect(samples).toEqual(['resources/sample/BTC-USDT-1m-synthetic.csv', 'resources/sample/ETH-USDT-1d-synthetic.csv'])
    const assets = readdirSync(join(ROOT, 'out/renderer/assets')).map((f) => `out/renderer/assets/${f}`)
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true)
    for (const path of [...needed, ...samples, ...assets]) {
      expect(existsSync(join(ROOT, path)), `${path} exists`).toBe(true)
      expect(statSync(join(ROOT, path)).size, `${path} is not empty`).toBeGreaterThan(0)
      expect(packaged(path, files), `${path} is packaged`).toBe(true)
    }
    for (const path of ['out/node/session-worker.js.map', 'out/perf/bench.js', 'resources/icon/icon.svg']) expect(packaged(path, files), `${path} is left out`).toBe(false)
    // the renderer's page loads its script from the packaged assets
    const html = readFileSync(join(ROOT, 'out/renderer/index.html'), 'utf8')
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script && existsSync(join(ROOT, 'out/renderer', script))).toBe(true)
  })

  it('has icons of every size each platform needs, all drawn from the one SVG', () => {
    expect(config.directories?.buildResources).toBe('resources/icon')
    expect(readFileSync(join(ROOT, 'resources/icon/icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 1024 1024"/)
    // Linux: a folder of NxN.png
    expect(config.linux?.icon).toBe('resources/icon/png')
    for (const n of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(pngSize(join(ROOT, `resources/icon/png/${n}x${n}.png`))).toEqual({ width: n, height: n })
    // Windows: an .ico holding 16…256 px PNGs
    expect(config.win?.icon).toBe('resources/icon/icon.ico')
    const ico = readFileSync(join(ROOT, 'resources/icon/icon.ico'))
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1])
    const icoSizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256)
    expect(icoSizes).toEqual([16, 24, 32, 48, 64, 128, 256])
    for (let i = 0; i < icoSizes.length; i++) {
      const offset = ico.readUInt32LE(6 + 16 * i + 12)
      expect(ico.subarray(offset + 1, offset + 4).toString('ascii')).toBe('PNG')
      expect(ico.readUInt32BE(offset + 16)).toBe(icoSizes[i])
    }
    // macOS: an .icns up to 1024 px (ic10)
    expect(config.mac?.icon).toBe('resources/icon/icon.icns')
    const icns = readFileSync(join(ROOT, 'resources/icon/icon.icns'))
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    const types: string[] = []
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.subarray(at, at + 4).toString('ascii'))
    expect(types).toEqual(['icp4', 'icp5', 'icp6', 'ic07', 'ic08', 'ic09', 'ic10'])
  })
})
