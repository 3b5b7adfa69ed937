import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SettingsSchema, type Settings } from '../../src/shared/api'
import { defaultSettings, loadSettingsFile } from '../../src/main/host/settings'
import { createWorkstation } from '../../src/main/host/workstation'
import { WORKER_SCRIPT } from './harness'

const root = mkdtempSync(join(tmpdir(), 'theorycraft-settings-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

/** A fresh folder holding settings.json with this content (or none). */
function folderWith(content: string | null): { dir: string; file: string } {
  const dir = join(root, `f${++n}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'settings.json')
  if (content !== null) writeFileSync(file, content)
  return { dir, file }
}

const onDisk = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'))
const backups = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('settings.json.bad-')).sort()

describe('settings.json', () => {
  it('a new folder gets the defaults, written, with no warning', () => {
    const { dir, file } = folderWith(null)
    const r = loadSettingsFile(file)
    expect(r).toEqual({ settings: defaultSettings(), warnings: [], backup: null, wrote: true, removedSecrets: [] })
    expect(onDisk(file)).toEqual(defaultSettings())
    expect(backups(dir)).toEqual([])
    // the defaults satisfy the schema the renderer validates with
    expect(SettingsSchema.parse(defaultSettings())).toEqual(defaultSettings())
  })

  it('an empty file: defaults, a warning, the file kept as settings.json.bad-1', () => {
    const { dir, file } = folderWith('  \n')
    const r = loadSettingsFile(file)
    expect(r.settings).toEqual(defaultSettings())
    expect(r.warnings).toEqual(['settings.json is empty; the default settings are in use. The old file was kept as settings.json.bad-1.'])
    expect(backups(dir)).toEqual(['settings.json.bad-1'])
    expect(readFileSync(join(dir, 'settings.json.bad-1'), 'utf8')).toBe('  \n')
    expect(onDisk(file)).toEqual(defaultSettings())
    // repaired: the next start is clean
    expect(loadSettingsFile(file).warnings).toEqual([])
  })

  it('a corrupt file: defaults, a warning with the place of the error (not the file’s text), a backup; backups are numbered', () => {
    const { dir, file } = folderWith('{"theme": "dark",')
    const r = loadSettingsFile(file)
    expect(r.settings).toEqual(defaultSettings())
    // 17 characters, the parser stops at the end of line 1
    expect(r.warnings).toEqual(['settings.json is not valid JSON (line 1, column 18); the default settings are in use. The old file was kept as settings.json.bad-1.'])
    expect(readFileSync(join(dir, 'settings.json.bad-1'), 'utf8')).toBe('{"theme": "dark",')

    writeFileSync(file, '{\n  "version": 1,\n  "theme": dark\n}')
    const again = loadSettingsFile(file)
    expect(again.warnings[0]).toMatch(/^settings\.json is not valid JSON; the default settings are in use\. The old file was kept as settings\.json\.bad-2\.$/)
    expect(backups(dir)).toEqual(['settings.json.bad-1', 'settings.json.bad-2'])
  })

  it('a file from a newer version is not read: defaults, a warning naming its version, the file kept unchanged', () => {
    const future = JSON.stringify({ ...defaultSettings(), version: 2, theme: 'solarized', workspaces: [] }, null, 2)
    const { dir, file } = folderWith(future)
    const r = loadSettingsFile(file)
    expect(r.settings).toEqual(defaultSettings())
    expect(r.warnings).toEqual([
      'settings.json was written by a newer version of TheoryCraft Workstation (settings version 2; this version reads 1); the default settings are in use. The old file was kept as settings.json.bad-1.'
    ])
    expect(readFileSync(join(dir, 'settings.json.bad-1'), 'utf8')).toBe(future)
  })

  it('a bad section falls back alone: the other sections are kept, the old file is backed up', () => {
    const s: Settings = { ...defaultSettings(), recentFiles: ['/data/a.csv'], layout: { splits: { main: 0.3 }, centerTab: 'report', bottomTab: 'fills' } }
    const { dir, file } = folderWith(JSON.stringify({ ...s, theme: 'neon', extra: 1 }))
    const r = loadSettingsFile(file)
    expect(r.settings).toEqual({ ...s, theme: 'dark' })
    expect(r.warnings).toEqual([
      'settings.json: theme: Invalid option: expected one of "dark"|"high-contrast"; "theme" was reset to its default.',
      'settings.json: unknown setting "extra" was dropped.',
      'The file as it was is kept as settings.json.bad-1.'
    ])
    expect(backups(dir)).toEqual(['settings.json.bad-1'])
    expect(onDisk(file)).toEqual({ ...s, theme: 'dark' })
  })

  it('a section missing from an older file gets its default without a warning', () => {
    const { venueProfiles: _dropped, ...older } = { ...defaultSettings(), theme: 'high-contrast' as const }
    const { file } = folderWith(JSON.stringify(older))
    const r = loadSettingsFile(file)
    expect(r.warnings).toEqual([])
    expect(r.settings).toEqual({ ...defaultSettings(), theme: 'high-contrast' })
  })

  it('credentials written into a venue profile are removed (named, never quoted) and not kept in any file', () => {
    const key = 'PLANTEDkeyAbc123XYZ789def456GHI000jkl'
    const profile = { id: 'binance-main', name: 'Binance', exchange: 'binance', sandbox: true, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: null, apiKey: key, secret: 's3cr3t-value' }
    const { dir, file } = folderWith(JSON.stringify({ ...defaultSettings(), venueProfiles: [profile] }))
    const r = loadSettingsFile(file)
    expect(r.settings.venueProfiles).toEqual([{ id: 'binance-main', name: 'Binance', exchange: 'binance', sandbox: true, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: null }])
    expect(r.warnings).toHaveLength(2)
    expect(r.removedSecrets).toEqual([key, 's3cr3t-value'])
    expect(r.warnings[0]).toBe(
      'settings.json: venueProfiles.0 (binance-main): the field "apiKey" was removed: credentials are never kept in settings.json; put them in environment variables and name those in apiKeyEnv / secretEnv.'
    )
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8')
      expect(text).not.toContain(key)
      expect(text).not.toContain('s3cr3t-value')
    }
  })

  it('an unreadable settings.json (a folder) gives defaults and a warning, never a crash', () => {
    const { dir, file } = folderWith(null)
    mkdirSync(file)
    const r = loadSettingsFile(file)
    expect(r.settings).toEqual(defaultSettings())
    expect(r.warnings).toEqual(['settings.json cannot be read (EISDIR); the default settings are in use and changes will not be saved until it is fixed.'])
    expect(backups(dir)).toEqual([])
  })
})

describe('settings.get / settings.set through the host', () => {
  it('a corrupt file: the host starts, answers the defaults with the warning, logs it; set writes and a new host reads it back', async () => {
    const { dir, file } = folderWith('{ not json')
    const ws = createWorkstation({ dataFolder: dir, sampleDir: join(root, 'none'), workerScript: WORKER_SCRIPT })
    try {
      const got = await ws.handlers['settings.get']({})
      expect(got.settings).toEqual(defaultSettings())
      expect(got.file).toBe(file)
      expect(got.warnings).toEqual([expect.stringMatching(/^settings\.json is not valid JSON.*kept as settings\.json\.bad-1\.$/)])
      expect(readFileSync(join(dir, 'logs', 'workstation.log'), 'utf8')).toContain('WARN  host     settings: settings.json is not valid JSON')

      const set = await ws.handlers['settings.set']({
        settings: { theme: 'high-contrast', backtest: { ...defaultSettings().backtest, risk: { maxOpenOrders: 3 } }, layout: { splits: { main: 0.4 }, centerTab: 'report', bottomTab: 'log' } }
      })
      expect(set.settings.theme).toBe('high-contrast')
      expect(onDisk(file)).toEqual(set.settings)
      // a secret cannot be stored through the API either
      await expect(
        ws.handlers['settings.set']({ settings: { venueProfiles: [{ id: 'x', name: 'x', exchange: 'binance', sandbox: false, apiKeyEnv: null, secretEnv: null, apiKey: 'abc' }] } } as never)
      ).rejects.toMatchObject({ type: 'ValidationError', message: expect.stringContaining('apiKey') })
      await expect(ws.handlers['settings.set']({ settings: { layout: { splits: { main: 1.5 }, centerTab: 'x', bottomTab: 'y' } } })).rejects.toMatchObject({ type: 'ValidationError' })
    } finally {
      await ws.close()
    }
    const again = createWorkstation({ dataFolder: dir, sampleDir: join(root, 'none'), workerScript: WORKER_SCRIPT })
    try {
      const got = await again.handlers['settings.get']({})
      expect(got.warnings).toEqual([])
      expect(got.settings).toMatchObject({ theme: 'high-contrast', layout: { splits: { main: 0.4 }, centerTab: 'report', bottomTab: 'log' }, backtest: { risk: { maxOpenOrders: 3 } } })
    } finally {
      await again.close()
    }
    expect(existsSync(join(dir, 'settings.json.bad-1'))).toBe(true)
  })
})
