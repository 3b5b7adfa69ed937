import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { selectClient } from './api/select-client'
import { App } from './App'
import { Workstation, WorkstationContext } from './state/workstation'
import './styles.css'

const workstation = new Workstation(selectClient(window))
// the layout (dividers, tabs) comes from the data folder's settings once the host answers
workstation.start()
// errors of the page go to the host's log (log.report) and are shown once
window.addEventListener('error', (e) =>
  workstation.reportError({
    kind: 'error',
    message: e.message || String(e.error),
    stack: e.error instanceof Error ? e.error.stack : undefined,
    source: e.filename || undefined,
    line: e.lineno || undefined,
    column: e.colno || undefined
  })
)
window.addEventListener('unhandledrejection', (e) => {
  const reason: unknown = e.reason
  workstation.reportError({
    kind: 'unhandledrejection',
    message: reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : describeValue(reason),
    stack: reason instanceof Error ? reason.stack : undefined
  })
})
function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

// for the browser tests and the UI benchmark: read-only access to what the page received
;(window as Window & { __workstation?: Workstation }).__workstation = workstation

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WorkstationContext.Provider value={workstation}>
      <App />
    </WorkstationContext.Provider>
  </StrictMode>
)
