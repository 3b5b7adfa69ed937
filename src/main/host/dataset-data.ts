import { WorkstationError } from '../../shared/api'
import { MarketStore } from '../core/store'
import { loadMarketData, type LoadedMarketData } from './load-market-data'
import type { DatasetSource } from './worker-protocol'

/** What a backtest or a bar replay needs of a dataset, whether it comes from a file or the store. */
export type DatasetData = Pick<LoadedMarketData, 'series' | 'stages' | 'sampleBars' | 'fingerprint' | 'warnings'> & { quality: unknown }

/** Loads a dataset's series (in a worker: files are parsed and store chunks decoded off the UI's thread). */
export async function loadDatasetData(source: DatasetSource): Promise<DatasetData> {
  if (source.reader === 'market-data') return loadMarketData(source.path, { symbol: source.symbol })
  if (source.reader === 'hftbacktest') {
    throw new WorkstationError('ValidationError', `dataset ${source.id} is an L2 book capture; backtests run on bars, trades or quotes (replay the capture instead)`)
  }
  const store = MarketStore.open(source.path, { readonly: true })
  try {
    const id = source.seriesId ?? ''
    const info = store.getSeries(id)
    if (info === undefined) throw new WorkstationError('NotFound', `series ${id} is no longer in the market-data store`)
    const stored = store.readSeries(id)
    const series = stored.kind === 'bars' ? { bars: [stored.series] } : stored.kind === 'trades' ? { trades: [stored.series] } : { quotes: [stored.series] }
    return { series, stages: [], fingerprint: info.fingerprint, quality: info.quality, warnings: [] }
  } finally {
    store.close()
  }
}
