import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import './settings.css'

/** What was wrong with settings.json at start-up (defaults in use, the bad file kept), until dismissed. */
export function SettingsWarning() {
  const ws = useWorkstation()
  const warnings = useSlice(ws.store, (s) => s.settingsWarnings)
  if (warnings.length === 0) return null
  return (
    <div className="settings-warning" role="alert" data-testid="settings-warning">
      <div className="grow">
        <strong>Settings:</strong>
        <ul>
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </div>
      <button onClick={() => ws.store.set({ dialog: 'settings' })}>Open settings</button>
      <button onClick={() => ws.store.set({ settingsWarnings: [] })} data-testid="settings-warning-dismiss">
        Dismiss
      </button>
    </div>
  )
}
