import type { BarSeries, QuoteSeries, TradeSeries } from '../data/bar-series'
import { MarketStoreError } from './errors'

export type SeriesKind = 'bars' | 'trades' | 'quotes'
export type AnySeries = BarSeries | TradeSeries | QuoteSeries
export type Column = Float64Array | Int8Array | Uint8Array

/** `time` columns are Float64 holding whole milliseconds; they may be delta-encoded. */
type ColumnType = 'time' | 'f64' | 'i8' | 'u8'

export interface ColumnSpec {
  readonly name: string
  readonly type: ColumnType
  /** Optional columns (bar `synthetic`) are stored only in chunks where some value is non-zero. */
  readonly optional?: boolean
}

/** Column order per kind; the first column is the time the series is ordered and ranged by. */
export const LAYOUTS: Record<SeriesKind, readonly ColumnSpec[]> = {
  bars: [
    { name: 'openTime', type: 'time' },
    { name: 'closeTime', type: 'time' },
    { name: 'open', type: 'f64' },
    { name: 'high', type: 'f64' },
    { name: 'low', type: 'f64' },
    { name: 'close', type: 'f64' },
    { name: 'volume', type: 'f64' },
    { name: 'synthetic', type: 'u8', optional: true }
  ],
  trades: [
    { name: 'ts', type: 'time' },
    { name: 'price', type: 'f64' },
    { name: 'amount', type: 'f64' },
    { name: 'side', type: 'i8' }
  ],
  quotes: [
    { name: 'ts', type: 'time' },
    { name: 'bid', type: 'f64' },
    { name: 'ask', type: 'f64' },
    { name: 'bidSize', type: 'f64' },
    { name: 'askSize', type: 'f64' }
  ]
}

/**
 * How a column's values are packed into its BLOB:
 *  - `f64`, `i8`, `u8`: the typed array's bytes (little-endian);
 *  - `delta32`: the first value as float64, then each difference from the previous value as int32.
 *    Used for time columns whose values are safe integers with differences within int32 (every
 *    timeframe up to ~24 days): it halves their size and decodes with one running sum.
 */
export type Codec = 'f64' | 'delta32' | 'i8' | 'u8'

// Blobs hold raw typed-array bytes, which are little-endian on every platform Node and Electron ship for.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('market-data store: big-endian platforms are not supported')

export function seriesKindOf(series: AnySeries): SeriesKind {
  if ('openTime' in series) return 'bars'
  if ('price' in series) return 'trades'
  return 'quotes'
}

/** The series' columns in layout order (an absent optional column is undefined). */
export function columnsOf(kind: SeriesKind, s: AnySeries): (Column | undefined)[] {
  const record = s as unknown as Record<string, Column | undefined>
  return LAYOUTS[kind].map((c) => record[c.name])
}

export function newColumn(type: ColumnType, n: number): Column {
  return type === 'i8' ? new Int8Array(n) : type === 'u8' ? new Uint8Array(n) : new Float64Array(n)
}

export function columnClassOk(type: ColumnType, c: unknown): boolean {
  return type === 'i8' ? c instanceof Int8Array : type === 'u8' ? c instanceof Uint8Array : c instanceof Float64Array
}

function bytesOf(c: Column): Buffer {
  return Buffer.from(c.buffer, c.byteOffset, c.byteLength)
}

/** Packs one column of a chunk. The returned buffer may share memory with `values`. */
export function encodeColumn(type: ColumnType, values: Column): { codec: Codec; data: Buffer } {
  if (type === 'i8' || type === 'u8') return { codec: type, data: bytesOf(values) }
  if (type === 'time' && values.length > 0 && deltaFits(values as Float64Array)) {
    const n = values.length
    const buf = new ArrayBuffer(8 + 4 * (n - 1))
    new Float64Array(buf, 0, 1)[0] = values[0]
    const d = new Int32Array(buf, 8, n - 1)
    for (let i = 1; i < n; i++) d[i - 1] = values[i] - values[i - 1]
    return { codec: 'delta32', data: Buffer.from(buf) }
  }
  return { codec: 'f64', data: bytesOf(values) }
}

function deltaFits(t: Float64Array): boolean {
  if (!Number.isSafeInteger(t[0])) return false
  for (let i = 1; i < t.length; i++) {
    const v = t[i]
    const d = v - t[i - 1]
    // -0 would decode as +0; a safe integer sum of int32 steps is exact.
    if (!Number.isSafeInteger(v) || d > 2147483647 || d < -2147483648 || (v === 0 && 1 / v < 0)) return false
  }
  return true
}

/**
 * Unpacks rows [lo, hi) of a `rows`-row column into `out` at `at`. Throws corrupt-chunk when the
 * blob's size or codec does not fit.
 */
export function decodeColumn(
  codec: string,
  type: ColumnType,
  data: Buffer,
  rows: number,
  lo: number,
  hi: number,
  out: Column,
  at: number,
  where: string
): void {
  const expect = (bytes: number) => {
    if (data.length !== bytes) throw new MarketStoreError('corrupt-chunk', `${where}: ${codec} blob has ${data.length} bytes, expected ${bytes} for ${rows} rows`)
  }
  const wide = type === 'time' || type === 'f64'
  if (codec === 'f64' && wide) {
    expect(rows * 8)
    new Uint8Array(out.buffer, out.byteOffset + at * 8, (hi - lo) * 8).set(data.subarray(lo * 8, hi * 8))
    return
  }
  if (codec === type && (codec === 'i8' || codec === 'u8')) {
    expect(rows)
    new Uint8Array(out.buffer, out.byteOffset + at, hi - lo).set(data.subarray(lo, hi))
    return
  }
  if (codec === 'delta32' && type === 'time') {
    expect(rows > 0 ? 8 + 4 * (rows - 1) : 0)
    // SQLite hands back a Buffer at any offset; an Int32Array view needs 4-byte alignment.
    const aligned = data.byteOffset % 4 === 0 ? data : Buffer.from(data)
    const d = new Int32Array(aligned.buffer, aligned.byteOffset + 8, rows - 1)
    const o = out as Float64Array
    let v = aligned.readDoubleLE(0)
    if (lo === 0) o[at] = v
    for (let i = 1; i < hi; i++) {
      v += d[i - 1]
      if (i >= lo) o[at + i - lo] = v
    }
    return
  }
  throw new MarketStoreError('corrupt-chunk', `${where}: codec ${JSON.stringify(codec)} does not fit a ${type} column`)
}
