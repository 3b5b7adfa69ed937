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
import { KillSwitch } from './panels/killswitch/KillSwitch'
import { LogPanel } from './panels/log/LogPanel'
import { ModeBadge, ModeSwitch, ModeUnavailable } from './panels/mode/ModeSwitch'
import { OrderBookPanel } from './panels/orderbook/OrderBookPanel'
import { ReplayPanel } from './panels/replay/ReplayPanel'
import { ConnectionBanner, SessionPicker, Toasts } from './panels/session/SessionBar'
import { OrderTicket } from './panels/ticket/OrderTicket'
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
  if (mode === 'paper' || mode === 'live')
    return (
      <Panel title={`${mode} mode`}>
        <div className="mode-unavailable">This mode has no controls in this build.</div>
      </Panel>
    )
  return <Panel title="Backtest" testId="controls-backtest"><BacktestRunner /></Panel>
}

function CenterTabs() {
  const ws = useWorkstation()
  const tab = useSlice(ws.store, (s) => s.centerTab)
  return (
    <Tabs
      id="center"
      active={tab}
      onChange={(t) => ws.store.set({ centerTab: t as CenterTab })}
      tabs={[
        { id: 'chart', label: 'Chart', content: () => <ChartPanel /> },
        { id: 'report', label: 'Report', content: () => <ReportView /> },
        { id: 'compare', label: 'Compare', content: () => <CompareView /> },
        { id: 'sweep', label: 'Sweep', content: () => <SweepView /> },
        { id: 'data', label: 'Data', content: () => <DataManager /> }
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
      onChange={(t) => ws.store.set({ bottomTab: t as BottomTab })}
      tabs={[
        { id: 'orders', label: `Open orders (${openCount})`, content: () => <OrdersTable /> },
        { id: 'positions', label: `Positions (${positions})`, content: () => <PositionsTable /> },
        { id: 'fills', label: `Fills (${session?.fills.length ?? 0})`, content: () => <FillsTable /> },
        { id: 'balances', label: 'Balances', content: () => <BalancesTable /> },
        { id: 'log', label: 'Engine log', content: () => <LogPanel /> }
      ]}
    />
  )
}

export function App() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  return (
    <div className={`app frame-${mode ?? 'unknown'}`} data-testid="app" data-mode={mode ?? ''}>
      <TopBar />
      <ConnectionBanner />
      <main className="workspace">
        <SplitPane id="main" direction="row" initial={0.21} minPx={240}>
          <SplitPane id="left" direction="column" initial={0.7} minPx={140}>
            <ModeControls />
            <Panel title="Engines">
              <EnginesPanel />
            </Panel>
          </SplitPane>
          <SplitPane id="center-right" direction="row" initial={0.74} minPx={260}>
            <SplitPane id="center" direction="column" initial={0.64} minPx={140}>
              <CenterTabs />
              <BottomTabs />
            </SplitPane>
            <SplitPane id="right" direction="column" initial={0.72} minPx={160}>
              <Panel title="Order book" testId="book-panel">
                <OrderBookPanel />
              </Panel>
              <Panel title="Order ticket">
                <OrderTicket />
              </Panel>
            </SplitPane>
          </SplitPane>
        </SplitPane>
      </main>
      <Toasts />
    </div>
  )
}
