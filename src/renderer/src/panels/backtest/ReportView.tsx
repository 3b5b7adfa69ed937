import { useEffect, useMemo, useState } from 'react'
import { axisStyle, C, tooltipStyle } from '../../charts/echarts'
import { EChart } from '../../charts/EChart'
import { SortableTable, type Column } from '../../components/SortableTable'
import { Empty, ErrorText, KeyValues } from '../../components/ui'
import { describeError } from '../../api/errors'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtDuration, fmtMoney, fmtNum, fmtPct, fmtPrice, fmtTime } from '../../util/format'
import { statKind, statLabel, type Report, type ReportTrade } from './report-schema'

/** Loads a run's report, with loading and error states. */
export function useReport(runId: string | null): { report: Report | null; error: string | null; loading: boolean } {
  const ws = useWorkstation()
  const [state, setState] = useState<{ runId: string | null; report: Report | null; error: string | null }>({ runId: null, report: null, error: null })
  useEffect(() => {
    if (!runId) return
    let live = true
    ws.report(runId).then(
      (report) => live && setState({ runId, report, error: null }),
      (err) => live && setState({ runId, report: null, error: describeError(err) })
    )
    return () => {
      live = false
    }
  }, [ws, runId])
  if (!runId || state.runId !== runId) return { report: null, error: null, loading: !!runId }
  return { report: state.report, error: state.error, loading: false }
}

export function formatStat(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—'
  switch (statKind(key, value)) {
    case 'text':
      return String(value)
    case 'pct':
      return fmtPct(value as number)
    case 'money':
      return fmtMoney(value as number)
    case 'time':
      return fmtTime(value as number).slice(0, 16)
    case 'duration':
      return fmtDuration(value as number)
    case 'count':
      return fmtNum(value as number, 0)
    default:
      return fmtNum(value as number, 3)
  }
}

export function statRows(report: Report): [string, string, string][] {
  const nonFinite = (report.stats.nonFinite ?? {}) as Record<string, string>
  return Object.entries(report.stats)
    .filter(([k, v]) => k !== 'nonFinite' && (typeof v === 'number' || typeof v === 'string' || v === null))
    .map(([k, v]) => [statLabel(k), v === null && nonFinite[k] ? (nonFinite[k] === 'Infinity' ? '∞' : '−∞') : formatStat(k, v), k])
}

export function equityOption(series: { name: string; ts: number[]; equity: number[]; drawdown?: number[]; color: string }[]) {
  const withDd = series.filter((s) => s.drawdown)
  const timeLabels = { color: C.text, fontSize: 10, hideOverlap: true, formatter: { year: '{yyyy}', month: '{yyyy}-{MM}', day: '{MM}-{dd}', hour: '{HH}:{mm}', minute: '{HH}:{mm}', second: '{HH}:{mm}:{ss}' } }
  return {
    animation: false,
    useUTC: true,
    backgroundColor: 'transparent',
    legend: series.length > 1 ? { top: 0, data: series.map((s) => s.name), textStyle: { color: C.text, fontSize: 11 } } : undefined,
    tooltip: tooltipStyle({ trigger: 'axis' }),
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: [
      { left: 70, right: 16, top: series.length > 1 ? 30 : 12, bottom: withDd.length ? '38%' : 46 },
      ...(withDd.length ? [{ left: 70, right: 16, top: '67%', bottom: 46 }] : [])
    ],
    xAxis: [
      { type: 'time', gridIndex: 0, ...axisStyle(), axisLabel: { ...timeLabels, show: !withDd.length } },
      ...(withDd.length ? [{ type: 'time', gridIndex: 1, ...axisStyle(), axisLabel: timeLabels }] : [])
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, ...axisStyle() },
      ...(withDd.length
        ? [{ type: 'value', gridIndex: 1, max: 0, splitNumber: 2, ...axisStyle(), axisLabel: { color: C.text, fontSize: 10, formatter: (v: number) => `${(v * 100).toFixed(0)}%` } }]
        : [])
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: withDd.length ? [0, 1] : [0] },
      { type: 'slider', xAxisIndex: withDd.length ? [0, 1] : [0], height: 18, bottom: 6, textStyle: { color: C.text }, borderColor: C.grid }
    ],
    series: [
      ...series.map((s) => ({
        name: s.name,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        showSymbol: false,
        sampling: 'lttb',
        lineStyle: { width: 1.4, color: s.color },
        itemStyle: { color: s.color },
        data: s.ts.map((t, i) => [t, s.equity[i]])
      })),
      ...withDd.map((s) => ({
        name: `${s.name} drawdown`,
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 1,
        showSymbol: false,
        sampling: 'lttb',
        lineStyle: { width: 1, color: series.length > 1 ? s.color : C.down },
        areaStyle: { color: series.length > 1 ? s.color : C.down, opacity: 0.25 },
        data: s.ts.map((t, i) => [t, s.drawdown![i]])
      }))
    ]
  }
}

/** "2024-01-01 01:15" — trades table times, to the minute. */
function fmtMinute(ms: number): string {
  return fmtTime(ms).slice(0, 16)
}

