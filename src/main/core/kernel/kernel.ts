import type {
  BrokerEvent,
  CreateOrderParams,
  JournalEvent,
  LogLevel,
  MarketEvent,
  OrderRequest,
  OrderType,
  Side,
  TradingState
} from '../../../shared/events'
import type { ParamValues } from '../../../shared/engine-params'
import type { Broker } from '../broker/broker'
import { floorToStep, roundToStep } from '../broker/numbers'
import type { Clock } from '../clock'
import type { Engine, EngineContext, EngineDefinition, Subscription } from '../engine/engine'
import { createRandom } from '../random'
import type { RiskGate } from '../risk/risk-gate'
import { TimerQueue } from './timer-queue'

/** Where sequenced events go; the SQLite journal's appender and the hash-only journal fit. */
export interface JournalSink {
  append(seq: number, ts: number, type: string, payload: unknown): void
}

export type EngineState = 'running' | 'paused' | 'stopped' | 'faulted'

export interface EngineStatus {
  id: string
  name: string
  state: EngineState
  params: ParamValues
  eventsIn: number
  ordersOut: number
  /** duration of the last handler call that placed or cancelled an order, in ms (-1: none measured) */
  lastDecisionMs: number
  fault: string | null
}

export interface KernelOptions {
  clock: Clock & { advance?(to: number): void }
  broker: Broker
  risk: RiskGate
  journal: JournalSink | null
  /** journal market events too (live and paper always do; backtests by flag) */
  journalMarket: boolean
  seed: number
  /** sees every sequenced event, after it was journaled and dispatched */
  observer?: (event: JournalEvent) => void
  /**
   * sees the market events in place of `observer`: a backtest samples bars there, and a call
   * site that meets one shape of event stays fast where one that meets every shape does not
   */
  marketObserver?: (event: MarketEvent) => void
  /** measure handler durations (costs two clock reads per call; on for live and paper) */
  measureLatency?: boolean
  /** high-resolution timer for latency measurement, supplied by the host */
  hrtime?: () => number
}

/** An engine could not be created (bad parameters, an error in its `create`). */
export class EngineSetupError extends Error {
  readonly type = 'EngineError'
  override readonly name = 'EngineSetupError'
}

export class InvalidOrder extends Error {
  readonly type = 'InvalidOrder'
  override readonly name = 'InvalidOrder'
}

interface Slot {
  id: string
  definition: EngineDefinition<ParamValues>
  engine: Engine<ParamValues>
  ctx: EngineContext<ParamValues>
  state: EngineState
  params: ParamValues
  marketAll: boolean
  marketOff: boolean
  symbols: Set<string> | null
  marketTypes: Set<string> | null
  /** the filters' answer for the last symbol and type seen (streams repeat them event after event) */
  lastSymbol: string | null
  lastSymbolOk: boolean
  lastType: string | null
  lastTypeOk: boolean
  brokerOff: boolean
  brokerTypes: Set<string> | null
  eventsIn: number
  ordersOut: number
  lastDecisionMs: number
  fault: string | null
  orderCounter: number
  timerCounter: number
  random: () => number
}

const KERNEL_OWNER = 'kernel'

/**
 * One session's event loop. Market events, the broker's outbox and engine timers are merged in
 * time order; at equal times the order is: broker outbox, broker wake-ups (orders reaching the
 * venue), timers, then the market event. Each event gets the next seq, is journaled, then is
 * dispatched to engines in the order they were added. Orders placed while handling an event
 * reach the broker at once but their consequences come back only as later events.
 */
export class Kernel {
  private seqNo = 0
  /**
   * Journal rows are numbered densely so that a missing row is always detectable. When market
   * events are not journaled (backtests by default) this differs from the events' own `seq`,
   * which the payload keeps.
   */
  private journalSeq = 0
  /**
   * Added to the seq in the client ids the kernel makes (kill switch flattening): a session
   * resumed from a journal has a kernel behind the journal, and a venue refuses a client id it has
   * already seen.
   */
  idSeqOffset = 0
  private currentCause = 0
  private readonly slots: Slot[] = []
  private readonly byId = new Map<string, Slot>()
  private readonly timers = new TimerQueue()
  private readonly ownerByClientId = new Map<string, string>()
  /**
   * Whether any client id was given rather than made by an engine's counter (an engine's own,
   * the manual ticket's, the kill switch's). Ids made by counters, `<engine>-<n>`, never repeat
   * one another; until an id is given, checking them against every id used so far is skipped.
   */
  private anyGivenId = false
  private readonly ownerByOrderId = new Map<string, string>()
  /** (order id, owner) pairs of submissions not yet in `ownerByOrderId`: only a CancelRejected needs them */
  private readonly unindexedOrders: string[] = []
  private draining = false

