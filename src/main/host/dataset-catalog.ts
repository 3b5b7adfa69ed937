import { readdirSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { WorkstationError, type Dataset } from '../../shared/api'
import { symbolFromCaptureName } from '../core/data/hftbacktest-capture'
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

/**
 * The datasets the workstation offers. Each is read once (in a worker, by `describe`) to learn
 * its rows, range and quality; the answers are kept. A dataset that cannot be read is left out
 * of the list and answers `get` with the reason.
 */
export class DatasetCatalog {
  private readonly sources = new Map<string, DatasetSource>()
  private described: Map<string, Promise<Dataset>> | null = null

  constructor(
    sources: readonly DatasetSource[],
    private readonly describe: (sources: DatasetSource[]) => Map<string, Promise<Dataset>>
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
    return out
  }

  async get(id: string): Promise<CatalogEntry> {
    const source = this.sources.get(id)
    if (source === undefined) throw new WorkstationError('NotFound', `no dataset ${id}; data.list shows the datasets`)
    try {
      return { source, dataset: await this.all().get(id)! }
    } catch (err) {
      throw new WorkstationError('DataError', `dataset ${id} cannot be read: ${err instanceof Error ? err.message : String(err)}`)
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
