import { useState } from 'react'
import { ErrorText, ProgressBar } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtBytes, fmtCount, fmtRange } from './data-format'
import { checkForm, useDataModel, type ImportForm, type ImportPolicy, type ImportView } from './data-model'

const POLICIES: { id: ImportPolicy; label: string; hint: string }[] = [
  { id: 'keep-gaps', label: 'keep-gaps', hint: 'Invalid rows are dropped and reported; gaps stay gaps.' },
  { id: 'reject', label: 'reject', hint: 'Any invalid row refuses the whole file; nothing is stored.' },
  { id: 'drop', label: 'drop', hint: 'Invalid rows, outliers and zero-volume filler bars are dropped.' },
  { id: 'forward-fill', label: 'forward-fill', hint: 'As keep-gaps, then missing bars are filled with the previous close (volume 0).' }
]

/** The import form: a file on the host machine, its symbol, timeframe and quality policy; then the import's progress and outcome. */
export function ImportPanel() {
  const model = useDataModel()
  const form = useSlice(model.store, (s) => s.form)
  const starting = useSlice(model.store, (s) => s.starting)
  const startError = useSlice(model.store, (s) => s.startError)
  const current = useSlice(model.store, (s) => (s.currentImportId ? s.imports.get(s.currentImportId) : undefined))
  const [errors, setErrors] = useState<Partial<Record<keyof ImportForm, string>>>({})
  const running = !!current && !current.finished

  const submit = () => {
    const found = checkForm(form)
    setErrors(found)
    if (Object.keys(found).length === 0) void model.startImport()
    else model.clearStartError()
  }
  // an edited field's message goes until the next Import
  const edit = (patch: Partial<ImportForm>) => {
    model.setForm(patch)
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))))
  }
  const field = (key: keyof ImportForm) => ({
    className: errors[key] ? 'invalid' : undefined,
    'aria-invalid': errors[key] ? true : undefined
  })

  return (
    <form
      className="dm-import"
      data-testid="data-import"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <h4>Import a file</h4>
      <div className="dm-import-grid">
        <label className="dm-f dm-f-path">
          <span className="field-label">File on the host</span>
          <input
            {...field('path')}
            value={form.path}
            placeholder="/path/to/bars.csv (csv, json, txt; .gz too)"
            spellCheck={false}
            onChange={(e) => edit({ path: e.target.value })}
            data-testid="import-path"
          />
        </label>
        <label className="dm-f">
          <span className="field-label">Symbol</span>
          <input {...field('symbol')} value={form.symbol} placeholder="BTC/USDT" spellCheck={false} onChange={(e) => edit({ symbol: e.target.value })} data-testid="import-symbol" />
        </label>
        <label className="dm-f">
          <span className="field-label">Timeframe</span>
          <input {...field('timeframe')} value={form.timeframe} placeholder="detect" spellCheck={false} onChange={(e) => edit({ timeframe: e.target.value })} data-testid="import-timeframe" />
        </label>
        <label className="dm-f">
          <span className="field-label">Quality policy</span>
          <select value={form.policy} onChange={(e) => model.setForm({ policy: e.target.value as ImportPolicy })} data-testid="import-policy">
            {POLICIES.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary dm-import-btn" disabled={starting || running} data-testid="import-start">
          {starting ? 'Starting…' : running ? 'Importing…' : 'Import'}
        </button>
      </div>
      <div className="field-hint dm-policy-hint">{POLICIES.find((p) => p.id === form.policy)?.hint}</div>
      {Object.values(errors).map((e) => (
        <div key={e} className="field-error" role="alert">
          {e}
        </div>
      ))}
      <ErrorText testId="import-start-error">{startError}</ErrorText>
      {current ? <ImportProgress imp={current} /> : null}
    </form>
  )
}

function ImportProgress({ imp }: { imp: ImportView }) {
  const ws = useWorkstation()
  const model = useDataModel()
  const dataset = useSlice(ws.store, (s) => (imp.datasetId ? s.datasets?.find((d) => d.id === imp.datasetId) : undefined))
  const rejectedShown = useSlice(model.store, (s) => s.rejectedImportId === imp.importId)
  const failed = imp.finished && imp.error !== null
  const fraction = imp.finished ? 1 : imp.total > 0 ? imp.done / imp.total : 0
  const what = imp.request ? `${imp.request.path.split(/[\\/]/).pop()} as ${imp.request.symbol}` : imp.importId
  const bytes = imp.total > 0 ? ` · ${fmtBytes(imp.done)} / ${fmtBytes(imp.total)}` : ''
  const label = failed ? (imp.quality ? 'rejected' : 'failed') : `${Math.round(fraction * 100)}%${bytes}`
  return (
    <div className="dm-progress" data-testid="import-progress" data-importid={imp.importId} data-state={imp.finished ? (failed ? 'failed' : 'done') : 'running'}>
      <ProgressBar fraction={fraction} tone={failed ? 'bad' : imp.finished ? 'ok' : 'accent'} label={label} testId="import-progress-bar" />
      {!imp.finished ? (
        <div className="muted small" data-testid="import-status">
          Importing {what}…
        </div>
      ) : failed ? (
        <>
          <div className="error-text" role="alert" data-testid="import-error">
            <strong>{imp.quality ? `Rejected ${what}` : `Import of ${what} failed`}</strong> — {imp.error}
          </div>
          {imp.quality ? (
            <div className="small muted">
              Nothing was stored. The defects and their lines are in the report on the right
              {rejectedShown ? '' : ' · '}
              {rejectedShown ? null : (
                <button type="button" className="link" onClick={() => model.showRejected(imp.importId)}>
                  show it again
                </button>
              )}
              .
            </div>
          ) : null}
        </>
      ) : (
        <div className="ok small" data-testid="import-status">
          Imported {what}
          {dataset ? (
            <>
              {' '}
              → {dataset.id}: {fmtCount(dataset.rows)} rows, {fmtRange(dataset.from, dataset.to)}
            </>
          ) : imp.datasetId ? (
            <> → {imp.datasetId}</>
          ) : null}
          {imp.datasetId ? (
            <>
              {' · '}
              <button type="button" className="link" onClick={() => void model.select(imp.datasetId)}>
                show its report
              </button>
            </>
          ) : null}
        </div>
      )}
    </div>
  )
}