  private readonly watchEquity: boolean
  private readonly observeMarket: ((event: MarketEvent) => void) | undefined

  constructor(private readonly opts: KernelOptions) {
    this.watchEquity = opts.risk.watchesEquity
    this.observeMarket = opts.marketObserver ?? opts.observer
  }

  get seq(): number {
    return this.seqNo
  }

  get broker(): Broker {
    return this.opts.broker
  }

  get tradingState(): TradingState {
    return this.opts.risk.state
  }

  now(): number {
    return this.opts.clock.now()
  }

  engines(): EngineStatus[] {
    return this.slots.map((s) => ({
      id: s.id,
      name: s.definition.name,
      state: s.state,
      params: s.params,
      eventsIn: s.eventsIn,
      ordersOut: s.ordersOut,
      lastDecisionMs: s.lastDecisionMs,
      fault: s.fault
    }))
  }

  addEngine(id: string, definition: EngineDefinition<ParamValues>, params: ParamValues): void {
    if (this.byId.has(id)) throw new Error(`an engine with id ${id} is already in this session`)
    if (id === KERNEL_OWNER || id === 'manual') throw new Error(`engine id ${id} is reserved`)
    const sub: Subscription = definition.subscription ?? {}
    const market = sub.market
    const broker = sub.broker
    const slot: Slot = {
      id,
      definition,
      engine: undefined as unknown as Engine<ParamValues>,
      ctx: undefined as unknown as EngineContext<ParamValues>,
      state: 'running',
      params,
      marketOff: market === false,
      marketAll: market === undefined || (market !== false && !market.symbols && !market.types),
      symbols: market && market.symbols ? new Set(market.symbols) : null,
      marketTypes: market && market.types ? new Set(market.types) : null,
      lastSymbol: null,
      lastSymbolOk: false,
      lastType: null,
      lastTypeOk: false,
      brokerOff: broker === false,
      brokerTypes: broker && broker.types ? new Set(broker.types) : null,
      eventsIn: 0,
      ordersOut: 0,
      lastDecisionMs: -1,
      fault: null,
      orderCounter: 0,
      timerCounter: 0,
      random: createRandom(this.opts.seed ^ hashString(id))
    }
    slot.ctx = this.createContext(slot)
    try {
      slot.engine = definition.create(params)
    } catch (err) {
      throw new EngineSetupError(`engine ${id} (${definition.name}) could not start: ${err instanceof Error ? err.message : String(err)}`)
    }
    this.slots.push(slot)
    this.byId.set(id, slot)
    this.emitKernel({ type: 'EngineStateChanged', seq: 0, ts: this.now(), engineId: id, state: 'running', reason: 'added' })
    this.guard(slot, () => slot.engine.onStart?.(slot.ctx))
    this.drain()
  }

  removeEngine(id: string): void {
    const slot = this.requireSlot(id)
    this.stopSlot(slot, 'removed')
    this.slots.splice(this.slots.indexOf(slot), 1)
    this.byId.delete(id)
  }

  pauseEngine(id: string): void {
    const slot = this.requireSlot(id)
    if (slot.state !== 'running') return
    slot.state = 'paused'
    this.emitKernel({ type: 'EngineStateChanged', seq: 0, ts: this.now(), engineId: id, state: 'paused', reason: 'paused by user' })
  }

  resumeEngine(id: string): void {
    const slot = this.requireSlot(id)
    if (slot.state !== 'paused') return
    slot.state = 'running'
    this.emitKernel({ type: 'EngineStateChanged', seq: 0, ts: this.now(), engineId: id, state: 'running', reason: 'resumed by user' })
  }

  stopEngine(id: string): void {
    this.stopSlot(this.requireSlot(id), 'stopped by user')
  }

