import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { selectClient } from './api/select-client'
import { App } from './App'
import { BOTTOM_TABS, CENTER_TABS } from './state/app-state'
import { Workstation, WorkstationContext } from './state/workstation'
import { loadJson, saveJson } from './util/persist'
import './styles.css'

const workstation = new Workstation(selectClient(window))
workstation.store.set({
  centerTab: loadJson('tab.center', 'chart', (v) => (CENTER_TABS as readonly unknown[]).includes(v)),
  bottomTab: loadJson('tab.bottom', 'orders', (v) => (BOTTOM_TABS as readonly unknown[]).includes(v))
})
workstation.store.subscribe(() => {
  const s = workstation.store.get()
  saveJson('tab.center', s.centerTab)
  saveJson('tab.bottom', s.bottomTab)
})
workstation.start()
// for the browser tests and the UI benchmark: read-only access to what the page received
;(window as Window & { __workstation?: Workstation }).__workstation = workstation

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WorkstationContext.Provider value={workstation}>
      <App />
    </WorkstationContext.Provider>
  </StrictMode>
)
