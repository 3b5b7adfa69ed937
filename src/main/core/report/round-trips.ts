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
  /** Absolute position; 0 once the trade closed. */
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
  /** Index of the fill that opened the trade. */
  opened: number
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

/** A new trade in `p`, the symbol's record: reused, as a record per trade was half the garbage of a long run. */
function openPosition(p: OpenPosition, dir: 1 | -1, ts: number, price: number, qty: number, fee: number, opened: number): void {
  p.dir = dir
  p.pos = qty
  p.maxPos = qty
  p.entryTs = ts
  p.entryQty = qty
  p.entryValue = price * qty
  p.exitQty = 0
  p.exitValue = 0
  p.fees = fee
  p.lastFillTs = ts
  p.lastFillPrice = price
  p.opened = opened
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
  const positions = new Map<string, OpenPosition>()
  const trades: Trade[] = []
  for (let i = 0; i < fills.length; i++) {
    const f = fills[i]
    const dir: 1 | -1 = f.side === 'buy' ? 1 : -1
    let p = positions.get(f.symbol)
    if (p === undefined) {
      p = { symbol: f.symbol, dir, pos: 0, maxPos: 0, entryTs: 0, entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0, fees: 0, lastFillTs: 0, lastFillPrice: 0, opened: 0 }
      positions.set(f.symbol, p)
    }
    if (p.pos === 0) {
      openPosition(p, dir, f.ts, f.price, f.amount, f.fee, i)
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
    if (flips) openPosition(p, dir, f.ts, f.price, f.amount - closeQty, f.fee - closeFee, i)
  }
  const openTrades: Trade[] = []
  const markedAtLastFill: string[] = []
  // in the order the trades opened
  const stillOpen = [...positions.values()].filter((p) => p.pos > 0).sort((a, b) => a.opened - b.opened)
  for (const p of stillOpen) {
    const mark = marks[p.symbol]
    if (mark === undefined) markedAtLastFill.push(p.symbol)
    const markTs = Math.max(mark?.ts ?? options.endTs ?? p.lastFillTs, p.lastFillTs)
    openTrades.push(toTrade(p, markTs, mark === undefined ? p.lastFillPrice : mark.price))
  }
  return { trades, openTrades, markedAtLastFill }
}

/**
 * Sets each trade's `barsHeld`: the samples t with entryTs < t <= exitTs. Each search starts
 * where the previous trade's ended, a few steps when trades come in time order (they do).
 */
export function countBarsHeld(trades: readonly Pick<Trade, 'entryTs' | 'exitTs' | 'barsHeld'>[], ts: ArrayLike<number>): void {
  let near = 0
  for (const t of trades) {
    const entry = upperBoundNear(ts, t.entryTs, near)
    near = upperBoundNear(ts, t.exitTs, entry)
    t.barsHeld = near - entry
  }
}

/** First index whose value is > x in a sorted array. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  return bisect(a, x, 0, a.length)
}

/**
 * upperBound(a, x), searched outward from index `near` in steps that double, then bisected:
 * a few steps when x is close to a[near], where bisecting a million samples takes twenty.
 */
export function upperBoundNear(a: ArrayLike<number>, x: number, near: number): number {
  const n = a.length
  let step = 1
  if (near < n && a[near] <= x) {
    // everything before lo is <= x
    let lo = near + 1
    while (lo + step - 1 < n && a[lo + step - 1] <= x) {
      lo += step
      step *= 2
    }
    return bisect(a, x, lo, Math.min(n, lo + step - 1))
  }
  // everything from hi on is > x
  let hi = Math.min(near, n)
  while (hi - step >= 0 && !(a[hi - step] <= x)) {
    hi -= step
    step *= 2
  }
  return bisect(a, x, Math.max(0, hi - step + 1), hi)
}

/** upperBound(a, x) when everything before `lo` is <= x and everything from `hi` on is > x. */
function bisect(a: ArrayLike<number>, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
