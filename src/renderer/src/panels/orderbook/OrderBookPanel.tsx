import { useEffect, useMemo, useState } from 'react'
import { axisStyle, C, tooltipStyle } from '../../charts/echarts'
import { EChart } from '../../charts/EChart'
import { Empty } from '../../components/ui'
import type { BookPush, OrderView } from '../../state/app-state'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtAmount, fmtNum, fmtTime } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { isOpen } from '../account/order-status'
import { isLiveData, startHint } from '../session/start-hint'

type Level = [number, number]

/** Basis points with enough decimals that a one-tick spread on BTC does not read as 0. */
function fmtBps(bps: number): string {
  return fmtNum(bps, bps >= 1 ? 2 : bps >= 0.01 ? 3 : 4)
}

/** Open own orders by side and price, to mark their levels on the ladder. */
function ownByPrice(orders: OrderView[], symbol: string): { bid: Map<number, number>; ask: Map<number, number>; all: OrderView[] } {
  const bid = new Map<number, number>()
  const ask = new Map<number, number>()
  const all: OrderView[] = []
  for (const o of orders) {
    if (!isOpen(o.status) || o.symbol !== symbol || o.price === null) continue
    all.push(o)
    const m = o.side === 'buy' ? bid : ask
    m.set(o.price, (m.get(o.price) ?? 0) + o.remaining)
  }
  return { bid, ask, all }
}

function tickOf(book: BookPush): number {
  const prices = [...book.bids.slice(0, 20).map((l) => l[0]), ...book.asks.slice(0, 20).map((l) => l[0])].sort((a, b) => a - b)
  let tick = Infinity
  for (let i = 1; i < prices.length; i++) {
    const d = prices[i] - prices[i - 1]
    if (d > 1e-12 && d < tick) tick = d
  }
  return Number.isFinite(tick) ? tick : prices[0] ?? 1
}

function depthOption(book: BookPush, decimals: number) {
  const maxLevels = 200
  const cum = (levels: Level[]) => {
    let total = 0
    return levels.slice(0, maxLevels).map(([p, s]) => {
      total += s
      return [p, total]
    })
  }
  const bids = cum(book.bids).reverse()
  const asks = cum(book.asks)
  return {
    animation: false,
    tooltip: tooltipStyle({ trigger: 'axis', valueFormatter: (v: number) => fmtAmount(v) }),
    grid: { left: 50, right: 12, top: 10, bottom: 24 },
    xAxis: { type: 'value', scale: true, ...axisStyle(), axisLabel: { color: C.text, fontSize: 9, formatter: (v: number) => fmtNum(v, Math.abs(v) >= 1000 ? 0 : decimals), hideOverlap: true }, splitLine: { show: false } },
    yAxis: { type: 'value', ...axisStyle(), axisLabel: { color: C.text, fontSize: 9 }, splitNumber: 3 },
    series: [
      { name: 'bids', type: 'line', step: 'end', showSymbol: false, data: bids, lineStyle: { color: C.bid, width: 1.2 }, areaStyle: { color: C.bid, opacity: 0.2 } },
      { name: 'asks', type: 'line', step: 'start', showSymbol: false, data: asks, lineStyle: { color: C.ask, width: 1.2 }, areaStyle: { color: C.ask, opacity: 0.2 } }
    ]
  }
}

/** How long without a book push, while the session runs, before the ladder says it is silent. */
const SILENT_MS = 3000

