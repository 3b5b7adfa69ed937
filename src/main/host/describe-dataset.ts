import { basename, dirname } from 'node:path'
import type { Dataset } from '../../shared/api'
import { HftbacktestCaptureReader } from '../core/data/hftbacktest-capture'
import { OrderBook } from '../core/market/order-book'
import { loadMarketData } from './load-market-data'
import type { DatasetSource } from './worker-protocol'

/** Reads a dataset once to list it: what it holds, how many rows, its time range and quality counts. */
export async function describeDataset(source: DatasetSource): Promise<Dataset> {
  return source.reader === 'hftbacktest' ? describeCapture(source) : describeFile(source)
}

async function describeFile(source: DatasetSource): Promise<Dataset> {
  const data = await loadMarketData(source.path, { symbol: source.symbol })
  const q = data.quality
  const quality: Record<string, number> = { errors: q.errors, warnings: q.warnings, rowsDropped: q.rowsDropped, missingBars: q.missingBars }
  for (const [kind, n] of Object.entries(q.counts)) if (n > 0) quality[kind] = n
  const base = { id: source.id, symbol: source.symbol, quality, source: source.source }
  const bars = data.series.bars?.[0]
  if (bars) {
    return {
      ...base,
      name: `${source.symbol} ${bars.timeframe} · ${basename(source.path)}`,
      kind: 'bars',
      timeframe: bars.timeframe,
      rows: bars.length,
      from: bars.length > 0 ? bars.openTime[0] : null,
      to: bars.length > 0 ? bars.closeTime[bars.length - 1] : null
    }
  }
  const ticks = data.series.trades?.[0] ?? data.series.quotes?.[0]
  const kind = data.series.trades?.[0] ? 'trades' : 'quotes'
  const n = ticks?.length ?? 0
  return {
    ...base,
    name: `${source.symbol} ${kind} · ${basename(source.path)}`,
    kind,
    timeframe: null,
    rows: n,
    from: n > 0 ? ticks!.ts[0] : null,
    to: n > 0 ? ticks!.ts[n - 1] : null
  }
}

/** A capture is scanned through the order book as a replay would be, so gaps show up in the listing. */
async function describeCapture(source: DatasetSource): Promise<Dataset> {
  const reader = new HftbacktestCaptureReader(source.path, { symbol: source.symbol })
  const book = new OrderBook(source.symbol, 'auto')
  let rows = 0
  let from = Infinity
  let to = -Infinity
  for await (const batch of reader.batches()) {
    for (const r of batch) {
      rows++
      const ts = r.event.ts
      if (ts < from) from = ts
      if (ts > to) to = ts
      if (r.event.type === 'book') book.apply(r.event, r.firstUpdateId, r.previousUpdateId)
    }
  }
  const c = reader.counts
  return {
    id: source.id,
    name: `${source.symbol} L2 capture · ${basename(dirname(source.path))}/${basename(source.path)}`,
    kind: 'book',
    symbol: source.symbol,
    timeframe: null,
    rows,
    from: rows > 0 ? from : null,
    to: rows > 0 ? to : null,
    quality: { snapshots: c.snapshots, diffs: c.diffs, quotes: c.quotes, trades: c.trades, skipped: c.skipped, gaps: book.counters.gaps, crossed: book.counters.crossed },
    source: source.source
  }
}
