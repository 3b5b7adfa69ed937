import type { ComponentProps } from 'react'
import { SplitPane } from './components/SplitPane'
import { Panel, Tabs } from './components/ui'
import { BacktestRunner } from './panels/backtest/BacktestRunner'
import { CompareView } from './panels/backtest/CompareView'
import { ReportView } from './panels/backtest/ReportView'
import { SweepView } from './panels/backtest/SweepView'
import { ChartPanel } from './panels/chart/ChartPanel'
import { DataManager } from './panels/data/DataManager'
import { BalancesTable, FillsTable, OrdersTable, PositionsTable } from './panels/account/AccountTables'
import { isOpen } from './panels/account/order-status'
import { EnginesPanel } from './panels/engines/EnginesPanel'
import { JournalSessions } from './panels/journal/JournalSessions'
import { KillSwitch } from './panels/killswitch/KillSwitch'
import { LivePanel } from './panels/live/LivePanel'
import { LogPanel } from './panels/log/LogPanel'
import { ModeBadge, ModeSwitch, ModeUnavailable } from './panels/mode/ModeSwitch'
import { OrderBookPanel } from './panels/orderbook/OrderBookPanel'
import { ReconcileBanner, ReconcileView } from './panels/reconcile/ReconcileView'
import { PaperPanel } from './panels/replay/PaperPanel'
import { ReplayPanel } from './panels/replay/ReplayPanel'
import { ConnectionBanner, SessionPicker, Toasts } from './panels/session/SessionBar'
import { OrderTicket } from './panels/ticket/OrderTicket'
import { AboutDialog } from './panels/about/AboutDialog'
import { SettingsDialog } from './panels/settings/SettingsDialog'
import { SettingsWarning } from './panels/settings/SettingsWarning'
import type { BottomTab, CenterTab } from './state/app-state'
import { useSlice } from './state/store'
import { useWorkstation } from './state/workstation'

function TopBar() {
  const ws = useWorkstation()
  const version = useSlice(ws.store, (s) => s.appVersion)
  return (
    <header className="topbar">
      <span className="brand" title={version ? `TheoryCraft Workstation ${version}` : 'TheoryCraft Workstation'}>
        TheoryCraft
      </span>
      <ModeBadge />
      <ModeSwitch />
      <SessionPicker />
      <span className="spacer" />
      <button className="icon-button" onClick={() => ws.store.set({ dialog: 'settings' })} title="Settings: theme, backtest defaults, risk limits, venue profiles" data-testid="open-settings">
        Settings
      </button>
      <button className="icon-button" onClick={() => ws.store.set({ dialog: 'about' })} title="Versions, data folder, logs and diagnostics" data-testid="open-about">
        About
      </button>
      <KillSwitch />
    </header>
  )
}

/** Left column: the controls of the current mode (or why it is unavailable). */
function ModeControls() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  const notice = useSlice(ws.store, (s) => s.modeNotice)
  if (notice) return <Panel title={`${notice.mode} mode`}><ModeUnavailable /></Panel>
  if (mode === 'replay') return <Panel title="Replay" testId="controls-replay"><ReplayPanel /></Panel>
  if (mode === 'paper') return <Panel title="Paper" testId="controls-paper"><PaperPanel /></Panel>
  if (mode === 'live') return <Panel title="Live" testId="controls-live"><LivePanel /></Panel>
  return <Panel title="Backtest" testId="controls-backtest"><BacktestRunner /></Panel>
}

function CenterTabs() {
  const ws = useWorkstation()
  const tab = useSlice(ws.store, (s) => s.centerTab)
  const reconciling = useSlice(ws.store, (s) => s.reconciliations.size > 0)
  const open = useSlice(ws.store, (s) => [...s.reconciliations.values()].some((r) => r.status !== 'resolved'))
  return (
    <Tabs
      id="center"
      active={tab}
      onChange={(t) => ws.setCenterTab(t as CenterTab)}
      tabs={[
        { id: 'chart', label: 'Chart', content: () => <ChartPanel /> },
        { id: 'report', label: 'Report', content: () => <ReportView /> },
        { id: 'compare', label: 'Compare', content: () => <CompareView /> },
        { id: 'sweep', label: 'Sweep', content: () => <SweepView /> },
        { id: 'data', label: 'Data', content: () => <DataManager /> },
        // shown once a session has been resumed (a reconciliation exists)
        ...(reconciling ? [{ id: 'reconcile', label: open ? <span className="bad">Reconcile ●</span> : 'Reconcile', content: () => <ReconcileView /> }] : [])
      ]}
    />
  )
}

function BottomTabs() {
  const ws = useWorkstation()
  const tab = useSlice(ws.store, (s) => s.bottomTab)
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const openCount = session?.orders.filter((o) => isOpen(o.status)).length ?? 0
  const positions = session?.account?.positions.filter((p) => p.amount !== 0).length ?? 0
  return (
    <Tabs
      id="bottom"
      active={tab}
      onChange={(t) => ws.setBottomTab(t as BottomTab)}
      tabs={[
        { id: 'orders', label: `Open orders (${openCount})`, content: () => <OrdersTable /> },
        { id: 'positions', label: `Positions (${positions})`, content: () => <PositionsTable /> },
        { id: 'fills', label: `Fills (${session?.fills.length ?? 0})`, content: () => <FillsTable /> },
        { id: 'balances', label: 'Balances', content: () => <BalancesTable /> },
        { id: 'log', label: 'Engine log', content: () => <LogPanel /> },
        { id: 'journal', label: 'Journal', content: () => <JournalSessions /> }
      ]}
    />
  )
}

/** A divider whose position is kept in the data folder's settings (layout.splits). */
function Split(props: Omit<ComponentProps<typeof SplitPane>, 'saved' | 'onCommit'>) {
  const ws = useWorkstation()
  const saved = useSlice(ws.store, (s) => s.settings?.layout.splits[props.id])
  return <SplitPane {...props} saved={saved} onCommit={(f) => ws.saveSplit(props.id, f)} />
}

function Dialogs() {
  const ws = useWorkstation()
  const dialog = useSlice(ws.store, (s) => s.dialog)
  if (dialog === 'about') return <AboutDialog />
  if (dialog === 'settings') return <SettingsDialog />
  return null
}

export function App() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  const ready = useSlice(ws.store, (s) => s.settingsReady)
  const epoch = useSlice(ws.store, (s) => s.layoutEpoch)
  return (
    <div className={`app frame-${mode ?? 'unknown'}`} data-testid="app" data-mode={mode ?? ''}>
      <TopBar />
      <ConnectionBanner />
      <ReconcileBanner />
      <SettingsWarning />
      {/* laid out once the saved layout is known, so the dividers start where they were left */}
      {ready ? null : <main className="workspace" />}
      {ready ? <main className="workspace" key={epoch}>
        <Split id="main" direction="row" initial={0.21} minPx={240}>
          <Split id="left" direction="column" initial={0.7} minPx={140}>
            <ModeControls />
            <Panel title="Engines">
              <EnginesPanel />
            </Panel>
          </Split>
          <Split id="center-right" direction="row" initial={0.74} minPx={260}>
            <Split id="center" direction="column" initial={0.64} minPx={140}>
              <CenterTabs />
              <BottomTabs />
            </Split>
            <Split id="right" direction="column" initial={0.72} minPx={160}>
              <Panel title="Order book" testId="book-panel">
                <OrderBookPanel />
              </Panel>
              <Panel title="Order ticket">
                <OrderTicket />
              </Panel>
            </Split>
          </Split>
        </Split>
      </main> : null}
      <Dialogs />
      <Toasts />
    </div>
  )
}
