import { useState, type ReactNode } from 'react'
import type { CommandResult, Dataset, QualityReportView } from '../../../../shared/api'
import { Empty, ErrorText, KeyValues, Modal } from '../../components/ui'
import { useSlice } from '../../state/store'
import { fmtTime } from '../../util/format'
import { fmtCount, fmtRange, kindLabel } from './data-format'
import { useDataModel, type ImportView } from './data-model'
import { QualityReport } from './QualityReport'

/** The selected dataset: what it holds, its full quality report, its imports; stored series can be deleted. */
export function DatasetDetail() {
  const model = useDataModel()
  const detail = useSlice(model.store, (s) => s.detail)
  const rejected = useSlice(model.store, (s) => (s.rejectedImportId ? s.imports.get(s.rejectedImportId) : undefined))
  if (!detail && rejected?.quality) return <Rejected imp={rejected} quality={rejected.quality} />
  if (!detail) return <Empty testId="data-detail-empty">Select a dataset to see its quality report: the counts per issue kind, the policy, and each issue with its line in the file.</Empty>
  if (detail.loading) return <div className="muted">Loading {detail.datasetId}…</div>
  if (detail.error || !detail.data)
    return (
      <div data-testid="data-detail" data-dataset-id={detail.datasetId}>
        <ErrorText testId="data-detail-error">
          Could not show {detail.datasetId} — {detail.error} <button onClick={() => void model.select(detail.datasetId)}>Retry</button>
        </ErrorText>
      </div>
    )
  return <Shown data={detail.data} />
}

function Shown({ data }: { data: CommandResult<'data.show'> }) {
  const { dataset: d, quality, imports } = data
  const [confirming, setConfirming] = useState(false)
  return (
    <div className="dm-detail" data-testid="data-detail" data-dataset-id={d.id}>
      <div className="dm-detail-head">
        <h3 title={d.id}>{d.name}</h3>
        {d.source === 'store' ? (
          <button className="danger-outline small" onClick={() => setConfirming(true)} data-testid="data-delete">
            Delete…
          </button>
        ) : null}
      </div>
      <KeyValues testId="data-facts" rows={facts(d, imports)} />
      <h4>Quality report</h4>
      {quality ? <QualityReport quality={quality} testId="data-report" /> : <ListedCounts d={d} />}
      {imports.length ? <Imports imports={imports} /> : null}
      {confirming ? <ConfirmDelete d={d} onClose={() => setConfirming(false)} /> : null}
    </div>
  )
}

function facts(d: Dataset, imports: CommandResult<'data.show'>['imports']): [string, ReactNode, string][] {
  const rows: [string, ReactNode, string][] = [
    ['Dataset', <code key="id">{d.id}</code>, 'id'],
    ['Source', d.source === 'store' ? 'market-data store' : d.source === 'sample' ? 'bundled sample file' : 'order-book capture', 'source'],
    ['Holds', `${kindLabel(d)}${d.timeframe ? ` · ${d.timeframe}` : ''} · ${d.symbol}`, 'holds'],
    ['Rows', fmtCount(d.rows), 'rows']
  ]
  const first = imports[0]
  if (first?.format) rows.push(['Format', `${first.format}${first.dialect ? ` (${first.dialect})` : ''}`, 'format'])
  rows.push(['Range (UTC)', fmtRange(d.from, d.to), 'range'])
  if (first?.sourceFile) rows.push(['Imported from', <span key="f" className="dm-path">{first.sourceFile}</span>, 'file'])
  return rows
}

