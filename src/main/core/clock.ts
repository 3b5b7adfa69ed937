/** Every read of "now" in the core goes through a Clock chosen by the session's mode. */
export interface Clock {
  now(): number
}

/** Backtest clock: jumps to each event's time as the kernel processes it. */
export class VirtualClock implements Clock {
  private t: number
  constructor(start = 0) {
    this.t = start
  }
  now(): number {
    return this.t
  }
  /** Time never goes backwards: an older event leaves the clock where it is. */
  advance(to: number): void {
    if (to > this.t) this.t = to
  }
}