/** Price ladder (top N per side, size bars, spread, own orders) and the cumulative depth chart. */
export function OrderBookPanel() {
  const ws = useWorkstation()
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const mode = useSlice(ws.store, (s) => s.mode)
  const [depth, setDepth] = usePersistentState('book.levels', 10)
  const book = session?.book ?? null
  const orders = session?.orders ?? EMPTY
  const running = session?.state?.status === 'running'
  const [now, setNow] = useState(() => performance.now())

  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 1000)
    return () => clearInterval(t)
  }, [])

  const tick = useMemo(() => (book ? tickOf(book) : 1), [book])
  // enough decimals to show one tick (float noise in the tick allowed for)
  const decimals = tick >= 1 ? 0 : Math.min(8, Math.ceil(-Math.log10(tick) - 1e-6))
  // the depth chart follows every book push (≤ 20/s), so it never disagrees with the ladder beside it
  const option = useMemo(() => (book && book.bids.length + book.asks.length ? depthOption(book, decimals) : null), [book, decimals])

  if (!session)
    return <Empty testId="book-empty">No session. {mode === 'replay' ? 'Start a replay over an order-book capture in the Replay panel on the left' : startHint(mode)} to see the ladder.</Empty>
  if (!book)
    return (
      <Empty testId="book-empty">
        No order book in session {session.sessionId} yet.{' '}
        {isLiveData(session.state?.mode) ? 'It appears once the venue has sent its first depth snapshot.' : 'Books come from order-book captures; bar replays have none.'}
      </Empty>
    )

  const own = ownByPrice(orders, book.symbol)
  const asks = book.asks.slice(0, depth)
  const bids = book.bids.slice(0, depth)
  const maxSize = Math.max(1e-12, ...asks.map((l) => l[1]), ...bids.map((l) => l[1]))
  const bestBid = bids[0]?.[0]
  const bestAsk = asks[0]?.[0]
  const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : null
  const mid = spread !== null ? (bestAsk! + bestBid!) / 2 : null
  const silent = running && now - session.bookReceivedAt > SILENT_MS
  const stale = book.stale
  const shownPrices = new Set([...asks, ...bids].map((l) => l[0]))
  const offLadder = own.all.filter((o) => !shownPrices.has(o.price!))

  const row = (side: 'ask' | 'bid', [price, size]: Level, cum: number) => {
    const mine = (side === 'ask' ? own.ask : own.bid).get(price)
    return (
      <div key={`${side}${price}`} className={`ladder-row ${side}${mine ? ' own' : ''}`} data-side={side} data-price={price} data-size={size}>
        <span className="own-mark" title={mine ? `your open order: ${fmtAmount(mine)}` : undefined}>
          {mine ? `● ${fmtAmount(mine)}` : ''}
        </span>
        <span className="price">{fmtNum(price, decimals)}</span>
        <span className="size">
          <span className="size-bar" style={{ width: `${(size / maxSize) * 100}%` }} />
          <span className="size-text">{fmtAmount(size)}</span>
        </span>
        <span className="cum">{fmtAmount(cum)}</span>
      </div>
    )
  }
  const cumulative = (levels: Level[]) => {
    let t = 0
    return levels.map((l) => (t += l[1]))
  }
  const askCum = cumulative(asks)
  const bidCum = cumulative(bids)

  return (
    <div className={`orderbook ${stale ? 'is-stale' : ''}`} data-testid="orderbook" data-stale={stale} data-symbol={book.symbol} data-book-ts={book.ts}>
      <div className="toolbar">
        <strong>{book.symbol}</strong>
        <span className="muted small" title="Book time (UTC)">
          {fmtTime(book.ts, true)}
        </span>
        {stale ? (
          <span className="stale-badge" data-testid="book-stale" role="alert">
            STALE — resyncing, do not trust these prices
          </span>
        ) : silent ? (
          <span className="stale-badge soft" data-testid="book-silent">
            no update for {Math.round((now - session.bookReceivedAt) / 1000)} s
          </span>
        ) : null}
        <label className="inline-field right">
          <span>levels</span>
          <select value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
            {[5, 10, 15, 20, 30].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="ladder" data-testid="ladder">
        <div className="ladder-row head">
          <span>own</span>
          <span className="price">price</span>
          <span className="size">size</span>
          <span className="cum">total</span>
        </div>
        <div className="ladder-asks">{asks.map((l, i) => row('ask', l, askCum[i])).reverse()}</div>
        <div className="ladder-spread" data-testid="spread" data-spread={spread ?? ''}>
          {spread !== null ? (
            <>
              spread <strong>{fmtNum(spread, decimals)}</strong> · {fmtBps((spread / mid!) * 10_000)} bps · mid {fmtNum(mid, decimals + 1)}
            </>
          ) : (
            'one side of the book is empty'
          )}
        </div>
        <div className="ladder-bids">{bids.map((l, i) => row('bid', l, bidCum[i]))}</div>
      </div>
      {offLadder.length ? (
        <div className="own-off muted small" data-testid="own-off-ladder">
          Your orders outside the ladder: {offLadder.map((o) => `${o.side} ${fmtAmount(o.remaining)} @ ${fmtNum(o.price, decimals)}`).join(' · ')}
        </div>
      ) : null}
      <div className="depth">{option ? <EChart option={option} testId="depth-chart" /> : <Empty>The book is empty.</Empty>}</div>
    </div>
  )
}

const EMPTY: OrderView[] = []
