import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openSqlite } from '../sqlite-driver'
import { MarketSchema, type Market } from '../../../shared/market'
import type { BarSeries, QuoteSeries, TradeSeries } from '../data/bar-series'
import { seriesFingerprint } from '../data/fingerprint'
import type { ImportReport } from '../data/import-report'
import type { QualityReport } from '../data/quality'
import { parseTimeframe } from '../data/timeframe'
import {
  LAYOUTS,
  columnClassOk,
  columnsOf,
  decodeColumn,
  encodeColumn,
  newColumn,
  seriesKindOf,
  type AnySeries,
  type Column,
  type SeriesKind
} from './columns'
import { MarketStoreError, describeCause } from './errors'
import { assertStoreNotNewer, migrateStore, readStoreSchemaVersion, STORE_MIGRATIONS } from './migrations'

/** Rows per chunk: 64 Ki rows make each float column a 512 KiB blob. */
export const CHUNK_ROWS = 65_536

export interface MarketStoreOpenOptions {
  readonly?: boolean
  /** How long a write waits for another connection's lock; default 5000 ms. */
  busyTimeoutMs?: number
  /** Rows per chunk for new chunks (tests use small values to cross boundaries); default CHUNK_ROWS. */
  chunkRows?: number
}

export interface SeriesInfo {
  id: string
  kind: SeriesKind
  symbol: string
  /** Bars only. */
  timeframe: string | null
  timeframeMs: number | null
  rows: number
  /** Time of the first and last row (bar open time, tick time); null when empty. */
  firstTime: number | null
  lastTime: number | null
  /** `seriesFingerprint` of the whole stored series. */
  fingerprint: string
  /** The quality report of the import that created the series (appends are in `seriesImports`). */
  quality: QualityReport | null
  sourceFile: string | null
  chunks: number
  createdAt: number
  updatedAt: number
}

export interface SeriesMeta {
  /** Default: `defaultSeriesId(kind, symbol, timeframe)`. */
  id?: string
  sourceFile?: string
  /** The full import report; its `quality` becomes the series' quality unless `quality` is given. */
  report?: ImportReport
  quality?: QualityReport
}

export interface AppendOptions {
  sourceFile?: string
  report?: ImportReport
  /** Refuse the whole append (store unchanged) when an overlapping row differs or is not stored. */
  rejectConflicts?: boolean
  /** Conflicts described in the result (all are counted); default 20. */
  maxConflictSamples?: number
}

/** One incoming row at or before the stored last time that does not match what is stored. */
export interface OverlapConflict {
  /** 0-based row in the incoming series. */
  index: number
  time: number
  /** `differs`: a stored row at this time has other values; `not-in-store`: none is stored there. */
  kind: 'differs' | 'not-in-store'
  stored: Record<string, number> | null
  incoming: Record<string, number>
}

export interface AppendResult {
  info: SeriesInfo
  /** Rows newer than the stored last time, now stored. */
  appended: number
  /** Overlapping rows equal to the stored ones (skipped). */
  identical: number
  /** Overlapping rows not equal to anything stored (skipped and reported). */
  conflicts: number
  conflictSamples: OverlapConflict[]
  firstAppended: number | null
  lastAppended: number | null
}

export interface SeriesImport {
  seq: number
  action: 'import' | 'append'
  sourceFile: string | null
  rowsAppended: number
  rowsIdentical: number
  rowsConflicting: number
  report: ImportReport | null
  at: number
}

/** Inclusive bounds on the series time (bar open time, tick time). */
export interface TimeRange {
  from?: number
  to?: number
}

export type StoredSeries =
  | { kind: 'bars'; series: BarSeries }
  | { kind: 'trades'; series: TradeSeries }
  | { kind: 'quotes'; series: QuoteSeries }

interface SeriesRow {
  id: string
  kind: string
  symbol: string
  timeframe: string | null
  timeframe_ms: number | null
  rows: number
  first_time: number | null
  last_time: number | null
  fingerprint: string
  quality: string | null
  source_file: string | null
  created_at: number
  updated_at: number
  chunks: number
}

interface ChunkRow {
  seq: number
  first_time: number
  last_time: number
  rows: number
}

interface InstrumentRow {
  venue: string
  symbol: string
  base: string
  quote: string
  price_precision: number
  amount_precision: number
  min_amount: number
  min_notional: number
  maker_fee: number
  taker_fee: number
  sessions: string
}

