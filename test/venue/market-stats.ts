import { fmt, mul, parseDec, ZERO, type Dec } from './decimal'

/** One replayed public trade, with its time already on the venue's time base. */
export interface PublicTrade {
  id: number
  price: Dec
  qty: Dec
  time: number
  buyerIsMaker: boolean
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
export const KLINE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w']

export function intervalMs(interval: string): number | undefined {
  if (!KLINE_INTERVALS.includes(interval)) return undefined
  return Number(interval.slice(0, -1)) * UNIT_MS[interval.slice(-1)]
}

export interface Candle {
  openTime: number
  closeTime: number
  open: Dec
  high: Dec
  low: Dec
  close: Dec
  volume: Dec
  quoteVolume: Dec
  takerBuyVolume: Dec
  takerBuyQuoteVolume: Dec
  count: number
  firstId: number
  lastId: number
}

/** Adds a trade to the candle of its interval; returns the closed candle when a new one starts. */
export function addToCandle(current: Candle | undefined, trade: PublicTrade, ms: number): { candle: Candle; closed?: Candle } {
  // Binance weeks start on Monday; the epoch was a Thursday
  const shift = ms === UNIT_MS.w ? 4 * UNIT_MS.d : 0
  const openTime = Math.floor((trade.time - shift) / ms) * ms + shift
  const quote = mul(trade.price, trade.qty)
  const takerBuy = !trade.buyerIsMaker
  if (current && current.openTime === openTime) {
    if (trade.price > current.high) current.high = trade.price
    if (trade.price < current.low) current.low = trade.price
    current.close = trade.price
    current.volume += trade.qty
    current.quoteVolume += quote
    if (takerBuy) {
      current.takerBuyVolume += trade.qty
      current.takerBuyQuoteVolume += quote
    }
    current.count++
    current.lastId = trade.id
    return { candle: current }
  }
  const candle: Candle = {
    openTime,
    closeTime: openTime + ms - 1,
    open: trade.price,
    high: trade.price,
    low: trade.price,
    close: trade.price,
    volume: trade.qty,
    quoteVolume: quote,
    takerBuyVolume: takerBuy ? trade.qty : ZERO,
    takerBuyQuoteVolume: takerBuy ? quote : ZERO,
    count: 1,
    firstId: trade.id,
    lastId: trade.id
  }
  return { candle, closed: current }
}

/** GET /api/v3/klines row. */
export function klineRow(c: Candle): unknown[] {
  return [c.openTime, fmt(c.open), fmt(c.high), fmt(c.low), fmt(c.close), fmt(c.volume), c.closeTime, fmt(c.quoteVolume), c.count, fmt(c.takerBuyVolume), fmt(c.takerBuyQuoteVolume), '0']
}

/** The `k` object of a kline stream message. */
export function klineStreamObject(c: Candle, symbol: string, interval: string, closed: boolean): Record<string, unknown> {
  return {
    t: c.openTime,
    T: c.closeTime,
    s: symbol,
    i: interval,
    f: c.firstId,
    L: c.lastId,
    o: fmt(c.open),
    c: fmt(c.close),
    h: fmt(c.high),
    l: fmt(c.low),
    v: fmt(c.volume),
    n: c.count,
    x: closed,
    q: fmt(c.quoteVolume),
    V: fmt(c.takerBuyVolume),
    Q: fmt(c.takerBuyQuoteVolume),
    B: '0'
  }
}

/** Candles of the trades replayed so far (the trades are in time order). */
export function klines(trades: PublicTrade[], interval: string, start?: number, end?: number, limit = 500): Candle[] {
  const ms = intervalMs(interval) as number
  const out: Candle[] = []
  let current: Candle | undefined
  for (const t of trades) {
    if (start !== undefined && t.time < Math.floor(start / ms) * ms) continue
    if (end !== undefined && t.time > end) break
    const r = addToCandle(current, t, ms)
    if (r.closed) out.push(r.closed)
    current = r.candle
  }
  if (current) out.push(current)
  const inRange = out.filter((c) => (start === undefined || c.openTime >= start) && (end === undefined || c.openTime <= end))
  return start !== undefined ? inRange.slice(0, limit) : inRange.slice(-limit)
}

/** 24-hour rolling statistics; the capture is shorter than a day, so every replayed trade counts. */
export function ticker24h(
  symbol: string,
  trades: PublicTrade[],
  best: { bid: string; bidQty: string; ask: string; askQty: string },
  now: number
): Record<string, unknown> {
  if (trades.length === 0) {
    return {
      symbol,
      priceChange: '0.00000000',
      priceChangePercent: '0.000',
      weightedAvgPrice: '0.00000000',
      prevClosePrice: '0.00000000',
      lastPrice: '0.00000000',
      lastQty: '0.00000000',
      bidPrice: best.bid,
      bidQty: best.bidQty,
      askPrice: best.ask,
      askQty: best.askQty,
      openPrice: '0.00000000',
      highPrice: '0.00000000',
      lowPrice: '0.00000000',
      volume: '0.00000000',
      quoteVolume: '0.00000000',
      openTime: now - 86_400_000,
      closeTime: now,
      firstId: -1,
      lastId: -1,
      count: 0
    }
  }
  const first = trades[0]
  const last = trades[trades.length - 1]
  let high = first.price
  let low = first.price
  let volume = ZERO
  let quote = ZERO
  for (const t of trades) {
    if (t.price > high) high = t.price
    if (t.price < low) low = t.price
    volume += t.qty
    quote += mul(t.price, t.qty)
  }
  const change = last.price - first.price
  const pct = (Number(change) / Number(first.price)) * 100
  return {
    symbol,
    priceChange: fmt(change),
    priceChangePercent: pct.toFixed(3),
    weightedAvgPrice: volume > ZERO ? fmt((quote * 100_000_000n) / volume) : '0.00000000',
    prevClosePrice: fmt(first.price),
    lastPrice: fmt(last.price),
    lastQty: fmt(last.qty),
    bidPrice: best.bid,
    bidQty: best.bidQty,
    askPrice: best.ask,
    askQty: best.askQty,
    openPrice: fmt(first.price),
    highPrice: fmt(high),
    lowPrice: fmt(low),
    volume: fmt(volume),
    quoteVolume: fmt(quote),
    openTime: last.time - 86_400_000,
    closeTime: last.time,
    firstId: first.id,
    lastId: last.id,
    count: trades.length
  }
}

/** The 24hrTicker stream message built from the REST statistics. */
export function tickerStreamMessage(rest: Record<string, unknown>, eventTime: number): Record<string, unknown> {
  return {
    e: '24hrTicker',
    E: eventTime,
    s: rest.symbol,
    p: rest.priceChange,
    P: rest.priceChangePercent,
    w: rest.weightedAvgPrice,
    x: rest.prevClosePrice,
    c: rest.lastPrice,
    Q: rest.lastQty,
    b: rest.bidPrice,
    B: rest.bidQty,
    a: rest.askPrice,
    A: rest.askQty,
    o: rest.openPrice,
    h: rest.highPrice,
    l: rest.lowPrice,
    v: rest.volume,
    q: rest.quoteVolume,
    O: rest.openTime,
    C: rest.closeTime,
    F: rest.firstId,
    L: rest.lastId,
    n: rest.count
  }
}

export function dec(s: string): Dec {
  const d = parseDec(s)
  if (d === null) throw new Error(`emulated venue: bad decimal ${JSON.stringify(s)}`)
  return d
}
