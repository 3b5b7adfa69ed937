import { describe, expect, it } from 'vitest'
import { EventTapeReader, EventTapeWriter, rowJson, type EventTapeBatch } from '../../../src/main/core/journal/event-tape'
import { chainHash, chainHashBytes, genesisHash } from '../../../src/main/core/journal/hash'
import { HashOnlyJournal } from '../../../src/main/core/journal/hash-only'
import { createRandom } from '../../../src/main/core/random'

interface Row {
  seq: number
  ts: number
  type: string
  json: string
}

function readAll(reader: EventTapeReader, batch: EventTapeBatch): Row[] {
  const rows: Row[] = []
  reader.read(batch, (row) => rows.push({ seq: row.seq, ts: row.ts, type: row.type, json: rowJson(row) }))
  return rows
}

/** Writes each payload as one record (JSON when the tape refuses it) and reads the batch back. */
function roundTrip(payloads: unknown[], type = 'Event'): { rows: Row[]; taped: boolean[] } {
  const writer = new EventTapeWriter()
  const taped = payloads.map((p, i) => {
    const ok = writer.append(i + 1, 1_000 + i, type, p)
    if (!ok) writer.appendJson(i + 1, 1_000 + i, type, JSON.stringify(p))
    return ok
  })
  return { rows: readAll(new EventTapeReader(), writer.take()), taped }
}

class Fill {
  constructor(readonly price: number) {}
}

/** A random JSON-like value, including what JSON.stringify drops or rewrites. */
function randomValue(rnd: () => number, depth: number): unknown {
  const pick = Math.floor(rnd() * (depth > 3 ? 7 : 10))
  switch (pick) {
    case 0:
      return [0, -0, 1.5, -3e-7, 1e21, 123456789.123, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity][Math.floor(rnd() * 10)]
    case 1:
      return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15)
    case 2:
      return ['', 'BTC/USDT', 'quote " and \\ back', 'tab\tnew\nline\u0001', 'héllo', '日本', '\ud83d\ude00', 'lone \ud800 half', 'x'.repeat(300)][Math.floor(rnd() * 9)]
    case 3:
      return rnd() < 0.5
    case 4:
      return null
    case 5:
      return undefined
    case 6:
      return Math.floor(rnd() * 1e6)
    case 7: {
      const n = Math.floor(rnd() * 5)
      return Array.from({ length: n }, () => randomValue(rnd, depth + 1))
    }
    default: {
      const o: Record<string, unknown> = {}
      const n = Math.floor(rnd() * 6)
      for (let i = 0; i < n; i++) {
        const key = ['a', 'price', 'amount', '1', '0', 'clé', 'with space', `k${Math.floor(rnd() * 50)}`, ''][Math.floor(rnd() * 9)]!
        o[key] = randomValue(rnd, depth + 1)
      }
      if (rnd() < 0.1) o.fn = () => 1
      return o
    }
  }
}