/** Columns of a series in layout order, exactly `n` rows each (an absent optional column is undefined). */
interface Columns {
  kind: SeriesKind
  n: number
  cols: (Column | undefined)[]
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/
// SQLite's clock: created/updated times are audit metadata, never an input to a computation.
const NOW_MS = "CAST(unixepoch('subsec') * 1000 AS INTEGER)"

/** `BTC/USDT` 1m bars → `BTC-USDT-1m`; trades → `BTC-USDT-trades`. */
export function defaultSeriesId(kind: SeriesKind, symbol: string, timeframe?: string | null): string {
  const base = symbol.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'series'
  return `${base}-${kind === 'bars' ? (timeframe ?? 'bars') : kind}`.slice(0, 200)
}

function prepareStatements(db: Database.Database) {
  const seriesCols = `s.*, (SELECT COUNT(*) FROM chunks c WHERE c.series_id = s.id) AS chunks`
  return {
    putInstrument: db.prepare(
      `INSERT INTO instruments (venue, symbol, base, quote, price_precision, amount_precision, min_amount, min_notional, maker_fee, taker_fee, sessions)
       VALUES (@venue, @symbol, @base, @quote, @price_precision, @amount_precision, @min_amount, @min_notional, @maker_fee, @taker_fee, @sessions)
       ON CONFLICT (venue, symbol) DO UPDATE SET base = excluded.base, quote = excluded.quote, price_precision = excluded.price_precision,
         amount_precision = excluded.amount_precision, min_amount = excluded.min_amount, min_notional = excluded.min_notional,
         maker_fee = excluded.maker_fee, taker_fee = excluded.taker_fee, sessions = excluded.sessions`
    ),
    instrumentsBySymbol: db.prepare<[string], InstrumentRow>('SELECT * FROM instruments WHERE symbol = ? ORDER BY venue'),
    instrument: db.prepare<[string, string], InstrumentRow>('SELECT * FROM instruments WHERE venue = ? AND symbol = ?'),
    instruments: db.prepare<[], InstrumentRow>('SELECT * FROM instruments ORDER BY symbol, venue'),
    listSeries: db.prepare<[], SeriesRow>(`SELECT ${seriesCols} FROM series s ORDER BY s.id`),
    getSeries: db.prepare<[string], SeriesRow>(`SELECT ${seriesCols} FROM series s WHERE s.id = ?`),
    insertSeries: db.prepare(
      `INSERT INTO series (id, kind, symbol, timeframe, timeframe_ms, rows, first_time, last_time, fingerprint, quality, source_file, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW_MS}, ${NOW_MS})`
    ),
    updateSeries: db.prepare(`UPDATE series SET rows = ?, first_time = ?, last_time = ?, fingerprint = ?, updated_at = ${NOW_MS} WHERE id = ?`),
    deleteSeries: db.prepare('DELETE FROM series WHERE id = ?'),
    insertImport: db.prepare(
      `INSERT INTO series_imports (series_id, seq, action, source_file, rows_appended, rows_identical, rows_conflicting, report, at)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM series_imports WHERE series_id = ?), ?, ?, ?, ?, ?, ?, ${NOW_MS})`
    ),
    imports: db.prepare<[string], { seq: number; action: string; source_file: string | null; rows_appended: number; rows_identical: number; rows_conflicting: number; report: string | null; at: number }>(
      'SELECT * FROM series_imports WHERE series_id = ? ORDER BY seq'
    ),
    deleteImports: db.prepare('DELETE FROM series_imports WHERE series_id = ?'),
    chunksInRange: db.prepare<[string, number, number], ChunkRow>(
      'SELECT seq, first_time, last_time, rows FROM chunks WHERE series_id = ? AND last_time >= ? AND first_time <= ? ORDER BY seq'
    ),
    lastChunk: db.prepare<[string], ChunkRow>('SELECT seq, first_time, last_time, rows FROM chunks WHERE series_id = ? ORDER BY seq DESC LIMIT 1'),
    insertChunk: db.prepare('INSERT INTO chunks (series_id, seq, first_time, last_time, rows) VALUES (?, ?, ?, ?, ?)'),
    deleteChunk: db.prepare('DELETE FROM chunks WHERE series_id = ? AND seq = ?'),
    deleteChunks: db.prepare('DELETE FROM chunks WHERE series_id = ?'),
    insertColumn: db.prepare('INSERT INTO chunk_columns (series_id, seq, name, codec, data) VALUES (?, ?, ?, ?, ?)'),
    columnsInRange: db.prepare<[string, number, number], [number, string, string, Buffer]>(
      'SELECT seq, name, codec, data FROM chunk_columns WHERE series_id = ? AND seq >= ? AND seq <= ?'
    ),
    column: db.prepare<[string, number, string], { codec: string; data: Buffer }>('SELECT codec, data FROM chunk_columns WHERE series_id = ? AND seq = ? AND name = ?'),
    deleteChunkColumns: db.prepare('DELETE FROM chunk_columns WHERE series_id = ? AND seq = ?'),
    deleteColumns: db.prepare('DELETE FROM chunk_columns WHERE series_id = ?')
  }
}

type Statements = ReturnType<typeof prepareStatements>

/**
 * The local market-data store: one SQLite file (WAL) of instruments and series. A series is kept
 * as columnar chunks of up to CHUNK_ROWS rows, one BLOB per column, so reads run at memory-copy
 * speed. Every write is one transaction: a failed import or append leaves the file unchanged.
 * One connection per instance; use it from one thread.
 */
export class MarketStore {
  readonly path: string
  readonly readonly: boolean
  readonly schemaVersion: number
  private db: Database.Database | null
  private readonly stmts: Statements
  private readonly chunkRows: number