/** The report of a file the quality gate refused under `reject`. */
function Rejected({ imp, quality }: { imp: ImportView; quality: QualityReportView }) {
  const file = imp.request?.path ?? 'the file'
  return (
    <div className="dm-detail" data-testid="import-rejected" data-importid={imp.importId}>
      <div className="dm-detail-head">
        <h3 className="bad" title={file}>
          Rejected: {file.split(/[\\/]/).pop()}
          {imp.request ? ` as ${imp.request.symbol}` : ''}
        </h3>
      </div>
      <div className="small muted dm-note">
        Nothing was stored. Fix the rows below, or import again with the keep-gaps or drop policy to leave them out.
      </div>
      <h4>Quality report</h4>
      <QualityReport quality={quality} testId="import-report" />
    </div>
  )
}

/** Samples and captures are checked when listed; only their counts are kept. */
function ListedCounts({ d }: { d: Dataset }) {
  const counts = Object.entries(d.quality ?? {})
  return (
    <div data-testid="data-report-counts">
      {counts.length ? (
        <div className="dm-kinds">
          {counts.map(([k, n]) => (
            <span key={k} className={`dm-kind ${n === 0 ? 'zero' : ''}`} data-kind={k} data-count={n}>
              <span className="dm-kind-name">{k}</span>
              <span className="dm-kind-n">{fmtCount(n)}</span>
            </span>
          ))}
        </div>
      ) : (
        <div className="muted">No counts for this dataset.</div>
      )}
      <div className="muted small dm-note">
        {d.source === 'capture'
          ? 'Counts from reading the capture through the order book: snapshots, diffs, and the sequence gaps and crossed books found.'
          : 'Counts from reading the file when it was listed. Import it to keep the full report, with each issue and its line.'}
      </div>
    </div>
  )
}

function Imports({ imports }: { imports: CommandResult<'data.show'>['imports'] }) {
  return (
    <>
      <h4>Imports</h4>
      <div className="table dm-imports" data-testid="data-imports" data-rows={imports.length}>
        <div className="trow thead dm-import-row">
          <div className="tcell align-right">#</div>
          <div className="tcell">When (UTC)</div>
          <div className="tcell">Action</div>
          <div className="tcell align-right">Rows added</div>
          <div className="tcell align-right">Identical</div>
          <div className="tcell align-right">Conflicts</div>
          <div className="tcell">File</div>
        </div>
        {imports.map((i) => (
          <div key={i.seq} className="trow dm-import-row" data-seq={i.seq} title={[i.sourceFile, ...i.notes].filter(Boolean).join('\n')}>
            <div className="tcell align-right">{i.seq}</div>
            <div className="tcell">{fmtTime(i.at)}</div>
            <div className="tcell">{i.action}</div>
            <div className="tcell align-right">{fmtCount(i.rowsAppended)}</div>
            <div className="tcell align-right">{fmtCount(i.rowsIdentical)}</div>
            <div className={`tcell align-right ${i.rowsConflicting ? 'bad' : ''}`}>{fmtCount(i.rowsConflicting)}</div>
            <div className="tcell dm-path">{i.sourceFile ?? '—'}</div>
          </div>
        ))}
      </div>
    </>
  )
}

function ConfirmDelete({ d, onClose }: { d: Dataset; onClose: () => void }) {
  const model = useDataModel()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const remove = async () => {
    setBusy(true)
    const failure = await model.remove(d.id)
    setBusy(false)
    if (failure) setError(failure)
    else onClose()
  }
  return (
    <Modal title="Delete stored series?" onClose={onClose} testId="data-delete-confirm">
      <p className="dm-confirm-text">
        <strong>{d.id}</strong> — {fmtCount(d.rows)} rows, {fmtRange(d.from, d.to)} — and its import history will be removed from the market-data store. The file it
        came from is not touched.
      </p>
      <ErrorText testId="data-delete-error">{error}</ErrorText>
      <div className="modal-actions">
        <button onClick={onClose} data-testid="data-delete-cancel">
          Cancel
        </button>
        <button className="danger" onClick={() => void remove()} disabled={busy} data-testid="data-delete-ok">
          {busy ? 'Deleting…' : 'Delete series'}
        </button>
      </div>
    </Modal>
  )
}
