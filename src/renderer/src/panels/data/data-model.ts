import type { CommandResult, PushPayload, QualityReportView } from '../../../../shared/api'
import { describeError } from '../../api/errors'
import { Store } from '../../state/store'
import { useWorkstation, type Workstation } from '../../state/workstation'

export type ImportPolicy = 'reject' | 'drop' | 'keep-gaps' | 'forward-fill'

export interface ImportForm {
  path: string
  symbol: string
  timeframe: string
  policy: ImportPolicy
}

/** One import as the panel follows it: what was asked, the latest progress, how it ended. */
export interface ImportView {
  importId: string
  request: ImportForm | null
  /** bytes read so far and the file's size (0 until the worker reports) */
  done: number
  total: number
  finished: boolean
  error: string | null
  datasetId: string | null
  quality: QualityReportView | null
}

export interface DetailView {
  datasetId: string
  loading: boolean
  error: string | null
  data: CommandResult<'data.show'> | null
}

export interface DataPanelState {
  form: ImportForm
  /** the import the form shows (null before the first one) */
  currentImportId: string | null
  imports: ReadonlyMap<string, ImportView>
  /** an import the host refused outright (missing file, bad parameters) */
  startError: string | null
  starting: boolean
  selectedId: string | null
  detail: DetailView | null
  /** an import `reject` refused, whose report the detail shows until a dataset is selected */
  rejectedImportId: string | null
}

const TIMEFRAME = /^[1-9]\d*[smhdwMy]$/

/** What is wrong with the form, per field; empty when it can be sent. */
export function checkForm(f: ImportForm): Partial<Record<keyof ImportForm, string>> {
  const errors: Partial<Record<keyof ImportForm, string>> = {}
  if (!f.path.trim()) errors.path = 'Enter the path of a file on the host machine'
  if (!f.symbol.trim()) errors.symbol = 'Enter the symbol the data is for, e.g. BTC/USDT'
  if (f.timeframe.trim() && !TIMEFRAME.test(f.timeframe.trim())) errors.timeframe = 'A timeframe like 1m, 4h or 1d; leave it empty to detect it'
  return errors
}

/**
 * The data manager's state: the import form, the imports it follows (from `import.progress`
 * pushes, which may arrive before `data.import` answers, so they are kept by id), and the
 * selected dataset with its `data.show` answer. One per Workstation, so an import keeps being
 * followed while another tab is showing.
 */
export class DataModel {
  readonly store = new Store<DataPanelState>({
    form: { path: '', symbol: '', timeframe: '', policy: 'keep-gaps' },
    currentImportId: null,
    imports: new Map(),
    startError: null,
    starting: false,
    selectedId: null,
    detail: null,
    rejectedImportId: null
  })

  constructor(private readonly ws: Workstation) {
    ws.client.subscribe('import.progress', (p) => this.onProgress(p))
  }

  setForm(patch: Partial<ImportForm>): void {
    this.store.set((s) => ({ form: { ...s.form, ...patch } }))
  }

  clearStartError(): void {
    this.store.set({ startError: null })
  }

  async startImport(): Promise<void> {
    const form = this.store.get().form
    // a new attempt: the previous import's outcome gives way to this one's
    this.store.set({ starting: true, startError: null, currentImportId: null })
    const timeframe = form.timeframe.trim()
    const r = await this.ws.run(
      'data.import',
      { path: form.path.trim(), symbol: form.symbol.trim(), policy: form.policy, ...(timeframe ? { timeframe } : {}) },
      { inline: (message) => this.store.set({ startError: message }) }
    )
    this.store.set({ starting: false })
    if (!r) return
    this.patchImport(r.importId, () => ({ request: { ...form } }))
    this.store.set({ currentImportId: r.importId })
    // the import may have finished before its id was known here
    const done = this.store.get().imports.get(r.importId)
    if (done?.finished) this.showOutcome(done)
  }

  /** A new series opens in the detail; a rejected file's report takes the detail's place. */
  private showOutcome(imp: ImportView): void {
    if (imp.datasetId) void this.select(imp.datasetId)
    else if (imp.quality) this.store.set({ selectedId: null, detail: null, rejectedImportId: imp.importId })
  }

  showRejected(importId: string): void {
    this.store.set({ selectedId: null, detail: null, rejectedImportId: importId })
  }

  async select(datasetId: string | null): Promise<void> {
    this.store.set({ selectedId: datasetId, rejectedImportId: null, detail: datasetId ? { datasetId, loading: true, error: null, data: null } : null })
    if (!datasetId) return
    try {
      const data = await this.ws.client.call('data.show', { datasetId })
      if (this.store.get().selectedId === datasetId) this.store.set({ detail: { datasetId, loading: false, error: null, data } })
    } catch (err) {
      if (this.store.get().selectedId === datasetId) this.store.set({ detail: { datasetId, loading: false, error: describeError(err), data: null } })
    }
  }

  /** Deletes a stored series; returns the error message, or null when it is gone. */
  async remove(datasetId: string): Promise<string | null> {
    let failure: string | null = null
    const r = await this.ws.run('data.delete', { datasetId }, { inline: (message) => (failure = message) })
    if (!r) return failure
    this.ws.toast('success', `Deleted ${r.datasetId} (${r.rows.toLocaleString('en-US')} rows)`)
    if (this.store.get().selectedId === datasetId) this.store.set({ selectedId: null, detail: null })
    await this.ws.loadDatasets()
    return null
  }

  private onProgress(p: PushPayload<'import.progress'>): void {
    this.patchImport(p.importId, (prev) => ({
      // the finished push reports 1/1 or 0/0: keep the byte counts the bar last showed
      done: p.finished ? Math.max(prev.total, prev.done) : p.done,
      total: p.finished ? prev.total : p.total,
      finished: p.finished,
      error: p.error,
      datasetId: p.datasetId,
      quality: p.quality ?? prev.quality
    }))
    const imp = this.store.get().imports.get(p.importId)
    if (p.finished && imp && this.store.get().currentImportId === p.importId) this.showOutcome(imp)
  }

  private patchImport(importId: string, patch: (prev: ImportView) => Partial<ImportView>): void {
    this.store.set((s) => {
      const imports = new Map(s.imports)
      const prev = imports.get(importId) ?? { importId, request: null, done: 0, total: 0, finished: false, error: null, datasetId: null, quality: null }
      imports.set(importId, { ...prev, ...patch(prev) })
      // a long session keeps only the recent imports
      while (imports.size > 50) imports.delete(imports.keys().next().value!)
      return { imports }
    })
  }
}

const models = new WeakMap<Workstation, DataModel>()

export function useDataModel(): DataModel {
  const ws = useWorkstation()
  let model = models.get(ws)
  if (!model) {
    model = new DataModel(ws)
    models.set(ws, model)
  }
  return model
}
