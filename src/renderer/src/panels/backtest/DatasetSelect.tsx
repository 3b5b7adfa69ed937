import { useEffect } from 'react'
import type { Dataset } from '../../../../shared/api'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'

export function datasetLabel(d: Dataset): string {
  return d.name
}

/** Kind, size, range and data-quality counts of the chosen dataset. */
export function datasetDetails(d: Dataset | undefined): string {
  if (!d) return ''
  const what = d.source === 'capture' ? 'order-book capture' : d.kind
  const range = d.from === null ? '' : ` · ${fmtTime(d.from)} → ${fmtTime(d.to)} UTC`
  // only the counts that signal a problem
  const issues = Object.entries(d.quality ?? {}).filter(([k, n]) => n > 0 && /error|gap|missing|dropped|crossed|skipped|warning/i.test(k))
  return `${what} · ${d.rows.toLocaleString('en-US')} rows${range}${issues.length ? ` · ${issues.map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}`
}

/** A dataset picker over `data.list`, filtered; says what to do when nothing fits. */
export function DatasetSelect({ value, onChange, filter, testId }: { value: string; onChange: (id: string) => void; filter: (d: Dataset) => boolean; testId: string }) {
  const ws = useWorkstation()
  const datasets = useSlice(ws.store, (s) => s.datasets)
  const error = useSlice(ws.store, (s) => s.datasetsError)
  const firstUsable = datasets?.find(filter)?.id
  const known = !!datasets?.some((d) => d.id === value && filter(d))
  // nothing chosen yet (or the remembered dataset is gone): preselect the first usable one
  useEffect(() => {
    if (datasets && !known && firstUsable) onChange(firstUsable)
  }, [datasets, known, firstUsable, onChange])
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
      {current ? <span className="field-hint">{datasetDetails(current)}</span> : null}
    </>
  )
}
