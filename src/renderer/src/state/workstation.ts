import { createContext, useContext } from 'react'
import type { CommandName, CommandParams, CommandResult, Mode, PushPayload, Reconciliation, RunSummary, SettingsPatch } from '../../../shared/api'
import { describeError, toCommandError } from '../api/errors'
import type { AppClient } from '../api/types'
import { isOpen } from '../panels/account/order-status'
import { brokerDraft, hasSavedDraft, runForm } from '../panels/backtest/run-form'
import { BOTTOM_TABS, CENTER_TABS, emptySession, initialState, type AppState, type BarColumns, type BottomTab, type CenterTab, type FillView, type OrderView, type SessionView, type SweepAxis } from './app-state'
import { parseReport, type Report } from '../panels/backtest/report-schema'
import { LogBuffer } from './log-buffer'
import { Store } from './store'

const TOAST_MS = { error: 12_000, info: 5_000, success: 5_000 }
const MAX_REPORTS_PER_ERROR = 10
/** cancelled orders kept in a session's order list after they left the host's open orders */
const MAX_CANCELLED_SHOWN = 50

/**
 * The page's model: the client, the store the panels read, the engine-log buffer, and
 * `run()` which sends a command and turns any failure into a visible message.
 */
export class Workstation {
  readonly store: Store<AppState>
  readonly logs = new LogBuffer()
  private toastId = 1
  private readonly reports = new Map<string, Promise<Report>>()
  private readonly unsubscribers: (() => void)[] = []
  /** error message → times seen */
  private readonly reported = new Map<string, number>()
  /** session → orders open when this window pressed the kill switch */
  private readonly cancelAsked = new Map<string, Set<string>>()

  constructor(readonly client: AppClient) {
    this.store = new Store(initialState(client.connection()))
  }

