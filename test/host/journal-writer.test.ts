import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultMarket } from '../../src/shared/market'
import { runBacktest } from '../../src/main/core/backtest/run-backtest'
import type { BarSeries } from '../../src/main/core/data/bar-series'
import { BUILT_IN_ENGINES } from '../../src/main/core/engines/registry'
import { HashOnlyJournal, Journal, JournalError, type JournalAppender, type SessionMeta } from '../../src/main/core/journal'
import { JournalWriter, prestartWriterThread } from '../../src/main/host/journal-writer'
import { randomWalkBars } from '../support/random-walk-bars'

// built by the global setup (npm run build:node)
const SCRIPT = resolve(__dirname, '../../out/node/journal-writer.js')

let dir: string
const opened: Journal[] = []
const writers: JournalWriter[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tc-journal-writer-'))
})

afterEach(() => {
  for (const w of writers.splice(0)) {
    try {
      w.close()
    } catch {
      // a test that broke the writer on purpose
    }
  }
  for (const j of opened.splice(0)) j.close()
  rmSync(dir, { recursive: true, force: true })
})

function open(name: string): Journal {
  const j = Journal.open(join(dir, name))
  opened.push(j)
  return j
}

const meta = (id: string): SessionMeta => ({ id, mode: 'backtest', config: {}, engines: [], appVersion: 'test', dataFingerprint: 'fp', startedAt: 0 })

function writer(journal: Journal, sessionId: string, options: { batchSize?: number; maxInFlight?: number } = {}): JournalWriter {
  const w = new JournalWriter({ script: SCRIPT, path: journal.path, sessionId, ...options })
  writers.push(w)
  return w
}

/** Session `s` in two journals: one written by the inline appender, one by the writer thread. */
function inlineBeside(batchSize: number) {
  const reference = open('ref.sqlite')
  reference.createSession(meta('s'))
  const journal = open('j.sqlite')
  journal.createSession(meta('s'))
  return { reference, inline: reference.appender('s'), journal, w: writer(journal, 's', { batchSize }) }
}

const bars = (count: number) => randomWalkBars(count, 3)

function backtestInto(appender: JournalAppender, series: BarSeries): string {
  const result = runBacktest({
    bars: [series],
    markets: [defaultMarket('BTC/USDT')],
    engines: [{ id: 'sma', definition: BUILT_IN_ENGINES.get('sma-cross')!, params: { fast: 5, slow: 20, mode: 'long-short' } }],
    broker: { currency: 'USDT', initialCash: 10_000, accountType: 'margin', leverage: 2 },
    journal: appender
  })
  appender.close('completed', 1)
  return result.report.journalHash
}

const event = (seq: number) => ({ type: 'MetricRecorded', seq, ts: 1_000 + seq, engineId: 'e', name: 'n', value: seq / 3 })

/** Another connection commits seqs 1..count of session `s` first: a writer's commit of them clashes. */
function rivalTakes(journal: Journal, count: number): void {
  const other = Journal.open(journal.path)
  opened.push(other)
  const rival = other.appender('s')
  for (let seq = 1; seq <= count; seq++) rival.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
  rival.flush()
}

