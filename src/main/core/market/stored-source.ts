import type { MarketEvent } from '../../../shared/events'
import type { MarketSource } from './market-source'
import type { SeriesCursor } from './series-cursor'

/**
 * Stage that sees each event the merge emits and may add derived events right after it
 * (higher-timeframe bars once they close, indicator values computed from a bar).
 */
export interface SourceStage {
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
    const emitAt = (level: number) => (event: MarketEvent) => this.pass(event, level, out)
    const cursors = this.cursors
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
        for (let level = 0; level < this.stages.length; level++) this.stages[level].finish(emitAt(level + 1))
        this.finished = true
        break
      }
      this.done++
      this.pass(cursors[best].take(), 0, out)
    }
    return out.length > 0 ? out : this.finished ? null : out
  }

  /** An event enters stage `level`; each stage sees what earlier stages produced. */
  private pass(event: MarketEvent, level: number, out: MarketEvent[]): void {
    out.push(event)
    for (let i = level; i < this.stages.length; i++) {
      const next = i + 1
      this.stages[i].process(event, (derived) => this.pass(derived, next, out))
    }
  }
}
