import type { EndStatus, JournalAppender } from './appender'
import { checkAppend, encodeAppend } from './appender'
import { JournalError } from './errors'
import { chainHash, chainHashBytes, genesisHash, type PayloadBytes } from './hash'

/**
 * The journal's hash chain without storage: for runs that do not journal to disk but still
 * report a journal hash. Same checks and the same hashes as a SQLite-backed appender.
 */
export class HashOnlyJournal implements JournalAppender {
  readonly sessionId: string
  private readonly where: { sessionId: string }
  private head: string
  private last = 0
  private acked = 0
  private isClosed = false
  private endStatus: EndStatus | undefined

  constructor(sessionId: string) {
    if (typeof sessionId !== 'string' || sessionId.length === 0) {
      throw new JournalError('bad-argument', 'hash-only journal: session id must be a non-empty string')
    }
    this.sessionId = sessionId
    this.where = { sessionId }
    this.head = genesisHash()
  }

  get hash(): string {
    return this.head
  }

  get lastSeq(): number {
    return this.last
  }

  get ackedSeq(): number {
    return this.acked
  }

  get pending(): number {
    return this.last - this.acked
  }

  get closed(): boolean {
    return this.isClosed
  }

  /** The status given to close(), if any. */
  get status(): EndStatus | undefined {
    return this.endStatus
  }

  append(seq: number, ts: number, type: string, payload: unknown): void {
    this.ensureOpen()
    const json = encodeAppend(this.where, this.last + 1, seq, ts, type, payload)
    this.head = chainHash(this.head, seq, ts, type, json)
    this.last = seq
  }

  /** Appends a row whose payload is already JSON bytes (read from an event tape). */
  appendBytes(row: PayloadBytes): void {
    this.ensureOpen()
    checkAppend(this.where, this.last + 1, row.seq, row.ts, row.type)
    this.head = chainHashBytes(this.head, row)
    this.last = row.seq
  }

  flush(): void {
    this.ensureOpen()
    this.acked = this.last
  }

  close(status?: EndStatus, _endedAt?: number): void {
    if (this.isClosed) return
    this.acked = this.last
    this.endStatus = status
    this.isClosed = true
  }

  private ensureOpen(): void {
    if (this.isClosed) {
      throw new JournalError('closed', `hash-only journal, session ${this.sessionId}: appender is closed`, {
        sessionId: this.sessionId
      })
    }
  }
}
