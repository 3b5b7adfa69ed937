import { basename } from 'node:path'
import type { BookEvent, QuoteEvent, TradeEvent } from '../../../shared/market-events'
import { DataFormatError } from './errors'
import { TextFile } from './text-file'

/**
 * Reader for the hftbacktest collector format (nkaz001/hftbacktest, `collector/`): gzip text, one
 * line per message, `<local_receive_ts_ns> <raw Binance websocket JSON>`, plus the REST depth
 * snapshot the collector fetched (`{"lastUpdateId":…,"bids":…,"asks":…}`).
 */

export interface CaptureRecord {
  /** 1-based line in the decompressed file */
  line: number
  /** the collector's receive time in ms, on the collector's clock */
  localTs: number
  event: BookEvent | QuoteEvent | TradeEvent
  /** depth diffs: U (first update id); NaN otherwise */
  firstUpdateId: number
  /** futures depth diffs: pu (the previous diff's u); NaN otherwise */
  previousUpdateId: number
  /** bookTicker: its update id u; NaN otherwise */
  quoteUpdateId: number
}

export interface CaptureCounts {
  snapshots: number
  diffs: number
  quotes: number
  trades: number
  /** messages of other streams (klines, aggTrades, …), not turned into events */
  skipped: number
}

export interface CaptureReadOptions {
  /** symbol of the events; default: from the message's `s` field, else from the file name */
  symbol?: string
  /** records per batch (default 4096) */
  batchSize?: number
  /**
   * exchange time − collector time in ms, used for messages that carry no exchange time
   * (spot bookTicker, the REST snapshot). Default: estimated as the running maximum of E − local
   * over the messages seen so far (the message with the least transit time bounds the skew best).
   */
  clockOffsetMs?: number
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'DAI', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'BRL', 'USD']

/** Binance's `BTCUSDT` as the unified `BTC/USDT` (unchanged when no known quote currency ends it). */
export function unifiedSymbol(raw: string): string {
  const upper = raw.toUpperCase()
  for (const q of QUOTES) if (upper.length > q.length && upper.endsWith(q)) return `${upper.slice(0, -q.length)}/${q}`
  return upper
}

/** The collector names its files `<symbol>_<yyyymmdd>.gz`. */
export function symbolFromCaptureName(path: string): string {
  return unifiedSymbol(basename(path).replace(/(_\d{8})?(\.gz)?$/i, ''))
}

type Level = [number, number]

interface Json {
  [key: string]: unknown
}

/** Streams a capture as market events in file order, a batch at a time. */
export class HftbacktestCaptureReader {
  readonly counts: CaptureCounts = { snapshots: 0, diffs: 0, quotes: 0, trades: 0, skipped: 0 }
  private readonly file: TextFile
  private readonly fileSymbol: string
  private offset: number
  private readonly offsetFixed: boolean

  constructor(
    readonly path: string,
    private readonly options: CaptureReadOptions = {}
  ) {
    this.file = new TextFile(path)
    this.fileSymbol = options.symbol ?? symbolFromCaptureName(path)
    this.offsetFixed = options.clockOffsetMs !== undefined
    this.offset = options.clockOffsetMs ?? NaN
  }

  /** Current estimate of exchange time − collector time (NaN before the first exchange-timed message). */
  get clockOffsetMs(): number {
    return this.offset
  }

  /** Compressed bytes read so far and the file size, for progress. */
  get progress(): { done: number; total: number } {
    return { done: this.file.bytesRead, total: this.file.totalBytes }
  }

