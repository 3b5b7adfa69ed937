import { WorkstationError, type CommandResult, type SeriesImportView } from '../../shared/api'
import { MarketStore, type SeriesImport } from '../core/store'
import type { DatasetCatalog } from './dataset-catalog'

/**
 * `data.show`: a dataset with its full quality report. Store series keep the report of the
 * import that created them and one record per import or append; sample files and captures are
 * described by their counts only (`quality` null, no imports).
 */
export async function showDataset(catalog: DatasetCatalog, datasetId: string): Promise<CommandResult<'data.show'>> {
  const { source, dataset } = await catalog.get(datasetId)
  if (source.reader !== 'store' || source.seriesId === undefined) return { dataset, quality: null, imports: [] }
  const store = MarketStore.open(source.path, { readonly: true })
  try {
    const info = store.getSeries(source.seriesId)
    if (info === undefined) throw new WorkstationError('NotFound', `no series ${source.seriesId} in the market-data store; data.list shows the datasets`)
    return { dataset, quality: info.quality, imports: store.seriesImports(source.seriesId).map(importView) }
  } finally {
    store.close()
  }
}

/** `data.delete`: removes a store series (its chunks and import records) in one transaction. */
export async function deleteDataset(catalog: DatasetCatalog, datasetId: string): Promise<CommandResult<'data.delete'>> {
  const { source, dataset } = await catalog.get(datasetId)
  if (source.reader !== 'store' || source.seriesId === undefined) {
    throw new WorkstationError('ValidationError', `dataset ${datasetId} is a ${source.source} file, not a series of the market-data store; only stored series can be deleted`)
  }
  const store = MarketStore.open(source.path)
  try {
    store.deleteSeries(source.seriesId)
  } finally {
    store.close()
  }
  return { datasetId, rows: dataset.rows }
}

function importView(r: SeriesImport): SeriesImportView {
  const report = r.report
  return {
    seq: r.seq,
    action: r.action,
    sourceFile: r.sourceFile,
    at: r.at,
    rowsAppended: r.rowsAppended,
    rowsIdentical: r.rowsIdentical,
    rowsConflicting: r.rowsConflicting,
    format: report?.format ?? null,
    dialect: report?.dialect ?? null,
    rowsRead: report?.rowsRead ?? null,
    rowsAccepted: report?.rowsAccepted ?? null,
    errors: report?.quality.errors ?? null,
    warnings: report?.quality.warnings ?? null,
    notes: report?.notes ?? []
  }
}
