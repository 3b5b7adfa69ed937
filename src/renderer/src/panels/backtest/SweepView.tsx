import { useMemo, useState } from 'react'
import type { RunSummary } from '../../../../shared/api'
import { parseParam, type ParamSpec } from '../../../../shared/engine-params'
import { axisStyle, C, tooltipStyle } from '../../charts/echarts'
import { EChart } from '../../charts/EChart'
import { SortableTable, type Column } from '../../components/SortableTable'
import { Empty, ErrorText, ProgressBar } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtMoney, fmtNum, fmtPct } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { paramSpecs, parseBroker, parseParams, runForm } from './run-form'

type Value = number | string | boolean

/** "5,10,20" → [5,10,20]; "5:30:5" → 5,10,…,30 (inclusive). Each value is checked against the spec. */
export function parseAxis(name: string, spec: ParamSpec, text: string): Value[] {
  const t = text.trim()
  if (!t) throw new Error(`${name}: enter values, e.g. 5,10,20 or 5:30:5`)
  let raw: string[]
  const range = /^(-?[\d.]+)\s*:\s*(-?[\d.]+)\s*:\s*([\d.]+)$/.exec(t)
  if (range) {
    const [start, stop, step] = [Number(range[1]), Number(range[2]), Number(range[3])]
    if (!(step > 0)) throw new Error(`${name}: the step must be above 0`)
    const n = Math.floor((stop - start) / step + 1e-9) + 1
    if (n < 1) throw new Error(`${name}: the range ${t} is empty`)
    if (n > 50) throw new Error(`${name}: ${n} values; at most 50 per axis`)
    raw = Array.from({ length: n }, (_, i) => String(Number((start + i * step).toPrecision(12))))
  } else raw = t.split(/[,\s]+/).filter(Boolean)
  if (raw.length > 50) throw new Error(`${name}: ${raw.length} values; at most 50 per axis`)
  const values = raw.map((r) => parseParam(name, spec, r))
  return [...new Set(values)]
}

const METRICS: { key: keyof RunSummary; label: string; fmt: (n: number) => string }[] = [
  { key: 'totalReturn', label: 'Total return', fmt: (n) => fmtPct(n) },
  { key: 'sharpe', label: 'Sharpe', fmt: (n) => fmtNum(n, 2) },
  { key: 'finalEquity', label: 'Final equity', fmt: (n) => fmtMoney(n) },
  { key: 'maxDrawdown', label: 'Max drawdown', fmt: (n) => fmtPct(n) },
  { key: 'tradeCount', label: 'Trades', fmt: (n) => fmtNum(n, 0) }
]

/** A two-parameter grid over the runner's dataset, engine and settings: results table and heatmap. */
export function SweepView() {
  // remount per engine so the remembered axes of that engine are loaded
  const engine = useSlice(runForm, (s) => s.engine)
  return <SweepForEngine key={engine} />
}

