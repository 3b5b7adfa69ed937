import type { Dataset } from '../../../../shared/api'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtCount, fmtRange, kindLabel, qualitySummary } from './data-format'
import { useDataModel } from './data-model'

const SOURCE_ORDER: Record<Dataset['source'], number> = { store: 0, sample: 1, capture: 2 }

/** Every dataset `data.list` offers; a click shows its quality report. */
export function DatasetList() {
  const ws = useWorkstation()
  const model = useDataModel()
  const datasets = useSlice(ws.store, (s) => s.datasets)
  const error = useSlice(ws.store, (s) => s.datasetsError)
  const selected = useSlice(model.store, (s) => s.selectedId)
  if (error)
    return (
      <div className="error-text" role="alert">
        Could not list datasets — {error} <button onClick={() => void ws.loadDatasets()}>Retry</button>
      </div>
    )
  if (!datasets) return <div className="muted dm-list-empty">Loading datasets…</div>
  const sorted = [...datasets].sort((a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || a.symbol.localeCompare(b.symbol) || a.id.localeCompare(b.id))
  const pick = (id: string) => void model.select(id)
  return (
    <div className="dm-list" role="listbox" aria-label="Datasets" data-testid="data-list" data-rows={datasets.length}>
      {datasets.length === 0 ? (
        <div className="empty">No datasets yet. Import a file above: it is checked, stored, and offered to backtests.</div>
      ) : (
        sorted.map((d) => (
          <div
            key={d.id}
            role="option"
            tabIndex={0}
            aria-selected={d.id === selected}
            className={`dm-row ${d.id === selected ? 'selected' : ''}`}
            data-dataset-id={d.id}
            title={d.name}
            onClick={() => pick(d.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault()
                pick(d.id)
              }
            }}
          >
            <span className={`dm-source src-${d.source}`} data-col="source">
              {d.source}
            </span>
            <span className="dm-what">
              <span className="dm-symbol" data-col="symbol">
                {d.symbol}
              </span>{' '}
              <span className="dm-kind-tf">
                <span data-col="kind">{kindLabel(d)}</span>
                {d.timeframe ? ' · ' : ''}
                <span data-col="timeframe">{d.timeframe ?? ''}</span>
              </span>
            </span>
            <span className="dm-rows">
              <span data-col="rows">{fmtCount(d.rows)}</span> rows
            </span>
            <span className="dm-range" data-col="range" title="Range (UTC)">
              {fmtRange(d.from, d.to)}
            </span>
            <span className="dm-qsum" data-col="quality">
              {qualitySummary(d).map((p, i) => (
                <span key={p.text} className={`dm-q tone-${p.tone}`}>
                  {i > 0 ? ' · ' : ''}
                  {p.text}
                </span>
              ))}
            </span>
          </div>
        ))
      )}
    </div>
  )
}
