import type { JournalEvent } from '../../../shared/events'
import type { Market } from '../../../shared/market'
import type { BalanceView, OrderView } from '../../../shared/orders'
import { isFinalStatus } from '../../core/orders/order-state-machine'
import { OrderTracker } from '../../core/orders/order-tracker'
import { createRedactor, describeError, type Redactor } from './secrets'
import { classifyError, num, str, type TradeApi, type VenueOrder, type VenueTrade } from './venue-api'
import { parseBalances } from './venue-broker'

/**
 * Reconciliation after a restart: the account as the journal left it against the account as the
 * venue reports it. `reconcile` is a pure function of the two snapshots; `journalSnapshot` builds
 * one side from journaled events, `fetchVenueSnapshot` the other from the venue. A part of the
 * venue snapshot that could not be fetched is `undefined` and is reported as unchecked, never
 * compared as if the venue had said "no orders" or "flat".
 */

export interface PositionAmount {
  symbol: string
  amount: number
}

export interface JournalSnapshot {
  /** every order the journal knows, by client order id (the venue broker's order id is the client id) */
  orders: ReadonlyMap<string, OrderView>
  /** trade ids of journaled fills */
  fillIds: ReadonlySet<string>
  /** venue time of the last journaled fill (fetch venue trades from here), null without fills */
  lastFillTs: number | null
  /** the last journaled balance per currency */
  balances: readonly BalanceView[]
  /** the last journaled position per symbol */
  positions: readonly PositionAmount[]
}

export interface VenueSnapshot {
  /** open orders at the venue; undefined when they could not be fetched */
  openOrders: readonly VenueOrder[] | undefined
  /** the venue's trades since the journal's last fill; undefined when they could not be fetched */
  trades: readonly VenueTrade[] | undefined
  balances: readonly BalanceView[] | undefined
  /** derivative positions when the venue has them; spot positions are read from balances */
  positions?: readonly PositionAmount[] | undefined
  /** journal-open orders looked up one by one: the venue's answer, or 'not-found' */
  lookups?: Readonly<Record<string, VenueOrder | 'not-found'>>
}

export type ReconcileAction = 'adopt' | 'cancel' | 'flatten' | 'ignore'

export interface VenueOrderSummary {
  venueId: string | null
  clientOrderId: string | null
  symbol: string | null
  side: string | null
  amount: number | null
  filled: number | null
  price: number | null
  status: string | null
}

export type Difference =
  | {
      kind: 'unknown-order-at-venue'
      order: VenueOrderSummary
      /** the client id looks like one of this workstation's (see ReconcilePolicy.isOurs) */
      ours: boolean
      action: ReconcileAction
      detail: string
    }
  | {
      kind: 'order-missing-at-venue'
      clientOrderId: string
      symbol: string
      /** what the venue says when asked for it by client id ('unknown' when it was not asked or did not answer) */
      venueStatus: string
      action: ReconcileAction
      detail: string
    }
  | {
      kind: 'fill-not-journaled'
      tradeId: string
      venueOrderId: string | null
      clientOrderId: string | null
      symbol: string | null
      side: string | null
      price: number | null
      amount: number | null
      timestamp: number | null
      action: ReconcileAction
      detail: string
    }
  | { kind: 'balance-mismatch'; currency: string; journal: number | null; venue: number; action: ReconcileAction; detail: string }
  | {
      kind: 'position-mismatch'
      symbol: string
      journal: number | null
      venue: number
      /** the part of the difference that unjournaled fills of our orders account for */
      explained: number
      action: ReconcileAction
      detail: string
    }

export type DifferenceKind = Difference['kind']

export interface ReconcileReport {
  differences: Difference[]
  /** parts of the venue state that could not be read: nothing is concluded about them */
  unchecked: Array<'open-orders' | 'trades' | 'balances' | 'positions'>
  /** no difference and nothing unchecked */
  clean: boolean
}

export interface ReconcilePolicy {
  /** markets traded (spot positions are the base currency balances) */
  markets?: readonly Market[]
  /** is an unknown venue order one of ours (e.g. placed just before a crash)? default: its client id starts with an owner prefix given here */
  isOurs?: (clientOrderId: string) => boolean
  /** what to propose for open venue orders that are not ours (default 'ignore': a person may have placed them) */
  foreignOrders?: 'ignore' | 'cancel'
  /** what to propose for a position difference that unjournaled fills do not explain (default 'flatten') */
  unexplainedPosition?: 'flatten' | 'adopt'
  /** absolute tolerance for amounts and balances (default 1e-9) */
  tolerance?: number
}

