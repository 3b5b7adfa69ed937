import { useMemo } from 'react'
import { C } from '../../charts/echarts'
import { EChart } from '../../charts/EChart'
import { Empty, ErrorText } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtMoney } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { statKind, statLabel } from './report-schema'
import { equityOption, formatStat, useReport } from './ReportView'

const COLORS = [C.accent, C.amber]

/** Two runs side by side: equity curves overlaid, statistics in columns with the difference. */
export function CompareView() {
  const ws = useWorkstation()
  const runs = useSlice(ws.store, (s) => s.runs)
  const [a, setA] = usePersistentState('compare.a', '')
  const [b, setB] = usePersistentState('compare.b', '')
  const ra = useReport(a || null)
  const rb = useReport(b || null)

  const option = useMemo(() => {
    const series = [
      ra.report ? { name: `A ${a}`, ts: ra.report.equity.ts, equity: ra.report.equity.equity, drawdown: ra.report.drawdown, color: COLORS[0] } : null,
      rb.report ? { name: `B ${b}`, ts: rb.report.equity.ts, equity: rb.report.equity.equity, drawdown: rb.report.drawdown, color: COLORS[1] } : null
    ].filter((s) => s !== null)
    return series.length ? equityOption(series) : null
  }, [ra.report, rb.report, a, b])

  const rows = useMemo(() => {
    if (!ra.report || !rb.report) return []
    const keys = Object.keys(ra.report.stats).filter((k) => k !== 'nonFinite' && k in rb.report!.stats)
    return keys
      .map((k) => {
        const va = ra.report!.stats[k]
        const vb = rb.report!.stats[k]
        if (!(typeof va === 'number' || va === null) || !(typeof vb === 'number' || vb === null)) return null
        const diff = typeof va === 'number' && typeof vb === 'number' && statKind(k, va) !== 'time' ? vb - va : null
        return { k, a: formatStat(k, va), b: formatStat(k, vb), diff: diff === null ? '' : `${diff > 0 ? '+' : ''}${formatStat(k, diff)}`, better: diff }
      })
      .filter((r) => r !== null)
  }, [ra.report, rb.report])

  const picker = (value: string, set: (v: string) => void, label: string, testId: string) => (
    <label className="inline-field">
      <span>{label}</span>
      <select value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
        <option value="">— choose a run —</option>
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {r.runId} · {r.engine} {Object.entries(r.params).map(([k, v]) => `${k}=${v}`).slice(0, 3).join(' ')} · {fmtMoney(r.finalEquity)}
          </option>
        ))}
      </select>
    </label>
  )

  return (
    <div className="compare" data-testid="compare">
      <div className="toolbar">
        {picker(a, setA, 'A', 'compare-a')}
        {picker(b, setB, 'B', 'compare-b')}
        <button onClick={() => void ws.loadRuns()}>Refresh runs</button>
      </div>
      {runs.length < 2 ? <Empty>Compare needs two finished runs. Run two backtests (e.g. with different parameters), then pick them here.</Empty> : null}
      <ErrorText>{ra.error ? `A: ${ra.error}` : null}</ErrorText>
      <ErrorText>{rb.error ? `B: ${rb.error}` : null}</ErrorText>
      {runs.length >= 2 && (!a || !b) ? <Empty>Pick run A and run B above.</Empty> : null}
      {option ? (
        <div className="compare-grid">
          <div className="report-chart">
            <EChart option={option} testId="compare-chart" />
          </div>
          {rows.length ? (
            <div className="compare-stats" data-testid="compare-stats">
              <div className="cmp-row cmp-head">
                <span>Statistic</span>
                <span>A</span>
                <span>B</span>
                <span>B − A</span>
              </div>
              {rows.map((r) => (
                <div key={r.k} className="cmp-row" data-stat={r.k}>
                  <span>{statLabel(r.k)}</span>
                  <span>{r.a}</span>
                  <span>{r.b}</span>
                  <span className={r.better === null || r.better === 0 ? '' : r.better > 0 ? 'up' : 'down'}>{r.diff}</span>
                </div>
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