  /**
   * Batches of records in file order. `ts` is the exchange's event time (E; T for trades) where
   * the message has one, else the collector time corrected by the clock offset. Records without
   * exchange time that come before the first message with one are held until the offset is known.
   */
  async *batches(): AsyncGenerator<CaptureRecord[]> {
    const size = this.options.batchSize ?? 4096
    let batch: CaptureRecord[] = []
    let held: CaptureRecord[] = []
    let rest = ''
    let line = 0
    const take = (text: string): void => {
      line++
      if (text.length === 0 || (text.length === 1 && text === '\r')) return
      const record = this.parseLine(text, line)
      if (record === null) return
      if (Number.isNaN(record.event.ts)) {
        if (Number.isNaN(this.offset)) {
          held.push(record)
          return
        }
        record.event.ts = Math.round(record.localTs + this.offset)
      }
      if (held.length > 0 && !Number.isNaN(this.offset)) {
        for (const h of held) h.event.ts = Math.round(h.localTs + this.offset)
        batch.push(...held)
        held = []
      }
      batch.push(record)
    }
    for await (const chunk of this.file.chunks()) {
      const text = rest + chunk
      let start = 0
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        take(text.slice(start, nl))
        start = nl + 1
      }
      rest = text.slice(start)
      if (batch.length >= size) {
        yield batch
        batch = []
      }
    }
    if (rest.length > 0) take(rest)
    if (this.file.truncated && rest.length > 0) {
      throw new DataFormatError('the gzip stream ends early; the last line is cut off', { file: this.path, line })
    }
    // no message had an exchange time: the collector's clock is all there is
    for (const h of held) h.event.ts = Math.round(h.localTs)
    batch.push(...held)
    if (batch.length > 0) yield batch
  }

  private parseLine(text: string, line: number): CaptureRecord | null {
    const where = { file: this.path, line }
    const space = text.indexOf(' ')
    if (space <= 6) throw new DataFormatError('expected "<local_ts_ns> <json>"', where)
    // ns since the epoch exceed 2^53: cut to ms before converting
    const nsText = text.slice(0, space)
    if (!/^\d+$/.test(nsText)) throw new DataFormatError(`local timestamp is not an integer: ${nsText.slice(0, 40)}`, { ...where, field: 'local_ts' })
    const localTs = Number(nsText.slice(0, -6)) + Number(nsText.slice(-6)) / 1e6
    let msg: Json
    try {
      msg = JSON.parse(text.slice(space + 1)) as Json
    } catch (err) {
      throw new DataFormatError(`bad JSON: ${(err as Error).message}`, where)
    }
    if (typeof msg !== 'object' || msg === null) throw new DataFormatError('the message is not a JSON object', where)
    const blank = { line, localTs, firstUpdateId: NaN, previousUpdateId: NaN, quoteUpdateId: NaN }
    if ('lastUpdateId' in msg) {
      this.counts.snapshots++
      const event: BookEvent = {
        type: 'book',
        seq: 0,
        ts: NaN,
        symbol: this.fileSymbol,
        kind: 'snapshot',
        bids: levels(msg.bids, 'bids', where),
        asks: levels(msg.asks, 'asks', where),
        nonce: num(msg.lastUpdateId, 'lastUpdateId', where)
      }
      return { ...blank, event }
    }
    const data = msg.data as Json | undefined
    const stream = typeof msg.stream === 'string' ? msg.stream : ''
    if (typeof data !== 'object' || data === null) throw new DataFormatError('expected {"stream":…,"data":{…}} or a REST depth snapshot', where)
    const kind = typeof data.e === 'string' ? data.e : stream.endsWith('@bookTicker') ? 'bookTicker' : ''
    const symbol = typeof data.s === 'string' && this.options.symbol === undefined ? unifiedSymbol(data.s) : this.fileSymbol
    switch (kind) {
      case 'depthUpdate': {
        this.counts.diffs++
        const ts = this.exchangeTime(num(data.E, 'E', where), localTs)
        const event: BookEvent = {
          type: 'book',
          seq: 0,
          ts,
          symbol,
          kind: 'delta',
          bids: levels(data.b, 'b', where),
          asks: levels(data.a, 'a', where),
          nonce: num(data.u, 'u', where)
        }
        return { ...blank, event, firstUpdateId: num(data.U, 'U', where), previousUpdateId: data.pu === undefined ? NaN : num(data.pu, 'pu', where) }
      }
      case 'trade': {
        this.counts.trades++
        this.exchangeTime(num(data.E, 'E', where), localTs)
        const event: TradeEvent = {
          type: 'trade',
          seq: 0,
          ts: num(data.T, 'T', where),
          symbol,
          price: num(data.p, 'p', where),
          amount: num(data.q, 'q', where),
          // m: the buyer was the maker, so the taker sold
          side: data.m === true ? 'sell' : data.m === false ? 'buy' : null,
          id: data.t === undefined ? null : String(data.t)
        }
        return { ...blank, event }
      }
      case 'bookTicker': {
        this.counts.quotes++
        // spot bookTicker has no event time; futures has E
        const ts = data.E === undefined ? NaN : this.exchangeTime(num(data.E, 'E', where), localTs)
        const event: QuoteEvent = {
          type: 'quote',
          seq: 0,
          ts,
          symbol,
          bid: num(data.b, 'b', where),
          ask: num(data.a, 'a', where),
          bidSize: num(data.B, 'B', where),
          askSize: num(data.A, 'A', where)
        }
        return { ...blank, event, quoteUpdateId: data.u === undefined ? NaN : num(data.u, 'u', where) }
      }
      default:
        this.counts.skipped++
        return null
    }
  }

  /** Notes E − local for the clock-offset estimate and returns E. */
  private exchangeTime(e: number, localTs: number): number {
    if (!this.offsetFixed) {
      const skew = e - localTs
      if (Number.isNaN(this.offset) || skew > this.offset) this.offset = skew
    }
    return e
  }
}

function num(value: unknown, field: string, where: { file: string; line: number }): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  if (!Number.isFinite(n)) throw new DataFormatError(`expected a number, got ${JSON.stringify(value)?.slice(0, 40)}`, { ...where, field })
  return n
}

function levels(value: unknown, field: string, where: { file: string; line: number }): Level[] {
  if (!Array.isArray(value)) throw new DataFormatError('expected an array of [price, size] levels', { ...where, field })
  const out: Level[] = new Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const level = value[i] as unknown
    if (!Array.isArray(level) || level.length < 2) throw new DataFormatError(`level ${i} is not [price, size]`, { ...where, field })
    out[i] = [num(level[0], `${field}[${i}][0]`, where), num(level[1], `${field}[${i}][1]`, where)]
  }
  return out
}