/** Rebuilds the journal side from a session's events (payloads in seq order). */
export function journalSnapshot(events: Iterable<JournalEvent>): JournalSnapshot {
  const tracker = new OrderTracker()
  const fillIds = new Set<string>()
  const balances = new Map<string, BalanceView>()
  const positions = new Map<string, number>()
  let lastFillTs: number | null = null
  for (const e of events) {
    switch (e.type) {
      case 'OrderSubmitted':
      case 'OrderAccepted':
      case 'OrderRejected':
      case 'OrderTriggered':
      case 'OrderCancelled':
      case 'OrderExpired':
        tracker.apply(e)
        break
      case 'OrderPartiallyFilled':
      case 'OrderFilled':
        tracker.apply(e)
        fillIds.add(e.tradeId)
        if (lastFillTs === null || e.tradeTs > lastFillTs) lastFillTs = e.tradeTs
        break
      case 'BalanceUpdated':
        balances.set(e.currency, { currency: e.currency, free: e.free, used: e.used, total: e.total })
        break
      case 'PositionChanged':
        positions.set(e.symbol, e.amount)
        break
      default:
        break
    }
  }
  const orders = new Map<string, OrderView>()
  for (const o of tracker.all()) orders.set(o.clientOrderId, o)
  return {
    orders,
    fillIds,
    lastFillTs,
    balances: [...balances.values()],
    positions: [...positions.entries()].map(([symbol, amount]) => ({ symbol, amount }))
  }
}