  /** Hot path: one market event. */
  processMarket(event: MarketEvent): void {
    const ts = event.ts
    const { broker, clock, journal } = this.opts
    if (broker.nextWakeTs() <= ts || this.timers.peekTs() <= ts) this.runDue(ts)
    clock.advance?.(ts)
    const seq = ++this.seqNo
    event.seq = seq
    this.currentCause = seq
    if (this.opts.journalMarket && journal) journal.append(++this.journalSeq, ts, event.type, event)
    broker.onMarket(event)
    // Loss and drawdown limits fire on the first event that marks the account past them, and
    // close the positions: halting alone would leave the loss running.
    if (this.watchEquity && this.opts.risk.state !== 'HALTED') {
      const breach = this.opts.risk.equityBreach(broker.account.equity())
      if (breach !== null) this.killSwitch('risk-limit', breach, true)
    }
    const slots = this.slots
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]
      if (slot.state !== 'running' || slot.marketOff || slot.engine.onMarket === undefined) continue
      if (!slot.marketAll && !wantsMarket(slot, event)) continue
      slot.eventsIn++
      this.callMarket(slot, event)
    }
    const observe = this.observeMarket
    if (observe !== undefined) observe(event)
    if (broker.outbox.length > 0) this.drain()
  }

  processMarketBatch(events: readonly MarketEvent[]): void {
    for (let i = 0; i < events.length; i++) this.processMarket(events[i])
  }

  /** Runs broker wake-ups and timers due up to `ts` (live mode calls this from a wall-clock tick). */
  advanceTo(ts: number): void {
    this.runDue(ts)
    this.opts.clock.advance?.(ts)
  }

  /** End of a run: deliver what is pending and let engines stop. */
  finish(): void {
    this.drain()
    for (const slot of this.slots) {
      if (slot.state === 'running' || slot.state === 'paused') this.guard(slot, () => slot.engine.onStop?.(slot.ctx))
    }
    this.drain()
  }

  setTradingState(state: TradingState, by: string, reason: string): void {
    if (this.opts.risk.state === state) return
    this.opts.risk.setState(state)
    this.emitKernel({ type: 'TradingStateChanged', seq: 0, ts: this.now(), state, by, reason })
  }

  /**
   * Kill switch: HALTED, every engine paused, every open order cancelled, and optionally every
   * position closed with reduce-only market orders. Asks nothing; who and why go to the journal.
   */
  killSwitch(by: string, reason: string, flatten: boolean): void {
    this.setTradingState('HALTED', by, reason)
    for (const slot of this.slots) {
      if (slot.state === 'running') {
        slot.state = 'paused'
        this.emitKernel({ type: 'EngineStateChanged', seq: 0, ts: this.now(), engineId: slot.id, state: 'paused', reason: `kill switch: ${reason}` })
      }
    }
    this.cancelAll(undefined)
    if (flatten) {
      let n = 0
      for (const p of this.opts.broker.account.positions()) {
        if (p.amount === 0) continue
        const order = this.buildOrder('manual', `kill-${this.seqNo + this.idSeqOffset}-${++n}`, p.symbol, 'market', p.amount > 0 ? 'sell' : 'buy', Math.abs(p.amount), undefined, { reduceOnly: true })
        this.anyGivenId = true
        this.ownerByClientId.set(order.clientOrderId, 'manual')
        this.opts.broker.submit(order, this.now(), this.currentCause)
      }
    }
    this.drain()
  }

  /** The manual order ticket: same risk gate as engines. Returns the client order id or a denial reason. */
  submitManualOrder(
    symbol: string,
    type: OrderType,
    side: Side,
    amount: number,
    price?: number,
    params: CreateOrderParams = {}
  ): { clientOrderId: string; denied: string | null } {
    const clientOrderId = params.clientOrderId ?? `manual-${this.seqNo}-${this.ownerByClientId.size + 1}`
    this.anyGivenId = true
    const order = this.buildOrder('manual', clientOrderId, symbol, type, side, amount, price, params)
    const denied = this.route(order)
    this.drain()
    return { clientOrderId, denied }
  }

  cancelOrder(clientOrderId: string): void {
    this.opts.broker.cancel(clientOrderId, this.now(), this.currentCause)
    this.drain()
  }

  cancelAllOrders(symbol?: string): void {
    this.cancelAll(symbol)
    this.drain()
  }

  // ---- internals -------------------------------------------------------------------------

  private callMarket(slot: Slot, event: MarketEvent): void {
    const before = slot.ordersOut
    const t0 = this.opts.measureLatency ? this.opts.hrtime!() : 0
    try {
      slot.engine.onMarket!(event, slot.ctx)
    } catch (err) {
      this.fault(slot, err)
      return
    }
    if (this.opts.measureLatency && slot.ordersOut !== before) slot.lastDecisionMs = this.opts.hrtime!() - t0
  }

  private guard(slot: Slot, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.fault(slot, err)
    }
  }

  private fault(slot: Slot, err: unknown): void {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    const stack = err instanceof Error && err.stack ? err.stack : ''
    slot.state = 'faulted'
    slot.fault = error
    this.emitKernel({ type: 'EngineFaulted', seq: 0, ts: this.now(), engineId: slot.id, cause: this.currentCause, error, stack })
    this.timers.remove(slot.id)
    // A faulted engine can no longer manage its resting orders, so they are withdrawn.
    for (const order of this.opts.broker.account.openOrders(slot.id)) {
      this.opts.broker.cancel(order.clientOrderId, this.now(), this.currentCause)
    }
  }

  private stopSlot(slot: Slot, reason: string): void {
    if (slot.state === 'stopped') return
    if (slot.state !== 'faulted') this.guard(slot, () => slot.engine.onStop?.(slot.ctx))
    slot.state = 'stopped'
    this.timers.remove(slot.id)
    this.emitKernel({ type: 'EngineStateChanged', seq: 0, ts: this.now(), engineId: slot.id, state: 'stopped', reason })
    this.drain()
  }

  private requireSlot(id: string): Slot {
    const slot = this.byId.get(id)
    if (!slot) throw new Error(`no engine with id ${id} in this session`)
    return slot
  }

  private runDue(ts: number): void {
    const broker = this.opts.broker
    for (;;) {
      this.drain()
      const wake = broker.nextWakeTs()
      const timer = this.timers.peekTs()
      if (wake <= ts && wake <= timer) {
        this.opts.clock.advance?.(wake)
        broker.wake(wake, this.currentCause)
      } else if (timer <= ts) {
        const entry = this.timers.pop()!
        this.opts.clock.advance?.(entry.at)
        const slot = this.byId.get(entry.engineId)
        if (!slot || slot.state !== 'running') continue
        const fired = { type: 'TimerFired' as const, seq: 0, ts: entry.at, engineId: entry.engineId, timerId: entry.timerId }
        this.sequence(fired)
        this.currentCause = fired.seq
        this.guard(slot, () => slot.engine.onTimer?.(fired, slot.ctx))
      } else {
        return
      }
    }
  }

  /** Delivers the broker's outbox in order, including what delivering it causes. */
  private drain(): void {
    if (this.draining) return
    this.draining = true
    const outbox = this.opts.broker.outbox
    try {
      for (let i = 0; i < outbox.length; i++) {
        const event = outbox[i]
        if (event.type === 'OrderSubmitted') this.unindexedOrders.push(event.orderId, event.order.owner)
        this.sequence(event)
        this.dispatchBroker(event)
      }
    } finally {
      outbox.length = 0
      this.draining = false
    }
  }

  private dispatchBroker(event: BrokerEvent): void {
    // looked up once an engine listens (engines that ignore broker events cost nothing here)
    let owner: string | null | undefined
    const previousCause = this.currentCause
    this.currentCause = event.seq
    const slots = this.slots
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]
      if (slot.state !== 'running' || slot.brokerOff || slot.engine.onBroker === undefined) continue
      if (owner === undefined) owner = this.ownerOf(event)
      // Order events go to the engine that owns the order; account events go to all.
      if (owner !== null && owner !== slot.id) continue
      if (slot.brokerTypes !== null && !slot.brokerTypes.has(event.type)) continue
      slot.eventsIn++
      try {
        slot.engine.onBroker(event, slot.ctx)
      } catch (err) {
        this.fault(slot, err)
      }
    }
    this.currentCause = previousCause
  }

  private ownerOf(event: BrokerEvent): string | null {
    if (event.type === 'CancelRejected') {
      const pairs = this.unindexedOrders
      for (let i = 0; i < pairs.length; i += 2) this.ownerByOrderId.set(pairs[i], pairs[i + 1])
      pairs.length = 0
    }
    return ownerOf(event, this.ownerByClientId, this.ownerByOrderId)
  }

  private sequence(event: JournalEvent): void {
    const seq = ++this.seqNo
    event.seq = seq
    this.opts.journal?.append(++this.journalSeq, event.ts, event.type, event)
    this.opts.observer?.(event)
  }

  private emitKernel(event: JournalEvent): void {
    this.sequence(event)
  }

  private cancelAll(symbol: string | undefined): void {
    for (const order of this.opts.broker.account.openOrders(undefined, symbol)) {
      this.opts.broker.cancel(order.clientOrderId, this.now(), this.currentCause)
    }
  }

  /** Risk gate, then broker. Returns the denial reason, or null when the order went through. */
  private route(order: OrderRequest): string | null {
    this.ownerByClientId.set(order.clientOrderId, order.owner)
    const denial = this.opts.risk.check(order, this.opts.broker.account, this.now())
    if (denial) {
      // Denials join the broker stream's outbox so every order event keeps its creation order.
      this.opts.broker.outbox.push({
        type: 'OrderDenied',
        seq: 0,
        ts: this.now(),
        cause: this.currentCause,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        owner: order.owner,
        rule: denial.rule,
        reason: denial.reason
      })
      return denial.reason
    }
    this.opts.broker.submit(order, this.now(), this.currentCause)
    return null
  }

  private buildOrder(
    owner: string,
    clientOrderId: string,
    symbol: string,
    type: OrderType,
    side: Side,
    amount: number,
    price: number | undefined,
    params: CreateOrderParams
  ): OrderRequest {
    if (typeof symbol !== 'string' || symbol.length === 0) throw new InvalidOrder('createOrder: symbol is required')
    if (type !== 'market' && type !== 'limit' && type !== 'stop-market' && type !== 'stop-limit')
      throw new InvalidOrder(`createOrder: unknown order type ${String(type)}`)
    if (side !== 'buy' && side !== 'sell') throw new InvalidOrder(`createOrder: side must be buy or sell, got ${String(side)}`)
    const fraction = params.equityFraction ?? null
    if (fraction !== null && (type !== 'market' || !(fraction > 0) || !Number.isFinite(fraction)))
      throw new InvalidOrder('createOrder: equityFraction is for market orders and must be a positive number')
    const cost = fraction !== null ? fraction * this.opts.broker.account.equity() : (params.cost ?? null)
    if (cost !== null && (type !== 'market' || !(cost > 0) || !Number.isFinite(cost)))
      throw new InvalidOrder('createOrder: cost is for market orders and must be a positive number')
    if (!Number.isFinite(amount) || amount < 0 || (amount === 0 && cost === null))
      throw new InvalidOrder(`createOrder: amount must be a positive number, got ${amount}`)
    const needsPrice = type === 'limit' || type === 'stop-limit'
    const needsStop = type === 'stop-market' || type === 'stop-limit'
    if (needsPrice && !(typeof price === 'number' && price > 0 && Number.isFinite(price)))
      throw new InvalidOrder(`createOrder: a ${type} order needs a positive price`)
    const stopPrice = params.stopPrice ?? (type === 'stop-market' ? price : undefined)
    if (needsStop && !(typeof stopPrice === 'number' && stopPrice > 0 && Number.isFinite(stopPrice)))
      throw new InvalidOrder(`createOrder: a ${type} order needs a positive stopPrice`)
    return {
      clientOrderId,
      owner,
      symbol,
      type,
      side,
      amount,
      price: needsPrice ? price! : null,
      stopPrice: needsStop ? stopPrice! : null,
      timeInForce: params.timeInForce ?? 'GTC',
      postOnly: params.postOnly ?? false,
      reduceOnly: params.reduceOnly ?? false,
      cost,
      ...(fraction !== null ? { equityFraction: fraction } : {})
    }
  }

  private createContext(slot: Slot): EngineContext<ParamValues> {
    const kernel = this
    const account = () => this.opts.broker.account
    const log = (type: 'EngineLogged' | 'AlertRaised', message: string, level: LogLevel) =>
      this.emitKernel({ type, seq: 0, ts: this.now(), engineId: slot.id, level, message: String(message) })
    return {
      engineId: slot.id,
      params: slot.params,
      now: () => kernel.now(),
      createOrder(symbol, type, side, amount, price, params = {}) {
        const given = params.clientOrderId
        const clientOrderId = given ?? `${slot.id}-${++slot.orderCounter}`
        if ((given !== undefined || kernel.anyGivenId) && kernel.ownerByClientId.has(clientOrderId)) {
          throw new InvalidOrder(`createOrder: client order id ${clientOrderId} was already used`)
        }
        if (given !== undefined) kernel.anyGivenId = true
        const order = kernel.buildOrder(slot.id, clientOrderId, symbol, type, side, amount, price, params)
        slot.ordersOut++
        kernel.route(order)
        return clientOrderId
      },
      cancelOrder(clientOrderId) {
        if (kernel.ownerByClientId.get(clientOrderId) !== slot.id) throw new InvalidOrder(`cancelOrder: ${clientOrderId} is not an order of ${slot.id}`)
        slot.ordersOut++
        kernel.opts.broker.cancel(clientOrderId, kernel.now(), kernel.currentCause)
      },
      cancelAllOrders(symbol) {
        for (const order of account().openOrders(slot.id, symbol)) {
          slot.ordersOut++
          kernel.opts.broker.cancel(order.clientOrderId, kernel.now(), kernel.currentCause)
        }
      },
      market: (symbol) => this.opts.broker.market(symbol),
      priceToPrecision: (symbol, price) => {
        const m = this.opts.broker.market(symbol)
        return m ? roundToStep(price, m.precision.price) : price
      },
      amountToPrecision: (symbol, amount) => {
        const m = this.opts.broker.market(symbol)
        return m ? floorToStep(amount, m.precision.amount) : amount
      },
      openOrders: (symbol) => account().openOrders(slot.id, symbol),
      order: (clientOrderId) => {
        const o = account().order(clientOrderId)
        return o && o.owner === slot.id ? o : undefined
      },
      position: (symbol) => account().position(symbol),
      balance: (currency) => account().balance(currency),
      equity: () => account().equity(),
      setTimer(at, timerId) {
        if (!Number.isFinite(at)) throw new Error(`setTimer: time must be a finite number, got ${at}`)
        const id = timerId ?? `t${++slot.timerCounter}`
        kernel.timers.push(Math.max(at, kernel.now()), slot.id, id)
        return id
      },
      cancelTimer: (timerId) => kernel.timers.remove(slot.id, timerId),
      log: (message, level = 'info') => log('EngineLogged', message, level),
      alert: (message, level = 'warn') => log('AlertRaised', message, level),
      metric: (name, value) => this.emitKernel({ type: 'MetricRecorded', seq: 0, ts: this.now(), engineId: slot.id, name: String(name), value: Number(value) }),
      random: slot.random
    }
  }
}

