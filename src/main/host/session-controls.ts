import { WorkstationError, type CommandParams } from '../../shared/api'
import type { JournalAppender } from '../core/journal/appender'
import type { Kernel } from '../core/kernel/kernel'
import type { ReplayViews } from './replay-views'

type OrderParams = Omit<CommandParams<'order.create'>, 'sessionId'>

export interface SessionControlsOptions {
  sessionId: string
  kernel: Kernel
  views: ReplayViews
  journal: { appender: JournalAppender } | null
  /** Throws when the session has ended. */
  requireLive: () => void
  /** The session's own order checks, run after requireLive (a paper session trades one symbol). */
  checkOrder?: (p: OrderParams) => void
  /** The ticket's next client order id (after the checks); default: the kernel's own */
  newOrderId?: () => string
}

/**
 * The manual controls a replay and a paper session share over their kernel: engine pause/resume/stop,
 * the order ticket and the kill switch. Each settles the kernel at its current time afterwards so
 * zero-latency broker work (an order reaching the simulated venue) is visible at once.
 */
export class SessionControls {
  constructor(private readonly o: SessionControlsOptions) {}

  /** Does not check that the session is live: a session that needs that checks first. */
  engineControl(p: Omit<CommandParams<'engine.control'>, 'sessionId'>): { state: string } {
    const { kernel } = this.o
    if (kernel.engines().find((e) => e.id === p.engineId) === undefined) throw new WorkstationError('NotFound', `no engine ${p.engineId} in session ${this.o.sessionId}`)
    if (p.action === 'pause') kernel.pauseEngine(p.engineId)
    else if (p.action === 'resume') kernel.resumeEngine(p.engineId)
    else kernel.stopEngine(p.engineId)
    this.o.views.touch()
    return { state: kernel.engines().find((e) => e.id === p.engineId)!.state }
  }

  createOrder(p: OrderParams): { clientOrderId: string; denied: string | null } {
    this.o.requireLive()
    this.o.checkOrder?.(p)
    const result = this.o.kernel.submitManualOrder(p.symbol, p.type, p.side, p.amount, p.price, { clientOrderId: this.o.newOrderId?.(), stopPrice: p.stopPrice, timeInForce: p.timeInForce })
    this.settle()
    return result
  }

  cancelOrder(clientOrderId: string): { ok: boolean } {
    this.o.requireLive()
    if (this.o.kernel.broker.account.order(clientOrderId) === undefined) throw new WorkstationError('NotFound', `no order ${clientOrderId} in session ${this.o.sessionId}`)
    this.o.kernel.cancelOrder(clientOrderId)
    this.settle()
    return { ok: true }
  }

  cancelAll(symbol: string | undefined): { ok: boolean } {
    this.o.requireLive()
    this.o.kernel.cancelAllOrders(symbol)
    this.settle()
    return { ok: true }
  }

  killSwitch(p: { flatten: boolean; reason: string; by: string; pressedAt: number }): { cancelled: number } {
    // an ended session is not counted as one the kill switch reached
    this.o.requireLive()
    const cancelled = this.o.kernel.broker.account.openOrders().length
    this.o.kernel.killSwitch(p.by, `${p.reason || 'no reason given'} (pressed at ${new Date(p.pressedAt).toISOString()})`, p.flatten)
    this.settle()
    // the kill switch must be on disk before it is reported as done
    this.o.journal?.appender.flush()
    return { cancelled }
  }

  /** Lets zero-latency broker work happen at the current time (an order reaching the simulated venue). */
  private settle(): void {
    this.o.kernel.advanceTo(this.o.kernel.now())
    this.o.views.touch()
  }
}
