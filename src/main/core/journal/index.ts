export type { EncodedAppender, EndStatus, JournalAppender, SessionStatus } from './appender'
export { JournalError, JournalSchemaError, JournalSeqError } from './errors'
export type { JournalErrorCode } from './errors'
export { chainHash, genesisHash, GENESIS_TEXT } from './hash'
export { HashOnlyJournal } from './hash-only'
export { DEFAULT_BATCH_SIZE, Journal } from './journal'
export type {
  AppenderOptions,
  EngineRef,
  EventsQuery,
  JournalOpenOptions,
  JournalRecord,
  SessionInfo,
  SessionMeta,
  SessionMode,
  VerifyProblem,
  VerifyProblemKind,
  VerifyResult
} from './journal'
export { MIGRATIONS, SCHEMA_VERSION, assertNotNewer, migrate, readSchemaVersion, requireSchemaVersion } from './migrations'
export type { Migration, MigrateResult } from './migrations'
