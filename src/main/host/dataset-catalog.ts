import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { WorkstationError, type Dataset } from '../../shared/api'
import { symbolFromCaptureName } from '../core/data/hftbacktest-capture'
import { MarketStore, type SeriesInfo } from '../core/store'
import type { DatasetSource } from './worker-protocol'

export interface CatalogEntry {
  source: DatasetSource
  dataset: Dataset
}

/** `BTC-USDT-1m-synthetic.csv` → `BTC/USDT`; a name without a pair is used as it is. */
export function sampleSymbol(file: string): string {
  const name = basename(file).replace(/(\.(csv|json|txt|gz|zip))+$/i, '')
  const pair = /^([A-Za-z0-9]+)[-_]([A-Za-z0-9]+)(?:[-_]|$)/.exec(name)
  return pair ? `${pair[1].toUpperCase()}/${pair[2].toUpperCase()}` : name
}

/** The data files of the sample folder (missing folder: none). */
export function sampleSources(dir: string): DatasetSource[] {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return []
  }
  return names
    .filter((n) => /\.(csv|json|txt)(\.gz)?$/i.test(n) && statSync(join(dir, n)).isFile())
    .map((n) => ({ id: `sample:${n}`, reader: 'market-data', path: resolve(dir, n), symbol: sampleSymbol(n), source: 'sample' }))
}

/** hftbacktest captures; the id names the parent folder too, since collectors reuse file names per venue. */
export function captureSources(files: readonly string[]): DatasetSource[] {
  const seen = new Set<string>()
  return files.map((file) => {
    const path = resolve(file)
    let id = `capture:${basename(dirname(path))}/${basename(path, extname(path) === '.gz' ? '.gz' : '')}`
    for (let n = 2; seen.has(id); n++) id = `${id}-${n}`
    seen.add(id)
    return { id, reader: 'hftbacktest', path, symbol: symbolFromCaptureName(path), source: 'capture' }
  })
}

const STORE_PREFIX = 'store:'

/** A series of the market-data store as a dataset (its metadata is in the store; nothing is read). */
export function storeEntry(storePath: string, info: SeriesInfo): CatalogEntry {
  const q = info.quality
  const quality: Record<string, number> | null = q === null ? null : { errors: q.errors, warnings: q.warnings, rowsDropped: q.rowsDropped, missingBars: q.missingBars }
  if (q !== null && quality !== null) for (const [kind, n] of Object.entries(q.counts)) if (n > 0) quality[kind] = n
  const id = `${STORE_PREFIX}${info.id}`
  return {
    source: { id, reader: 'store', path: storePath, seriesId: info.id, symbol: info.symbol, source: 'store' },
    dataset: {
      id,
      name: `${info.symbol} ${info.timeframe ?? info.kind} · store ${info.id}`,
      kind: info.kind,
      symbol: info.symbol,
      timeframe: info.timeframe,
      rows: info.rows,
      from: info.firstTime,
      // bars are listed by open time; the range ends where the last bar closes
      to: info.lastTime === null ? null : info.lastTime + (info.kind === 'bars' ? (info.timeframeMs ?? 0) : 0),
      quality,
      source: 'store'
    }
  }
}

/**
 * The datasets the workstation offers. Sample files and captures are read once (in a worker, by
 * `describe`) to learn their rows, range and quality; the answers are kept. A dataset that cannot
 * be read is left out of the list and answers `get` with the reason. Store series are listed
 * from the store's own metadata at each call, so an import shows up at once.
 */
export class DatasetCatalog {
  private readonly sources = new Map<string, DatasetSource>()
  private described: Map<string, Promise<Dataset>> | null = null

  constructor(
    sources: readonly DatasetSource[],
    private readonly describe: (sources: DatasetSource[]) => Map<string, Promise<Dataset>>,
    private readonly storePath: string
  ) {
    for (const s of sources) this.sources.set(s.id, s)
  }

  async list(): Promise<Dataset[]> {
    const described = this.all()
    const out: Dataset[] = []
    for (const id of this.sources.keys()) {
      try {
        out.push(await described.get(id)!)
      } catch {
        // listed as unreadable only through `get`
      }
    }
    for (const entry of this.storeEntries()) out.push(entry.dataset)
    return out
  }

  async get(id: string): Promise<CatalogEntry> {
    if (id.startsWith(STORE_PREFIX)) {
      const entry = this.storeEntries().find((e) => e.source.id === id)
      if (entry === undefined) throw new WorkstationError('NotFound', `no series ${id.slice(STORE_PREFIX.length)} in the market-data store; data.list shows the datasets`)
      return entry
    }
    const source = this.sources.get(id)
    if (source === undefined) throw new WorkstationError('NotFound', `no dataset ${id}; data.list shows the datasets`)
    try {
      return { source, dataset: await this.all().get(id)! }
    } catch (err) {
      throw new WorkstationError('DataError', `dataset ${id} cannot be read: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  private storeEntries(): CatalogEntry[] {
    if (!existsSync(this.storePath)) return []
    const store = MarketStore.open(this.storePath, { readonly: true })
    try {
      return store.listSeries().map((info) => storeEntry(this.storePath, info))
    } finally {
      store.close()
    }
  }

  private all(): Map<string, Promise<Dataset>> {
    if (this.described === null) {
      this.described = this.describe([...this.sources.values()])
      // a failure is reported when asked for; it must not surface as an unhandled rejection
      for (const p of this.described.values()) p.catch(() => {})
    }
    return this.described
  }
}
