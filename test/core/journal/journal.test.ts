import { createHash } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  HashOnlyJournal,
  Journal,
  JournalError,
  JournalSeqError,
  type JournalAppender,
  type SessionMeta
} from '../../../src/main/core/journal'

let dir: string
const opened: Journal[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tc-journal-'))
})

afterEach(() => {
  for (const j of opened.splice(0)) j.close()
  rmSync(dir, { recursive: true, force: true })
})

function open(name = 'journal.db', options?: { readonly?: boolean }): Journal {
  const j = Journal.open(join(dir, name), options)
  opened.push(j)
  return j
}

const T0 = 1_718_000_000_000

function meta(overrides: Partial<SessionMeta> = {}): SessionMeta {
  return {
    id: 'sess-1',
    mode: 'paper',
    config: { symbol: 'BTC/USDT', timeframe: '1m' },
    engines: [{ name: 'ema-cross', version: '1.0.0' }],
    appVersion: '0.1.0',
    dataFingerprint: 'sha256:abc',
    startedAt: T0,
    ...overrides
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Appends seq from..to with a payload that depends only on seq. */
function fill(a: JournalAppender, from: number, to: number): void {
  for (let seq = from; seq <= to; seq++) a.append(seq, T0 + seq * 1000, seq % 2 === 0 ? 'bar' : 'trade', { seq, px: 100 + seq / 8 })
}

/** A second, plain SQLite connection, as another process would have. */
function raw(name = 'journal.db'): Database.Database {
  return new Database(join(dir, name))
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('Journal: append and read', () => {
  it('chains hashes exactly as specified (checked against sha256 by hand)', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    const h0 = sha256('theorycraft-journal-v1')
    expect(a.hash).toBe(h0)
    a.append(1, 1000, 'bar', { o: 1 })
    const h1 = sha256(`${h0}\n1\n1000\nbar\n{"o":1}`)
    expect(a.hash).toBe(h1)
    a.append(2, 1001, 'trade', [1, 'x'])
    const h2 = sha256(`${h1}\n2\n1001\ntrade\n[1,"x"]`)
    expect(a.hash).toBe(h2)
    a.flush()
    expect([...j.events(id)].map((r) => r.hash)).toEqual([h1, h2])
  })

  it('round-trips events and session metadata', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    const payloads = [{ a: 1 }, [1, 2, 3], 'text', 42.5, null, { nested: { deep: [true, false] }, s: 'é€😀' }]
    payloads.forEach((p, i) => a.append(i + 1, T0 + i, i % 2 ? 'odd' : 'even', p))
    a.close('completed', T0 + 99)

    const records = [...j.events(id)]
    expect(records.map((r) => r.payload)).toEqual(payloads)
    expect(records.map((r) => [r.seq, r.ts, r.type])).toEqual(payloads.map((_, i) => [i + 1, T0 + i, i % 2 ? 'odd' : 'even']))

    expect(j.getSession(id)).toEqual({
      id: 'sess-1',
      mode: 'paper',
      config: { symbol: 'BTC/USDT', timeframe: '1m' },
      engines: [{ name: 'ema-cross', version: '1.0.0' }],
      appVersion: '0.1.0',
      dataFingerprint: 'sha256:abc',
      startedAt: T0,
      endedAt: T0 + 99,
      status: 'completed',
      lastSeq: 6,
      lastHash: a.hash
    })
    expect(j.getSession('nope')).toBeUndefined()
  })

  it('filters by fromSeq, toSeq and types, and streams lazily', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, 20)
    a.flush()
    expect([...j.events(id, { fromSeq: 15 })].map((r) => r.seq)).toEqual([15, 16, 17, 18, 19, 20])
    expect([...j.events(id, { fromSeq: 3, toSeq: 6 })].map((r) => r.seq)).toEqual([3, 4, 5, 6])
    expect([...j.events(id, { types: ['bar'], fromSeq: 11 })].map((r) => r.seq)).toEqual([12, 14, 16, 18, 20])
    expect([...j.events(id, { types: [] })]).toEqual([])
    const it = j.events(id)
    expect(it.next().value?.seq).toBe(1)
    it.return?.()
    // The statement was released, so the connection can write again.
    fill(a, 21, 21)
    a.flush()
    expect(() => j.events('nope')).toThrow(expect.objectContaining({ code: 'unknown-session' }))
  })

  it('allows reads inside an open iterator, and refuses a flush there with a typed error', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, 3)
    a.flush()
    const pairs: number[][] = []
    for (const outer of j.events(id)) {
      for (const inner of j.events(id, { fromSeq: outer.seq })) pairs.push([outer.seq, inner.seq])
      expect(j.verify(id).ok).toBe(true)
    }
    expect(pairs).toEqual([[1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]])
    fill(a, 4, 4)
    const iter = j.events(id)
    iter.next()
    expect(errorOf(() => a.flush())).toMatchObject({ code: 'write-failed', seq: 4 })
    expect(a.pending).toBe(1)
    iter.return?.()
    a.flush()
    expect(a.ackedSeq).toBe(4)
  })

  it('lists sessions by start time and derives ids deterministically', () => {
    const j = open()
    const m = meta({ id: undefined, mode: 'backtest', startedAt: Date.UTC(2024, 0, 2, 3, 4, 5) })
    const first = j.createSession(m)
    const second = j.createSession(m)
    expect(first).toMatch(/^backtest-20240102T030405\.000Z-[0-9a-f]{12}$/)
    expect(second).toBe(`${first}-2`)
    // A fresh file given the same inputs derives the same id.
    expect(open('other.db').createSession(m)).toBe(first)
    j.createSession(meta({ id: 'early', startedAt: Date.UTC(2024, 0, 1) }))
    expect(j.listSessions().map((s) => s.id)).toEqual(['early', first, second])
    expect(errorOf(() => j.createSession(meta({ id: 'early' })))).toMatchObject({ code: 'duplicate-session', sessionId: 'early' })
    expect(errorOf(() => j.createSession(meta({ id: 'x', mode: 'demo' as never })))).toMatchObject({ code: 'bad-argument' })
    expect(errorOf(() => j.createSession(meta({ id: 'y', startedAt: 1.5 })))).toMatchObject({ code: 'bad-argument' })
  })
})

