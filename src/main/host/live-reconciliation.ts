import { WorkstationError, type Reconciliation, type ReconcileItem } from '../../shared/api'
import type { Difference, ReconcileAction, ReconcileReport } from '../adapters/ccxt/reconcile'
import type { VenueOrder } from '../adapters/ccxt/venue-api'

type Choice = { index: number; action: ReconcileAction }

/** What applying the user's choices needs from the live session. */
export interface ReconcileActions {
  /** cancels one order at the venue (by venue id, else by client id) */
  cancelAtVenue(symbol: string, venueId: string | null, clientOrderId: string | null): Promise<void>
  /** takes an open venue order into the session (journaled) */
  adoptOrder(order: VenueOrder): void
  /** asks the venue for one of the session's orders and its fills (what it says is journaled) */
  resyncOrder(clientOrderId: string): Promise<void>
  /** the venue never received this order: it is closed here as rejected (journaled), not sent again */
  neverPlaced(clientOrderId: string): void
  /** closes the venue's position in `symbol` (signed base amount) with a market order */
  flatten(symbol: string, amount: number): Promise<void>
  /** takes the venue's balances (journaled) */
  adoptBalances(): Promise<void>
  /** lets the kernel take in what the venue said */
  settle(): void
}

/**
 * One session's reconciliation after `session.resume`: the differences reconcile() found, as the
 * reconciliation screen lists them, and the user's choices. Choices are applied when they are
 * given (cancels and flattening first, then orders and fills, then balances); the session stays
 * HALTED until every item has a choice and every part of the venue state could be read.
 */
export class LiveReconciliation {
  status: Reconciliation['status'] = 'pending'
  readonly items: ReconcileItem[] = []
  private readonly differences: Difference[] = []
  private readonly keys = new Set<string>()
  unchecked: Reconciliation['unchecked'] = []
  readonly errors: string[] = []

  constructor(
    readonly sessionId: string,
    report: ReconcileReport,
    /** the venue's open orders, to adopt from */
    private venueOrders: readonly VenueOrder[],
    private readonly redact: (text: string) => string
  ) {
    this.merge(report, venueOrders)
  }

  /** Adds the differences of a newer report that are not listed yet (after unchecked parts could be read). */
  merge(report: ReconcileReport, venueOrders: readonly VenueOrder[]): void {
    this.venueOrders = venueOrders
    for (const d of report.differences) {
      const key = keyOf(d)
      if (this.keys.has(key)) continue
      this.keys.add(key)
      this.differences.push(d)
      this.items.push(itemOf(this.items.length, d))
    }
    this.unchecked = [...report.unchecked]
    if (this.status === 'resolved' && !this.done) this.status = 'pending'
  }

  /** Every item has a choice and nothing is unchecked. */
  get done(): boolean {
    return this.unchecked.length === 0 && this.items.every((i) => i.chosen !== null)
  }

  view(): Reconciliation {
    return { sessionId: this.sessionId, status: this.status, items: this.items.map((i) => ({ ...i, options: [...i.options] })), unchecked: [...this.unchecked], errors: [...this.errors] }
  }

  /** Checks the choices against the items (a bad one refuses the whole call). */
  validate(choices: readonly Choice[]): void {
    const seen = new Set<number>()
    for (const c of choices) {
      const item = this.items[c.index]
      if (item === undefined) throw new WorkstationError('ValidationError', `reconcile.resolve: choices: no item ${c.index} (the reconciliation has ${this.items.length})`)
      if (seen.has(c.index)) throw new WorkstationError('ValidationError', `reconcile.resolve: choices: item ${c.index} is chosen twice`)
      seen.add(c.index)
      if (item.chosen !== null) throw new WorkstationError('ValidationError', `reconcile.resolve: choices: item ${c.index} was already resolved (${item.chosen})`)
      if (!item.options.includes(c.action)) throw new WorkstationError('ValidationError', `reconcile.resolve: choices: item ${c.index} (${item.kind}) cannot be resolved by ${c.action}; options: ${item.options.join(', ')}`)
    }
  }

