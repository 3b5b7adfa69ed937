import type { JournalEvent, Market, MarketEvent, OrderRequest } from '../../../shared/events'
import type { ParamValues } from '../../../shared/engine-params'
import type { SimulatedBrokerConfig } from '../broker/config'
import { SimulatedBroker } from '../broker/simulated-broker'
import { VirtualClock } from '../clock'
import type { EngineDefinition } from '../engine/engine'
import { Kernel } from '../kernel/kernel'
import { RiskGate, type RiskLimits } from '../risk/risk-gate'

/** One journal row as `Journal.events` yields it (the hash is not needed). */
export interface ReplayRecord {
  seq: number
  ts: number
  type: string
  payload: unknown
}

export interface ReplayEngine {
  id: string
  definition: EngineDefinition<ParamValues>
  /** resolved parameter values */
  values: ParamValues
}

export interface ReplayOptions {
  engines: readonly ReplayEngine[]
  broker: Omit<SimulatedBrokerConfig, 'markets'>
  markets: Market[]
  risk?: RiskLimits
  seed: number
  /** backtests only: how the recorded run settled open positions at the end of its data */
  closeAtEnd?: 'none' | 'close' | 'open'
}

/** An engine's order as compared: what it asked for, and after which market event. */
export interface ReplayOrder {
  /** seq of the OrderSubmitted event */
  seq: number
  /** seq of the last market event before it (0: before any) */
  marketSeq: number
  engine: string
  clientOrderId: string
  symbol: string
  type: OrderRequest['type']
  side: OrderRequest['side']
  amount: number
  price: number | null
  stopPrice: number | null
}

export type DivergenceKind = 'different' | 'missing' | 'extra'

export interface Divergence {
  kind: DivergenceKind
  /** the seq where it shows: the recorded order's (different, missing) or the replayed one's (extra) */
  seq: number
  /** the fields that differ (different only) */
  fields: (keyof ReplayOrder)[]
  recorded: ReplayOrder | null
  replayed: ReplayOrder | null
}

export interface ReplayComparison {
  identical: boolean
  marketEvents: number
  recorded: number
  replayed: number
  same: number
  different: number
  missing: number
  extra: number
  /** journaled orders not placed by an engine (manual ticket, kill switch, end-of-data settlement): left out of the comparison */
  notCompared: number
  firstDivergence: Divergence | null
}

export interface ReplayResult {
  recorded: ReplayOrder[]
  orders: ReplayOrder[]
  comparison: ReplayComparison
}

/** The journal cannot be replayed (no market events, a malformed row). */
export class ReplayError extends Error {
  readonly type = 'ReplayError'
  override readonly name = 'ReplayError'
}

/** Journal row types that are market events (the rest are broker and kernel events). */
export const MARKET_TYPES: ReadonlySet<string> = new Set(['trade', 'quote', 'bar', 'book', 'indicator', 'instrument', 'session', 'status'])
/** The user's engine controls, by the reason their EngineStateChanged carries. */
export const USER_CONTROLS: ReadonlyMap<string, (kernel: Kernel, engineId: string) => void> = new Map<string, (kernel: Kernel, engineId: string) => void>([
  ['paused by user', (k, id) => k.pauseEngine(id)],
  ['resumed by user', (k, id) => k.resumeEngine(id)],
  ['stopped by user', (k, id) => k.stopEngine(id)]
])
const COMPARED: readonly (keyof ReplayOrder)[] = ['marketSeq', 'engine', 'clientOrderId', 'symbol', 'type', 'side', 'amount', 'price', 'stopPrice']

/**
 * Re-runs engines on a journal's market events, in journal order and at their recorded times,
 * with a fresh kernel, virtual clock and simulated broker, and compares the engines' orders with
 * the recorded ones. Broker events are not fed: the simulated broker makes them anew, so a
 * paper session (whose broker was the same simulation) must come out identical. What the user
 * did is applied where the journal has it, since it changes what the engines decide on (their
 * position, the trading state, the event sequence): engine controls (pause, resume, stop),
 * orders from the ticket, and the kill switch with its flattening orders. Not replayed: manual
 * cancels and denied manual orders (the journal does not hold their requests).
 */
