import { existsSync } from 'node:fs'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { checkAppend, encodeAppend, type EndStatus, type JournalAppender } from '../core/journal/appender'
import { JournalError, type JournalErrorCode } from '../core/journal/errors'
import { EventTapeWriter, type EventTapeBatch } from '../core/journal/event-tape'
import { genesisHash } from '../core/journal/hash'
import { HashOnlyJournal } from '../core/journal/hash-only'
import type { Journal } from '../core/journal/journal'
import { findBundle } from './worker-script'

/** What the writer thread is given when it starts. */
export interface WriterThreadData {
  /** the thread's replies; the main thread reads them synchronously */
  replies: MessagePort
  /** Int32 counter the thread bumps (and notifies) after each reply */
  signal: SharedArrayBuffer
}

/** Main thread → writer thread. */
export type ToWriter =
  /** starts a session: path null only extends the hash chain (a backtest run without a journal) */
  | { kind: 'open'; path: string | null; sessionId: string }
  | { kind: 'rows'; batch: EventTapeBatch }
  | { kind: 'close'; status?: EndStatus; endedAt?: number }

/** Writer thread → main thread. */
export type FromWriter =
  | { kind: 'ready'; lastSeq: number; head: string }
  | { kind: 'acked'; lastSeq: number; head: string }
  | { kind: 'closed'; lastSeq: number; head: string }
  | { kind: 'failed'; code: JournalErrorCode; message: string; seq?: number }

/** A writer thread and what this side needs to talk to it. */
interface WriterThread {
  readonly script: string
  readonly worker: Worker
  readonly replies: MessagePort
  readonly signal: Int32Array
  /** replies read so far (the signal counts replies sent) */
  seen: number
  /** the appender using the thread; a crash of the thread is reported to it */
  owner: JournalWriter | null
}

/**
 * One thread kept between sessions: a process that runs backtest after backtest (the app's
 * sweeps, the benchmarks) does not start a thread, nor compile its code, for each.
 */
let idleThread: WriterThread | null = null

function startThread(script: string): WriterThread {
  const channel = new MessageChannel()
  const signal = new SharedArrayBuffer(4)
  const workerData: WriterThreadData = { replies: channel.port2, signal }
  let worker: Worker
  try {
    // execArgv: not the parent's (a test runner's loader flags have no business in the thread)
    worker = new Worker(script, { workerData, transferList: [channel.port2], execArgv: [] })
  } catch (err) {
    channel.port1.close()
    throw err
  }
  const thread: WriterThread = { script, worker, replies: channel.port1, signal: new Int32Array(signal), seen: 0, owner: null }
  // Only read once this thread is back in its event loop (it blocks while it waits for a
  // reply); the listener keeps a crash of the thread from taking the process down with it.
  worker.on('error', (err) => {
    if (idleThread === thread) idleThread = null
    thread.owner?.threadStopped(err)
  })
  // The thread never keeps the process alive: an appender that is not closed loses only what
  // was not flushed, as an inline appender would.
  worker.unref()
  return thread
}

function takeThread(script: string): WriterThread {
  const idle = idleThread
  idleThread = null
  if (idle !== null && idle.script === script) return idle
  if (idle !== null) stopThread(idle)
  return startThread(script)
}

/** A thread whose session closed cleanly waits for the next; one is kept, others end. */
function releaseThread(thread: WriterThread): void {
  thread.owner = null
  if (idleThread === null) idleThread = thread
  else stopThread(thread)
}

function stopThread(thread: WriterThread): void {
  thread.owner = null
  thread.replies.close()
  void thread.worker.terminate()
}

export interface JournalWriterOptions {
  /** the writer thread's bundle (out/node/journal-writer.js) */
  script: string
  /** the journal to write; null: the thread only extends the hash chain */
  path: string | null
  sessionId: string
  /** events per batch handed to the thread; each batch is one transaction (default 2,048) */
  batchSize?: number
  /** batches handed over but not yet committed before `append` waits (default 8; 32 without a journal) */
  maxInFlight?: number
  /** how long to wait for a reply before declaring the thread gone (default 60 s) */
  replyTimeoutMs?: number
}

const DEFAULT_BATCH = 2048
const DEFAULT_IN_FLIGHT = 8
/** Without a journal a batch is a few hundred kB of tape, and the thread catches up at the end. */
const DEFAULT_IN_FLIGHT_HASH_ONLY = 32