  start(): void {
    const c = this.client
    this.unsubscribers.push(
      c.onConnection((connection) => {
        const wasLost = this.store.get().connection.status === 'lost'
        this.store.set({ connection })
        if (connection.status === 'connected' && wasLost) this.refreshAll()
      }),
      c.onInvalidPush((message) => this.toastOnce('error', `Ignored a malformed update from the host — ${message}`)),
      c.subscribe('session.state', (p) => this.patchSession(p.sessionId, () => ({ state: p }))),
      c.subscribe('book', (p) => this.patchSession(p.sessionId, (s) => ({ book: p, bookReceivedAt: performance.now(), midBars: appendMid(s.midBars, p) }))),
      c.subscribe('bars', (p) => this.patchSession(p.sessionId, (s) => ({ bars: appendBars(s.bars, p) }))),
      c.subscribe('orders', (p) => this.patchSession(p.sessionId, (s) => ({ orders: withCancelled(s.orders, p.orders, s.fills, this.cancelAsked.get(p.sessionId)) }))),
      c.subscribe('fills', (p) => this.patchSession(p.sessionId, (s) => ({ fills: s.fills.concat(p.fills) }))),
      c.subscribe('account', (p) => this.patchSession(p.sessionId, () => ({ account: p }))),
      c.subscribe('engines', (p) => this.patchSession(p.sessionId, () => ({ engines: p.engines }))),
      c.subscribe('logs', (p) => {
        this.logs.append(p.sessionId, p.lines)
        this.store.set((s) => ({ logVersion: s.logVersion + 1 }))
      }),
      c.subscribe('reconciliation', (p) => this.noteReconciliation(p)),
      c.subscribe('backtest.progress', (p) => this.onBacktestProgress(p)),
      c.subscribe('backtest.finished', (p) => this.onBacktestFinished(p)),
      c.subscribe('sweep.progress', (p) => this.onSweepProgress(p)),
      c.subscribe('import.progress', (p) => {
        if (p.error) this.toast('error', `Import failed: ${p.error}`)
        else if (p.finished) {
          this.toast('success', `Import finished${p.datasetId ? ` (${p.datasetId})` : ''}`)
          void this.loadDatasets()
        }
      })
    )
    this.refreshAll()
  }

  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u()
  }

  refreshAll(): void {
    void this.loadAppInfo()
    // the datasets wait for the settings: they say which dataset the backtest form starts on
    void this.loadSettings().then(() => this.loadDatasets())
    void this.loadEngineSpecs()
    void this.loadRuns()
    void this.loadSessions()
  }

  /** Sends a command; on failure shows the error as a toast (unless `inline` is set) and returns null. */
  async run<K extends CommandName>(command: K, params: CommandParams<K>, opts: { inline?: (message: string) => void } = {}): Promise<CommandResult<K> | null> {
    try {
      return await this.client.call(command, params)
    } catch (err) {
      const message = describeError(toCommandError(err, command))
      if (opts.inline) opts.inline(message)
      else this.toast('error', `${command} failed — ${message}`)
      return null
    }
  }

  toast(kind: 'error' | 'info' | 'success', text: string): void {
    const id = this.toastId++
    this.store.set((s) => ({ toasts: [...s.toasts.slice(-5), { id, kind, text }] }))
    setTimeout(() => this.dismissToast(id), TOAST_MS[kind])
  }

  private toastOnce(kind: 'error' | 'info', text: string): void {
    if (!this.store.get().toasts.some((t) => t.text === text)) this.toast(kind, text)
  }

  dismissToast(id: number): void {
    this.store.set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
  }

  async loadAppInfo(): Promise<void> {
    const info = await this.run('app.info', {})
    if (info) this.store.set({ appVersion: info.appVersion, dataFolder: info.dataFolder, mode: info.mode })
  }

  async loadDatasets(): Promise<void> {
    try {
      const r = await this.client.call('data.list', {})
      const preferred = this.store.get().settings?.backtest.datasetId
      const chosen = runForm.get().datasetId
      if (preferred && !r.datasets.some((d) => d.id === chosen) && r.datasets.some((d) => d.id === preferred)) runForm.set({ datasetId: preferred })
      this.store.set({ datasets: r.datasets, datasetsError: null })
    } catch (err) {
      this.store.set({ datasetsError: describeError(err) })
    }
  }

  /** settings.json of the data folder: layout, theme, backtest defaults; its load warnings stay until dismissed. */
  async loadSettings(): Promise<void> {
    try {
      const r = await this.client.call('settings.get', {})
      const first = this.store.get().settings === null
      const layout = r.settings.layout
      this.store.set({
        settings: r.settings,
        settingsFile: r.file,
        ...(first && { settingsWarnings: r.warnings }),
        centerTab: (CENTER_TABS as readonly string[]).includes(layout.centerTab) ? (layout.centerTab as CenterTab) : 'chart',
        bottomTab: (BOTTOM_TABS as readonly string[]).includes(layout.bottomTab) ? (layout.bottomTab as BottomTab) : 'orders'
      })
      applyTheme(r.settings.theme)
      // a fresh profile starts from the saved defaults; a form the user already filled is left alone
      if (first && !hasSavedDraft) runForm.set({ engine: r.settings.backtest.engine, broker: brokerDraft(r.settings.backtest.broker) })
    } catch (err) {
      this.toast('error', `Settings could not be loaded — ${describeError(err)}. The default layout is in use.`)
    } finally {
      this.store.set({ settingsReady: true })
    }
  }

  /** Replaces whole sections of the settings; false (and a toast) when the host refused. */
  async saveSettings(patch: SettingsPatch): Promise<boolean> {
    const r = await this.run('settings.set', { settings: patch })
    if (!r) return false
    this.store.set({ settings: r.settings })
    applyTheme(r.settings.theme)
    return true
  }

  /** A divider was moved (or reset). */
  saveSplit(id: string, fraction: number): void {
    const s = this.store.get().settings
    if (!s) return
    this.saveLayout({ splits: { ...s.layout.splits, [id]: fraction } })
  }

  setCenterTab(tab: CenterTab): void {
    this.store.set({ centerTab: tab })
    this.saveLayout({})
  }

  setBottomTab(tab: BottomTab): void {
    this.store.set({ bottomTab: tab })
    this.saveLayout({})
  }

  private saveLayout(change: { splits?: Record<string, number> }): void {
    const st = this.store.get()
    if (!st.settings) return
    const layout = { splits: change.splits ?? st.settings.layout.splits, centerTab: st.centerTab, bottomTab: st.bottomTab }
    // shown at once; written in the background (a failure is a toast)
    this.store.set({ settings: { ...st.settings, layout } })
    void this.saveSettings({ layout })
  }

  /**
   * An error in this window: logged by the host (log.report) and shown once per distinct message.
   * Reporting never reports its own failure.
   */
  reportError(report: CommandParams<'log.report'>): void {
    const message = report.message.slice(0, 4000)
    const seen = this.reported.get(message) ?? 0
    this.reported.set(message, seen + 1)
    if (seen === 0) this.toast('error', `Something went wrong in this window: ${message.slice(0, 300)}. It was written to the log (About shows where).`)
    // an error thrown on every frame must not fill the log: the first few of each are enough
    if (seen >= MAX_REPORTS_PER_ERROR) return
    this.client.call('log.report', { ...report, message, stack: report.stack?.slice(0, 20_000) }).catch(() => {})
  }

  async loadEngineSpecs(): Promise<void> {
    try {
      const r = await this.client.call('engines.list', {})
      this.store.set({ engineSpecs: r.engines, engineSpecsError: null })
    } catch (err) {
      this.store.set({ engineSpecsError: describeError(err) })
    }
  }

  async loadRuns(): Promise<void> {
    const r = await this.run('backtest.runs', {})
    if (r) this.store.set({ runs: r.runs })
  }

  async loadSessions(): Promise<void> {
    const r = await this.run('session.list', {})
    if (!r) return
    for (const s of r.sessions) this.patchSession(s.sessionId, (v) => ({ datasetId: v.datasetId ?? s.datasetId }))
    // after a reload: a resumed session may still wait for the user's choices (no answer = none);
    // sessions with nothing left to reconcile stay out of the Reconcile tab
    for (const s of r.sessions) {
      if (s.mode !== 'paper' && s.mode !== 'live') continue
      this.client.call('reconcile.get', { sessionId: s.sessionId }).then(
        (rec) => {
          if (rec.status !== 'resolved') this.noteReconciliation(rec)
        },
        () => {}
      )
    }
  }

  /**
   * A reconciliation pushed or returned by the host. One that newly needs the user's choices (or
   * `focus`) is brought up in the Reconcile tab; later updates of it only refresh the table.
   */
  noteReconciliation(r: Reconciliation, focus = false): void {
    this.store.set((st) => {
      const prev = st.reconciliations.get(r.sessionId)
      const reconciliations = new Map(st.reconciliations)
      reconciliations.set(r.sessionId, r)
      const newlyOpen = r.status !== 'resolved' && (prev === undefined || prev.status === 'resolved')
      if (!focus && !newlyOpen) return { reconciliations, reconcileSessionId: st.reconcileSessionId ?? r.sessionId }
      return { reconciliations, reconcileSessionId: r.sessionId, centerTab: 'reconcile' }
    })
  }

  /** Asks the host to switch mode. A refusal (paper/live are unavailable) is kept for the mode panel to show. */
  async setMode(mode: Mode, confirmation?: string): Promise<boolean> {
    try {
      const r = await this.client.call('mode.set', confirmation === undefined ? { mode } : { mode, confirmation })
      this.store.set({ mode: r.mode, modeNotice: null })
      return true
    } catch (err) {
      const e = toCommandError(err, 'mode.set')
      // only a refusal of the mode itself replaces the mode's controls; anything else is a toast
      if (e.type === 'Unavailable') this.store.set({ modeNotice: { mode, message: describeError(e) } })
      else this.toast('error', `mode.set failed — ${describeError(e)}`)
      return false
    }
  }

  /**
   * Orders the kill switch is to cancel: when they leave the host's open orders without being
   * completely filled, the orders table keeps them as cancelled (the host pushes open orders only),
   * so what the kill switch did stays visible.
   */
  private noteCancelAsked(sessionId: string, clientOrderIds: Iterable<string>): void {
    const set = this.cancelAsked.get(sessionId) ?? new Set<string>()
    for (const id of clientOrderIds) set.add(id)
    this.cancelAsked.set(sessionId, set)
  }

  async pressKillSwitch(): Promise<void> {
    const at = Date.now()
    // every open order of every session is to be cancelled (live: at the venue)
    for (const s of this.store.get().sessions.values()) this.noteCancelAsked(s.sessionId, s.orders.filter((o) => isOpen(o.status)).map((o) => o.clientOrderId))
    try {
      const r = await this.client.call('killSwitch.press', { flatten: false, reason: 'kill switch pressed in the workstation UI' })
      const text = `Kill switch: trading halted in ${r.sessions} session${r.sessions === 1 ? '' : 's'}, ${r.cancelled} order${r.cancelled === 1 ? '' : 's'} cancelled`
      this.store.set({ killResult: { at, text, ok: true } })
      this.toast('success', text)
    } catch (err) {
      const text = `Kill switch FAILED — ${describeError(err)}`
      this.store.set({ killResult: { at, text, ok: false } })
      this.toast('error', text)
    }
  }

  /** A run's report, fetched once and cached (reports of finished runs do not change). */
  report(runId: string): Promise<Report> {
    let p = this.reports.get(runId)
    if (!p) {
      p = this.client.call('backtest.report', { runId }).then((r) => parseReport(r.report))
      p.catch(() => this.reports.delete(runId))
      this.reports.set(runId, p)
    }
    return p
  }

  setActiveSession(sessionId: string | null): void {
    this.store.set({ activeSessionId: sessionId })
  }

  /** Creates the session view if needed and makes it active when none is. */
  patchSession(sessionId: string, patch: (s: SessionView) => Partial<SessionView>): void {
    this.store.set((st) => {
      const sessions = new Map(st.sessions)
      const current = sessions.get(sessionId) ?? emptySession(sessionId)
      sessions.set(sessionId, { ...current, ...patch(current) })
      return { sessions, activeSessionId: st.activeSessionId ?? sessionId }
    })
  }

  private onBacktestProgress(p: PushPayload<'backtest.progress'>): void {
    this.store.set((st) => {
      const backtests = new Map(st.backtests)
      const prev = backtests.get(p.runId)
      if (prev?.finished) return {}
      backtests.set(p.runId, { ...p, finished: false, summary: null, error: null })
      return { backtests }
    })
  }

  private onBacktestFinished(p: PushPayload<'backtest.finished'>): void {
    this.store.set((st) => {
      const backtests = new Map(st.backtests)
      const prev = backtests.get(p.runId)
      backtests.set(p.runId, {
        runId: p.runId,
        done: prev?.total ?? prev?.done ?? 0,
        total: prev?.total ?? 0,
        eventsPerSecond: prev?.eventsPerSecond ?? 0,
        etaMs: 0,
        finished: true,
        summary: p.summary,
        error: p.error
      })
      return { backtests }
    })
    if (p.error && p.error !== 'cancelled') this.toast('error', `Backtest ${p.runId} failed: ${p.error}`)
    if (!p.error && p.runId === this.store.get().currentRunId) this.store.set({ reportRunId: p.runId, centerTab: 'report' })
    void this.loadRuns()
  }

  /** Records what a sweep was asked to do, so the heatmap knows its axes. */
  noteSweep(sweepId: string, total: number, axes: SweepAxis[], engine: string): void {
    this.store.set((st) => {
      const sweeps = new Map(st.sweeps)
      const prev = sweeps.get(sweepId)
      sweeps.set(sweepId, { sweepId, done: prev?.done ?? 0, total: prev?.total ?? total, results: prev?.results ?? [], axes, engine })
      return { sweeps, currentSweepId: sweepId }
    })
  }

  private onSweepProgress(p: PushPayload<'sweep.progress'>): void {
    this.store.set((st) => {
      const prev = st.sweeps.get(p.sweepId) ?? { sweepId: p.sweepId, done: 0, total: p.total, results: [], axes: null, engine: null }
      const byRun = new Map<string, RunSummary>(prev.results.map((r) => [r.runId, r]))
      for (const r of p.results) byRun.set(r.runId, r)
      const sweeps = new Map(st.sweeps)
      sweeps.set(p.sweepId, { ...prev, done: p.done, total: p.total, results: [...byRun.values()] })
      return { sweeps }
    })
  }
}

