import type { Dataset } from '../../../../shared/api'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'

export function datasetLabel(d: Dataset): string {
  const what = d.source === 'capture' ? 'order-book capture' : d.kind
  return `${d.name} — ${d.symbol}${d.timeframe ? ` ${d.timeframe}` : ''} · ${what} · ${d.rows.toLocaleString('en-US')} rows`
}

export function datasetRange(d: Dataset | undefined): string {
  if (!d || d.from === null) return ''
  return `${fmtTime(d.from)} → ${fmtTime(d.to)} UTC`
}

/** A dataset picker over `data.list`, filtered; says what to do when nothing fits. */
export function DatasetSelect({ value, onChange, filter, testId }: { value: string; onChange: (id: string) => void; filter: (d: Dataset) => boolean; testId: string }) {
  const ws = useWorkstation()
  const datasets = useSlice(ws.store, (s) => s.datasets)
  const error = useSlice(ws.store, (s) => s.datasetsError)
  if (error)
    return (
      <div className="error-text" role="alert">
        Could not list datasets — {error} <button onClick={() => void ws.loadDatasets()}>Retry</button>
      </div>
    )
  if (!datasets) return <span className="muted">Loading datasets…</span>
  const usable = datasets.filter(filter)
  if (usable.length === 0) return <span className="muted">No usable dataset. Import a CSV (theorycraft import …) or add sample data, then reload.</span>
  const current = usable.find((d) => d.id === value)
  return (
    <>
      <select value={current ? value : ''} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {current ? null : <option value="">— choose a dataset —</option>}
        {usable.map((d) => (
          <option key={d.id} value={d.id}>
            {datasetLabel(d)}
          </option>
        ))}
      </select>
      {current ? <span className="field-hint">{datasetRange(current)}</span> : null}
    </>
  )
}