function SweepForEngine() {
  const ws = useWorkstation()
  const form = useSlice(runForm, (s) => s)
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const sweepId = useSlice(ws.store, (s) => s.currentSweepId)
  const sweep = useSlice(ws.store, (s) => (s.currentSweepId ? s.sweeps.get(s.currentSweepId) : undefined))
  const engineSpec = specs?.find((e) => e.name === form.engine)
  const pSpecs = paramSpecs(engineSpec)
  const numeric = Object.entries(pSpecs).filter(([, s]) => s.type === 'integer' || s.type === 'number' || s.type === 'enum' || s.type === 'boolean')
  const [xName, setX] = usePersistentState(`sweep.${form.engine}.x`, numeric[0]?.[0] ?? '')
  const [yName, setY] = usePersistentState(`sweep.${form.engine}.y`, numeric[1]?.[0] ?? '')
  const [xText, setXText] = usePersistentState(`sweep.${form.engine}.xv`, '')
  const [yText, setYText] = usePersistentState(`sweep.${form.engine}.yv`, '')
  const [metric, setMetric] = usePersistentState<string>('sweep.metric', 'totalReturn')
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)

  const start = async () => {
    setError(null)
    try {
      if (!form.datasetId) throw new Error('Choose a dataset in the backtest runner first')
      if (!engineSpec) throw new Error('Choose an engine in the backtest runner first')
      if (!pSpecs[xName] || !pSpecs[yName]) throw new Error('Choose two parameters to sweep')
      if (xName === yName) throw new Error('Choose two different parameters')
      const xs = parseAxis(xName, pSpecs[xName], xText)
      const ys = parseAxis(yName, pSpecs[yName], yText)
      if (xs.length * ys.length > 400) throw new Error(`${xs.length} × ${ys.length} = ${xs.length * ys.length} runs; at most 400`)
      const p = parseParams(form, form.engine, pSpecs)
      const fixedErrors = Object.entries(p.errors).filter(([k]) => k !== xName && k !== yName)
      if (fixedErrors.length) throw new Error(fixedErrors.map(([, m]) => m).join('; '))
      const b = parseBroker(form.broker)
      if (!b.broker) throw new Error(Object.values(b.errors).join('; '))
      const params = Object.fromEntries(Object.entries(p.values).filter(([k]) => k !== xName && k !== yName))
      setStarting(true)
      const r = await ws.run('sweep.start', { datasetId: form.datasetId, engine: form.engine, grid: { [xName]: xs, [yName]: ys }, params, broker: b.broker }, { inline: setError })
      if (r) ws.noteSweep(r.sweepId, r.runs, [{ name: xName, values: xs }, { name: yName, values: ys }], form.engine)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setStarting(false)
    }
  }

  const axes = sweep?.axes
  const m = METRICS.find((x) => x.key === metric) ?? METRICS[0]
  const heatmap = useMemo(() => {
    if (!sweep || !axes || axes.length !== 2) return null
    const [ax, ay] = axes
    const cells: [number, number, number][] = []
    for (const r of sweep.results) {
      const xi = ax.values.findIndex((v) => v === r.params[ax.name])
      const yi = ay.values.findIndex((v) => v === r.params[ay.name])
      const v = r[m.key]
      if (xi >= 0 && yi >= 0 && typeof v === 'number' && Number.isFinite(v)) cells.push([xi, yi, v])
    }
    if (!cells.length) return null
    const vals = cells.map((c) => c[2])
    return {
      animation: false,
      tooltip: tooltipStyle({
        formatter: (p: { value: [number, number, number] }) => `${ax.name}=${ax.values[p.value[0]]}  ${ay.name}=${ay.values[p.value[1]]}\n${m.label}: ${m.fmt(p.value[2])}`
      }),
      grid: { left: 60, right: 112, top: 16, bottom: 40 },
      xAxis: { type: 'category', name: ax.name, nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: C.text }, data: ax.values.map(String), ...axisStyle(), splitArea: { show: false } },
      yAxis: { type: 'category', name: ay.name, nameLocation: 'middle', nameGap: 40, nameTextStyle: { color: C.text }, data: ay.values.map(String), ...axisStyle() },
      visualMap: {
        min: Math.min(...vals),
        max: Math.max(...vals) === Math.min(...vals) ? Math.min(...vals) + 1e-9 : Math.max(...vals),
        calculable: true,
        orient: 'vertical',
        right: 10,
        top: 'center',
        itemWidth: 12,
        textStyle: { color: C.text, fontSize: 10 },
        formatter: (v: number) => m.fmt(v),
        inRange: { color: ['#b2182b', '#ef8a62', '#fddbc7', '#d1e5f0', '#67a9cf', '#2166ac'] }
      },
      series: [{ type: 'heatmap', data: cells, label: { show: cells.length <= 120, color: '#111', fontSize: 9, formatter: (p: { value: [number, number, number] }) => m.fmt(p.value[2]) } }]
    }
  }, [sweep, axes, m])

  const columns: Column<RunSummary>[] = useMemo(
    () => [
      ...(axes ?? []).map((a) => ({
        key: `p-${a.name}`,
        label: a.name,
        render: (r: RunSummary) => String(r.params[a.name]),
        sortValue: (r: RunSummary) => r.params[a.name] as number | string,
        align: 'right' as const,
        width: '0.6fr'
      })),
      { key: 'finalEquity', label: 'Equity', render: (r) => fmtMoney(r.finalEquity), sortValue: (r) => r.finalEquity, align: 'right', width: '1.1fr' },
      { key: 'totalReturn', label: 'Return', render: (r) => <span className={r.totalReturn >= 0 ? 'up' : 'down'}>{fmtPct(r.totalReturn)}</span>, sortValue: (r) => r.totalReturn, align: 'right', width: '1fr' },
      { key: 'maxDrawdown', label: 'Max DD', render: (r) => fmtPct(r.maxDrawdown), sortValue: (r) => r.maxDrawdown, align: 'right', width: '1fr' },
      { key: 'sharpe', label: 'Sharpe', render: (r) => fmtNum(r.sharpe, 2), sortValue: (r) => r.sharpe, align: 'right', width: '0.8fr' },
      { key: 'tradeCount', label: 'Trades', render: (r) => fmtNum(r.tradeCount, 0), sortValue: (r) => r.tradeCount, align: 'right', width: '0.7fr' },
      {
        key: 'open',
        label: '',
        render: (r) => (
          <button className="link" title={`Open the report of ${r.runId}`} onClick={() => ws.store.set({ reportRunId: r.runId, centerTab: 'report' })}>
            report
          </button>
        ),
        width: '44px'
      }
    ],
    [axes, ws]
  )

  const paramSelect = (value: string, set: (v: string) => void, testId: string) => (
    <select value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
      <option value="">—</option>
      {numeric.map(([n]) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  )

  return (
    <div className="sweep" data-testid="sweep">
      <div className="toolbar wrap">
        <span className="muted">
          {form.engine || 'no engine'} on {form.datasetId || 'no dataset'} (from the backtest runner)
        </span>
        <label className="inline-field">
          <span>X</span>
          {paramSelect(xName, setX, 'sweep-x')}
          <input value={xText} onChange={(e) => setXText(e.target.value)} placeholder="5,10,20 or 5:30:5" data-testid="sweep-x-values" />
        </label>
        <label className="inline-field">
          <span>Y</span>
          {paramSelect(yName, setY, 'sweep-y')}
          <input value={yText} onChange={(e) => setYText(e.target.value)} placeholder="20:100:20" data-testid="sweep-y-values" />
        </label>
        <button className="primary" onClick={() => void start()} disabled={starting} data-testid="sweep-run">
          Run sweep
        </button>
        <label className="inline-field">
          <span>Colour by</span>
          <select value={m.key} onChange={(e) => setMetric(e.target.value)}>
            {METRICS.map((x) => (
              <option key={x.key} value={x.key}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText testId="sweep-error">{error}</ErrorText>
      {!sweep ? (
        <Empty>Pick two parameters and their values, then Run sweep. Each cell of the grid is one backtest; the heatmap colours them by the chosen statistic.</Empty>
      ) : (
        <>
          <ProgressBar fraction={sweep.total ? sweep.done / sweep.total : 0} label={`${sweep.done} / ${sweep.total} runs · sweep ${sweepId}`} testId="sweep-progress" tone={sweep.done >= sweep.total && sweep.total > 0 ? 'ok' : 'accent'} />
          <div className="sweep-grid">
            <div className="sweep-heatmap">{heatmap ? <EChart option={heatmap} testId="sweep-heatmap" /> : <Empty>Waiting for the first results…</Empty>}</div>
            <div className="sweep-table">
              <SortableTable columns={columns} rows={sweep.results} rowKey={(r) => r.runId} empty="No results yet." testId="sweep-table" initialSort={{ key: m.key, dir: 'desc' }} />
            </div>
          </div>
        </>
      )}
    </div>
  )
}