export function reconcile(journal: JournalSnapshot, venue: VenueSnapshot, policy: ReconcilePolicy = {}): ReconcileReport {
  const tol = policy.tolerance ?? 1e-9
  const isOurs = policy.isOurs ?? (() => false)
  const differences: Difference[] = []
  const unchecked: ReconcileReport['unchecked'] = []

  // venue order id → our client id, from every venue order we can see
  const clientByVenueId = new Map<string, string>()
  const note = (o: VenueOrder) => {
    const id = str(o.id)
    const cid = str(o.clientOrderId)
    if (id !== undefined && cid !== undefined && journal.orders.has(cid)) clientByVenueId.set(id, cid)
  }
  for (const o of venue.openOrders ?? []) note(o)
  for (const o of Object.values(venue.lookups ?? {})) if (o !== 'not-found') note(o)

  if (venue.openOrders === undefined) unchecked.push('open-orders')
  else {
    const openAtVenue = new Set<string>()
    for (const o of venue.openOrders) {
      const cid = str(o.clientOrderId)
      if (cid !== undefined) openAtVenue.add(cid)
      const known = cid === undefined ? undefined : journal.orders.get(cid)
      if (known !== undefined && !isFinalStatus(known.status)) continue
      if (known !== undefined) {
        differences.push({
          kind: 'unknown-order-at-venue',
          order: summary(o),
          ours: true,
          action: 'cancel',
          detail: `the journal has ${cid} ${known.status}, the venue has it open`
        })
        continue
      }
      const ours = cid !== undefined && isOurs(cid)
      differences.push({
        kind: 'unknown-order-at-venue',
        order: summary(o),
        ours,
        action: ours ? 'adopt' : (policy.foreignOrders ?? 'ignore'),
        detail: ours ? `open at the venue under our client id ${cid}, never journaled` : `open at the venue, not placed by this session (client id ${cid ?? 'none'})`
      })
    }
    for (const o of journal.orders.values()) {
      if (isFinalStatus(o.status) || openAtVenue.has(o.clientOrderId)) continue
      const answer = venue.lookups?.[o.clientOrderId]
      const venueStatus = answer === undefined ? 'unknown' : answer === 'not-found' ? 'not-found' : (str(answer.status) ?? 'unknown')
      const known = venueStatus !== 'unknown'
      differences.push({
        kind: 'order-missing-at-venue',
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        venueStatus,
        action: known ? 'adopt' : 'ignore',
        detail: !known
          ? `open in the journal, not among the venue's open orders, and the venue was not asked for it: query it by client id before acting`
          : venueStatus === 'not-found'
            ? `open in the journal, the venue has no order ${o.clientOrderId}: it never reached the venue`
            : `open in the journal, ${venueStatus} at the venue`
      })
    }
  }

  const explainedBySymbol = new Map<string, number>()
  const baseOf = new Map((policy.markets ?? []).map((m) => [m.symbol, m.base]))
  if (venue.trades === undefined) unchecked.push('trades')
  else {
    for (const t of venue.trades) {
      const id = str(t.id)
      if (id === undefined || journal.fillIds.has(id)) continue
      const venueOrderId = str(t.order) ?? null
      const cid = (venueOrderId !== null ? clientByVenueId.get(venueOrderId) : undefined) ?? clientIdFromInfo(t, journal)
      const amount = num(t.amount) ?? null
      const symbol = str(t.symbol) ?? (cid !== undefined ? journal.orders.get(cid)?.symbol : undefined) ?? null
      if (cid !== undefined && symbol !== null && amount !== null) {
        // a fee charged in the base currency (Binance's default on buys) shrinks the position too
        const base = baseOf.get(symbol)
        const fee = base !== undefined && str(t.fee?.currency) === base ? (num(t.fee?.cost) ?? 0) : 0
        const signed = (t.side === 'sell' ? -amount : amount) - fee
        explainedBySymbol.set(symbol, (explainedBySymbol.get(symbol) ?? 0) + signed)
      }
      differences.push({
        kind: 'fill-not-journaled',
        tradeId: id,
        venueOrderId,
        clientOrderId: cid ?? null,
        symbol,
        side: str(t.side) ?? null,
        price: num(t.price) ?? null,
        amount,
        timestamp: num(t.timestamp) ?? null,
        action: cid !== undefined ? 'adopt' : 'ignore',
        detail: cid !== undefined ? `a fill of ${cid} the journal does not have` : 'a fill of an order this session did not place'
      })
    }
  }

  if (venue.balances === undefined) unchecked.push('balances')
  else {
    const journalBalances = new Map(journal.balances.map((b) => [b.currency, b]))
    for (const b of venue.balances) {
      const j = journalBalances.get(b.currency)
      if (j !== undefined && Math.abs(j.total - b.total) <= tol) continue
      if (j === undefined && Math.abs(b.total) <= tol) continue
      differences.push({
        kind: 'balance-mismatch',
        currency: b.currency,
        journal: j?.total ?? null,
        venue: b.total,
        action: 'adopt',
        detail: j === undefined ? `the journal has no balance of ${b.currency}; the venue has ${b.total}` : `journal ${j.total}, venue ${b.total} (${signed(b.total - j.total)})`
      })
    }
  }

  const venuePositions = venuePositionsOf(venue, policy.markets ?? [])
  if (venuePositions === undefined) unchecked.push('positions')
  else {
    const journalPositions = new Map(journal.positions.map((p) => [p.symbol, p.amount]))
    for (const [symbol, amount] of venuePositions) {
      const j = journalPositions.get(symbol)
      if (j !== undefined && Math.abs(j - amount) <= tol) continue
      if (j === undefined && Math.abs(amount) <= tol) continue
      const explained = explainedBySymbol.get(symbol) ?? 0
      const accounted = j !== undefined && Math.abs(j + explained - amount) <= tol
      differences.push({
        kind: 'position-mismatch',
        symbol,
        journal: j ?? null,
        venue: amount,
        explained,
        action: accounted ? 'adopt' : (policy.unexplainedPosition ?? 'flatten'),
        detail: accounted
          ? `journal ${j}, venue ${amount}: the unjournaled fills account for it`
          : `journal ${j ?? 'none'}, venue ${amount}: ${signed(amount - (j ?? 0) - explained)} not explained by unjournaled fills`
      })
    }
  }

  return { differences, unchecked, clean: differences.length === 0 && unchecked.length === 0 }
}

/** Spot: each market's base balance; derivatives: the venue's positions. Undefined when unknown. */
function venuePositionsOf(venue: VenueSnapshot, markets: readonly Market[]): Map<string, number> | undefined {
  if (venue.positions !== undefined) return new Map(venue.positions.map((p) => [p.symbol, p.amount]))
  if (markets.length === 0) return new Map()
  if (venue.balances === undefined) return undefined
  const byCurrency = new Map(venue.balances.map((b) => [b.currency, b.total]))
  const out = new Map<string, number>()
  for (const m of markets) {
    const total = byCurrency.get(m.base)
    if (total !== undefined) out.set(m.symbol, total)
  }
  return out
}