/** The slot's symbol and type filters, answered from the last decision while the stream repeats. */
function wantsMarket(slot: Slot, event: MarketEvent): boolean {
  if (slot.symbols !== null) {
    const symbol = (event as { symbol?: string }).symbol ?? ''
    if (symbol !== slot.lastSymbol) {
      slot.lastSymbol = symbol
      slot.lastSymbolOk = slot.symbols.has(symbol)
    }
    if (!slot.lastSymbolOk) return false
  }
  if (slot.marketTypes !== null) {
    if (event.type !== slot.lastType) {
      slot.lastType = event.type
      slot.lastTypeOk = slot.marketTypes.has(event.type)
    }
    if (!slot.lastTypeOk) return false
  }
  return true
}

function ownerOf(event: BrokerEvent, byClientId: Map<string, string>, byOrderId: Map<string, string>): string | null {
  switch (event.type) {
    case 'PositionChanged':
    case 'BalanceUpdated':
      return null
    case 'OrderSubmitted':
      return event.order.owner
    case 'OrderDenied':
    case 'OrderFilled':
    case 'OrderPartiallyFilled':
      return event.owner
    case 'CancelRejected':
      return byOrderId.get(event.orderId) ?? byClientId.get(event.orderId) ?? KERNEL_OWNER
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderTriggered':
    case 'OrderCancelled':
    case 'OrderExpired':
      return byClientId.get(event.clientOrderId) ?? KERNEL_OWNER
  }
}

function hashString(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}
