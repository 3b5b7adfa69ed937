import type { CommandResult, Dataset, Mode, PushPayload, Reconciliation, RunSummary, Settings } from '../../../shared/api'
import type { ConnectionState } from '../api/types'
import { Store } from './store'

export type SessionStatePush = PushPayload<'session.state'>
export type BookPush = PushPayload<'book'>
export type OrderView = PushPayload<'orders'>['orders'][number]
export type FillView = PushPayload<'fills'>['fills'][number]
export type AccountPush = PushPayload<'account'>
export type EngineStatus = PushPayload<'engines'>['engines'][number]
export type LogLine = PushPayload<'logs'>['lines'][number] & { sessionId: string }
export type EngineSpec = CommandResult<'engines.list'>['engines'][number]

/** Bars as columns: cheap to append, cheap to resample. */
export interface BarColumns {
  symbol: string
  timeframe: string
  ts: number[]
  open: number[]
  high: number[]
  low: number[]
  close: number[]
  volume: number[]
  /** bumped on every change so views can tell */
  version: number
}

export interface SessionView {
  sessionId: string
  datasetId: string | null
  state: SessionStatePush | null
  book: BookPush | null
  /** when the last book push arrived (page clock), to mark a silent book as stale */
  bookReceivedAt: number
  bars: BarColumns | null
  /** 1-second candles of the book's mid price, for sessions that push books but no bars */
  midBars: BarColumns | null
  orders: OrderView[]
  fills: FillView[]
  account: AccountPush | null
  engines: EngineStatus[]
}

export interface BacktestProgress {
  runId: string
  done: number
  total: number
  eventsPerSecond: number
  etaMs: number
  finished: boolean
  summary: RunSummary | null
  error: string | null
}

export interface SweepAxis {
  name: string
  values: (number | string | boolean)[]
}

export interface SweepState {
  sweepId: string
  done: number
  total: number
  results: RunSummary[]
  /** the two grid axes, as the user entered them (null until sweep.start answers) */
  axes: SweepAxis[] | null
  engine: string | null
}

export interface Toast {
  id: number
  kind: 'error' | 'info' | 'success'
  text: string
}

export const CENTER_TABS = ['chart', 'report', 'compare', 'sweep', 'data', 'reconcile'] as const
export type CenterTab = (typeof CENTER_TABS)[number]
export const BOTTOM_TABS = ['orders', 'positions', 'fills', 'balances', 'log', 'journal'] as const
export type BottomTab = (typeof BOTTOM_TABS)[number]

export interface AppState {
  connection: ConnectionState
  appVersion: string | null
  dataFolder: string | null
  mode: Mode | null
  /** the mode the user last asked for that the host refused (paper/live), with its message */
  modeNotice: { mode: Mode; message: string } | null
  datasets: Dataset[] | null
  datasetsError: string | null
  engineSpecs: EngineSpec[] | null
  engineSpecsError: string | null
  sessions: ReadonlyMap<string, SessionView>
  activeSessionId: string | null
  backtests: ReadonlyMap<string, BacktestProgress>
  /** the run the backtest panel follows */
  currentRunId: string | null
  runs: RunSummary[]
  sweeps: ReadonlyMap<string, SweepState>
  currentSweepId: string | null
  /** bumped when lines are appended to `logBuffer` */
  logVersion: number
  /** which centre and bottom tabs are showing, and the run the Report tab shows */
  centerTab: CenterTab
  bottomTab: BottomTab
  reportRunId: string | null
  killResult: { at: number; text: string; ok: boolean } | null
  toasts: Toast[]
  /** settings.json of the data folder (null until settings.get answers) */
  settings: Settings | null
  /** what was wrong with settings.json when the host loaded it; cleared when the user dismisses it */
  settingsWarnings: string[]
  settingsFile: string | null
  /** settings.get answered or failed: the workspace lays itself out only then */
  settingsReady: boolean
  dialog: 'about' | 'settings' | null
  /** bumped when the layout is reset, so the dividers start over */
  layoutEpoch: number
  /** reconciliations after `session.resume`, by session, as last pushed or returned */
  reconciliations: ReadonlyMap<string, Reconciliation>
  /** the session whose reconciliation the Reconcile tab shows */
  reconcileSessionId: string | null
}

export function initialState(connection: ConnectionState): AppState {
  return {
    connection,
    appVersion: null,
    dataFolder: null,
    mode: null,
    modeNotice: null,
    datasets: null,
    datasetsError: null,
    engineSpecs: null,
    engineSpecsError: null,
    sessions: new Map(),
    activeSessionId: null,
    backtests: new Map(),
    currentRunId: null,
    runs: [],
    sweeps: new Map(),
    currentSweepId: null,
    logVersion: 0,
    centerTab: 'chart',
    bottomTab: 'orders',
    reportRunId: null,
    killResult: null,
    toasts: [],
    settings: null,
    settingsWarnings: [],
    settingsFile: null,
    settingsReady: false,
    dialog: null,
    layoutEpoch: 0,
    reconciliations: new Map(),
    reconcileSessionId: null
  }
}

export type AppStore = Store<AppState>

export function emptySession(sessionId: string, datasetId: string | null = null): SessionView {
  return { sessionId, datasetId, state: null, book: null, bookReceivedAt: 0, bars: null, midBars: null, orders: [], fills: [], account: null, engines: [] }
}
