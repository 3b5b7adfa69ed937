import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, platform, release } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { Diagnostics, Settings } from '../../shared/api'
import type { Redactor } from './logging'

export interface DiagnosticsInput {
  appVersion: string
  dataFolder: string
  logsFolder: string
  settingsFile: string
  settings: Settings
  /** the renderer's navigator.userAgent (it carries the Chromium version) */
  userAgent?: string
  /** the last warnings and errors of the log, already redacted */
  recentProblems?: readonly string[]
  redact: Redactor
  env?: NodeJS.ProcessEnv
}

/**
 * What a bug report needs: versions, platform, the data folder and its size, the settings in
 * outline and the last problems logged. The text is redacted last, as a whole; venue profiles
 * show only whether their credential variables are set, never a value.
 */
export function collectDiagnostics(input: DiagnosticsInput): Diagnostics {
  const env = input.env ?? process.env
  const versions: Record<string, string> = { app: input.appVersion }
  if (process.versions.electron) versions.electron = process.versions.electron
  const chromium = chromiumOf(input.userAgent) ?? process.versions.chrome
  if (chromium) versions.chromium = chromium
  versions.node = process.versions.node
  versions.v8 = process.versions.v8
  versions.sqlite = sqliteVersion()
  versions['better-sqlite3'] = packageVersion('better-sqlite3')
  versions.ccxt = packageVersion('ccxt')
  const platformText = `${platform()} ${release()} ${arch()}`

  const files = existsSync(input.dataFolder)
    ? readdirSync(input.dataFolder)
        .sort()
        .map((name) => ({ name, bytes: sizeOf(join(input.dataFolder, name)) }))
    : []
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0)

  const s = input.settings
  const lines = [
    `TheoryCraft Workstation ${input.appVersion}`,
    ...Object.entries(versions)
      .filter(([k]) => k !== 'app')
      .map(([k, v]) => `${k}: ${v}`),
    `platform: ${platformText}`,
    `data folder: ${input.dataFolder} (${formatBytes(bytes)})`,
    ...files.map((f) => `  ${f.name}: ${formatBytes(f.bytes)}`),
    `logs: ${input.logsFolder}`,
    `settings: ${input.settingsFile}`,
    `  theme ${s.theme}; ${s.recentFiles.length} recent file(s); backtest defaults: ${s.backtest.engine}, cash ${s.backtest.broker.cash}, taker fee ${s.backtest.broker.takerFee}`,
    `  venue profiles: ${s.venueProfiles.length === 0 ? 'none' : ''}`,
    ...s.venueProfiles.map(
      (v) => `    ${v.id}: ${v.exchange}${v.sandbox ? ' (sandbox)' : ''}; key ${credential(v.apiKeyEnv, env)}; secret ${credential(v.secretEnv, env)}`
    ),
    `recent warnings and errors: ${input.recentProblems?.length ? '' : 'none'}`,
    ...(input.recentProblems ?? []).map((l) => `  ${l}`)
  ]
  const text = input.redact(lines.join('\n'))
  return {
    versions,
    platform: platformText,
    dataFolder: { path: input.dataFolder, bytes, files },
    logsFolder: input.logsFolder,
    settingsFile: input.settingsFile,
    text
  }
}

/** `Chrome/156.0.8078.108` in a user agent → 156.0.8078.108. */
export function chromiumOf(userAgent: string | undefined): string | undefined {
  return userAgent ? /(?:Chrome|Chromium)\/([\d.]+)/.exec(userAgent)?.[1] : undefined
}

function credential(envName: string | null, env: NodeJS.ProcessEnv): string {
  if (envName === null) return 'not configured'
  return `from $${envName} (${env[envName] ? 'set' : 'not set'})`
}

function sqliteVersion(): string {
  try {
    const db = new Database(':memory:')
    try {
      return (db.prepare('select sqlite_version() as v').get() as { v: string }).v
    } finally {
      db.close()
    }
  } catch (err) {
    return `unavailable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`
  }
}

/**
 * A package's version from its package.json, found from its entry point: importing ccxt only to
 * read its version would cost a second, and its `exports` map hides `ccxt/package.json`.
 */
export function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url)
    let dir = dirname(require.resolve(name))
    for (;;) {
      const file = join(dir, 'package.json')
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version
      }
      const parent = dirname(dir)
      if (parent === dir) return 'unknown'
      dir = parent
    }
  } catch {
    return 'not installed'
  }
}

/** Bytes of a file, or of everything under a folder (links not followed). */
function sizeOf(path: string): number {
  try {
    const st = lstatSync(path)
    if (!st.isDirectory()) return st.size
    return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
  } catch {
    return 0
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}
