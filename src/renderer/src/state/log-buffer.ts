import type { LogLine } from './app-state'

const MAX_LINES = 500_000
const TRIM_TO = 400_000

/**
 * Every engine-log line of every session, append-only. Kept outside the immutable store because
 * copying a 100,000-line array per push would be wasteful; `epoch` changes when old lines are
 * trimmed, so views that hold indexes know to rebuild.
 */
export class LogBuffer {
  lines: LogLine[] = []
  epoch = 0
  readonly engines = new Set<string>()

  append(sessionId: string, lines: readonly Omit<LogLine, 'sessionId'>[]): void {
    for (const line of lines) {
      this.lines.push({ ...line, sessionId })
      this.engines.add(line.engineId)
    }
    if (this.lines.length > MAX_LINES) {
      this.lines = this.lines.slice(this.lines.length - TRIM_TO)
      this.epoch++
    }
  }
}
