import { ReportInputError, type Fill, type Trade } from './types'

/** Price at which a still-open position is valued at the end of the run. */
export interface MarkPrice {
  ts: number
  price: number
}

export interface RoundTripOptions {
  /** Mark price per symbol for trades still open at the end. */
  marks?: Readonly<Record<string, MarkPrice>>
  /** End of the run: the exit time of an open trade that has no mark (valued at its last fill price). */
  endTs?: number
}

export interface RoundTrips {
  /** Closed trades in the order they closed. */
  trades: Trade[]
  /** Trades still open after the last fill, one per symbol, in order of first fill. */
  openTrades: Trade[]
  /** Symbols whose open trade had no mark price and was valued at its last fill price. */
  markedAtLastFill: string[]
}

/**
 * A position this close to 0, relative to the largest position of the trade, counts as flat:
 * repeated partial exits in binary floating point rarely sum to exactly 0.
 */
const FLAT_TOLERANCE = 1e-9

interface OpenPosition {
  symbol: string
  dir: 1 | -1
  /** Absolute position. */
  pos: number
  maxPos: number
  entryTs: number
  entryQty: number
  entryValue: number
  exitQty: number
  exitValue: number
  fees: number
  lastFillTs: number
  lastFillPrice: number
}

export function validateFills(fills: readonly Fill[]): void {
  let prevTs = -Infinity
  fills.forEach((f, i) => {
    if (!Number.isFinite(f.ts)) throw new ReportInputError('fills.ts', i, `must be a finite ms timestamp, got ${f.ts}`)
    if (f.ts < prevTs) throw new ReportInputError('fills.ts', i, `fills must be in time order (${f.ts} < ${prevTs})`)
    prevTs = f.ts
    if (typeof f.symbol !== 'string' || f.symbol === '') throw new ReportInputError('fills.symbol', i, 'must be a non-empty string')
    if (f.side !== 'buy' && f.side !== 'sell') throw new ReportInputError('fills.side', i, `must be 'buy' or 'sell', got ${String(f.side)}`)
    if (!(Number.isFinite(f.price) && f.price > 0)) throw new ReportInputError('fills.price', i, `must be a finite number > 0, got ${f.price}`)
    if (!(Number.isFinite(f.amount) && f.amount > 0)) throw new ReportInputError('fills.amount', i, `must be a finite number > 0, got ${f.amount}`)
    if (!(Number.isFinite(f.fee) && f.fee >= 0)) throw new ReportInputError('fills.fee', i, `must be a finite number >= 0, got ${f.fee}`)
  })
}

function openPosition(symbol: string, dir: 1 | -1, ts: number, price: number, qty: number, fee: number): OpenPosition {
  return {
    symbol, dir, pos: qty, maxPos: qty, entryTs: ts,
    entryQty: qty, entryValue: price * qty, exitQty: 0, exitValue: 0, fees: fee,
    lastFillTs: ts, lastFillPrice: price
  }
}

/** The trade as if the remaining position (if any) were sold at `markPrice` at `exitTs`. */
function toTrade(p: OpenPosition, exitTs: number, markPrice: number): Trade {
  const exitQty = p.exitQty + p.pos
  const exitValue = p.exitValue + markPrice * p.pos
  const entryPrice = p.entryValue / p.entryQty
  const exitPrice = exitValue / exitQty
  // Entry and exit quantities of a closed trade are equal, so this is exit value minus entry value.
  const grossPnl = p.dir * (exitPrice - entryPrice) * exitQty
  const pnl = grossPnl - p.fees
  return {
    symbol: p.symbol,
    side: p.dir === 1 ? 'long' : 'short',
    entryTs: p.entryTs,
    entryPrice,
    exitTs,
    exitPrice,
    amount: p.maxPos,
    pnl,
    grossPnl,
    fees: p.fees,
    returnPct: pnl / (entryPrice * p.maxPos),
    durationMs: exitTs - p.entryTs
  }
}

/**
 * Closed trades from fills, per symbol: a trade opens when the position leaves 0 and closes
 * when it returns to 0. A fill that flips the position closes the trade with the part that
 * reaches 0 and opens a new one with the rest; its fee is split pro rata by amount.
 */
export function buildRoundTrips(fills: readonly Fill[], options: RoundTripOptions = {}): RoundTrips {
  const marks = options.marks ?? {}
  validateFills(fills)
  const open = new Map<string, OpenPosition>()
  const trades: Trade[] = []
  for (const f of fills) {
    const dir: 1 | -1 = f.side === 'buy' ? 1 : -1
    const p = open.get(f.symbol)
    if (p === undefined) {
      open.set(f.symbol, openPosition(f.symbol, dir, f.ts, f.price, f.amount, f.fee))
      continue
    }
    p.lastFillTs = f.ts
    p.lastFillPrice = f.price
    if (dir === p.dir) {
      p.pos += f.amount
      p.maxPos = Math.max(p.maxPos, p.pos)
      p.entryQty += f.amount
      p.entryValue += f.price * f.amount
      p.fees += f.fee
      continue
    }
    const tol = FLAT_TOLERANCE * p.maxPos
    const flips = f.amount > p.pos + tol
    const closeQty = f.amount >= p.pos - tol ? p.pos : f.amount
    const closeFee = flips ? f.fee * (closeQty / f.amount) : f.fee
    p.exitQty += closeQty
    p.exitValue += f.price * closeQty
    p.fees += closeFee
    p.pos -= closeQty
    if (p.pos > tol) continue
    p.pos = 0
    trades.push(toTrade(p, f.ts, f.price))
    open.delete(f.symbol)
    if (flips) open.set(f.symbol, openPosition(f.symbol, dir, f.ts, f.price, f.amount - closeQty, f.fee - closeFee))
  }
  const openTrades: Trade[] = []
  const markedAtLastFill: string[] = []
  for (const p of open.values()) {
    const mark = marks[p.symbol]
    if (mark === undefined) markedAtLastFill.push(p.symbol)
    const markTs = Math.max(mark?.ts ?? options.endTs ?? p.lastFillTs, p.lastFillTs)
    openTrades.push(toTrade(p, markTs, mark === undefined ? p.lastFillPrice : mark.price))
  }
  return { trades, openTrades, markedAtLastFill }
}

/** Equity samples t with entryTs < t <= exitTs: the bar closes at which the trade held a position. */
export function countBarsHeld(trade: Pick<Trade, 'entryTs' | 'exitTs'>, ts: ArrayLike<number>): number {
  return upperBound(ts, trade.exitTs) - upperBound(ts, trade.entryTs)
}

/** First index whose value is > x in a sorted array. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
