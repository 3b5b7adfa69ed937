import type { MarketEvent } from '../../../shared/events'
import type { MarketSource } from './market-source'
import type { SeriesCursor } from './series-cursor'

/**
 * Stage that sees each event the merge emits and may add derived events right after it
 * (higher-timeframe bars once they close, indicator values computed from a bar).
 */
export interface SourceStage {
  /**
   * Sees an event before it is handed out and may emit what that event proves complete (a
   * higher-timeframe bar that closed before it), so the output stays in time order.
   */
  before?(event: MarketEvent, emit: (derived: MarketEvent) => void): void
  process(event: MarketEvent, emit: (derived: MarketEvent) => void): void
  /** at the end of the data: emit what is still open (a last higher-timeframe bar) */
  finish(emit: (derived: MarketEvent) => void): void
}

/**
 * Replays stored series merged in time order. Ties between series break by the order the
 * series were given, so the output is deterministic.
 */
export class StoredSource implements MarketSource {
  private done = 0
  private readonly total: number
  private finished = false

  constructor(
    private readonly cursors: SeriesCursor[],
    private readonly stages: SourceStage[] = [],
    private readonly batchSize = 4096
  ) {
    this.total = cursors.reduce((n, c) => n + c.length, 0)
  }

  progress(): { done: number; total: number } {
    return { done: this.done, total: this.total }
  }

  nextBatch(): MarketEvent[] | null {
    if (this.finished) return null
    const out: MarketEvent[] = []
    const cursors = this.cursors
    const stages = this.stages
    // one emitter per stage level for the whole batch, not a closure per event
    const emits = stages.map((_, level) => (derived: MarketEvent) => this.pass(derived, level + 1, out, emits))
    while (out.length < this.batchSize) {
      let best = -1
      let bestTs = Infinity
      for (let i = 0; i < cursors.length; i++) {
        const t = cursors[i].peekTs()
        if (t < bestTs) {
          bestTs = t
          best = i
        }
      }
      if (best < 0) {
        for (let level = 0; level < stages.length; level++) stages[level].finish(emits[level])
        this.finished = true
        break
      }
      this.done++
      const event = cursors[best].take()
      if (stages.length === 0) out.push(event)
      else this.pass(event, 0, out, emits)
    }
    return out.length > 0 ? out : this.finished ? null : out
  }

  /** An event enters stage `level`; each stage sees what earlier stages produced. */
  private pass(event: MarketEvent, level: number, out: MarketEvent[], emits: ((derived: MarketEvent) => void)[]): void {
    for (let i = level; i < this.stages.length; i++) this.stages[i].before?.(event, emits[i])
    out.push(event)
    for (let i = level; i < this.stages.length; i++) this.stages[i].process(event, emits[i])
  }
}