  private constructor(path: string, db: Database.Database, readonly: boolean, schemaVersion: number, chunkRows: number) {
    this.path = path
    this.db = db
    this.readonly = readonly
    this.schemaVersion = schemaVersion
    this.chunkRows = chunkRows
    this.stmts = prepareStatements(db)
    this.stmts.columnsInRange.raw(true)
  }

  /** Opens the store at `path`, creating and migrating it unless read-only. */
  static open(path: string, options: MarketStoreOpenOptions = {}): MarketStore {
    const readonly = options.readonly === true
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000
    const chunkRows = options.chunkRows ?? CHUNK_ROWS
    if (typeof path !== 'string' || path.length === 0) throw new MarketStoreError('bad-argument', 'market-data store: path must be a non-empty string')
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new MarketStoreError('bad-argument', `market-data store ${path}: busyTimeoutMs must be a non-negative integer`, { path })
    }
    if (!Number.isSafeInteger(chunkRows) || chunkRows < 1 || chunkRows > 1 << 24) {
      throw new MarketStoreError('bad-argument', `market-data store ${path}: chunkRows must be an integer in 1..${1 << 24}`, { path })
    }
    if (readonly && !existsSync(path)) throw new MarketStoreError('open-failed', `market-data store ${path}: no such file`, { path })
    let db: Database.Database
    try {
      db = openSqlite(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs })
    } catch (err) {
      throw new MarketStoreError('open-failed', `market-data store ${path}: cannot open: ${describeCause(err)}`, { path, cause: err })
    }
    try {
      let version: number
      if (readonly) {
        version = assertStoreNotNewer(db, path)
        if (version < STORE_MIGRATIONS.length) {
          throw new MarketStoreError(
            'schema-too-old',
            `market-data store ${path}: schema version ${version} is older than ${STORE_MIGRATIONS.length} and a read-only open cannot migrate it; open it read-write once`,
            { path }
          )
        }
      } else {
        // Checked before any pragma writes, so a file from a newer build is left byte-for-byte alone.
        assertStoreNotNewer(db, path)
        // Large pages keep a 512 KiB column blob on few overflow pages; only takes effect on a new file.
        if (readStoreSchemaVersion(db) === 0) db.pragma('page_size = 65536')
        const mode = db.pragma('journal_mode = WAL', { simple: true })
        if (mode !== 'wal' && path !== ':memory:') {
          throw new MarketStoreError('open-failed', `market-data store ${path}: could not switch to WAL mode (got ${String(mode)})`, { path })
        }
        // NORMAL in WAL mode: a crash can lose the last commits but never corrupts the file; imports can be rerun.
        db.pragma('synchronous = NORMAL')
        version = migrateStore(db, path).to
      }
      return new MarketStore(path, db, readonly, version, chunkRows)
    } catch (err) {
      db.close()
      if (err instanceof MarketStoreError) throw err
      throw new MarketStoreError('open-failed', `market-data store ${path}: cannot open: ${describeCause(err)}`, { path, cause: err })
    }
  }

  // ---------------------------------------------------------------- instruments

  /** Adds or replaces the instrument (venue, symbol). */
  putInstrument(market: Market): void {
    this.writable()
    const parsed = MarketSchema.safeParse(market)
    if (!parsed.success) {
      throw new MarketStoreError('bad-argument', `market-data store ${this.path}: instrument is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
        path: this.path
      })
    }
    const m = parsed.data
    this.stmts.putInstrument.run({
      venue: m.venue,
      symbol: m.symbol,
      base: m.base,
      quote: m.quote,
      price_precision: m.precision.price,
      amount_precision: m.precision.amount,
      min_amount: m.limits.amount.min,
      min_notional: m.limits.cost.min,
      maker_fee: m.maker,
      taker_fee: m.taker,
      sessions: m.sessions
    })
  }

  /** The instrument for `symbol` at `venue`; without a venue, the only one with that symbol. */
  getInstrument(symbol: string, venue?: string): Market | undefined {
    this.open()
    if (venue !== undefined) {
      const row = this.stmts.instrument.get(venue, symbol)
      return row && toMarket(row)
    }
    const rows = this.stmts.instrumentsBySymbol.all(symbol)
    if (rows.length > 1) {
      throw new MarketStoreError('ambiguous-instrument', `market-data store ${this.path}: ${symbol} is listed at ${rows.map((r) => r.venue).join(', ')}; name the venue`, {
        path: this.path
      })
    }
    return rows[0] && toMarket(rows[0])
  }

  listInstruments(): Market[] {
    this.open()
    return this.stmts.instruments.all().map(toMarket)
  }

  // ---------------------------------------------------------------- series

  listSeries(): SeriesInfo[] {
    this.open()
    return this.stmts.listSeries.all().map((r) => this.toInfo(r))
  }

  getSeries(id: string): SeriesInfo | undefined {
    this.open()
    const row = this.stmts.getSeries.get(id)
    return row && this.toInfo(row)
  }

  /** Every import and append of a series, oldest first, with its import report. */
  seriesImports(id: string): SeriesImport[] {
    this.open()
    this.requireSeries(id)
    return this.stmts.imports.all(id).map((r) => ({
      seq: r.seq,
      action: r.action as SeriesImport['action'],
      sourceFile: r.source_file,
      rowsAppended: r.rows_appended,
      rowsIdentical: r.rows_identical,
      rowsConflicting: r.rows_conflicting,
      report: r.report === null ? null : (JSON.parse(r.report) as ImportReport),
      at: r.at
    }))
  }

  /** Stores a new series under a new id, in one transaction. */
  importSeries(series: AnySeries, meta: SeriesMeta = {}): SeriesInfo {
    this.writable()
    const { kind, cols, n } = this.normalize(series)
    const timeframe = kind === 'bars' ? (series as BarSeries).timeframe : null
    const id = meta.id ?? defaultSeriesId(kind, series.symbol, timeframe)
    this.checkId(id)
    const quality = meta.quality ?? meta.report?.quality ?? null
    const sourceFile = meta.sourceFile ?? meta.report?.file ?? null
    const report = meta.report === undefined ? null : JSON.stringify(meta.report)
    // From the columns cut to `length`: the fingerprint hashes whole typed arrays.
    const fingerprint = seriesFingerprint(this.build(kind, series.symbol, timeframe, seriesTfMs(series), { kind, n, cols }))
    this.transaction('import', id, () => {
      if (this.stmts.getSeries.get(id)) {
        throw new MarketStoreError('series-exists', `market-data store ${this.path}: series ${id} already exists; append to it or choose another id`, { path: this.path, seriesId: id })
      }
      const t = cols[0] as Float64Array
      this.stmts.insertSeries.run(
        id,
        kind,
        series.symbol,
        timeframe,
        timeframe === null ? null : seriesTfMs(series),
        n,
        n ? t[0] : null,
        n ? t[n - 1] : null,
        fingerprint,
        quality === null ? null : JSON.stringify(quality),
        sourceFile
      )
      this.writeChunks(id, { kind, n, cols }, 0, n, 1, NaN)
      this.stmts.insertImport.run(id, id, 'import', sourceFile, n, 0, 0, report)
    })
    return this.getSeries(id)!
  }

  /**
   * Appends the rows of `series` newer than the stored last time. Rows at or before it are
   * compared with the stored rows at the same time (the k-th row of a timestamp with the k-th
   * stored one): equal rows are skipped, others are counted and described, never written.
   * The fingerprint is recomputed over the whole series. One transaction.
   */
  appendSeries(id: string, series: AnySeries, options: AppendOptions = {}): AppendResult {
    this.writable()
    const incoming = this.normalize(series)
    const { kind, cols, n } = incoming
    const maxSamples = options.maxConflictSamples ?? 20
    const sourceFile = options.sourceFile ?? options.report?.file ?? null
    const report = options.report === undefined ? null : JSON.stringify(options.report)
    let result: Omit<AppendResult, 'info'> | undefined
    this.transaction('append', id, () => {
      const row = this.requireSeries(id)
      this.checkCompatible(row, kind, series)
      this.checkRows(id, incoming, 0, n, NaN)
      const t = cols[0] as Float64Array
      const storedLast = row.last_time ?? -Infinity
      // First incoming row newer than the stored end.
      let p = 0
      while (p < n && t[p] <= storedLast) p++
      const overlap = p > 0 ? this.compareOverlap(id, row, incoming, p, maxSamples) : { identical: 0, conflicts: 0, samples: [] }
      if (overlap.conflicts > 0 && options.rejectConflicts) {
        const first = overlap.samples[0]!
        throw new MarketStoreError(
          'overlap-conflict',
          `market-data store ${this.path}: series ${id}: ${overlap.conflicts} overlapping row(s) do not match the stored data; first: row ${first.index} at ${first.time} (${first.kind})`,
          { path: this.path, seriesId: id, row: first.index }
        )
      }
      const appended = n - p
      if (appended > 0) {
        this.appendChunks(id, incoming, p, row)
        const total = row.rows + appended
        const whole = this.readColumns(id, row.kind as SeriesKind, -Infinity, Infinity)
        const fingerprint = seriesFingerprint(this.build(kind, row.symbol, row.timeframe, row.timeframe_ms ?? 0, whole))
        this.stmts.updateSeries.run(total, row.first_time ?? t[p], t[n - 1], fingerprint, id)
      }
      this.stmts.insertImport.run(id, id, 'append', sourceFile, appended, overlap.identical, overlap.conflicts, report)
      result = {
        appended,
        identical: overlap.identical,
        conflicts: overlap.conflicts,
        conflictSamples: overlap.samples,
        firstAppended: appended ? t[p] : null,
        lastAppended: appended ? t[n - 1] : null
      }
    })
    return { info: this.getSeries(id)!, ...result! }
  }

  /** Reads a series (or the rows with from ≤ time ≤ to) whatever its kind. */
  readSeries(id: string, range: TimeRange = {}): StoredSeries {
    this.open()
    const row = this.requireSeries(id)
    const from = range.from ?? -Infinity
    const to = range.to ?? Infinity
    if (typeof from !== 'number' || typeof to !== 'number' || Number.isNaN(from) || Number.isNaN(to)) {
      throw new MarketStoreError('bad-argument', `market-data store ${this.path}: range bounds must be numbers`, { path: this.path, seriesId: id })
    }
    const kind = row.kind as SeriesKind
    const data = this.readColumns(id, kind, from, to)
    return { kind, series: this.build(kind, row.symbol, row.timeframe, row.timeframe_ms ?? 0, data) } as StoredSeries
  }

  readBars(id: string, range: TimeRange = {}): BarSeries {
    return this.readKind(id, 'bars', range).series as BarSeries
  }

  readTrades(id: string, range: TimeRange = {}): TradeSeries {
    return this.readKind(id, 'trades', range).series as TradeSeries
  }

  readQuotes(id: string, range: TimeRange = {}): QuoteSeries {
    return this.readKind(id, 'quotes', range).series as QuoteSeries
  }

  deleteSeries(id: string): void {
    this.writable()
    this.transaction('delete', id, () => {
      this.requireSeries(id)
      this.stmts.deleteColumns.run(id)
      this.stmts.deleteChunks.run(id)
      this.stmts.deleteImports.run(id)
      this.stmts.deleteSeries.run(id)
    })
  }

  /** Copies the whole store, WAL content included, through SQLite's backup API. */
  async backupTo(destination: string): Promise<void> {
    const db = this.open()
    if (existsSync(destination)) {
      throw new MarketStoreError('backup-failed', `market-data store ${this.path}: backup destination ${destination} already exists`, { path: this.path })
    }
    try {
      await db.backup(destination)
    } catch (err) {
      throw new MarketStoreError('backup-failed', `market-data store ${this.path}: backup to ${destination} failed: ${describeCause(err)}`, { path: this.path, cause: err })
    }
  }

  close(): void {
    const db = this.db
    this.db = null
    db?.close()
  }

  get isOpen(): boolean {
    return this.db !== null
  }

  // ---------------------------------------------------------------- internals

  private readKind(id: string, kind: SeriesKind, range: TimeRange): StoredSeries {
    const stored = this.readSeries(id, range)
    if (stored.kind !== kind) {
      throw new MarketStoreError('series-mismatch', `market-data store ${this.path}: series ${id} holds ${stored.kind}, not ${kind}`, { path: this.path, seriesId: id })
    }
    return stored
  }

  private open(): Database.Database {
    if (this.db === null) throw new MarketStoreError('closed', `market-data store ${this.path}: closed`, { path: this.path })
    return this.db
  }

  private writable(): Database.Database {
    const db = this.open()
    if (this.readonly) throw new MarketStoreError('readonly', `market-data store ${this.path}: opened read-only`, { path: this.path })
    return db
  }

  private transaction(what: string, id: string, body: () => void): void {
    const db = this.open()
    try {
      db.transaction(body).immediate()
    } catch (err) {
      if (err instanceof MarketStoreError) throw err
      throw new MarketStoreError('write-failed', `market-data store ${this.path}: ${what} of series ${id} failed and was rolled back: ${describeCause(err)}`, {
        path: this.path,
        seriesId: id,
        cause: err
      })
    }
  }

  private requireSeries(id: string): SeriesRow {
    const row = this.stmts.getSeries.get(id)
    if (!row) throw new MarketStoreError('unknown-series', `market-data store ${this.path}: no series ${JSON.stringify(id)}`, { path: this.path, seriesId: id })
    return row
  }

  private checkId(id: string): void {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new MarketStoreError(
        'bad-argument',
        `market-data store ${this.path}: series id ${JSON.stringify(id)} must be 1-200 characters of letters, digits and . _ : @ + - (starting with a letter or digit)`,
        { path: this.path }
      )
    }
  }

  private toInfo(r: SeriesRow): SeriesInfo {
    return {
      id: r.id,
      kind: r.kind as SeriesKind,
      symbol: r.symbol,
      timeframe: r.timeframe,
      timeframeMs: r.timeframe_ms,
      rows: r.rows,
      firstTime: r.first_time,
      lastTime: r.last_time,
      fingerprint: r.fingerprint,
      quality: r.quality === null ? null : (JSON.parse(r.quality) as QualityReport),
      sourceFile: r.source_file,
      chunks: r.chunks,
      createdAt: r.created_at,
      updatedAt: r.updated_at
    }
  }

  /** Checks the shape of a series and returns its columns cut to exactly `length` rows. */
  private normalize(series: AnySeries): Columns {
    const bad = (message: string) => new MarketStoreError('bad-series', `market-data store ${this.path}: ${message}`, { path: this.path })
    if (series === null || typeof series !== 'object') throw bad('series must be a BarSeries, TradeSeries or QuoteSeries')
    const kind = seriesKindOf(series)
    const n = series.length
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`series length must be a whole number ≥ 0, got ${String(n)}`)
    if (typeof series.symbol !== 'string' || series.symbol.length === 0) throw bad('series symbol must be a non-empty string')
    if (kind === 'bars') {
      const b = series as BarSeries
      try {
        parseTimeframe(b.timeframe)
      } catch (err) {
        throw bad(`bar series timeframe: ${describeCause(err)}`)
      }
      if (!Number.isSafeInteger(b.timeframeMs) || b.timeframeMs < 0) throw bad(`bar series timeframeMs must be a whole number ≥ 0, got ${String(b.timeframeMs)}`)
    }
    const cols = columnsOf(kind, series).map((c, k) => {
      const spec = LAYOUTS[kind][k]!
      if (c === undefined && spec.optional) return undefined
      if (!columnClassOk(spec.type, c)) throw bad(`${kind} column ${spec.name} must be a ${spec.type === 'i8' ? 'Int8Array' : spec.type === 'u8' ? 'Uint8Array' : 'Float64Array'}`)
      if (c!.length < n) throw bad(`${kind} column ${spec.name} has ${c!.length} values for ${n} rows`)
      return c!.length === n ? c : (c!.subarray(0, n) as Column)
    })
    return { kind, n, cols }
  }

  /** Rows [start, end): times are whole milliseconds, in order (bars strictly), after `prev`. */
  private checkRows(id: string, data: Columns, start: number, end: number, prev: number): void {
    const t = data.cols[0] as Float64Array
    const strict = data.kind === 'bars'
    const close = data.kind === 'bars' ? (data.cols[1] as Float64Array) : null
    let last = prev
    for (let i = start; i < end; i++) {
      const v = t[i]
      let problem: string | null = null
      if (!Number.isSafeInteger(v)) problem = `time ${v} is not whole milliseconds`
      else if (strict ? v <= last : v < last) problem = `time ${v} is ${v === last ? 'equal to' : 'before'} the previous row's ${last}`
      else if (close !== null && !(Number.isSafeInteger(close[i]) && close[i] > v)) problem = `close time ${close[i]} is not whole milliseconds after the open time ${v}`
      if (problem !== null) {
        throw new MarketStoreError('bad-series', `market-data store ${this.path}: series ${id}, row ${i}: ${problem}`, { path: this.path, seriesId: id, row: i })
      }
      last = v
    }
  }

  private checkCompatible(row: SeriesRow, kind: SeriesKind, series: AnySeries): void {
    const problems: string[] = []
    if (row.kind !== kind) problems.push(`it holds ${row.kind}, the new data is ${kind}`)
    else {
      if (row.symbol !== series.symbol) problems.push(`its symbol is ${row.symbol}, the new data's is ${series.symbol}`)
      if (kind === 'bars' && row.timeframe !== (series as BarSeries).timeframe) problems.push(`its timeframe is ${row.timeframe}, the new data's is ${(series as BarSeries).timeframe}`)
    }
    if (problems.length) {
      throw new MarketStoreError('series-mismatch', `market-data store ${this.path}: cannot append to series ${row.id}: ${problems.join('; ')}`, { path: this.path, seriesId: row.id })
    }
  }

  /** Writes rows [start, end) as chunks numbered from `seq`, checking each chunk's rows before writing it. */
  private writeChunks(id: string, data: Columns, start: number, end: number, seq: number, prev: number): void {
    const specs = LAYOUTS[data.kind]
    const t = data.cols[0] as Float64Array
    for (let s = start; s < end; s += this.chunkRows, seq++) {
      const e = Math.min(end, s + this.chunkRows)
      this.checkRows(id, data, s, e, s === start ? prev : t[s - 1])
      this.stmts.insertChunk.run(id, seq, t[s], t[e - 1], e - s)
      specs.forEach((spec, k) => {
        const col = data.cols[k]
        if (col === undefined) return
        const values = col.subarray(s, e) as Column
        if (spec.optional && allZero(values)) return
        const { codec, data: blob } = encodeColumn(spec.type, values)
        this.stmts.insertColumn.run(id, seq, spec.name, codec, blob)
      })
    }
  }

  /** Appends rows [p, n): the last chunk, when not full, is rewritten with the first new rows. */
  private appendChunks(id: string, incoming: Columns, p: number, row: SeriesRow): void {
    const n = incoming.n
    const last = this.stmts.lastChunk.get(id)
    if (!last) {
      this.writeChunks(id, incoming, p, n, 1, NaN)
      return
    }
    if (last.rows >= this.chunkRows) {
      this.writeChunks(id, incoming, p, n, last.seq + 1, row.last_time ?? NaN)
      return
    }
    const tail = this.readChunks(id, row.kind as SeriesKind, [last], -Infinity, Infinity)
    const take = Math.min(n - p, this.chunkRows - last.rows)
    const merged: Columns = {
      kind: incoming.kind,
      n: tail.n + take,
      cols: LAYOUTS[incoming.kind].map((spec, k) => {
        const a = tail.cols[k]
        const b = incoming.cols[k]
        if (a === undefined && b === undefined) return undefined
        const out = newColumn(spec.type, tail.n + take)
        if (a !== undefined) out.set(a)
        if (b !== undefined) out.set(b.subarray(p, p + take), tail.n)
        return out
      })
    }
    this.stmts.deleteChunkColumns.run(id, last.seq)
    this.stmts.deleteChunk.run(id, last.seq)
    this.writeChunks(id, merged, 0, merged.n, last.seq, NaN)
    if (p + take < n) this.writeChunks(id, incoming, p + take, n, last.seq + 1, (incoming.cols[0] as Float64Array)[p + take - 1])
  }

  /** Classifies incoming rows [0, p), all at or before the stored last time. */
  private compareOverlap(id: string, row: SeriesRow, incoming: Columns, p: number, maxSamples: number): { identical: number; conflicts: number; samples: OverlapConflict[] } {
    const kind = incoming.kind
    const specs = LAYOUTS[kind]
    const t = incoming.cols[0] as Float64Array
    const stored = this.readColumns(id, kind, t[0], row.last_time ?? -Infinity)
    const st = stored.cols[0] as Float64Array
    const value = (c: Column | undefined, i: number) => (c === undefined ? 0 : c[i])
    const record = (cols: (Column | undefined)[], i: number) => {
      const out: Record<string, number> = {}
      specs.forEach((spec, k) => {
        if (!spec.optional || cols[k] !== undefined) out[spec.name] = value(cols[k], i)
      })
      return out
    }
    let identical = 0
    let conflicts = 0
    const samples: OverlapConflict[] = []
    let j = 0
    for (let i = 0; i < p; i++) {
      while (j < stored.n && st[j] < t[i]) j++
      let kindOf: OverlapConflict['kind'] | null = 'not-in-store'
      if (j < stored.n && st[j] === t[i]) {
        kindOf = specs.every((_, k) => Object.is(value(stored.cols[k], j), value(incoming.cols[k], i))) ? null : 'differs'
        j++
      }
      if (kindOf === null) {
        identical++
        continue
      }
      conflicts++
      if (samples.length < maxSamples) {
        samples.push({ index: i, time: t[i], kind: kindOf, stored: kindOf === 'differs' ? record(stored.cols, j - 1) : null, incoming: record(incoming.cols, i) })
      }
    }
    return { identical, conflicts, samples }
  }

  private readColumns(id: string, kind: SeriesKind, from: number, to: number): Columns {
    return this.readChunks(id, kind, this.stmts.chunksInRange.all(id, from, to), from, to)
  }

  /** Decodes the rows with from ≤ time ≤ to of the given chunks (consecutive, in seq order). */
  private readChunks(id: string, kind: SeriesKind, chunks: ChunkRow[], from: number, to: number): Columns {
    const specs = LAYOUTS[kind]
    const where = (seq: number) => `market-data store ${this.path}: series ${id} chunk ${seq}`
    // Row window and output offset of each chunk; only a chunk straddling a bound decodes its times first.
    const lo: number[] = []
    const hi: number[] = []
    const at: number[] = []
    let n = 0
    for (const c of chunks) {
      let a = 0
      let b = c.rows
      if (c.first_time < from || c.last_time > to) {
        const times = new Float64Array(c.rows)
        const col = this.stmts.column.get(id, c.seq, specs[0]!.name)
        if (!col) throw new MarketStoreError('corrupt-chunk', `${where(c.seq)}: no ${specs[0]!.name} column`, { path: this.path, seriesId: id })
        decodeColumn(col.codec, 'time', col.data, c.rows, 0, c.rows, times, 0, where(c.seq))
        while (a < b && times[a] < from) a++
        while (b > a && times[b - 1] > to) b--
      }
      lo.push(a)
      hi.push(b)
      at.push(n)
      n += b - a
    }
    const cols: (Column | undefined)[] = specs.map((s) => (s.optional ? undefined : newColumn(s.type, n)))
    if (chunks.length === 0) return { kind, n, cols }
    const index = new Map<string, number>(specs.map((s, k) => [s.name, k]))
    const first = chunks[0]!.seq
    const seen = new Uint8Array(chunks.length * specs.length)
    for (const [seq, name, codec, data] of this.stmts.columnsInRange.iterate(id, first, chunks[chunks.length - 1]!.seq)) {
      const c = seq - first
      const k = index.get(name)
      if (k === undefined || c < 0 || c >= chunks.length || chunks[c]!.seq !== seq) {
        throw new MarketStoreError('corrupt-chunk', `${where(seq)}: unexpected column ${JSON.stringify(name)}`, { path: this.path, seriesId: id })
      }
      seen[c * specs.length + k] = 1
      if (hi[c]! === lo[c]!) continue
      const spec = specs[k]!
      cols[k] ??= newColumn(spec.type, n)
      decodeColumn(codec, spec.type, data, chunks[c]!.rows, lo[c]!, hi[c]!, cols[k]!, at[c]!, where(seq))
    }
    chunks.forEach((chunk, c) => {
      specs.forEach((spec, k) => {
        if (!spec.optional && !seen[c * specs.length + k]) {
          throw new MarketStoreError('corrupt-chunk', `${where(chunk.seq)}: column ${spec.name} is missing`, { path: this.path, seriesId: id })
        }
      })
    })
    return { kind, n, cols }
  }

  private build(kind: SeriesKind, symbol: string, timeframe: string | null, timeframeMs: number, data: Columns): AnySeries {
    const c = data.cols
    const n = data.n
    switch (kind) {
      case 'bars': {
        const s: BarSeries = {
          symbol,
          timeframe: timeframe ?? '',
          timeframeMs,
          length: n,
          openTime: c[0] as Float64Array,
          closeTime: c[1] as Float64Array,
          open: c[2] as Float64Array,
          high: c[3] as Float64Array,
          low: c[4] as Float64Array,
          close: c[5] as Float64Array,
          volume: c[6] as Float64Array
        }
        if (c[7] !== undefined) s.synthetic = c[7] as Uint8Array
        return s
      }
      case 'trades':
        return { symbol, length: n, ts: c[0] as Float64Array, price: c[1] as Float64Array, amount: c[2] as Float64Array, side: c[3] as Int8Array }
      case 'quotes':
        return { symbol, length: n, ts: c[0] as Float64Array, bid: c[1] as Float64Array, ask: c[2] as Float64Array, bidSize: c[3] as Float64Array, askSize: c[4] as Float64Array }
    }
  }
}

function allZero(values: Column): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false
  return true
}

function seriesTfMs(series: AnySeries): number {
  return 'timeframeMs' in series ? series.timeframeMs : 0
}

function toMarket(r: InstrumentRow): Market {
  return {
    symbol: r.symbol,
    base: r.base,
    quote: r.quote,
    venue: r.venue,
    precision: { price: r.price_precision, amount: r.amount_precision },
    limits: { amount: { min: r.min_amount }, cost: { min: r.min_notional } },
    maker: r.maker_fee,
    taker: r.taker_fee,
    sessions: r.sessions as Market['sessions']
  }
}
