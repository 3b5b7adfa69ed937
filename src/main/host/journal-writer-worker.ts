import { parentPort, workerData } from 'node:worker_threads'
import type { EncodedAppender } from '../core/journal/appender'
import { JournalError } from '../core/journal/errors'
import { EventTapeReader, rowJson } from '../core/journal/event-tape'
import { HashOnlyJournal } from '../core/journal/hash-only'
import type { Journal } from '../core/journal/journal'
import type { FromWriter, ToWriter, WriterThreadData } from './journal-writer'

/**
 * Entry of a journal writer thread (bundled to out/node/journal-writer.js): reads the event tapes
 * the main thread wrote, appends their JSON to one session, one transaction per batch (or only
 * extends the hash chain when there is no journal), and answers each batch on the reply port
 * with the chain head, bumping the shared signal the main thread waits on.
 */
const { path, sessionId, replies, signal } = workerData as WriterThreadData
const counter = new Int32Array(signal)
const journalName = path === null ? 'hash-only journal' : `journal ${path}`
const tape = new EventTapeReader()

function reply(message: FromWriter): void {
  replies.postMessage(message)
  Atomics.add(counter, 0, 1)
  Atomics.notify(counter, 0)
}

function failed(err: unknown): FromWriter {
  if (err instanceof JournalError) return { kind: 'failed', code: err.code, message: err.message, seq: err.seq }
  return { kind: 'failed', code: 'write-failed', message: `${journalName}, session ${sessionId}: writer thread: ${err instanceof Error ? err.message : String(err)}` }
}

let journal: Journal | null = null
let appender: EncodedAppender | HashOnlyJournal | null = null
// after a failure every later message gets the same answer: nothing more is written
let failure: FromWriter | null = null

try {
  if (path === null) appender = new HashOnlyJournal(sessionId)
  else {
    // loaded here, not imported above: a failure to load SQLite is answered like any other
    const { Journal } = await import('../core/journal/journal')
    journal = Journal.open(path)
    // batches are committed when they arrive, never by size
    appender = journal.appender(sessionId, { batchSize: 1_000_000 })
  }
  reply({ kind: 'ready', lastSeq: appender.lastSeq, head: appender.hash })
} catch (err) {
  failure = failed(err)
  journal?.close()
  journal = null
  reply(failure)
}

function handle(message: ToWriter): void {
  if (failure !== null || appender === null) {
    reply(failure ?? { kind: 'failed', code: 'closed', message: `${journalName}, session ${sessionId}: the writer thread has closed` })
    return
  }
  try {
    if (message.kind === 'rows') {
      const target = appender
      // without a journal the rows are hashed as bytes: no string is made for them
      if (target instanceof HashOnlyJournal) tape.read(message.batch, (row) => target.appendBytes(row))
      else tape.read(message.batch, (row) => target.appendEncoded(row.seq, row.ts, row.type, rowJson(row)))
      appender.flush()
      reply({ kind: 'acked', lastSeq: appender.lastSeq, head: appender.hash })
      return
    }
    appender.close(message.status, message.endedAt)
    const closed: FromWriter = { kind: 'closed', lastSeq: appender.lastSeq, head: appender.hash }
    journal?.close()
    journal = null
    appender = null
    reply(closed)
    // nothing is left to do: with both ports closed the thread ends
    replies.close()
    parentPort!.close()
  } catch (err) {
    failure = failed(err)
    reply(failure)
  }
}

if (parentPort === null) throw new Error('journal-writer must run in a worker thread')
parentPort.on('message', handle)
