import Database from 'better-sqlite3'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteNativeBinding } from '../../src/main/host/sqlite-native-binding'
import { defaultCaptureFiles, findAppRoot } from '../../src/main/transport/app-paths'
import { sharedDataPath } from '../support/shared-data'

const ROOT = resolve(__dirname, '../..')
const tmp = mkdtempSync(join(tmpdir(), 'theorycraft-paths-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('app paths', () => {
  it('finds the app folder from anywhere inside it (source or out/node bundle)', () => {
    expect(findAppRoot(join(ROOT, 'src', 'main', 'transport'))).toBe(ROOT)
    expect(findAppRoot(join(ROOT, 'out', 'node'))).toBe(ROOT)
    expect(() => findAppRoot(tmp)).toThrow('cannot find the TheoryCraft Workstation folder')
  })

  it('offers the shared hftbacktest spot capture by default, or what THEORYCRAFT_CAPTURES lists', () => {
    expect(defaultCaptureFiles(ROOT, {})).toEqual([sharedDataPath('hftbacktest/examples/spot/btcusdt_20240808.gz')])
    const usdm = sharedDataPath('hftbacktest/examples/usdm')
    const one = sharedDataPath('hftbacktest/examples/hyperliquid/btcusd_20250126.gz')
    expect(defaultCaptureFiles(ROOT, { THEORYCRAFT_CAPTURES: [usdm, one].join(delimiter) })).toEqual([join(usdm, 'btcusdt_20240808.gz'), one])
    expect(() => defaultCaptureFiles(ROOT, { THEORYCRAFT_CAPTURES: join(tmp, 'missing') })).toThrow('THEORYCRAFT_CAPTURES: ')
    // An app installed without the shared data folder next to it simply offers no captures.
    expect(defaultCaptureFiles(tmp, {})).toEqual([])
  })
})

describe('sqliteNativeBinding', () => {
  const nodeBuild = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')

  it('is undefined under plain Node, so better-sqlite3 loads its node_modules build', () => {
    const binding = sqliteNativeBinding(ROOT)
    expect(binding).toBeUndefined()
    const db = new Database(':memory:', { nativeBinding: binding })
    expect(db.prepare('select 1 + 1 as two').get()).toEqual({ two: 2 })
    db.close()
  })

  it('under Electron, names resources/native/electron-abi<ABI>/better_sqlite3.node when that file exists', () => {
    const electron = { ...process.versions, electron: '45.5.0', modules: '150' }
    expect(sqliteNativeBinding(tmp, electron)).toBeUndefined()
    const dir = join(tmp, 'resources', 'native', 'electron-abi150')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'better_sqlite3.node'), '')
    expect(sqliteNativeBinding(tmp, electron)).toBe(join(dir, 'better_sqlite3.node'))
    expect(sqliteNativeBinding(tmp, { ...electron, modules: '149' })).toBeUndefined()
  })

  it('the option loads an addon from an explicit path (a copy of the Node-ABI build stands in for the Electron one)', () => {
    const dir = join(tmp, 'resources', 'native', `node-abi${process.versions.modules}`)
    mkdirSync(dir, { recursive: true })
    copyFileSync(nodeBuild, join(dir, 'better_sqlite3.node'))
    const db = new Database(':memory:', { nativeBinding: join(dir, 'better_sqlite3.node') })
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory')
    db.close()
  })
})