const TRADE_COLUMNS: Column<ReportTrade & { n: number }>[] = [
  { key: 'n', label: '#', render: (t) => t.n, sortValue: (t) => t.n, width: '36px', align: 'right' },
  { key: 'symbol', label: 'Symbol', render: (t) => t.symbol, sortValue: (t) => t.symbol, width: '72px' },
  { key: 'side', label: 'Side', render: (t) => <span className={t.side === 'long' ? 'up' : 'down'}>{t.side}</span>, sortValue: (t) => t.side, width: '40px' },
  { key: 'entryTs', label: 'Entry (UTC)', render: (t) => fmtMinute(t.entryTs), sortValue: (t) => t.entryTs, width: '112px' },
  { key: 'entryPrice', label: 'Entry', render: (t) => fmtPrice(t.entryPrice), sortValue: (t) => t.entryPrice, align: 'right' },
  { key: 'exitTs', label: 'Exit (UTC)', render: (t) => fmtMinute(t.exitTs), sortValue: (t) => t.exitTs, width: '112px' },
  { key: 'exitPrice', label: 'Exit', render: (t) => fmtPrice(t.exitPrice), sortValue: (t) => t.exitPrice, align: 'right' },
  { key: 'amount', label: 'Amount', render: (t) => fmtNum(t.amount, 4), sortValue: (t) => t.amount, align: 'right' },
  { key: 'pnl', label: 'P&L', render: (t) => <span className={t.pnl >= 0 ? 'up' : 'down'}>{fmtMoney(t.pnl)}</span>, sortValue: (t) => t.pnl, align: 'right' },
  { key: 'returnPct', label: 'Return', render: (t) => <span className={t.returnPct >= 0 ? 'up' : 'down'}>{fmtPct(t.returnPct)}</span>, sortValue: (t) => t.returnPct, align: 'right', width: '64px' },
  { key: 'fees', label: 'Fees', render: (t) => fmtMoney(t.fees), sortValue: (t) => t.fees, align: 'right', width: '0.8fr' },
  { key: 'durationMs', label: 'Held', render: (t) => fmtDuration(t.durationMs), sortValue: (t) => t.durationMs, align: 'right', width: '64px' }
]

/** The report of one run: headline numbers, equity and drawdown, all statistics, all trades. */
export function ReportView() {
  const ws = useWorkstation()
  const runId = useSlice(ws.store, (s) => s.reportRunId)
  const runs = useSlice(ws.store, (s) => s.runs)
  const { report, error, loading } = useReport(runId)
  const summary = runs.find((r) => r.runId === runId)

  const option = useMemo(
    () => (report ? equityOption([{ name: 'equity', ts: report.equity.ts, equity: report.equity.equity, drawdown: report.drawdown, color: C.accent }]) : null),
    [report]
  )
  // numbered as in the whole run: a long run's report lists only its last trades
  const trades = useMemo(() => (report ? report.trades.map((t, i) => ({ ...t, n: (report.tradesOmitted ?? 0) + i + 1 })) : []), [report])

  const picker = (
    <select value={runId ?? ''} onChange={(e) => ws.store.set({ reportRunId: e.target.value || null })} data-testid="report-run-picker" aria-label="Run to show">
      <option value="">— choose a run —</option>
      {runs.map((r) => (
        <option key={r.runId} value={r.runId}>
          {r.runId} · {r.engine} · {fmtMoney(r.finalEquity)}
        </option>
      ))}
    </select>
  )

  if (!runId)
    return (
      <div className="report" data-testid="report">
        <div className="toolbar">{picker}</div>
        <Empty testId="report-empty">No report to show. Run a backtest from the panel on the left (Backtest mode), or pick a finished run above.</Empty>
      </div>
    )
  return (
    <div className="report" data-testid="report" data-runid={runId}>
      <div className="toolbar">
        {picker}
        {summary ? (
          <span className="muted">
            {summary.engine} ·{' '}
            {Object.entries(summary.params)
              .filter(([, v]) => v !== '')
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}
          </span>
        ) : null}
      </div>
      {loading ? <Empty>Loading the report of {runId}…</Empty> : null}
      <ErrorText testId="report-error">{error ? `Could not load the report of ${runId} — ${error}` : null}</ErrorText>
      {report ? (
        <div className="report-body">
          <div className="headline" data-testid="report-headline">
            <Headline label="Final equity" value={fmtMoney(report.finalEquity)} testId="final-equity" />
            <Headline label="Initial equity" value={fmtMoney(report.initialEquity)} />
            <Headline label="Total return" value={fmtPct(report.stats.totalReturn)} tone={report.stats.totalReturn >= 0 ? 'up' : 'down'} testId="total-return" />
            <Headline label="Max drawdown" value={fmtPct(report.stats.maxDrawdown)} tone="down" />
            <Headline label="Sharpe" value={fmtNum(report.stats.sharpe, 2)} />
            <Headline label="Trades" value={fmtNum(report.stats.tradeCount, 0)} testId="trade-count" />
          </div>
          {report.warnings?.length ? <div className="warn-text">{report.warnings.join(' · ')}</div> : null}
          <div className="report-grid">
            <div className="report-chart">
              {report.equity.ts.length ? <EChart option={option!} testId="equity-chart" /> : <Empty>The run produced no equity samples.</Empty>}
            </div>
            <div className="report-stats">
              <h4>Statistics</h4>
              <KeyValues rows={statRows(report)} testId="stats-table" />
            </div>
          </div>
          <h4 data-testid="report-trades-heading">
            {report.tradesOmitted ? `Trades (the last ${trades.length.toLocaleString('en-US')} of ${(report.tradesOmitted + trades.length).toLocaleString('en-US')})` : `Trades (${trades.length})`}
          </h4>
          <div className="report-trades">
            <SortableTable columns={TRADE_COLUMNS} rows={trades} rowKey={(t) => String(t.n)} empty="No closed trades in this run." testId="trades-table" initialSort={{ key: 'n', dir: 'asc' }} />
          </div>
        </div>
      ) : null}
    </div>
  )
}

function Headline({ label, value, tone, testId }: { label: string; value: string; tone?: 'up' | 'down'; testId?: string }) {
  return (
    <div className="headline-item">
      <div className="headline-label">{label}</div>
      <div className={`headline-value ${tone ?? ''}`} data-testid={testId}>
        {value}
      </div>
    </div>
  )
}
