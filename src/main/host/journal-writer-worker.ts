import { parentPort, workerData } from 'node:worker_threads'
import type { EncodedAppender } from '../core/journal/appender'
import { JournalError } from '../core/journal/errors'
import { EventTapeReader, rowJson } from '../core/journal/event-tape'
import { HashOnlyJournal } from '../core/journal/hash-only'
import type { Journal } from '../core/journal/journal'
import type { FromWriter, ToWriter, WriterThreadData } from './journal-writer'

/**
 * Entry of a journal writer thread (bundled to out/node/journal-writer.js): writes one session at
 * a time. `open` starts a session; then it reads the event tapes the main thread wrote, appends
 * their JSON to that session, one transaction per batch (or only extends the hash chain when
 * there is no journal), and answers each message on the reply port, bumping the shared signal
 * the main thread waits on. After `close` it waits for the next `open`: a process that runs
 * backtest after backtest keeps one thread, compiled and warm.
 */
const { replies, signal } = workerData as WriterThreadData
const counter = new Int32Array(signal)

function reply(message: FromWriter): void {
  replies.postMessage(message)
  Atomics.add(counter, 0, 1)
  Atomics.notify(counter, 0)
}

/** The session being written; null between sessions. */
interface Session {
  name: string
  sessionId: string
  journal: Journal | null
  appender: EncodedAppender | HashOnlyJournal
  /** the tape's key table belongs to the writer that wrote it, so one reader per session */
  tape: EventTapeReader
  /** after a failure every later message gets the same answer: nothing more is written */
  failure: FromWriter | null
}

let session: Session | null = null

function failed(name: string, sessionId: string, err: unknown): FromWriter {
  if (err instanceof JournalError) return { kind: 'failed', code: err.code, message: err.message, seq: err.seq }
  return { kind: 'failed', code: 'write-failed', message: `${name}, session ${sessionId}: writer thread: ${err instanceof Error ? err.message : String(err)}` }
}

async function open(path: string | null, sessionId: string): Promise<void> {
  const name = path === null ? 'hash-only journal' : `journal ${path}`
  let journal: Journal | null = null
  try {
    let appender: EncodedAppender | HashOnlyJournal
    if (path === null) appender = new HashOnlyJournal(sessionId)
    else {
      // loaded here, not imported above: a failure to load SQLite is answered like any other
      const { Journal } = await import('../core/journal/journal')
      journal = Journal.open(path)
      // batches are committed when they arrive, never by size
      appender = journal.appender(sessionId, { batchSize: 1_000_000 })
    }
    session = { name, sessionId, journal, appender, tape: new EventTapeReader(), failure: null }
    reply({ kind: 'ready', lastSeq: appender.lastSeq, head: appender.hash })
  } catch (err) {
    journal?.close()
    const failure = failed(name, sessionId, err)
    // a session that could not open still answers what follows with its failure
    session = { name, sessionId, journal: null, appender: new HashOnlyJournal(sessionId), tape: new EventTapeReader(), failure }
    reply(failure)
  }
}

function write(s: Session, message: Exclude<ToWriter, { kind: 'open' }>): void {
  if (s.failure !== null) {
    reply(s.failure)
    if (message.kind === 'close') session = null
    return
  }
  try {
    const target = s.appender
    if (message.kind === 'rows') {
      // without a journal the rows are hashed as bytes: no string is made for them
      if (target instanceof HashOnlyJournal) s.tape.read(message.batch, (row) => target.appendBytes(row))
      else s.tape.read(message.batch, (row) => target.appendEncoded(row.seq, row.ts, row.type, rowJson(row)))
      target.flush()
      reply({ kind: 'acked', lastSeq: target.lastSeq, head: target.hash })
      return
    }
    target.close(message.status, message.endedAt)
    const closed: FromWriter = { kind: 'closed', lastSeq: target.lastSeq, head: target.hash }
    s.journal?.close()
    session = null
    reply(closed)
  } catch (err) {
    s.failure = failed(s.name, s.sessionId, err)
    reply(s.failure)
    if (message.kind === 'close') {
      s.journal?.close()
      session = null
    }
  }
}

// Messages are handled one after another: an open that loads SQLite finishes before the rows
// that follow it are written.
let queue: Promise<void> = Promise.resolve()

function handle(message: ToWriter): void {
  if (message.kind === 'open') {
    queue = queue.then(() => open(message.path, message.sessionId))
    return
  }
  queue = queue.then(() => {
    if (session === null) reply({ kind: 'failed', code: 'closed', message: 'journal writer thread: no session is open' })
    else write(session, message)
  })
}

if (parentPort === null) throw new Error('journal-writer must run in a worker thread')
parentPort.on('message', handle)
