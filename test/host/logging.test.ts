import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, installCrashHandlers, makeRedactor, RotatingFile, type CrashReport } from '../../src/main/host/logging'
import { defaultSettings } from '../../src/main/host/settings'
import { createWorkstation } from '../../src/main/host/workstation'
import { WORKER_SCRIPT } from './harness'

const root = mkdtempSync(join(tmpdir(), 'theorycraft-logs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Line i as exactly 100 bytes (99 characters and the newline). */
const line = (i: number) => `line ${String(i).padStart(4, '0')} `.padEnd(99, '.') + '\n'

describe('rotating log files', () => {
  it('rotates at the size cap and keeps the newest files only (cap 1000 B × 5 files, 120 lines of 100 B)', () => {
    const dir = join(root, 'rotate')
    const f = new RotatingFile(dir, 'workstation.log', { maxBytes: 1000, maxFiles: 5 })
    for (let i = 1; i <= 120; i++) f.write(line(i))
    f.close()
    // 10 lines fill a file exactly; lines 1–70 went with the files rotated out
    expect(readdirSync(dir).sort()).toEqual(['workstation.log', 'workstation.log.1', 'workstation.log.2', 'workstation.log.3', 'workstation.log.4'])
    const lines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => Number(l.slice(5, 9)))
    expect(lines('workstation.log')).toEqual(Array.from({ length: 10 }, (_, k) => 111 + k))
    expect(lines('workstation.log.1')).toEqual(Array.from({ length: 10 }, (_, k) => 101 + k))
    expect(lines('workstation.log.4')).toEqual(Array.from({ length: 10 }, (_, k) => 71 + k))
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBe(1000)
    expect(f.files().map((p) => p.slice(dir.length + 1))).toEqual(['workstation.log', 'workstation.log.1', 'workstation.log.2', 'workstation.log.3', 'workstation.log.4'])

    // a new writer (the next start) appends to the current file up to the same cap
    const g = new RotatingFile(dir, 'workstation.log', { maxBytes: 1000, maxFiles: 5 })
    g.write(line(121))
    g.close()
    expect(lines('workstation.log')).toEqual([121])
    expect(lines('workstation.log.4')).toEqual(Array.from({ length: 10 }, (_, k) => 81 + k))
  })

  it('cuts one line longer than the cap; the defaults are 5 MB × 5 files', () => {
    const dir = join(root, 'long')
    const f = new RotatingFile(dir, 'x.log', { maxBytes: 300 })
    f.write(`${'y'.repeat(1000)}\n`)
    f.close()
    const text = readFileSync(join(dir, 'x.log'), 'utf8')
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(300)
    expect(text.endsWith(' … [line truncated]\n')).toBe(true)
    expect([DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES]).toEqual([5 * 1024 * 1024, 5])
  })

  it('the logger stamps, tags and rotates lines, and keeps the last problems for the diagnostics', () => {
    const dir = join(root, 'logger')
    let t = Date.UTC(2026, 10, 25, 12, 0, 0)
    const log = createLogger({ dir, maxBytes: 400, maxFiles: 2, env: {}, now: () => t++ })
    log.info('hello', { a: 1 })
    log.child('shell').warn('careful')
    log.debug('not written at the default level')
    expect(readFileSync(join(dir, 'workstation.log'), 'utf8')).toBe(
      '2026-11-25T12:00:00.000Z INFO  host     hello {"a":1}\n2026-11-25T12:00:00.001Z WARN  shell    careful\n'
    )
    for (let i = 0; i < 20; i++) log.error(`failure ${i}`, { error: new Error(`e${i}`) })
    log.close()
    expect(readdirSync(dir).sort()).toEqual(['workstation.log', 'workstation.log.1'])
    expect(log.recentProblems()).toHaveLength(21)
    expect(log.recentProblems()[0]).toContain('WARN  shell    careful')
  })
})

describe('secrets never reach the logs or the diagnostics', () => {
  it('redacts secret env values, named values, bearer tokens, key-shaped strings and private keys; leaves hashes and prose alone', () => {
    const redact = makeRedactor({ env: { BINANCE_API_KEY: 'envKeyValue123', MY_SECRET: 'hunter2hunter2', HOME: '/home/me', SHORT_TOKEN: 'abc' } })
    expect(redact('key envKeyValue123 and hunter2hunter2 in /home/me')).toBe('key [redacted $BINANCE_API_KEY] and [redacted $MY_SECRET] in /home/me')
    expect(redact('{"apiKey":"abcdef12","secret": "xyz98765", "name":"n"}')).toBe('{"apiKey":"[redacted]","secret": "[redacted]", "name":"n"}')
    expect(redact('GET /?token=qwertyuiop&x=1 X-MBX-APIKEY: AAAbbb111 password=pw')).toBe('GET /?token=[redacted]&x=1 X-MBX-APIKEY: [redacted] password=[redacted]')
    expect(redact('Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc')).toBe('Authorization: Bearer [redacted]')
    expect(redact('key vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A end')).toBe('key [redacted] end')
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[redacted private key]')
    const hash = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'
    expect(redact(`journal hash ${hash}, 3 tokens: ok`)).toBe(`journal hash ${hash}, 3 tokens: ok`)
  })

  it('a fake API key planted in the environment and in a venue profile appears in no log file, warning or diagnostics', async () => {
    const envKey = 'FAKEenvKEY0123456789abcdefGHIJKLmnop'
    const profileKey = 'PlantedProfileKey_9f8e7d6c'
    const profileSecret = 'planted-profile-secret-value'
    process.env.TC_TEST_EXCHANGE_API_KEY = envKey
    const folder = join(root, 'planted')
    mkdirSync(folder, { recursive: true })
    writeFileSync(
      join(folder, 'settings.json'),
      JSON.stringify({
        ...defaultSettings(),
        venueProfiles: [{ id: 'binance-main', name: 'Binance', exchange: 'binance', sandbox: true, apiKeyEnv: 'TC_TEST_EXCHANGE_API_KEY', secretEnv: null, apiKey: profileKey, secret: profileSecret }]
      })
    )
    const ws = createWorkstation({ dataFolder: folder, sampleDir: join(root, 'none'), workerScript: WORKER_SCRIPT })
    let texts: string[] = []
    try {
      const { warnings, settings } = await ws.handlers['settings.get']({})
      expect(warnings.join('\n')).toContain('the field "apiKey" was removed')
      expect(settings.venueProfiles[0]).toEqual({ id: 'binance-main', name: 'Binance', exchange: 'binance', sandbox: true, apiKeyEnv: 'TC_TEST_EXCHANGE_API_KEY', secretEnv: null })
      // everything that could carry the values into the log
      await ws.handlers['log.report']({ kind: 'error', message: `fetch failed with key ${envKey} / ${profileKey}`, stack: `Error: apiKey=${profileKey}\n    at connect (app.js:1:1)` })
      await expect(ws.handlers['data.import']({ path: join(root, `no-such-${envKey}.csv`), symbol: 'BTC/USDT' })).rejects.toMatchObject({ type: 'ValidationError' })
      ws.log.error('venue said', { request: { headers: { 'X-MBX-APIKEY': envKey }, body: `apiKey=${profileKey}&secret=${profileSecret}` } })
      const diagnostics = await ws.handlers['app.diagnostics']({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.108 Safari/537.36' })
      expect(diagnostics.text).toContain('binance-main: binance (sandbox); key from $TC_TEST_EXCHANGE_API_KEY (set); secret not configured')
      expect(diagnostics.text).toContain('[redacted $TC_TEST_EXCHANGE_API_KEY]') // the reported error, in "recent warnings and errors"
      texts = [JSON.stringify(diagnostics), JSON.stringify(warnings)]
    } finally {
      await ws.close()
      delete process.env.TC_TEST_EXCHANGE_API_KEY
    }
    const logs = readdirSync(join(folder, 'logs')).map((f) => readFileSync(join(folder, 'logs', f), 'utf8'))
    const log = logs.join('\n')
    expect(log).toContain('ERROR renderer error: fetch failed with key [redacted $TC_TEST_EXCHANGE_API_KEY] / ')
    expect(log).toContain('data.import: ValidationError: no file at ')
    for (const text of [...logs, ...texts, ...readdirSync(folder).filter((f) => f.startsWith('settings.json')).map((f) => readFileSync(join(folder, f), 'utf8'))]) {
      expect(text).not.toContain(envKey)
      expect(text).not.toContain(profileKey)
      expect(text).not.toContain(profileSecret)
    }
  })

  it('app.diagnostics: versions from the runtime and the packages, the data folder and its size', async () => {
    const folder = join(root, 'diag')
    const ws = createWorkstation({ dataFolder: folder, sampleDir: join(root, 'none'), workerScript: WORKER_SCRIPT })
    try {
      const d = await ws.handlers['app.diagnostics']({ userAgent: 'Mozilla/5.0 Chrome/156.0.8078.108 Safari/537.36' })
      const pkg = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../node_modules', name, 'package.json'), 'utf8')).version as string
      expect(d.versions).toMatchObject({ node: process.versions.node, chromium: '156.0.8078.108', ccxt: pkg('ccxt'), 'better-sqlite3': pkg('better-sqlite3') })
      expect(d.versions.ccxt).toBe('4.5.84')
      expect(d.versions.sqlite).toMatch(/^3\.\d+\.\d+$/)
      expect(d.versions.electron).toBeUndefined()
      expect(d.dataFolder.path).toBe(folder)
      expect(d.dataFolder.files.map((f) => f.name)).toEqual(expect.arrayContaining(['journal.sqlite', 'logs', 'settings.json']))
      expect(d.dataFolder.bytes).toBe(d.dataFolder.files.reduce((s, f) => s + f.bytes, 0))
      expect(d.dataFolder.files.find((f) => f.name === 'settings.json')?.bytes).toBe(statSync(join(folder, 'settings.json')).size)
      expect(d.logsFolder).toBe(join(folder, 'logs'))
      expect(d.text).toContain(`ccxt: ${d.versions.ccxt}`)
      expect(d.text).toContain(`data folder: ${folder} (`)
    } finally {
      await ws.close()
    }
  })
})

describe('uncaught errors', () => {
  it('are all logged with their stack, and the first one is shown once', () => {
    const dir = join(root, 'crash')
    const log = createLogger({ dir, env: {} })
    const shown: CrashReport[] = []
    const uninstall = installCrashHandlers(log, (r) => shown.push(r))
    try {
      process.emit('unhandledRejection', new Error('first failure apiKey=abcdefghij'), Promise.resolve())
      process.emit('unhandledRejection', 'second failure', Promise.resolve())
    } finally {
      uninstall()
      log.close()
    }
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ kind: 'unhandledRejection', message: 'first failure apiKey=[redacted]' })
    expect(shown[0].detail).toMatch(/^Error: first failure apiKey=\[redacted\]\n\s+at /)
    const text = readFileSync(join(dir, 'workstation.log'), 'utf8')
    expect(text).toMatch(/ERROR host {5}unhandledRejection: first failure apiKey=\[redacted\] \{"error":\{"name":"Error","message":"first failure apiKey=\[redacted\]","stack":"Error: first failure/)
    expect(text).toContain('unhandledRejection: second failure')
  })
})