describe('Journal: batching and durability', () => {
  it('makes events visible to another connection only after flush', () => {
    const writer = open()
    const reader = open()
    const id = writer.createSession(meta())
    const a = writer.appender(id)
    fill(a, 1, 10)
    expect(a.pending).toBe(10)
    expect(a.ackedSeq).toBe(0)
    expect([...reader.events(id)]).toHaveLength(0)
    a.flush()
    expect(a.pending).toBe(0)
    expect(a.ackedSeq).toBe(10)
    expect([...reader.events(id)].map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(reader.getSession(id)?.lastSeq).toBe(10)
  })

  it('auto-flushes one transaction when the buffer reaches batchSize', () => {
    const writer = open()
    const reader = open()
    const id = writer.createSession(meta())
    const a = writer.appender(id, { batchSize: 4 })
    fill(a, 1, 3)
    expect([...reader.events(id)]).toHaveLength(0)
    fill(a, 4, 4)
    expect([...reader.events(id)]).toHaveLength(4)
    expect(a.pending).toBe(0)
    fill(a, 5, 9)
    expect([...reader.events(id)]).toHaveLength(8)
    expect(a.pending).toBe(1)
    expect(errorOf(() => writer.appender(id))).toMatchObject({ code: 'appender-open' })
    expect(errorOf(() => writer.appender('x', { batchSize: 0 }))).toMatchObject({ code: 'bad-argument' })
  })

  it('enforces seq = previous + 1 with typed errors and leaves the chain untouched', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    const skip = errorOf(() => a.append(2, T0, 'bar', {}))
    expect(skip).toBeInstanceOf(JournalSeqError)
    expect(skip).toMatchObject({ code: 'seq-order', expected: 1, got: 2, sessionId: id })
    expect((skip as Error).message).toContain('expected 1')
    a.append(1, T0, 'bar', {})
    const head = a.hash
    for (const bad of [1, 0, 3, 2.5, Number.NaN, '2' as unknown as number]) {
      expect(errorOf(() => a.append(bad, T0, 'bar', {}))).toMatchObject({ code: 'seq-order', expected: 2 })
    }
    expect(errorOf(() => a.append(2, 1.5, 'bar', {}))).toMatchObject({ code: 'bad-argument', seq: 2 })
    expect(errorOf(() => a.append(2, T0, '', {}))).toMatchObject({ code: 'bad-argument' })
    expect(errorOf(() => a.append(2, T0, 'bar', undefined))).toMatchObject({ code: 'bad-payload' })
    expect(errorOf(() => a.append(2, T0, 'bar', { n: 10n }))).toMatchObject({ code: 'bad-payload' })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(errorOf(() => a.append(2, T0, 'bar', circular))).toMatchObject({ code: 'bad-payload' })
    expect(a.hash).toBe(head)
    expect(a.lastSeq).toBe(1)
    a.append(2, T0, 'bar', {})
    a.flush()
    expect(j.verify(id)).toMatchObject({ ok: true, count: 2 })
  })

  it('takes payloads already encoded as JSON with the same checks and the same chain', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    const reference = j.createSession(meta({ id: 'sess-ref' }))
    const r = j.appender(reference)
    r.append(1, T0, 'bar', { o: 1.5, s: 'x' })
    a.appendEncoded(1, T0, 'bar', '{"o":1.5,"s":"x"}')
    expect(a.hash).toBe(r.hash)
    expect(errorOf(() => a.appendEncoded(3, T0, 'bar', '{}'))).toMatchObject({ code: 'seq-order', expected: 2 })
    expect(errorOf(() => a.appendEncoded(2, 1.5, 'bar', '{}'))).toMatchObject({ code: 'bad-argument', seq: 2 })
    expect(errorOf(() => a.appendEncoded(2, T0, 'bar', ''))).toMatchObject({ code: 'bad-payload', seq: 2 })
    expect(a.lastSeq).toBe(1)
    a.flush()
    expect([...j.events(id)].map((e) => e.payload)).toEqual([{ o: 1.5, s: 'x' }])
  })

  it('resumes after reopen from the last stored event, with the same chain as one uninterrupted run', () => {
    const first = Journal.open(join(dir, 'journal.db'))
    const id = first.createSession(meta())
    const a = first.appender(id, { batchSize: 7 })
    fill(a, 1, 30)
    a.flush()
    first.close()

    const second = open()
    const b = second.appender(id)
    expect(b.lastSeq).toBe(30)
    fill(b, 31, 50)
    b.close('completed', T0 + 1)

    const reference = new HashOnlyJournal(id)
    fill(reference, 1, 50)
    expect(b.hash).toBe(reference.hash)
    expect(second.verify(id)).toEqual({ ok: true, count: 50, lastSeq: 50, hash: reference.hash, problems: [] })
  })

  it('resumes from the events table even when the session row lags behind', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, 12)
    a.flush()
    j.close()
    const db = raw()
    db.prepare("UPDATE sessions SET last_seq = 5, last_hash = 'stale', status = 'crashed', ended_at = 1 WHERE id = ?").run(id)
    db.close()

    const k = open()
    const b = k.appender(id)
    expect(b.lastSeq).toBe(12)
    expect(k.getSession(id)).toMatchObject({ status: 'running', endedAt: null })
    fill(b, 13, 14)
    b.close()
    expect(k.getSession(id)).toMatchObject({ status: 'running', lastSeq: 14, lastHash: b.hash })
    expect(k.verify(id).ok).toBe(true)
  })

  it('refuses appenders for unknown or ended sessions and writes to a read-only journal', () => {
    const j = open()
    const id = j.createSession(meta())
    expect(errorOf(() => j.appender('nope'))).toMatchObject({ code: 'unknown-session', sessionId: 'nope' })
    j.endSession(id, 'failed', T0 + 5)
    expect(errorOf(() => j.appender(id))).toMatchObject({ code: 'session-ended' })
    expect(errorOf(() => j.endSession(id, 'completed', T0 + 6))).toMatchObject({ code: 'session-ended' })
    expect(errorOf(() => j.endSession(id, 'running' as never, T0))).toMatchObject({ code: 'bad-argument' })

    const ro = open('journal.db', { readonly: true })
    expect(ro.getSession(id)?.status).toBe('failed')
    expect(errorOf(() => ro.createSession(meta({ id: 'ro' })))).toMatchObject({ code: 'readonly' })
    expect(errorOf(() => Journal.open(join(dir, 'missing.db'), { readonly: true }))).toMatchObject({ code: 'open-failed' })
  })

  it('endSession closes an open appender after flushing it', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, 3)
    j.endSession(id, 'completed', T0 + 7)
    expect(a.closed).toBe(true)
    expect(j.getSession(id)).toMatchObject({ status: 'completed', endedAt: T0 + 7, lastSeq: 3, lastHash: a.hash })
    expect(errorOf(() => a.append(4, T0, 'bar', {}))).toMatchObject({ code: 'closed' })
  })

  it('closing the journal flushes open appenders', () => {
    const j = Journal.open(join(dir, 'journal.db'))
    const id = j.createSession(meta())
    fill(j.appender(id), 1, 5)
    j.close()
    expect([...open().events(id)]).toHaveLength(5)
    expect(errorOf(() => j.listSessions())).toMatchObject({ code: 'closed' })
  })
})