describe('journal writer thread', () => {
  it('stores exactly the rows, hashes and session record of the inline appender', () => {
    const series = bars(5_000)
    const inline = open('inline.sqlite')
    inline.createSession(meta('s'))
    const inlineHash = backtestInto(inline.appender('s', { batchSize: 512 }), series)
    const threaded = open('threaded.sqlite')
    threaded.createSession(meta('s'))
    // small batches: many hand-overs, with back-pressure on the way
    const threadedHash = backtestInto(writer(threaded, 's', { batchSize: 97, maxInFlight: 2 }), series)

    expect(threadedHash).toBe(inlineHash)
    const a = [...inline.events('s')]
    const b = [...threaded.events('s')]
    expect(a.length).toBeGreaterThan(1_000)
    expect(b).toEqual(a)
    const verified = threaded.verify('s')
    expect(verified.ok).toBe(true)
    expect(verified.hash).toBe(inlineHash)
    expect(threaded.getSession('s')).toMatchObject({ status: 'completed', endedAt: 1, lastSeq: a.length, lastHash: inlineHash })
  })

  it('flush returns once the events are readable from another connection', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const w = writer(journal, 's', { batchSize: 1_000 })
    for (let seq = 1; seq <= 250; seq++) w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    expect(w.pending).toBe(250)
    expect(w.ackedSeq).toBe(0)
    w.flush()
    expect(w.pending).toBe(0)
    expect(w.ackedSeq).toBe(250)
    const reader = Journal.open(journal.path, { readonly: true })
    try {
      expect([...reader.events('s')].map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))
    } finally {
      reader.close()
    }
  })

  it('waits for the thread instead of letting unwritten batches pile up', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const w = writer(journal, 's', { batchSize: 10, maxInFlight: 1 })
    let most = 0
    for (let seq = 1; seq <= 2_000; seq++) {
      w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
      most = Math.max(most, w.pending)
    }
    // ten buffered here and one batch of ten on its way at most
    expect(most).toBeLessThanOrEqual(20)
    w.close('completed', 5)
    expect(journal.verify('s')).toMatchObject({ ok: true, count: 2_000 })
  })

  it('reads the hash after the last append, waiting for the thread', () => {
    const { inline, w } = inlineBeside(64)
    for (let seq = 1; seq <= 100; seq++) {
      inline.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
      w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    }
    expect(w.hash).toBe(inline.hash)
    expect(w.ackedSeq).toBe(100)
  })

  it('refuses a payload with no JSON form on the calling thread, naming the seq', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const w = writer(journal, 's')
    w.append(1, 1_001, 'MetricRecorded', event(1))
    const circular: Record<string, unknown> = { type: 'MetricRecorded' }
    circular.self = circular
    expect(() => w.append(2, 1_002, 'MetricRecorded', circular)).toThrow(JournalError)
    expect(() => w.append(2, 1_002, 'MetricRecorded', circular)).toThrow(/seq 2 \(MetricRecorded\): payload is not JSON-serialisable/)
    // the refused event was not taken: seq 2 is still the next one
    w.append(2, 1_002, 'MetricRecorded', event(2))
    w.close('completed', 3)
    expect(journal.verify('s')).toMatchObject({ ok: true, count: 2 })
  })

  it('reports a failure of the thread as the journal error, and keeps reporting it', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const w = writer(journal, 's', { batchSize: 10 })
    // another writer takes seqs 1..5 first: the thread's first commit clashes with them
    rivalTakes(journal, 5)
    for (let seq = 1; seq <= 5; seq++) w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    let thrown: unknown
    try {
      w.flush()
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(JournalError)
    expect((thrown as JournalError).code).toBe('conflict')
    expect((thrown as JournalError).message).toContain(journal.path)
    expect(() => w.append(6, 1_006, 'MetricRecorded', event(6))).toThrow(/clash with stored events/)
    // what the rival stored is untouched
    expect(journal.verify('s')).toMatchObject({ ok: true, count: 5 })
  })

  it('fails to start with a journal error naming what is wrong', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    expect(() => new JournalWriter({ script: SCRIPT, path: journal.path, sessionId: 'nope' })).toThrow(JournalError)
    expect(() => new JournalWriter({ script: SCRIPT, path: journal.path, sessionId: 'nope' })).toThrow(/nope/)
    expect(() => new JournalWriter({ script: join(dir, 'missing.js'), path: journal.path, sessionId: 's' })).toThrow(/writer thread/)
  })

  it('journals what the tape does not carry with the text JSON.stringify gives it', () => {
    class Quote {
      constructor(
        readonly bid: number,
        readonly ask: number
      ) {}
    }
    const payloads = [
      { type: 'MetricRecorded', at: new Date(Date.UTC(2024, 0, 2)), value: 1 },
      { type: 'MetricRecorded', quote: new Quote(1.5, 1.6), list: [undefined, () => 0, 'x'] },
      { type: 'MetricRecorded', name: 'naïve "quoted"\n', value: -0, missing: undefined, nan: NaN }
    ]
    const { reference, inline, journal, w } = inlineBeside(2)
    payloads.forEach((p, i) => {
      inline.append(i + 1, 1_000 + i, p.type, p)
      w.append(i + 1, 1_000 + i, p.type, p)
    })
    inline.flush()
    w.flush()
    expect([...journal.events('s')]).toEqual([...reference.events('s')])
    expect([...journal.events('s')].map((e) => e.payload)).toEqual(payloads.map((p) => JSON.parse(JSON.stringify(p))))
    expect(w.hash).toBe(inline.hash)
  })

  it('without a journal, extends the same hash chain on the thread', () => {
    const series = bars(5_000)
    const reference = backtestInto(new HashOnlyJournal('s'), series)
    const threaded = new JournalWriter({ script: SCRIPT, path: null, sessionId: 's', batchSize: 97, maxInFlight: 2 })
    writers.push(threaded)
    expect(backtestInto(threaded, series)).toBe(reference)
    expect(threaded.closed).toBe(true)
    expect(() => threaded.append(1, 1, 'MetricRecorded', event(1))).toThrow(/hash-only journal, session s: appender is closed/)
  })

  it('without a journal, refuses a bad append on the calling thread and goes on', () => {
    const reference = new HashOnlyJournal('s')
    const w = new JournalWriter({ script: SCRIPT, path: null, sessionId: 's', batchSize: 3 })
    writers.push(w)
    for (let seq = 1; seq <= 10; seq++) {
      reference.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
      w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    }
    expect(() => w.append(12, 1_012, 'MetricRecorded', event(12))).toThrow(/expected 11/)
    expect(() => w.append(11, 1.5, 'MetricRecorded', event(11))).toThrow(/ts must be an integer/)
    expect(() => w.append(11, 1_011, 'MetricRecorded', { big: 1n })).toThrow(/seq 11 \(MetricRecorded\): payload is not JSON-serialisable/)
    expect(w.hash).toBe(reference.hash)
    expect(w.lastSeq).toBe(10)
  })

  it('keeps its thread between sessions: the next one, journaled or not, is written alike', () => {
    const series = bars(3_000)
    const reference = backtestInto(new HashOnlyJournal('s'), series)
    const first = new JournalWriter({ script: SCRIPT, path: null, sessionId: 's' })
    expect(backtestInto(first, series)).toBe(reference)
    // the key table is the writer's: a second session starts a new one on the same thread
    const second = new JournalWriter({ script: SCRIPT, path: null, sessionId: 's', batchSize: 50 })
    expect(second.threadId).toBe(first.threadId)
    expect(backtestInto(second, series)).toBe(reference)
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const third = writer(journal, 's', { batchSize: 64 })
    expect(third.threadId).toBe(first.threadId)
    expect(backtestInto(third, series)).toBe(reference)
    expect(journal.verify('s')).toMatchObject({ ok: true, hash: reference })
  })

  it('after a session that could not open, the thread writes the next one', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const before = writer(journal, 's')
    before.close('completed', 1)
    expect(() => new JournalWriter({ script: SCRIPT, path: journal.path, sessionId: 'nope' })).toThrow(/nope/)
    journal.createSession(meta('t'))
    const w = writer(journal, 't', { batchSize: 4 })
    expect(w.threadId).toBe(before.threadId)
    for (let seq = 1; seq <= 10; seq++) w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    w.close('completed', 2)
    expect(journal.verify('t')).toMatchObject({ ok: true, count: 10 })
  })

  it('does not hand a thread that failed to the next session', () => {
    const journal = open('j.sqlite')
    journal.createSession(meta('s'))
    const w = writer(journal, 's', { batchSize: 2 })
    const failedThread = w.threadId
    rivalTakes(journal, 1)
    w.append(1, 1_001, 'MetricRecorded', event(1))
    expect(() => w.flush()).toThrow(/clash with stored events/)
    expect(() => w.close('failed', 1)).toThrow(/clash with stored events/)
    journal.createSession(meta('t'))
    const next = writer(journal, 't')
    expect(failedThread).toBeGreaterThan(0)
    expect(next.threadId).not.toBe(failedThread)
    next.append(1, 1_001, 'MetricRecorded', event(1))
    next.close('completed', 2)
    expect(journal.verify('t')).toMatchObject({ ok: true, count: 1 })
  })

  it('starts the thread ahead of the session when asked, once', () => {
    const started = prestartWriterThread(SCRIPT)
    expect(started).toBeGreaterThan(0)
    expect(prestartWriterThread(SCRIPT)).toBe(started)
    const w = new JournalWriter({ script: SCRIPT, path: null, sessionId: 's' })
    writers.push(w)
    expect(w.threadId).toBe(started)
    const reference = new HashOnlyJournal('s')
    for (let seq = 1; seq <= 5; seq++) {
      reference.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
      w.append(seq, 1_000 + seq, 'MetricRecorded', event(seq))
    }
    expect(w.hash).toBe(reference.hash)
    expect(prestartWriterThread(join(dir, 'missing.js'))).toBeNull()
  })
})