/**
 * A journal appender whose JSON encoding, hash chain and SQLite writes run on a thread of their
 * own: this thread only checks each event and writes its values to an event tape (a third of the
 * cost of encoding it) before anyone else sees the event, and hands batches over. The thread
 * writes the same JSON text, so rows and hashes are those of an inline appender. Without a
 * journal path the thread only extends the hash chain: the hash a backtest run without a journal
 * reports, at a fraction of its cost on the kernel's thread. The
 * promises of `JournalAppender` hold: `flush()` and `close()` return once the thread has committed
 * every event appended before them, and `hash` is the chain head after the last append (reading it
 * waits for the thread). Failures of the thread are rethrown here as JournalErrors.
 */
export class JournalWriter implements JournalAppender {
  readonly sessionId: string
  private readonly path: string | null
  private readonly where: { path?: string; sessionId: string }
  private readonly thread: WriterThread
  private readonly batchSize: number
  private readonly maxInFlight: number
  private readonly replyTimeoutMs: number
  private inFlight = 0
  private last: number
  private acked: number
  private head: string
  private failure: JournalError | null = null
  private isClosed = false
  private readonly tape = new EventTapeWriter()
  /** JSON-encode events here rather than tape them: set while the thread is the slower side */
  private encodeHere = false

  constructor(options: JournalWriterOptions) {
    this.sessionId = options.sessionId
    this.path = options.path
    this.where = options.path === null ? { sessionId: options.sessionId } : { path: options.path, sessionId: options.sessionId }
    this.batchSize = options.batchSize ?? DEFAULT_BATCH
    this.maxInFlight = options.maxInFlight ?? (options.path === null ? DEFAULT_IN_FLIGHT_HASH_ONLY : DEFAULT_IN_FLIGHT)
    this.replyTimeoutMs = options.replyTimeoutMs ?? 60_000
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) this.fail('bad-argument', `batchSize must be a positive integer, got ${this.batchSize}`)
    if (!Number.isSafeInteger(this.maxInFlight) || this.maxInFlight < 1) this.fail('bad-argument', `maxInFlight must be a positive integer, got ${this.maxInFlight}`)
    if (!existsSync(options.script)) this.fail('open-failed', `the writer thread's bundle ${options.script} is missing (run "npm run build:node")`)
    try {
      this.thread = takeThread(options.script)
    } catch (err) {
      throw this.error('open-failed', `cannot start the writer thread ${options.script}: ${err instanceof Error ? err.message : String(err)}`)
    }
    this.thread.owner = this
    this.thread.worker.postMessage({ kind: 'open', path: options.path, sessionId: options.sessionId } satisfies ToWriter)
    if (options.path === null) {
      // a new chain: nothing to learn from the thread, so its start overlaps the run's
      this.last = 0
      this.acked = 0
      this.head = genesisHash()
      this.inFlight = 1
      return
    }
    const ready = this.nextReply()
    if (ready.kind !== 'ready') {
      // the thread answers the close of a session that did not open, and is then free again
      this.thread.worker.postMessage({ kind: 'close' } satisfies ToWriter)
      this.nextReply()
      this.isClosed = true
      releaseThread(this.thread)
      if (ready.kind === 'failed') throw new JournalError(ready.code, ready.message, { ...this.where, seq: ready.seq })
      throw this.error('write-failed', `the writer thread answered ${ready.kind} at start`)
    }
    this.last = ready.lastSeq
    this.acked = ready.lastSeq
    this.head = ready.head
  }

  /** The writer thread's id (a process keeps one thread between sessions). */
  get threadId(): number {
    return this.thread.worker.threadId
  }

  /** Called when the thread itself crashed. */
  threadStopped(err: Error): void {
    this.failure ??= this.error('write-failed', `the writer thread stopped: ${err.message}`)
  }

  get hash(): string {
    this.settle()
    return this.head
  }

  get lastSeq(): number {
    return this.last
  }

  get ackedSeq(): number {
    this.takeReplies()
    return this.acked
  }

  get pending(): number {
    this.takeReplies()
    return this.last - this.acked
  }

  get closed(): boolean {
    return this.isClosed
  }

  append(seq: number, ts: number, type: string, payload: unknown): void {
    this.ensureUsable()
    checkAppend(this.where, this.last + 1, seq, ts, type)
    // what the tape does not carry goes as JSON, and a payload without one is refused here
    if (this.encodeHere || !this.tape.append(seq, ts, type, payload)) {
      this.tape.appendJson(seq, ts, type, encodeAppend(this.where, this.last + 1, seq, ts, type, payload))
    }
    this.last = seq
    if (this.tape.length === this.batchSize) this.handOver()
  }

  /** Returns once every event appended so far is committed (durable). */
  flush(): void {
    this.ensureUsable()
    this.settle()
  }

  /** Flushes, records the chain head on the session row and, given a status, ends the session. */
  close(status?: EndStatus, endedAt?: number): void {
    if (this.isClosed) return
    let clean = false
    try {
      this.settle()
      this.thread.worker.postMessage({ kind: 'close', status, endedAt } satisfies ToWriter)
      this.inFlight++
      while (this.inFlight > 0) this.apply(this.nextReply())
      clean = this.failure === null
    } finally {
      this.isClosed = true
      // a thread that failed, or whose state is unknown, is not trusted with another session
      if (clean) releaseThread(this.thread)
      else stopThread(this.thread)
    }
  }

  /** Hands the buffered events over and waits until the thread has committed all it was given. */
  private settle(): void {
    if (this.failure) throw this.failure
    if (this.tape.length > 0) this.handOver()
    while (this.inFlight > 0) this.apply(this.nextReply())
    if (this.failure) throw this.failure
  }

  private handOver(): void {
    const batch = this.tape.take()
    this.thread.worker.postMessage({ kind: 'rows', batch } satisfies ToWriter, [batch.tags.buffer, batch.nums.buffer])
    this.inFlight++
    // bounded memory: wait for the oldest batch when too many are on their way
    while (this.inFlight > this.maxInFlight) this.apply(this.nextReply())
    // Share the encoding: while the thread keeps up it writes the JSON; once it falls behind
    // (SQLite writes of a busy run), this thread encodes the next batch itself. Without a
    // journal the thread only hashes: it keeps up over a run, so a burst of events waits for it
    // in the queue rather than costing this thread JSON.
    this.takeReplies()
    this.encodeHere = this.path !== null && this.inFlight * 2 > this.maxInFlight
    if (this.failure) throw this.failure
  }

  private apply(reply: FromWriter): void {
    this.inFlight--
    switch (reply.kind) {
      case 'acked':
      case 'closed':
        this.acked = reply.lastSeq
        this.head = reply.head
        return
      case 'failed':
        this.failure ??= new JournalError(reply.code, reply.message, { ...this.where, seq: reply.seq })
        return
      case 'ready':
        return
    }
  }

  /** Applies the replies that have arrived, without waiting. */
  private takeReplies(): void {
    const thread = this.thread
    for (let r = receiveMessageOnPort(thread.replies); r !== undefined; r = receiveMessageOnPort(thread.replies)) {
      thread.seen++
      this.apply(r.message as FromWriter)
    }
  }

  /** The next reply, waiting for it (this thread blocks: the writer thread runs on its own). */
  private nextReply(): FromWriter {
    const thread = this.thread
    for (;;) {
      const r = receiveMessageOnPort(thread.replies)
      if (r !== undefined) {
        thread.seen++
        return r.message as FromWriter
      }
      const before = Atomics.load(thread.signal, 0)
      if (before !== thread.seen) continue
      if (Atomics.wait(thread.signal, 0, before, this.replyTimeoutMs) === 'timed-out') {
        this.failure ??= this.error('write-failed', `the journal writer thread did not answer within ${this.replyTimeoutMs} ms (it may have stopped)`)
        this.isClosed = true
        stopThread(this.thread)
        throw this.failure
      }
    }
  }

  private ensureUsable(): void {
    if (this.failure) throw this.failure
    if (this.isClosed) throw this.error('closed', 'appender is closed')
  }

  private error(code: JournalErrorCode, message: string): JournalError {
    const journal = this.path === null ? 'hash-only journal' : `journal ${this.path}`
    return new JournalError(code, `${journal}, session ${this.sessionId}: ${message}`, this.where)
  }

  private fail(code: JournalErrorCode, message: string): never {
    throw this.error(code, message)
  }
}

/**
 * Starts the writer thread now, if its bundle is there and no thread is waiting: a command that
 * loads its data first gets a thread that booted meanwhile. Returns the waiting thread's id.
 */
export function prestartWriterThread(script = findBundle('journal-writer.js')): number | null {
  if (script === null || !existsSync(script)) return null
  if (idleThread === null || idleThread.script !== script) {
    if (idleThread !== null) stopThread(idleThread)
    try {
      idleThread = startThread(script)
    } catch {
      // the appender will try again and say what is wrong
      idleThread = null
    }
  }
  return idleThread?.worker.threadId ?? null
}

/**
 * The appender a backtest journals through: the writer thread when its bundle is there, else
 * the journal's own appender in large batches (a backtest is re-runnable, so it need not commit
 * often; paper and live flush every few ms). Without a journal, the hash chain alone, on the
 * thread when it can be.
 */
export function backtestAppender(journal: Journal | null, sessionId: string): JournalAppender {
  const script = findBundle('journal-writer.js')
  if (journal === null) return script === null ? new HashOnlyJournal(sessionId) : new JournalWriter({ script, path: null, sessionId })
  return script === null ? journal.appender(sessionId, { batchSize: 16_384 }) : new JournalWriter({ script, path: journal.path, sessionId })
}