/**
 * The host's open orders, followed by the orders the kill switch was pressed on that have left them
 * without being completely filled (as `cancelled`, filled amount from the session's fills), newest
 * last. Orders that left for other reasons (filled, expired, rejected) drop out as before.
 */
function withCancelled(previous: readonly OrderView[], open: OrderView[], fills: readonly FillView[], asked: ReadonlySet<string> | undefined): OrderView[] {
  if (asked === undefined || asked.size === 0) return open
  const stillOpen = new Set(open.map((o) => o.clientOrderId))
  const cancelled: OrderView[] = []
  for (const o of previous) {
    if (stillOpen.has(o.clientOrderId)) continue
    if (o.status === 'cancelled') {
      cancelled.push(o)
      continue
    }
    if (!isOpen(o.status) || !asked.has(o.clientOrderId)) continue
    let filled = 0
    for (const f of fills) if (f.clientOrderId === o.clientOrderId) filled += f.amount
    if (filled >= o.amount * (1 - 1e-9)) continue
    cancelled.push({ ...o, status: 'cancelled', filled: Math.max(filled, o.filled), remaining: 0 })
  }
  return cancelled.length === 0 ? open : open.concat(cancelled.slice(-MAX_CANCELLED_SHOWN))
}

/** Appends pushed bars; with `merge`, a bar for the last bar's time widens it instead of replacing it. */
function appendBars(current: BarColumns | null, p: PushPayload<'bars'>, merge = false): BarColumns {
  const b =
    current && current.symbol === p.symbol && current.timeframe === p.timeframe
      ? current
      : { symbol: p.symbol, timeframe: p.timeframe, ts: [], open: [], high: [], low: [], close: [], volume: [], version: 0 }
  for (const [t, o, h, l, c, v] of p.bars) {
    const last = b.ts.length - 1
    if (last >= 0 && t < b.ts[last]) continue
    if (last >= 0 && t === b.ts[last] && merge) {
      b.high[last] = Math.max(b.high[last], h)
      b.low[last] = Math.min(b.low[last], l)
      b.close[last] = c
      b.volume[last] += v
      continue
    }
    if (last >= 0 && t === b.ts[last]) {
      b.open[last] = o
      b.high[last] = h
      b.low[last] = l
      b.close[last] = c
      b.volume[last] = v
      continue
    }
    b.ts.push(t)
    b.open.push(o)
    b.high.push(h)
    b.low.push(l)
    b.close.push(c)
    b.volume.push(v)
  }
  return { ...b, version: b.version + 1 }
}

function appendMid(current: BarColumns | null, p: PushPayload<'book'>): BarColumns | null {
  if (p.stale || !p.bids.length || !p.asks.length) return current
  const mid = (p.bids[0][0] + p.asks[0][0]) / 2
  const t = Math.floor(p.ts / 1000) * 1000
  return appendBars(current && current.symbol === p.symbol ? current : null, { sessionId: p.sessionId, symbol: p.symbol, timeframe: '1s', bars: [[t, mid, mid, mid, mid, 0]] }, true)
}

/** `high-contrast` swaps the CSS variables (panels/settings/settings.css); the charts keep their colours. */
function applyTheme(theme: string): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme
}

export const WorkstationContext = createContext<Workstation | null>(null)

export function useWorkstation(): Workstation {
  const ws = useContext(WorkstationContext)
  if (!ws) throw new Error('useWorkstation outside WorkstationContext')
  return ws
}
