/** Every failure the journal reports is a JournalError carrying a code and, where known, the file, session and seq. */
export type JournalErrorCode =
  | 'open-failed'
  | 'schema-too-new'
  | 'schema-too-old'
  | 'migration-failed'
  | 'closed'
  | 'readonly'
  | 'unknown-session'
  | 'duplicate-session'
  | 'session-ended'
  | 'appender-open'
  | 'bad-argument'
  | 'seq-order'
  | 'bad-payload'
  | 'write-failed'
  | 'conflict'
  | 'corrupt-record'
  | 'backup-failed'

export interface JournalErrorWhere {
  path?: string
  sessionId?: string
  seq?: number
  cause?: unknown
}

export class JournalError extends Error {
  readonly code: JournalErrorCode
  readonly path: string | undefined
  readonly sessionId: string | undefined
  readonly seq: number | undefined

  constructor(code: JournalErrorCode, message: string, where: JournalErrorWhere = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause })
    this.name = 'JournalError'
    this.code = code
    this.path = where.path
    this.sessionId = where.sessionId
    this.seq = where.seq
  }
}

/** The file's schema version is not the one this code was built for. */
export class JournalSchemaError extends JournalError {
  readonly foundVersion: number
  readonly supportedVersion: number

  constructor(
    code: 'schema-too-new' | 'schema-too-old' | 'migration-failed',
    message: string,
    foundVersion: number,
    supportedVersion: number,
    where: JournalErrorWhere = {}
  ) {
    super(code, message, where)
    this.name = 'JournalSchemaError'
    this.foundVersion = foundVersion
    this.supportedVersion = supportedVersion
  }
}

/** An append whose seq is not exactly the previous seq + 1. */
export class JournalSeqError extends JournalError {
  readonly expected: number
  readonly got: unknown

  constructor(message: string, expected: number, got: unknown, where: JournalErrorWhere = {}) {
    super('seq-order', message, where)
    this.name = 'JournalSeqError'
    this.expected = expected
    this.got = got
  }
}

/** Short description of a thrown value for error messages. */
export function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message
  }
  return String(err)
}
