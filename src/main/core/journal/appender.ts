import { JournalError, JournalSeqError, describeCause } from './errors'

export type SessionStatus = 'running' | 'completed' | 'failed' | 'crashed'
/** The statuses a session can end with. */
export type EndStatus = Exclude<SessionStatus, 'running'>

/**
 * Writes one session's events in seq order, chaining their hashes.
 * `append` buffers; `flush` returning means every appended event is acknowledged (durable).
 */
export interface JournalAppender {
  readonly sessionId: string
  /** Chain head after the last appended event (buffered or not). */
  readonly hash: string
  /** Seq of the last appended event (buffered or not); 0 before the first. */
  readonly lastSeq: number
  /** Seq of the last acknowledged (flushed) event. */
  readonly ackedSeq: number
  /** Number of appended events not yet flushed. */
  readonly pending: number
  readonly closed: boolean
  append(seq: number, ts: number, type: string, payload: unknown): void
  flush(): void
  close(status?: EndStatus, endedAt?: number): void
}

/** An appender that also takes payloads already encoded as JSON. */
export interface EncodedAppender extends JournalAppender {
  appendEncoded(seq: number, ts: number, type: string, json: string): void
}

/** Names the journal and session in a message; only built for an error (appends are hot). */
function locate(where: { path?: string; sessionId: string }): string {
  return `${where.path === undefined ? 'journal' : `journal ${where.path}`}, session ${where.sessionId}`
}

/**
 * Checks one append and returns the payload as JSON (stringified exactly once).
 * `where` names the journal and session for messages.
 */
export function encodeAppend(
  where: { path?: string; sessionId: string },
  expected: number,
  seq: number,
  ts: number,
  type: string,
  payload: unknown
): string {
  checkAppend(where, expected, seq, ts, type)
  let json: string | undefined
  try {
    json = JSON.stringify(payload)
  } catch (err) {
    throw new JournalError('bad-payload', `${locate(where)}, seq ${seq} (${type}): payload is not JSON-serialisable: ${describeCause(err)}`, {
      ...where,
      seq,
      cause: err
    })
  }
  if (json === undefined) {
    throw new JournalError('bad-payload', `${locate(where)}, seq ${seq} (${type}): payload ${typeof payload} has no JSON form`, {
      ...where,
      seq
    })
  }
  return json
}

/** The checks every append makes before its payload is encoded. */
export function checkAppend(where: { path?: string; sessionId: string }, expected: number, seq: number, ts: number, type: string): void {
  if (seq !== expected) {
    throw new JournalSeqError(
      `${locate(where)}: append got seq ${String(seq)} but expected ${expected} (previous seq + 1)`,
      expected,
      seq,
      { ...where, seq: expected }
    )
  }
  if (!Number.isSafeInteger(ts)) {
    throw new JournalError('bad-argument', `${locate(where)}, seq ${seq}: ts must be an integer of milliseconds, got ${String(ts)}`, {
      ...where,
      seq
    })
  }
  if (typeof type !== 'string' || type.length === 0) {
    throw new JournalError('bad-argument', `${locate(where)}, seq ${seq}: type must be a non-empty string`, { ...where, seq })
  }
}

/** The checks of `encodeAppend` for a payload that arrives as JSON text. */
export function checkEncodedAppend(where: { path?: string; sessionId: string }, expected: number, seq: number, ts: number, type: string, json: string): void {
  checkAppend(where, expected, seq, ts, type)
  if (typeof json !== 'string' || json.length === 0) {
    throw new JournalError('bad-payload', `${locate(where)}, seq ${seq} (${type}): payload must be JSON text`, { ...where, seq })
  }
}
