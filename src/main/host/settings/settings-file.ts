import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { SETTINGS_VERSION, SettingsSchema, type Settings } from '../../../shared/api'
import { defaultSettings } from './defaults'

export const SETTINGS_FILE = 'settings.json'

export interface LoadedSettings {
  settings: Settings
  /** one sentence per problem found and what was done about it; empty for a good file */
  warnings: string[]
  /** where the bad file was copied (`settings.json.bad-<n>`), if it was */
  backup: string | null
  /** whether settings.json was (re)written: a new folder, or a file that needed repair */
  wrote: boolean
  /** credential values found in venue profiles and removed: the log must never show them either */
  removedSecrets: string[]
}

/** Keys a venue profile may have that look like credentials but only name where they live. */
const CREDENTIAL_REFERENCES = new Set(['apiKeyEnv', 'secretEnv'])
const SECRET_FIELD = /key|secret|password|passphrase|passwd|token|private|credential|auth|uid/i

/**
 * Reads settings.json. Never throws on what the file holds: a missing file gives the defaults; an
 * empty, unparseable or newer-version file gives the defaults with a warning, and the file is kept
 * as `settings.json.bad-<n>`; a section that fails validation falls back to its default alone (same
 * warning and backup); credentials found in venue profiles are removed. The repaired settings are
 * written back so the next start is clean.
 */
export function loadSettingsFile(file: string): LoadedSettings {
  const name = basename(file)
  if (!existsSync(file)) return finish(file, defaultSettings(), [], null, true)

  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    // unreadable (a folder, no permission): nothing can be backed up or rewritten safely
    return {
      settings: defaultSettings(),
      warnings: [`${name} cannot be read (${code}); the default settings are in use and changes will not be saved until it is fixed.`],
      backup: null,
      wrote: false,
      removedSecrets: []
    }
  }

  const fallBack = (problem: string, backupText: string) => {
    const backup = backupBadFile(file, backupText)
    return finish(file, defaultSettings(), [`${name} ${problem}; the default settings are in use. The old file was kept as ${basename(backup)}.`], backup, true)
  }

  if (text.trim() === '') return fallBack('is empty', text)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return fallBack(`is not valid JSON${jsonErrorPlace(text, err)}`, text)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fallBack('does not hold a settings object', text)
  const obj = raw as Record<string, unknown>

  const version = obj.version
  if (typeof version === 'number' && Number.isInteger(version) && version > SETTINGS_VERSION) {
    return fallBack(`was written by a newer version of TheoryCraft Workstation (settings version ${version}; this version reads ${SETTINGS_VERSION})`, text)
  }
  if (version !== SETTINGS_VERSION) return fallBack(`has no valid version (expected ${SETTINGS_VERSION})`, text)

  const warnings: string[] = []
  const removedSecrets = stripVenueSecrets(obj, name, warnings)
  const defaults = defaultSettings()
  const out: Record<string, unknown> = { version: SETTINGS_VERSION }
  let repaired = false
  const shape = SettingsSchema.shape
  for (const key of Object.keys(shape) as (keyof Settings)[]) {
    if (key === 'version') continue
    if (!(key in obj)) {
      // a section added after the file was written: its default, silently
      out[key] = defaults[key]
      continue
    }
    const parsed = shape[key].safeParse(obj[key])
    if (parsed.success) out[key] = parsed.data
    else {
      const issue = parsed.error.issues[0]
      const where = [key, ...(issue?.path ?? [])].map(String).join('.')
      warnings.push(`${name}: ${where}: ${issue?.message ?? 'invalid'}; "${key}" was reset to its default.`)
      out[key] = defaults[key]
      repaired = true
    }
  }
  for (const key of Object.keys(obj)) {
    if (!(key in shape)) {
      warnings.push(`${name}: unknown setting "${key}" was dropped.`)
      repaired = true
    }
  }
  const settings = SettingsSchema.parse(out)
  if (!repaired) return { ...finish(file, settings, warnings, null, removedSecrets.length > 0), removedSecrets }
  // what was read (credentials already removed) is kept, so nothing the user wrote is lost
  const backup = backupBadFile(file, `${JSON.stringify(obj, null, 2)}\n`)
  warnings.push(`The file as it was is kept as ${basename(backup)}.`)
  return { ...finish(file, settings, warnings, backup, true), removedSecrets }
}

/** Writes atomically: a temp file renamed over the old one, so a crash leaves the old or the new file, never half of one. */
export function saveSettingsFile(file: string, settings: Settings): void {
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.tmp-${process.pid}`
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`)
  try {
    renameSync(temp, file)
  } catch (err) {
    rmSync(temp, { force: true })
    throw err
  }
}

/** `settings.json.bad-<n>`, n one more than the highest one there. */
export function backupBadFile(file: string, content: string): string {
  const dir = dirname(file)
  const prefix = `${basename(file)}.bad-`
  let n = 0
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(prefix)) continue
    const k = Number(entry.slice(prefix.length))
    if (Number.isInteger(k) && k > n) n = k
  }
  const backup = join(dir, `${prefix}${n + 1}`)
  writeFileSync(backup, content, { flag: 'wx' })
  return backup
}

function finish(file: string, settings: Settings, warnings: string[], backup: string | null, write: boolean): LoadedSettings {
  if (!write) return { settings, warnings, backup, wrote: false, removedSecrets: [] }
  try {
    saveSettingsFile(file, settings)
    return { settings, warnings, backup, wrote: true, removedSecrets: [] }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))
    return { settings, warnings: [...warnings, `${basename(file)} could not be written (${code}); changes to the settings will not be kept.`], backup, wrote: false, removedSecrets: [] }
  }
}

/**
 * Removes credential-looking fields from venue profiles, in place; returns the values removed.
 * The warning names the field, never its value.
 */
function stripVenueSecrets(obj: Record<string, unknown>, name: string, warnings: string[]): string[] {
  const list = obj.venueProfiles
  const removed: string[] = []
  if (!Array.isArray(list)) return removed
  list.forEach((profile: unknown, i) => {
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return
    const p = profile as Record<string, unknown>
    for (const key of Object.keys(p)) {
      if (CREDENTIAL_REFERENCES.has(key) || !SECRET_FIELD.test(key)) continue
      if (typeof p[key] === 'string') removed.push(p[key])
      delete p[key]
      const label = typeof p.id === 'string' && /^[a-z0-9._-]{1,64}$/.test(p.id) ? ` (${p.id})` : ''
      warnings.push(`${name}: venueProfiles.${i}${label}: the field "${key.slice(0, 40)}" was removed: credentials are never kept in ${name}; put them in environment variables and name those in apiKeyEnv / secretEnv.`)
    }
  })
  return removed
}

/** " at line 3, column 7" from the parser's position; the parser's own message is not used (it quotes the file). */
function jsonErrorPlace(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '')
  if (!m) return ''
  const pos = Math.min(Number(m[1]), text.length)
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  const column = pos - before.lastIndexOf('\n')
  return ` (line ${line}, column ${column})`
}