function clientIdFromInfo(t: VenueTrade, journal: JournalSnapshot): string | undefined {
  const c = str((t.info as { c?: unknown; clientOrderId?: unknown } | undefined)?.c ?? (t.info as { clientOrderId?: unknown } | undefined)?.clientOrderId)
  return c !== undefined && journal.orders.has(c) ? c : undefined
}

function summary(o: VenueOrder): VenueOrderSummary {
  return {
    venueId: str(o.id) ?? null,
    clientOrderId: str(o.clientOrderId) ?? null,
    symbol: str(o.symbol) ?? null,
    side: str(o.side) ?? null,
    amount: num(o.amount) ?? null,
    filled: num(o.filled) ?? null,
    price: num(o.price) ?? null,
    status: str(o.status) ?? null
  }
}

function signed(x: number): string {
  const v = Number(x.toPrecision(12))
  return v >= 0 ? `+${v}` : String(v)
}

export interface FetchVenueSnapshotOptions {
  symbols: readonly string[]
  journal: JournalSnapshot
  /** trades page size (default 500) and most pages per symbol (default 20) */
  pageSize?: number
  maxPages?: number
  redact?: Redactor
  log?: (line: string) => void
}

/**
 * Reads the venue side: open orders per symbol, every journal-open order missing from them by
 * client id, trades since the journal's last fill (paged), balances. A part that fails is left
 * undefined (unknown), with the reason logged.
 */
export async function fetchVenueSnapshot(api: TradeApi, opts: FetchVenueSnapshotOptions): Promise<VenueSnapshot> {
  const redact = opts.redact ?? createRedactor()
  const log = (line: string) => opts.log?.(redact(line))
  const fail = (what: string, err: unknown) => log(`reconcile: ${what} could not be fetched (left unchecked): ${describeError(err, redact)}`)

  let openOrders: VenueOrder[] | undefined = []
  for (const symbol of opts.symbols) {
    try {
      openOrders.push(...(await api.fetchOpenOrders(symbol)))
    } catch (err) {
      fail(`open orders of ${symbol}`, err)
      openOrders = undefined
      break
    }
  }

  const lookups: Record<string, VenueOrder | 'not-found'> = {}
  if (openOrders !== undefined) {
    const open = new Set(openOrders.map((o) => str(o.clientOrderId)))
    for (const o of opts.journal.orders.values()) {
      if (isFinalStatus(o.status) || open.has(o.clientOrderId)) continue
      try {
        lookups[o.clientOrderId] = await api.fetchOrder('', o.symbol, { clientOrderId: o.clientOrderId })
      } catch (err) {
        if (classifyError(err).kind === 'not-found') lookups[o.clientOrderId] = 'not-found'
        else fail(`order ${o.clientOrderId}`, err)
      }
    }
  }

  let trades: VenueTrade[] | undefined = []
  const pageSize = opts.pageSize ?? 500
  const maxPages = opts.maxPages ?? 20
  const since = opts.journal.lastFillTs ?? undefined
  outer: for (const symbol of opts.symbols) {
    let from = since
    for (let page = 0; page < maxPages; page++) {
      let batch: VenueTrade[]
      try {
        batch = await api.fetchMyTrades(symbol, from, pageSize)
      } catch (err) {
        fail(`trades of ${symbol}`, err)
        trades = undefined
        break outer
      }
      trades.push(...batch)
      if (batch.length < pageSize) break
      const last = num(batch[batch.length - 1]?.timestamp)
      if (last === undefined || (from !== undefined && last <= from)) break
      from = last
    }
  }
  if (trades !== undefined) {
    // pages overlap at their boundary timestamp
    const seen = new Set<string>()
    trades = trades.filter((t) => {
      const id = str(t.id)
      if (id === undefined) return true
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
  }

  let balances: ReturnType<typeof parseBalances> | undefined
  try {
    balances = parseBalances(await api.fetchBalance())
  } catch (err) {
    fail('balances', err)
    balances = undefined
  }

  return { openOrders, trades, balances, lookups }
}
