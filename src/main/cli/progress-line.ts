/**
 * A progress line on stderr for long work: redrawn in place on a terminal, a plain line every
 * few seconds otherwise. Quiet for work that ends within the first half second.
 */
export class ProgressLine {
  private readonly started = performance.now()
  private lastDraw = 0
  private drawn = false

  constructor(
    private readonly label: string,
    private readonly unit: string
  ) {}

  update(done: number, total: number): void {
    const now = performance.now()
    const elapsed = now - this.started
    const interval = process.stderr.isTTY ? 200 : 3000
    if (elapsed < 500 || now - this.lastDraw < interval) return
    this.lastDraw = now
    const rate = done / (elapsed / 1000)
    const pct = total > 0 ? ` ${((100 * done) / total).toFixed(1)}%` : ''
    const eta = total > 0 && rate > 0 ? ` eta ${((total - done) / rate).toFixed(1)}s` : ''
    const line = `${this.label}:${pct} ${done.toLocaleString('en-US')}${total > 0 ? `/${total.toLocaleString('en-US')}` : ''} ${this.unit} ${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s${eta}`
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`)
    else process.stderr.write(`${line}\n`)
    this.drawn = true
  }

  done(): void {
    if (this.drawn && process.stderr.isTTY) process.stderr.write('\n')
  }
}