  async apply(choices: readonly Choice[], act: ReconcileActions): Promise<void> {
    this.validate(choices)
    this.status = 'applying'
    const by = (pred: (d: Difference, c: Choice) => boolean) => choices.filter((c) => pred(this.differences[c.index], c))
    const attempt = async (c: Choice, fn: () => Promise<void> | void): Promise<void> => {
      try {
        await fn()
      } catch (err) {
        this.errors.push(this.redact(`item ${c.index} (${this.items[c.index].summary}): ${c.action} failed: ${err instanceof Error ? err.message : String(err)}`))
      }
      this.items[c.index].chosen = c.action
    }
    for (const c of by((_d, c) => c.action === 'cancel')) {
      const d = this.differences[c.index]
      await attempt(c, async () => {
        if (d.kind === 'unknown-order-at-venue') await act.cancelAtVenue(d.order.symbol ?? '', d.order.venueId, d.order.clientOrderId)
        else if (d.kind === 'order-missing-at-venue' && d.venueStatus === 'not-found') act.neverPlaced(d.clientOrderId)
        else if (d.kind === 'order-missing-at-venue') {
          await act.cancelAtVenue(d.symbol, null, d.clientOrderId)
          await act.resyncOrder(d.clientOrderId)
        }
      })
    }
    for (const c of by((d, c) => c.action === 'flatten' && d.kind === 'position-mismatch')) {
      const d = this.differences[c.index] as Extract<Difference, { kind: 'position-mismatch' }>
      await attempt(c, () => act.flatten(d.symbol, d.venue))
    }
    const resynced = new Set<string>()
    for (const c of by((_d, c) => c.action === 'adopt')) {
      const d = this.differences[c.index]
      if (d.kind === 'unknown-order-at-venue') {
        const order = this.venueOrders.find((o) => (d.order.venueId !== null && String(o.id) === d.order.venueId) || (d.order.clientOrderId !== null && o.clientOrderId === d.order.clientOrderId))
        await attempt(c, () => {
          if (order === undefined) throw new Error('the venue order is no longer in the snapshot')
          // ours but final in the journal: the venue's word is taken by asking it again
          if (d.ours && d.order.clientOrderId !== null && d.detail.startsWith('the journal has')) return act.resyncOrder(d.order.clientOrderId)
          act.adoptOrder(order)
        })
      } else if (d.kind === 'order-missing-at-venue' && d.venueStatus === 'not-found') {
        await attempt(c, () => act.neverPlaced(d.clientOrderId))
      } else if (d.kind === 'order-missing-at-venue' || d.kind === 'fill-not-journaled') {
        const cid = d.clientOrderId
        await attempt(c, async () => {
          if (cid === null) throw new Error('the fill belongs to no order of this session')
          if (resynced.has(cid)) return
          resynced.add(cid)
          await act.resyncOrder(cid)
        })
      }
    }
    act.settle()
    const balances = by((d, c) => c.action === 'adopt' && (d.kind === 'balance-mismatch' || d.kind === 'position-mismatch'))
    if (balances.length > 0) {
      let failure: unknown = null
      try {
        await act.adoptBalances()
      } catch (err) {
        failure = err
      }
      for (const c of balances) await attempt(c, () => {
        if (failure !== null) throw failure
      })
    }
    for (const c of by((_d, c) => c.action === 'ignore')) this.items[c.index].chosen = 'ignore'
    act.settle()
    this.status = this.done ? 'resolved' : 'pending'
  }
}

function keyOf(d: Difference): string {
  switch (d.kind) {
    case 'unknown-order-at-venue':
      return `${d.kind}:${d.order.venueId ?? d.order.clientOrderId}`
    case 'order-missing-at-venue':
      return `${d.kind}:${d.clientOrderId}`
    case 'fill-not-journaled':
      return `${d.kind}:${d.tradeId}`
    case 'balance-mismatch':
      return `${d.kind}:${d.currency}`
    case 'position-mismatch':
      return `${d.kind}:${d.symbol}`
  }
}

const OPTIONS: Record<Difference['kind'], ReconcileAction[]> = {
  'unknown-order-at-venue': ['adopt', 'cancel', 'ignore'],
  'order-missing-at-venue': ['adopt', 'cancel', 'ignore'],
  'fill-not-journaled': ['adopt', 'ignore'],
  'balance-mismatch': ['adopt', 'ignore'],
  'position-mismatch': ['adopt', 'flatten', 'ignore']
}

function itemOf(index: number, d: Difference): ReconcileItem {
  let options = OPTIONS[d.kind]
  if (d.kind === 'fill-not-journaled' && d.clientOrderId === null) options = ['ignore']
  const base = { index, kind: d.kind, detail: d.detail, options, chosen: null, proposed: options.includes(d.action) ? d.action : options[options.length - 1] }
  switch (d.kind) {
    case 'unknown-order-at-venue': {
      const o = d.order
      const price = o.price === null || o.price === 0 ? '' : ` @ ${o.price}`
      return {
        ...base,
        subject: o.symbol ?? '?',
        summary: `${o.symbol ?? '?'} ${o.side ?? '?'} ${o.amount ?? '?'}${price} open at the venue (client id ${o.clientOrderId ?? 'none'}, venue id ${o.venueId ?? '?'}), ${d.ours ? 'not open in the journal' : 'not placed by this session'}`
      }
    }
    case 'order-missing-at-venue':
      return { ...base, subject: d.symbol, summary: `${d.symbol} order ${d.clientOrderId} open in the journal, ${d.venueStatus === 'unknown' ? 'not open at the venue' : `${d.venueStatus} at the venue`}` }
    case 'fill-not-journaled':
      return {
        ...base,
        subject: d.symbol ?? '?',
        summary: `fill ${d.tradeId} at the venue: ${d.side ?? '?'} ${d.amount ?? '?'} @ ${d.price ?? '?'} of ${d.clientOrderId ?? `venue order ${d.venueOrderId ?? '?'} (not this session's)`}, not in the journal`
      }
    case 'balance-mismatch':
      return { ...base, subject: d.currency, summary: `${d.currency} balance: journal ${d.journal ?? 'none'}, venue ${d.venue}` }
    case 'position-mismatch':
      return { ...base, subject: d.symbol, summary: `${d.symbol} position: journal ${d.journal ?? 'none'}, venue ${d.venue}` }
  }
}