export function replaySession(records: Iterable<ReplayRecord>, options: ReplayOptions): ReplayResult {
  const engineIds = new Set(options.engines.map((e) => e.id))
  const broker = new SimulatedBroker({ ...options.broker, markets: options.markets })
  const clock = new VirtualClock(0)
  const orders: ReplayOrder[] = []
  let lastMarket = 0
  const kernel = new Kernel({
    clock,
    broker,
    risk: new RiskGate(options.risk ?? {}),
    journal: null,
    journalMarket: false,
    seed: options.seed,
    observer: (event: JournalEvent) => {
      if (MARKET_TYPES.has(event.type)) lastMarket = event.seq
      else if (event.type === 'OrderSubmitted' && engineIds.has(event.order.owner)) orders.push(orderOf(event.seq, lastMarket, event.order))
    }
  })
  for (const e of options.engines) kernel.addEngine(e.id, e.definition, e.values)

  const recorded: ReplayOrder[] = []
  let notCompared = 0
  let recordedMarket = 0
  let marketEvents = 0
  // A user's kill switch is applied once the rows it caused have been read (they tell whether it
  // flattened): before the next input, which is what the live kernel saw next too.
  let kill: { by: string; reason: string; flatten: boolean } | null = null
  const applyKill = () => {
    if (kill === null) return
    kernel.killSwitch(kill.by, kill.reason, kill.flatten)
    kernel.advanceTo(kernel.now())
    kill = null
  }
  for (const r of records) {
    if (MARKET_TYPES.has(r.type)) {
      const payload = r.payload as MarketEvent | null
      if (typeof payload !== 'object' || payload === null || payload.type !== r.type)
        throw new ReplayError(`journal event seq ${r.seq}: a ${r.type} event whose payload is not a ${r.type} market event`)
      applyKill()
      recordedMarket = r.seq
      marketEvents++
      kernel.processMarket({ ...payload, ts: r.ts } as MarketEvent)
    } else if (r.type === 'OrderSubmitted') {
      const order = (r.payload as { order?: OrderRequest } | null)?.order
      if (typeof order !== 'object' || order === null || typeof order.owner !== 'string')
        throw new ReplayError(`journal event seq ${r.seq}: OrderSubmitted without an order`)
      if (engineIds.has(order.owner)) recorded.push(orderOf(r.seq, recordedMarket, order))
      else notCompared++
      if (order.owner !== 'manual') continue
      if (kill !== null && order.clientOrderId.startsWith('kill-')) kill.flatten = true
      else {
        applyKill()
        replayManualOrder(kernel, order)
      }
    } else if (r.type === 'TradingStateChanged') {
      // a loss or drawdown limit fires again by itself in the replay; anything else that halted was a kill switch
      const { state, by, reason } = (r.payload ?? {}) as { state?: string; by?: string; reason?: string }
      if (state === 'HALTED' && by !== undefined && by !== 'risk-limit') kill = { by, reason: reason ?? '', flatten: false }
    } else if (r.type === 'EngineStateChanged') {
      // the user's pause / resume / stop is part of what the engine decided under
      const { engineId, reason } = (r.payload ?? {}) as { engineId?: string; reason?: string }
      const control = reason === undefined ? undefined : USER_CONTROLS.get(reason)
      if (engineId !== undefined && engineIds.has(engineId) && control !== undefined) {
        applyKill()
        control(kernel, engineId)
      }
    }
  }
  applyKill()
  if (marketEvents === 0)
    throw new ReplayError('the journal holds no market events for this session: only sessions that journaled them (paper, live, or a backtest run with --journal-market) can be replayed')
  const closeAtEnd = options.closeAtEnd ?? 'none'
  if (closeAtEnd !== 'none') broker.settle(closeAtEnd, clock.now(), kernel.seq)
  kernel.finish()
  return { recorded, orders, comparison: compareOrders(recorded, orders, marketEvents, notCompared) }
}

/** Matches orders by engine and client order id (engines' ids are deterministic), then compares their fields. */
export function compareOrders(recorded: readonly ReplayOrder[], replayed: readonly ReplayOrder[], marketEvents: number, notCompared = 0): ReplayComparison {
  const key = (o: ReplayOrder) => `${o.engine}\u0000${o.clientOrderId}`
  const byKey = new Map(replayed.map((o) => [key(o), o]))
  const divergences: Divergence[] = []
  let same = 0
  let different = 0
  let missing = 0
  const matched = new Set<string>()
  for (const r of recorded) {
    const k = key(r)
    const o = byKey.get(k)
    if (o === undefined) {
      missing++
      divergences.push({ kind: 'missing', seq: r.seq, fields: [], recorded: r, replayed: null })
      continue
    }
    matched.add(k)
    const fields = COMPARED.filter((f) => r[f] !== o[f])
    if (fields.length === 0) same++
    else {
      different++
      divergences.push({ kind: 'different', seq: Math.min(r.seq, o.seq), fields, recorded: r, replayed: o })
    }
  }
  const extras = replayed.filter((o) => !matched.has(key(o)))
  for (const o of extras) divergences.push({ kind: 'extra', seq: o.seq, fields: [], recorded: null, replayed: o })
  divergences.sort((a, b) => a.seq - b.seq)
  return {
    identical: divergences.length === 0,
    marketEvents,
    recorded: recorded.length,
    replayed: replayed.length,
    same,
    different,
    missing,
    extra: extras.length,
    notCompared,
    firstDivergence: divergences[0] ?? null
  }
}

/** The order ticket's order, as the session's controls placed it: submitted, then settled at the current time. */
function replayManualOrder(kernel: Kernel, o: OrderRequest): void {
  resubmitManualOrder(kernel, o)
  kernel.advanceTo(kernel.now())
}

/** Submits a journaled order-ticket order again, under its journaled client order id. */
export function resubmitManualOrder(kernel: Kernel, o: OrderRequest): void {
  kernel.submitManualOrder(o.symbol, o.type, o.side, o.amount, o.price ?? undefined, {
    clientOrderId: o.clientOrderId,
    stopPrice: o.stopPrice ?? undefined,
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    ...(o.cost !== null ? { cost: o.cost } : {})
  })
}

function orderOf(seq: number, marketSeq: number, o: OrderRequest): ReplayOrder {
  return {
    seq,
    marketSeq,
    engine: o.owner,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    type: o.type,
    side: o.side,
    amount: o.amount,
    price: o.price,
    stopPrice: o.stopPrice
  }
}