describe('event tape', () => {
  it('reads back exactly the JSON.stringify text of the journal events the broker writes', () => {
    const events = [
      { type: 'OrderSubmitted', seq: 228, ts: 1_600_013_560_000, cause: 227, orderId: 'O1', order: { clientOrderId: 'sma-1', owner: 'sma', symbol: 'BENCH/USD', type: 'market', side: 'buy', amount: 0, price: null, stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, cost: 1_000_000, equityFraction: 1 } },
      { type: 'OrderFilled', seq: 231, ts: 1_600_013_620_000, cause: 230, orderId: 'O1', tradeId: 'T1', side: 'buy', price: 9696.03, amount: 103.13499442, fee: { cost: 0, currency: 'USD' }, liquidity: 'taker', filled: 103.13499442, remaining: 0 },
      { type: 'BalanceUpdated', seq: 233, ts: 1_600_013_620_000, cause: 230, currency: 'USD', free: 500000.00002692366, used: 499999.99997307634, total: 1_000_000 },
      { type: 'OrderBookUpdated', seq: 9, ts: 5, symbol: 'BTC/USDT', bids: [[64_000.1, 0.5], [63_999, 2]], asks: [], nonce: 7 }
    ]
    const { rows, taped } = roundTrip(events)
    expect(taped).toEqual([true, true, true, true])
    expect(rows.map((r) => r.json)).toEqual(events.map((e) => JSON.stringify(e)))
    expect(rows.map((r) => [r.seq, r.ts, r.type])).toEqual(events.map((_, i) => [i + 1, 1_000 + i, 'Event']))
  })

  it('matches JSON.stringify on 3,000 random values: odd numbers, escapes, non-ASCII, dropped keys, integer-like keys', () => {
    const rnd = createRandom(7)
    const payloads = Array.from({ length: 3_000 }, () => randomValue(rnd, 0)).filter((p) => p !== undefined)
    const { rows } = roundTrip(payloads)
    expect(rows).toHaveLength(payloads.length)
    for (let i = 0; i < payloads.length; i++) expect(rows[i]!.json).toBe(JSON.stringify(payloads[i]))
  })

  it('keeps the same keys when a type changes its key order or its keys from one record to the next', () => {
    const payloads = [
      { a: 1, b: 2, c: { d: 3 } },
      { b: 2, a: 1, c: { d: 3 } },
      { a: 1, c: { e: 4, d: 3 }, b: 2 },
      { a: 1, b: undefined, c: null },
      { a: 1, b: 2, c: { d: 3 } }
    ]
    expect(roundTrip(payloads).rows.map((r) => r.json)).toEqual(payloads.map((p) => JSON.stringify(p)))
  })

  it('refuses what it does not carry, leaving the batch as it was, so the caller can append JSON', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = { d: deep }
    const refused = [
      new Fill(5),
      { when: new Date(0) },
      { nested: { toJSON: () => 'x' } },
      { big: 10n },
      deep,
      cyclic,
      undefined,
      () => 1,
      new Uint8Array(2)
    ]
    const writer = new EventTapeWriter()
    writer.append(1, 1, 'Ok', { before: true })
    for (const p of refused) expect(writer.append(2, 2, 'Refused', p)).toBe(false)
    writer.appendJson(2, 2, 'Refused', JSON.stringify(new Fill(5)))
    writer.append(3, 3, 'Ok', { after: [1, 'two'] })
    expect(readAll(new EventTapeReader(), writer.take())).toEqual([
      { seq: 1, ts: 1, type: 'Ok', json: '{"before":true}' },
      { seq: 2, ts: 2, type: 'Refused', json: '{"price":5}' },
      { seq: 3, ts: 3, type: 'Ok', json: '{"after":[1,"two"]}' }
    ])
  })

  it('carries objects without a prototype, long strings and non-ASCII types and keys', () => {
    const bare = Object.create(null) as Record<string, unknown>
    bare.x = 1
    const long = 'é'.repeat(10) + 'a'.repeat(70_000)
    const keys: Record<string, number> = {}
    keys['ключ'] = 1
    keys['k'.repeat(100)] = 2
    const writer = new EventTapeWriter()
    expect(writer.append(1, 1, 'Bare', bare)).toBe(true)
    expect(writer.append(2, 2, 'Long', { s: long, t: 'b'.repeat(70_000) })).toBe(true)
    expect(writer.append(3, 3, 'Тип', keys)).toBe(true)
    const rows = readAll(new EventTapeReader(), writer.take())
    expect(rows.map((r) => r.json)).toEqual([JSON.stringify(bare), JSON.stringify({ s: long, t: 'b'.repeat(70_000) }), JSON.stringify(keys)])
    expect(rows[2]!.type).toBe('Тип')
  })

  it('keeps its key table across batches, and spells keys out once the table is full', () => {
    const writer = new EventTapeWriter()
    const reader = new EventTapeReader()
    const payload = (i: number) => ({ [`key-${i}`]: i, common: i })
    const seen: string[] = []
    // 70,000 distinct keys: more than the table's 65,536 ids
    for (let b = 0; b < 7; b++) {
      for (let i = b * 10_000; i < (b + 1) * 10_000; i++) expect(writer.append(i + 1, i, 'K', payload(i))).toBe(true)
      const batch = writer.take()
      expect(batch.records).toBe(10_000)
      for (const row of readAll(reader, batch)) seen.push(row.json)
    }
    expect(seen).toHaveLength(70_000)
    for (const i of [0, 1, 9_999, 10_000, 65_534, 65_535, 65_536, 69_999]) expect(seen[i]).toBe(JSON.stringify(payload(i)))
  })

  it('gives each batch its own buffers, so a batch handed over is not written again', () => {
    const writer = new EventTapeWriter()
    writer.append(1, 1, 'A', { v: 1 })
    const first = writer.take()
    writer.append(2, 2, 'A', { v: 2 })
    const second = writer.take()
    expect(first.tags.buffer).not.toBe(second.tags.buffer)
    expect(first.nums.buffer).not.toBe(second.nums.buffer)
    const reader = new EventTapeReader()
    expect(readAll(reader, first).map((r) => r.json)).toEqual(['{"v":1}'])
    expect(readAll(reader, second).map((r) => r.json)).toEqual(['{"v":2}'])
  })

  it('says where a damaged tape goes wrong instead of reading past it', () => {
    const writer = new EventTapeWriter()
    writer.append(1, 1, 'A', { v: 1 })
    const batch = writer.take()
    const damaged = { ...batch, tags: batch.tags.slice() }
    damaged.tags[0] = 99
    expect(() => readAll(new EventTapeReader(), damaged)).toThrow(/record 0 starts with tag 99/)
    const extra = { ...batch, tags: new Uint8Array([...batch.tags, 3]) }
    expect(() => readAll(new EventTapeReader(), extra)).toThrow(/1 bytes after the last record/)
  })

  it('hashes rows where they lie to the chain of their JSON text, for any type and seq', () => {
    const writer = new EventTapeWriter()
    const types = ['OrderFilled', 'Тип события', 'T'.repeat(600), 'x']
    const payloads = [{ a: 1 }, { s: 'é"\\' }, [1, null, 'b'], { deep: { er: [{ x: 1e21 }] } }]
    payloads.forEach((p, i) => writer.append(i + 1, -5 + i * 1e12, types[i]!, p))
    let bytesHead = genesisHash()
    let textHead = genesisHash()
    const inline = new HashOnlyJournal('s')
    const fromRows = new HashOnlyJournal('s')
    new EventTapeReader().read(writer.take(), (row) => {
      bytesHead = chainHashBytes(bytesHead, row)
      textHead = chainHash(textHead, row.seq, row.ts, row.type, JSON.stringify(payloads[row.seq - 1]))
      expect(bytesHead).toBe(textHead)
      inline.append(row.seq, row.ts, row.type, payloads[row.seq - 1])
      fromRows.appendBytes(row)
    })
    expect(fromRows.hash).toBe(inline.hash)
    expect(fromRows.lastSeq).toBe(4)
  })

  it('does not keep a huge batch\'s buffers for the batches after it', () => {
    const writer = new EventTapeWriter()
    writer.append(1, 1, 'Huge', { values: Array.from({ length: 1_200_000 }, (_, i) => i / 3), name: 'x'.repeat(60_000) })
    const huge = writer.take()
    expect(huge.nums.length).toBeGreaterThan(1_200_000)
    writer.append(2, 2, 'Small', { ok: true })
    const small = writer.take()
    expect(small.nums.buffer.byteLength).toBeLessThan(1 << 20)
    const reader = new EventTapeReader()
    expect(readAll(reader, huge)[0]!.json).toHaveLength(JSON.stringify({ values: Array.from({ length: 1_200_000 }, (_, i) => i / 3), name: 'x'.repeat(60_000) }).length)
    expect(readAll(reader, small).map((r) => r.json)).toEqual(['{"ok":true}'])
  })

  it('grows its row buffer for a payload larger than it', () => {
    const big = { list: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `n${i}`, v: i / 7 })) }
    const writer = new EventTapeWriter()
    writer.append(1, 1, 'Big', big)
    writer.append(2, 2, 'Small', { ok: true })
    const rows = readAll(new EventTapeReader(), writer.take())
    expect(rows.map((r) => r.json)).toEqual([JSON.stringify(big), '{"ok":true}'])
  })
})
