import { join } from 'node:path'
import { SettingsSchema, WorkstationError, type CommandResult, type Settings, type SettingsPatch } from '../../../shared/api'
import type { Logger } from '../logging'
import { loadSettingsFile, saveSettingsFile, SETTINGS_FILE } from './settings-file'

const RECENT_FILES = 10

/**
 * The data folder's settings: loaded once (see loadSettingsFile), changed whole sections at a
 * time, written on every change. Warnings from loading stay for the UI to show.
 */
export class SettingsService {
  readonly file: string
  private current: Settings
  private readonly warnings: string[]

  constructor(
    dataFolder: string,
    private readonly log?: Logger
  ) {
    this.file = join(dataFolder, SETTINGS_FILE)
    const loaded = loadSettingsFile(this.file)
    for (const secret of loaded.removedSecrets) log?.addSecret(secret)
    this.current = loaded.settings
    this.protectCredentials()
    // warnings are shown in the window and copied into bug reports: no secret may ride along
    this.warnings = loaded.warnings.map((w) => (log ? log.redact(w) : w))
    if (loaded.backup) log?.warn('settings.json was repaired; the old file is kept', { backup: loaded.backup })
    for (const w of this.warnings) log?.warn(`settings: ${w}`)
  }

  get settings(): Settings {
    return this.current
  }

  get(): CommandResult<'settings.get'> {
    return { settings: this.current, warnings: [...this.warnings], file: this.file }
  }

  set(patch: SettingsPatch): CommandResult<'settings.set'> {
    const parsed = SettingsSchema.safeParse({ ...this.current, ...patch })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new WorkstationError('ValidationError', `settings.set: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid settings'}`)
    }
    try {
      saveSettingsFile(this.file, parsed.data)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))
      throw new WorkstationError('Unavailable', `settings.json could not be written (${code}); the change was not kept`)
    }
    this.current = parsed.data
    this.protectCredentials()
    return this.get()
  }

  /** The values of the variables venue profiles name are secrets, whatever those variables are called. */
  private protectCredentials(): void {
    for (const v of this.current.venueProfiles) {
      for (const name of [v.apiKeyEnv, v.secretEnv]) {
        const value = name === null ? undefined : process.env[name]
        if (value) this.log?.addSecret(value)
      }
    }
  }

  /** A host-side change (first run, recent files); a failure to write is logged, not thrown. */
  update(fn: (s: Settings) => SettingsPatch): void {
    try {
      this.set(fn(this.current))
    } catch (err) {
      this.log?.warn('settings not updated', { error: err })
    }
  }

  addRecentFile(path: string): void {
    this.update((s) => ({ recentFiles: [path, ...s.recentFiles.filter((f) => f !== path)].slice(0, RECENT_FILES) }))
  }

  addWarning(message: string): void {
    this.warnings.push(this.log ? this.log.redact(message) : message)
  }
}
