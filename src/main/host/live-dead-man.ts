/**
 * The dead-man switch of a live session: when the venue connection has been lost for longer than
 * `limitMs` it fires once per outage (the session halts and cancels at the venue), and when the
 * connection comes back after firing it calls `onBack` (the session cancels at the venue again,
 * in case the cancels sent during the outage never arrived).
 */
export class DeadMan {
  private lostSince: number | null = null
  private firedThisOutage = false
  private firedCount = 0

  constructor(
    readonly limitMs: number,
    private readonly now: () => number,
    private readonly onFire: (lostMs: number, since: number) => void,
    private readonly onBack: () => void
  ) {}

  /** The connection's state as the market streams report it. */
  connected(up: boolean): void {
    if (!up) {
      this.lostSince ??= this.now()
      return
    }
    const wasFired = this.firedThisOutage
    this.lostSince = null
    this.firedThisOutage = false
    if (wasFired) this.onBack()
  }

  /** Called on a timer: fires when the outage has lasted longer than the limit. */
  check(): void {
    if (this.lostSince === null || this.firedThisOutage) return
    const lost = this.now() - this.lostSince
    if (lost <= this.limitMs) return
    this.firedThisOutage = true
    this.firedCount++
    this.onFire(lost, this.lostSince)
  }

  get fired(): number {
    return this.firedCount
  }

  get down(): boolean {
    return this.lostSince !== null
  }
}
