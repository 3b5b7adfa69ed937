import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import type { RawLevel } from './venue-book'

/**
 * The hftbacktest capture as the venue replays it: `<local_receive_ts_ns> <raw Binance ws JSON>`
 * lines (one REST depth snapshot among them). The raw Binance payloads are kept as they are, so
 * the venue sends the exchange's own strings and ids.
 */

export interface DepthData {
  e: 'depthUpdate'
  E: number
  s: string
  U: number
  u: number
  b: RawLevel[]
  a: RawLevel[]
}

export interface TradeData {
  e: 'trade'
  E: number
  s: string
  t: number
  p: string
  q: string
  T: number
  m: boolean
  M: boolean
}

export interface BookTickerData {
  u: number
  s: string
  b: string
  B: string
  a: string
  A: string
}

export type TimelineEntry =
  | { kind: 'depth'; localMs: number; line: number; data: DepthData }
  | { kind: 'trade'; localMs: number; line: number; data: TradeData }
  | { kind: 'bookTicker'; localMs: number; line: number; data: BookTickerData }

export interface CaptureTimeline {
  path: string
  /** Binance id of the captured market (from the messages' `s`) */
  marketId: string
  snapshot: { lastUpdateId: number; bids: RawLevel[]; asks: RawLevel[] }
  /** the messages that follow the snapshot, in file order */
  entries: TimelineEntry[]
  /** exchange time − collector time (max of E − local over exchange-timed messages) */
  clockOffsetMs: number
}

const cache = new Map<string, CaptureTimeline>()

/**
 * Parses (once per process) and cuts the capture to what follows its snapshot: replay starts at
 * the first diff or bookTicker newer than the snapshot; diffs and book tickers not newer than the
 * snapshot are dropped, as a client syncing from that snapshot would drop them.
 */
export function loadCapture(path: string): CaptureTimeline {
  const hit = cache.get(path)
  if (hit) return hit
  const text = gunzipSync(readFileSync(path)).toString('utf8')
  const lines = text.split('\n')
  let snapshot: CaptureTimeline['snapshot'] | undefined
  const before: TimelineEntry[] = []
  let offset = -Infinity
  let marketId = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.length === 0) continue
    const space = line.indexOf(' ')
    const where = `${path}:${i + 1}`
    if (space <= 6) throw new Error(`emulated venue: expected "<local_ts_ns> <json>" at ${where}`)
    const ns = line.slice(0, space)
    const localMs = Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6
    let msg: Record<string, unknown>
    try {
      msg = JSON.parse(line.slice(space + 1)) as Record<string, unknown>
    } catch (err) {
      throw new Error(`emulated venue: bad JSON at ${where}: ${(err as Error).message}`)
    }
    if ('lastUpdateId' in msg) {
      if (snapshot === undefined) snapshot = msg as unknown as CaptureTimeline['snapshot']
      continue
    }
    const stream = String(msg.stream ?? '')
    const data = msg.data as Record<string, unknown>
    if (typeof data !== 'object' || data === null) throw new Error(`emulated venue: no data object at ${where}`)
    if (typeof data.s === 'string') marketId = data.s
    if (typeof data.E === 'number') offset = Math.max(offset, data.E - localMs)
    const ln = i + 1
    if (data.e === 'depthUpdate') before.push({ kind: 'depth', localMs, line: ln, data: data as unknown as DepthData })
    else if (data.e === 'trade') before.push({ kind: 'trade', localMs, line: ln, data: data as unknown as TradeData })
    else if (stream.endsWith('@bookTicker')) before.push({ kind: 'bookTicker', localMs, line: ln, data: data as unknown as BookTickerData })
  }
  if (snapshot === undefined) throw new Error(`emulated venue: ${path} holds no REST depth snapshot`)
  const last = snapshot.lastUpdateId
  const start = before.findIndex((e) => (e.kind === 'depth' || e.kind === 'bookTicker') && e.data.u > last)
  const entries = (start < 0 ? [] : before.slice(start)).filter((e) => e.kind === 'trade' || e.data.u > last)
  const timeline: CaptureTimeline = { path, marketId, snapshot, entries, clockOffsetMs: Number.isFinite(offset) ? offset : 0 }
  cache.set(path, timeline)
  return timeline
}
