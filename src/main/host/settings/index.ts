export { defaultSettings } from './defaults'
export { backupBadFile, loadSettingsFile, saveSettingsFile, SETTINGS_FILE, type LoadedSettings } from './settings-file'
export { SettingsService } from './settings-service'
