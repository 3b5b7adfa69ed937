import { describe, expect, it } from 'vitest'
import { buildRoundTrips, countBarsHeld, upperBound, upperBoundNear } from '../../../src/main/core/report/round-trips'
import { ReportInputError, type Fill } from '../../../src/main/core/report/types'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)
let seq = 0

function fill(day: number, side: 'buy' | 'sell', amount: number, price: number, fee = 0, symbol = 'BTC/USDT'): Fill {
  seq++
  return { ts: T0 + day * DAY, symbol, side, price, amount, fee, orderId: `o${seq}`, tradeId: `t${seq}` }
}

describe('buildRoundTrips', () => {
  it('simple long: buy 2 @100, sell 2 @110', () => {
    const { trades, openTrades } = buildRoundTrips([fill(1, 'buy', 2, 100, 0.2), fill(3, 'sell', 2, 110, 0.22)])
    expect(openTrades).toEqual([])
    expect(trades).toHaveLength(1)
    const t = trades[0]
    expect(t).toMatchObject({ symbol: 'BTC/USDT', side: 'long', entryTs: T0 + DAY, exitTs: T0 + 3 * DAY, entryPrice: 100, exitPrice: 110, amount: 2, durationMs: 2 * DAY })
    // gross = (110 - 100) * 2 = 20; fees = 0.2 + 0.22 = 0.42; pnl = 19.58; return = 19.58 / (100 * 2)
    expect(t.grossPnl).toBeCloseTo(20, 12)
    expect(t.fees).toBeCloseTo(0.42, 12)
    expect(t.pnl).toBeCloseTo(19.58, 12)
    expect(t.returnPct).toBeCloseTo(0.0979, 12)
  })

  it('simple short: sell 1 @50, buy 1 @40', () => {
    const { trades } = buildRoundTrips([fill(0, 'sell', 1, 50, 0.05), fill(1, 'buy', 1, 40, 0.04)])
    expect(trades).toHaveLength(1)
    const t = trades[0]
    expect(t.side).toBe('short')
    // gross = (50 - 40) * 1 = 10; pnl = 10 - 0.09 = 9.91; return = 9.91 / 50 = 0.1982
    expect(t.grossPnl).toBeCloseTo(10, 12)
    expect(t.pnl).toBeCloseTo(9.91, 12)
    expect(t.returnPct).toBeCloseTo(0.1982, 12)
  })

  it('scale-in averages the entry price by amount', () => {
    const { trades } = buildRoundTrips([
      fill(0, 'buy', 1, 100, 1),
      fill(1, 'buy', 3, 120, 3),
      fill(2, 'sell', 4, 130, 4)
    ])
    expect(trades).toHaveLength(1)
    const t = trades[0]
    // entry = (1*100 + 3*120) / 4 = 115; gross = (130 - 115) * 4 = 60; fees 8; pnl 52; return = 52 / 460
    expect(t.entryPrice).toBeCloseTo(115, 12)
    expect(t.amount).toBe(4)
    expect(t.entryTs).toBe(T0)
    expect(t.grossPnl).toBeCloseTo(60, 12)
    expect(t.pnl).toBeCloseTo(52, 12)
    expect(t.returnPct).toBeCloseTo(52 / 460, 12)
  })

  it('a partial exit keeps the trade open; realised P&L accumulates', () => {
    const fills = [fill(0, 'buy', 4, 100), fill(1, 'sell', 1, 110), fill(2, 'sell', 3, 90)]
    const partial = buildRoundTrips(fills.slice(0, 2), { marks: { 'BTC/USDT': { ts: T0 + 1.5 * DAY, price: 105 } } })
    expect(partial.trades).toEqual([])
    expect(partial.openTrades).toHaveLength(1)
    // realised (110-100)*1 = 10, unrealised (105-100)*3 = 15; exit avg = (110 + 3*105) / 4 = 106.25
    expect(partial.openTrades[0].grossPnl).toBeCloseTo(25, 12)
    expect(partial.openTrades[0].exitPrice).toBeCloseTo(106.25, 12)
    expect(partial.openTrades[0].exitTs).toBe(T0 + 1.5 * DAY)

    const { trades, openTrades } = buildRoundTrips(fills)
    expect(openTrades).toEqual([])
    expect(trades).toHaveLength(1)
    // exit avg = (110 + 3*90) / 4 = 95; gross = (95 - 100) * 4 = -20; return = -20 / 400
    expect(trades[0].exitPrice).toBeCloseTo(95, 12)
    expect(trades[0].exitTs).toBe(T0 + 2 * DAY)
    expect(trades[0].pnl).toBeCloseTo(-20, 12)
    expect(trades[0].returnPct).toBeCloseTo(-0.05, 12)
  })

  it('scale-in after a partial exit: amount is the largest position, P&L is exit value minus entry value', () => {
    const { trades } = buildRoundTrips([
      fill(0, 'buy', 10, 100),
      fill(1, 'sell', 5, 110),
      fill(2, 'buy', 5, 120),
      fill(3, 'sell', 10, 130)
    ])
    expect(trades).toHaveLength(1)
    const t = trades[0]
    // entry = (1000 + 600) / 15; exit = (550 + 1300) / 15; gross = 1850 - 1600 = 250; return = 250 / (106.67 * 10)
    expect(t.entryPrice).toBeCloseTo(1600 / 15, 12)
    expect(t.exitPrice).toBeCloseTo(1850 / 15, 12)
    expect(t.amount).toBe(10)
    expect(t.grossPnl).toBeCloseTo(250, 10)
    expect(t.returnPct).toBeCloseTo(0.234375, 12)
  })

  it('a fill that flips long to short closes the trade and opens a new one, fee split by amount', () => {
    const { trades, openTrades } = buildRoundTrips([
      fill(0, 'buy', 2, 100, 2),
      fill(1, 'sell', 5, 110, 5),
      fill(2, 'buy', 3, 100, 3)
    ])
    expect(openTrades).toEqual([])
    expect(trades).toHaveLength(2)
    const [long, short] = trades
    // closing part 2 of 5: fee 5 * 2/5 = 2; long: gross 20, fees 2 + 2 = 4, pnl 16, return 16/200
    expect(long).toMatchObject({ side: 'long', amount: 2, entryPrice: 100, exitPrice: 110, exitTs: T0 + DAY })
    expect(long.fees).toBeCloseTo(4, 12)
    expect(long.pnl).toBeCloseTo(16, 12)
    expect(long.returnPct).toBeCloseTo(0.08, 12)
    // rest 3 short @110 with fee 3; covered 3 @100 with fee 3: gross 30, fees 6, pnl 24, return 24/330
    expect(short).toMatchObject({ side: 'short', amount: 3, entryPrice: 110, exitPrice: 100, entryTs: T0 + DAY, exitTs: T0 + 2 * DAY })
    expect(short.fees).toBeCloseTo(6, 12)
    expect(short.pnl).toBeCloseTo(24, 12)
    expect(short.returnPct).toBeCloseTo(24 / 330, 12)
  })

  it('fees on a short-to-long flip split pro rata; the new trade stays open and is marked', () => {
    const fills = [fill(0, 'sell', 1, 200, 0), fill(1, 'buy', 4, 180, 0.8)]
    const { trades, openTrades, markedAtLastFill } = buildRoundTrips(fills, { marks: { 'BTC/USDT': { ts: T0 + 5 * DAY, price: 190 } } })
    expect(markedAtLastFill).toEqual([])
    expect(trades).toHaveLength(1)
    // closing part 1 of 4: fee 0.2; short gross 20, pnl 19.8
    expect(trades[0].fees).toBeCloseTo(0.2, 12)
    expect(trades[0].pnl).toBeCloseTo(19.8, 12)
    expect(openTrades).toHaveLength(1)
    // new long 3 @180 with fee 0.6, marked at 190: gross 30, pnl 29.4, 4 days
    const o = openTrades[0]
    expect(o).toMatchObject({ side: 'long', amount: 3, entryPrice: 180, exitPrice: 190, exitTs: T0 + 5 * DAY, durationMs: 4 * DAY })
    expect(o.fees).toBeCloseTo(0.6, 12)
    expect(o.pnl).toBeCloseTo(29.4, 12)
    // Every fee is counted once.
    expect(trades[0].fees + o.fees).toBeCloseTo(0.8, 12)
  })

  it('an open trade without a mark is valued at its last fill price and named', () => {
    const r = buildRoundTrips([fill(0, 'buy', 1, 100), fill(1, 'buy', 1, 104)], { endTs: T0 + 9 * DAY })
    expect(r.markedAtLastFill).toEqual(['BTC/USDT'])
    // entry 102, marked at 104: gross 4
    expect(r.openTrades[0]).toMatchObject({ entryPrice: 102, exitPrice: 104, exitTs: T0 + 9 * DAY, amount: 2 })
    expect(r.openTrades[0].grossPnl).toBeCloseTo(4, 12)
  })

  it('treats a position left at floating-point dust as flat', () => {
    // 0.1 + 0.1 + 0.1 - 0.1 - 0.2 is 2.8e-17 in binary floating point, not 0.
    const { trades, openTrades } = buildRoundTrips([
      fill(0, 'buy', 0.1, 100), fill(0, 'buy', 0.1, 100), fill(0, 'buy', 0.1, 100),
      fill(1, 'sell', 0.1, 110), fill(2, 'sell', 0.2, 110)
    ])
    expect(openTrades).toEqual([])
    expect(trades).toHaveLength(1)
    expect(trades[0].grossPnl).toBeCloseTo(3, 10)
  })

  it('keeps symbols apart', () => {
    const { trades } = buildRoundTrips([
      fill(0, 'buy', 1, 100, 0, 'A'),
      fill(0, 'sell', 2, 10, 0, 'B'),
      fill(1, 'sell', 1, 90, 0, 'A'),
      fill(2, 'buy', 2, 11, 0, 'B')
    ])
    expect(trades.map((t) => [t.symbol, t.side, t.pnl])).toEqual([['A', 'long', -10], ['B', 'short', -2]])
  })

  it('counts bars held as samples t with entryTs < t <= exitTs', () => {
    const ts = [0, 1, 2, 3, 4, 5].map((d) => T0 + d * DAY)
    const trades = [
      { entryTs: T0 + 0.5 * DAY, exitTs: T0 + 0.7 * DAY, barsHeld: -1 },
      { entryTs: T0 + DAY, exitTs: T0 + 4 * DAY, barsHeld: -1 },
      { entryTs: T0 + 4 * DAY, exitTs: T0 + 9 * DAY, barsHeld: -1 },
      // out of time order (an open trade listed after closed ones): still counted right
      { entryTs: T0 - DAY, exitTs: T0 + 2 * DAY, barsHeld: -1 }
    ]
    countBarsHeld(trades, ts)
    expect(trades.map((t) => t.barsHeld)).toEqual([0, 3, 1, 3])
  })

  it('searches outward from any starting index to the same first index whose value is > x', () => {
    const a = Float64Array.from([10, 20, 20, 30])
    // x < 10 -> 0; 10 <= x < 20 -> 1; 20 <= x < 30 -> 3; x >= 30 -> 4
    const expected: Array<[number, number]> = [[5, 0], [10, 1], [15, 1], [20, 3], [25, 3], [30, 4], [35, 4], [Number.NaN, 0]]
    for (const [x, index] of expected) {
      expect(upperBound(a, x)).toBe(index)
      for (let near = 0; near <= a.length + 1; near++) expect(upperBoundNear(a, x, near)).toBe(index)
    }
  })

  it('rejects bad fills with the field and index', () => {
    const good = fill(0, 'buy', 1, 100)
    const cases: Array<[Partial<Fill>, string]> = [
      [{ price: -1 }, 'fills.price[1]'],
      [{ amount: 0 }, 'fills.amount[1]'],
      [{ fee: Number.NaN }, 'fills.fee[1]'],
      [{ side: 'hold' as 'buy' }, 'fills.side[1]'],
      [{ symbol: '' }, 'fills.symbol[1]'],
      [{ ts: T0 - 1 }, 'fills.ts[1]']
    ]
    for (const [patch, where] of cases) {
      let err: unknown
      try {
        buildRoundTrips([good, { ...fill(1, 'sell', 1, 100), ...patch }])
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ReportInputError)
      expect((err as Error).message.startsWith(where)).toBe(true)
    }
  })
})