describe('Journal: backup', () => {
  it('copies un-checkpointed WAL content that a plain file copy loses', async () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, 3000)
    a.flush()
    fill(a, 3001, 3010) // buffered: backupTo flushes it first
    const src = join(dir, 'journal.db')
    expect(statSync(`${src}-wal`).size).toBeGreaterThan(0)

    copyFileSync(src, join(dir, 'naive.db'))
    const naive = new Database(join(dir, 'naive.db'), { readonly: true })
    const naiveTables = naive.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'events'").get() as { n: number }
    naive.close()
    expect(naiveTables.n).toBe(0) // everything so far lives only in the -wal file

    await j.backupTo(join(dir, 'backup.db'))
    const copy = open('backup.db', { readonly: true })
    expect(copy.verify(id)).toEqual({ ok: true, count: 3010, lastSeq: 3010, hash: a.hash, problems: [] })
    expect(copy.getSession(id)?.lastSeq).toBe(3010)
    await expect(j.backupTo(join(dir, 'backup.db'))).rejects.toMatchObject({ code: 'backup-failed' })
  })
})

describe('Journal: verify', () => {
  function completedSession(n = 10): { j: Journal; id: string; hash: string } {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id)
    fill(a, 1, n)
    a.close('completed', T0 + 1)
    return { j, id, hash: a.hash }
  }

  function tamper(sql: string, ...params: unknown[]): void {
    const db = raw()
    db.prepare(sql).run(...params)
    db.close()
  }

  it('passes a clean session and an empty one', () => {
    const { j, id, hash } = completedSession()
    expect(j.verify(id)).toEqual({ ok: true, count: 10, lastSeq: 10, hash, problems: [] })
    const empty = j.createSession(meta({ id: 'empty' }))
    expect(j.verify(empty)).toEqual({ ok: true, count: 0, lastSeq: 0, hash: sha256('theorycraft-journal-v1'), problems: [] })
    expect(errorOf(() => j.verify('nope'))).toMatchObject({ code: 'unknown-session' })
  })

  it('reports a deleted row as a gap', () => {
    const { j, id } = completedSession()
    tamper('DELETE FROM events WHERE session_id = ? AND seq IN (4, 5)', id)
    const r = j.verify(id)
    expect(r.ok).toBe(false)
    expect(r.count).toBe(8)
    expect(r.problems).toEqual([{ seq: 4, kind: 'gap', message: 'events 4..5 are missing before seq 6' }])
  })

  it('reports an edited payload, ts or type as a hash mismatch at that seq only', () => {
    const { j, id } = completedSession()
    tamper('UPDATE events SET payload = ? WHERE session_id = ? AND seq = 3', '{"seq":3,"px":999}', id)
    tamper('UPDATE events SET ts = ts + 1 WHERE session_id = ? AND seq = 6', id)
    tamper("UPDATE events SET type = 'fill' WHERE session_id = ? AND seq = 8", id)
    const r = j.verify(id)
    expect(r.ok).toBe(false)
    expect(r.problems.map((p) => [p.seq, p.kind])).toEqual([
      [3, 'hash-mismatch'],
      [6, 'hash-mismatch'],
      [8, 'hash-mismatch']
    ])
  })

  it('reports a payload that is not JSON', () => {
    const { j, id } = completedSession()
    tamper("UPDATE events SET payload = '{broken' WHERE session_id = ? AND seq = 2", id)
    expect(j.verify(id).problems.map((p) => [p.seq, p.kind])).toEqual([
      [2, 'bad-json'],
      [2, 'hash-mismatch']
    ])
    expect(errorOf(() => [...j.events(id)])).toMatchObject({ code: 'corrupt-record', seq: 2 })
  })

  it('reports truncation of a completed session, and the appender refuses to resume it', () => {
    const { j, id } = completedSession()
    tamper('DELETE FROM events WHERE session_id = ? AND seq > 7', id)
    const r = j.verify(id)
    expect(r).toMatchObject({ ok: false, count: 7, lastSeq: 7 })
    expect(r.problems).toEqual([
      { seq: 8, kind: 'truncated', message: 'session (completed) records last_seq 10 but the last stored event is 7' }
    ])
    tamper("UPDATE sessions SET status = 'crashed' WHERE id = ?", id)
    expect(errorOf(() => j.appender(id))).toMatchObject({ code: 'corrupt-record', seq: 8 })
  })

  it('reports a session row whose last_hash disagrees with the last event', () => {
    const { j, id } = completedSession()
    tamper("UPDATE sessions SET last_hash = 'x' WHERE id = ?", id)
    expect(j.verify(id).problems.map((p) => [p.seq, p.kind])).toEqual([[10, 'hash-mismatch']])
  })
})

describe('HashOnlyJournal', () => {
  it('gives the same chain as the SQLite journal and the same seq discipline', () => {
    const j = open()
    const id = j.createSession(meta())
    const a = j.appender(id, { batchSize: 16 })
    const h = new HashOnlyJournal(id)
    fill(a, 1, 100)
    fill(h, 1, 100)
    a.flush()
    expect(h.hash).toBe(a.hash)
    expect(j.verify(id).hash).toBe(h.hash)
    expect(h.lastSeq).toBe(100)
    expect(errorOf(() => h.append(100, T0, 'bar', {}))).toBeInstanceOf(JournalSeqError)
    h.close('completed', T0)
    expect(h.status).toBe('completed')
    expect(errorOf(() => h.append(101, T0, 'bar', {}))).toBeInstanceOf(JournalError)
  })
})
