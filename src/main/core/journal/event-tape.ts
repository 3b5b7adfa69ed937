import { writeInteger } from './ascii-digits'

/**
 * A compact hand-over of journal events between threads. Writing an event's values to a tape
 * costs a third of `JSON.stringify` (no number is formatted, no string escaped, no text built),
 * and the thread that reads the tape writes exactly the text `JSON.stringify` would have: the
 * same keys in the same order, the same number and string forms. Values the tape does not carry
 * (class instances, `toJSON`, cycles, very deep nesting) go over as their JSON text instead.
 *
 * A batch is two buffers: `tags` (one byte per token, key ids, string bytes) and `nums` (every
 * number, each record's seq and ts), plus `strings` (texts that are not short ASCII, and JSON
 * kept whole) and `keys` (keys first seen in this batch; the reader keeps the table).
 */

const OBJECT = 1
const ARRAY = 2
const END = 3
const NUMBER = 4
const STRING = 5
const SIDE_STRING = 6
const TRUE = 7
const FALSE = 8
const NULL = 9
const KEY = 10
const SIDE_KEY = 11
const RECORD = 12
const RAW_RECORD = 13

/** Strings up to this length in ASCII go in the tag bytes; longer ones in `strings`. */
const MAX_INLINE_STRING = 0xffff
/** Key ids are two bytes; past this many, and for long or non-ASCII keys, keys go over as strings. */
const MAX_KEYS = 0x10000
/** Deeper values go over as JSON text (`JSON.stringify` then finds any cycle). */
const MAX_DEPTH = 64
const INITIAL_TAG_BYTES = 1 << 16
const INITIAL_NUMS = 1 << 13
/** A batch that grew buffers past these (one huge payload) does not make every later one as big. */
const MAX_KEPT_TAG_BYTES = 1 << 23
const MAX_KEPT_NUMS = 1 << 20

/** One batch of records, ready to be posted (`tags.buffer` and `nums.buffer` can be transferred). */
export interface EventTapeBatch {
  records: number
  tags: Uint8Array<ArrayBuffer>
  nums: Float64Array<ArrayBuffer>
  strings: string[]
  /** keys first used in this batch, in id order after those of earlier batches */
  keys: string[]
}

interface KeyShape {
  keys: string[]
  ids: number[]
}

/** Writes records (seq, ts, type, payload) to a tape; `take()` ends the batch. */
export class EventTapeWriter {
  private tags = new Uint8Array(INITIAL_TAG_BYTES)
  private nums = new Float64Array(INITIAL_NUMS)
  private t = 0
  private n = 0
  private strings: string[] = []
  private newKeys: string[] = []
  private records = 0
  private readonly keyIds = new Map<string, number>()
  /** the keys met in the last record of each type, in the order they were written, and their ids */
  private readonly shapes = new Map<string, KeyShape>()
  private shape: KeyShape = { keys: [], ids: [] }
  private keyAt = 0

  /** Records written since the last `take()`. */
  get length(): number {
    return this.records
  }

  /**
   * Writes one record and returns true, or writes nothing and returns false when the payload
   * holds a value the tape does not carry; then append its JSON text with `appendJson`.
   */
  append(seq: number, ts: number, type: string, payload: unknown): boolean {
    const t = this.t
    const n = this.n
    const s = this.strings.length
    this.header(RECORD, seq, ts)
    this.writeKey(type, this.keyId(type))
    let shape = this.shapes.get(type)
    if (shape === undefined) {
      shape = { keys: [], ids: [] }
      this.shapes.set(type, shape)
    }
    this.shape = shape
    this.keyAt = 0
    if (this.value(payload, 0)) {
      this.records++
      return true
    }
    // undo the partial record; keys it added stay (the reader learns them all the same)
    this.t = t
    this.n = n
    this.strings.length = s
    return false
  }

  /** Writes one record whose payload is already JSON text. */
  appendJson(seq: number, ts: number, type: string, json: string): void {
    this.header(RAW_RECORD, seq, ts)
    this.writeKey(type, this.keyId(type))
    this.sideIndex(json)
    this.records++
  }

  /** Ends the batch: returns what was written and starts an empty one (the key table stays). */
  take(): EventTapeBatch {
    // the batch keeps the buffers (to be transferred, not copied); the next one starts afresh
    const batch: EventTapeBatch = {
      records: this.records,
      tags: this.tags.subarray(0, this.t),
      nums: this.nums.subarray(0, this.n),
      strings: this.strings,
      keys: this.newKeys
    }
    this.tags = new Uint8Array(this.tags.length > MAX_KEPT_TAG_BYTES ? INITIAL_TAG_BYTES : this.tags.length)
    this.nums = new Float64Array(this.nums.length > MAX_KEPT_NUMS ? INITIAL_NUMS : this.nums.length)
    this.t = 0
    this.n = 0
    this.records = 0
    this.strings = []
    this.newKeys = []
    return batch
  }

  private header(tag: number, seq: number, ts: number): void {
    this.ensureTags(1)
    this.tags[this.t++] = tag
    this.number(seq)
    this.number(ts)
  }

  private value(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case 'number':
        this.ensureTags(1)
        this.tags[this.t++] = NUMBER
        this.number(v)
        return true
      case 'string':
        this.string(v)
        return true
      case 'boolean':
        this.ensureTags(1)
        this.tags[this.t++] = v ? TRUE : FALSE
        return true
      case 'object':
        return this.object(v, depth)
      default:
        // undefined, functions, symbols and bigints at this place: JSON.stringify decides
        return false
    }
  }

  private object(v: object | null, depth: number): boolean {
    this.ensureTags(1)
    if (v === null) {
      this.tags[this.t++] = NULL
      return true
    }
    if (depth >= MAX_DEPTH) return false
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return false
      this.tags[this.t++] = ARRAY
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
          this.ensureTags(1)
          this.tags[this.t++] = NULL
        } else if (!this.value(item, depth + 1)) return false
      }
      this.ensureTags(1)
      this.tags[this.t++] = END
      return true
    }
    const proto: unknown = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return false
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false
    this.tags[this.t++] = OBJECT
    const record = v as Record<string, unknown>
    // for-in visits a plain object's own keys in the order JSON.stringify does
    for (const k in record) {
      const item = record[k]
      // numbers, strings and booleans written here: most of an event's values, one call less each
      switch (typeof item) {
        case 'number':
          this.keyThen(k, NUMBER)
          this.number(item)
          break
        case 'string':
          this.key(k)
          this.string(item)
          break
        case 'boolean':
          this.keyThen(k, item ? TRUE : FALSE)
          break
        case 'undefined':
        case 'function':
        case 'symbol':
          break
        default:
          this.key(k)
          if (!this.value(item, depth + 1)) return false
      }
    }
    this.ensureTags(1)
    this.tags[this.t++] = END
    return true
  }

  /** Writes a key of the payload: most records of a type have the same keys in the same order. */
  private key(k: string): void {
    this.writeKey(k, this.shapeKeyId(k))
  }

  /** A key and the one-byte tag of its value. */
  private keyThen(k: string, tag: number): void {
    const id = this.shapeKeyId(k)
    if (id < 0) {
      this.writeKey(k, id)
      this.ensureTags(1)
      this.tags[this.t++] = tag
      return
    }
    this.ensureTags(4)
    const tags = this.tags
    const t = this.t
    tags[t] = KEY
    tags[t + 1] = id & 0xff
    tags[t + 2] = id >>> 8
    tags[t + 3] = tag
    this.t = t + 4
  }

  private shapeKeyId(k: string): number {
    const i = this.keyAt++
    const shape = this.shape
    if (shape.keys[i] === k) return shape.ids[i]!
    const id = this.keyId(k)
    shape.keys[i] = k
    shape.ids[i] = id
    return id
  }

  /** The key's id in the table, adding it when there is room; -1 for a key spelled out each time. */
  private keyId(k: string): number {
    const known = this.keyIds.get(k)
    if (known !== undefined) return known
    if (this.keyIds.size === MAX_KEYS || !isShortAscii(k)) return -1
    const id = this.keyIds.size
    this.keyIds.set(k, id)
    this.newKeys.push(k)
    return id
  }

  private writeKey(k: string, id: number): void {
    if (id < 0) {
      this.ensureTags(1)
      this.tags[this.t++] = SIDE_KEY
      this.sideIndex(k)
      return
    }
    this.ensureTags(3)
    const tags = this.tags
    tags[this.t] = KEY
    tags[this.t + 1] = id & 0xff
    tags[this.t + 2] = id >>> 8
    this.t += 3
  }

  private string(s: string): void {
    const len = s.length
    if (len <= MAX_INLINE_STRING) {
      this.ensureTags(3 + len)
      const tags = this.tags
      const start = this.t
      let p = start + 3
      let i = 0
      for (; i < len; i++) {
        const c = s.charCodeAt(i)
        if (c > 0x7f) break
        tags[p++] = c
      }
      if (i === len) {
        tags[start] = STRING
        tags[start + 1] = len & 0xff
        tags[start + 2] = len >>> 8
        this.t = p
        return
      }
    }
    this.ensureTags(1)
    this.tags[this.t++] = SIDE_STRING
    this.sideIndex(s)
  }

  private sideIndex(s: string): void {
    this.number(this.strings.length)
    this.strings.push(s)
  }

  private number(x: number): void {
    if (this.n === this.nums.length) this.growNums()
    this.nums[this.n++] = x
  }

  private growNums(): void {
    const bigger = new Float64Array(this.nums.length * 2)
    bigger.set(this.nums)
    this.nums = bigger
  }

  private ensureTags(extra: number): void {
    if (this.t + extra > this.tags.length) this.growTags(extra)
  }

  private growTags(extra: number): void {
    const bigger = new Uint8Array(Math.max(this.tags.length * 2, this.t + extra))
    bigger.set(this.tags.subarray(0, this.t))
    this.tags = bigger
  }
}

function isShortAscii(s: string): boolean {
  if (s.length > 64) return false
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/** Buffer's own methods, without `write`/`toString`'s argument handling. */
interface RawBuffer extends Buffer {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
  utf8Write(text: string, offset: number): number
}

/** Bytes kept free before each row's JSON, for a caller that writes a prefix there (the hash chain's). */
export const ROW_PREFIX_ROOM = 512
const INITIAL_ROW_BYTES = 1 << 16
/** A row buffer grown past this by one huge payload is let go at the next batch. */
const MAX_KEPT_ROW_BYTES = 1 << 23
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c

/**
 * One record read from a tape: its payload is the UTF-8 JSON at `bytes[start, end)`, with
 * ROW_PREFIX_ROOM free bytes before `start`. The same object and bytes are reused for the next
 * record, so a visitor takes what it needs before it returns.
 */
export interface TapeRow {
  seq: number
  ts: number
  type: string
  bytes: RawBuffer
  start: number
  end: number
}

/** A row's payload as text. */
export function rowJson(row: TapeRow): string {
  return row.bytes.utf8Slice(row.start, row.end)
}

/**
 * Reads batches in the order they were taken, keeping the writer's key table, and writes each
 * record's payload as the bytes of the text `JSON.stringify` gives it (no strings are built for
 * it, so a thread that only hashes the rows never makes any).
 */
export class EventTapeReader {
  /** each key as the UTF-8 of its JSON and a colon, by id */
  private readonly keys: Uint8Array[] = []
  /** each key as a string, by id (record types are keys) */
  private readonly names: string[] = []
  private tags: Uint8Array = new Uint8Array(0)
  private text = Buffer.alloc(0) as RawBuffer
  private nums: Float64Array = new Float64Array(0)
  private strings: string[] = []
  private t = 0
  private n = 0
  private out = Buffer.allocUnsafe(INITIAL_ROW_BYTES) as RawBuffer
  private o = 0
  private readonly row: TapeRow = { seq: 0, ts: 0, type: '', bytes: this.out, start: ROW_PREFIX_ROOM, end: ROW_PREFIX_ROOM }

  read(batch: EventTapeBatch, visit: (row: TapeRow) => void): void {
    for (const k of batch.keys) {
      this.names.push(k)
      this.keys.push(Buffer.from(`${JSON.stringify(k)}:`, 'utf8'))
    }
    if (this.out.length > MAX_KEPT_ROW_BYTES) this.out = Buffer.allocUnsafe(INITIAL_ROW_BYTES) as RawBuffer
    this.tags = batch.tags
    this.text = Buffer.from(batch.tags.buffer, batch.tags.byteOffset, batch.tags.byteLength) as RawBuffer
    this.nums = batch.nums
    this.strings = batch.strings
    this.t = 0
    this.n = 0
    const row = this.row
    for (let r = 0; r < batch.records; r++) {
      const tag = this.tags[this.t++]
      row.seq = this.nums[this.n++]!
      row.ts = this.nums[this.n++]!
      row.type = this.typeName()
      this.o = ROW_PREFIX_ROOM
      if (tag === RECORD) this.value()
      else if (tag === RAW_RECORD) this.utf8(this.strings[this.nums[this.n++]!]!)
      else throw new Error(`event tape: record ${r} starts with tag ${String(tag)}`)
      row.bytes = this.out
      row.end = this.o
      visit(row)
    }
    if (this.t !== this.tags.length) throw new Error(`event tape: ${this.tags.length - this.t} bytes after the last record`)
  }

  private typeName(): string {
    const tag = this.tags[this.t++]
    if (tag === KEY) return this.names[this.keyId()]!
    if (tag === SIDE_KEY) return this.strings[this.nums[this.n++]!]!
    throw new Error(`event tape: a record type is tagged ${String(tag)}`)
  }

  private keyId(): number {
    const id = this.tags[this.t]! | (this.tags[this.t + 1]! << 8)
    this.t += 2
    return id
  }

  private value(): void {
    const tag = this.tags[this.t++]
    switch (tag) {
      case NUMBER: {
        const x = this.nums[this.n++]!
        if (Number.isSafeInteger(x)) {
          this.ensure(17)
          this.o = writeInteger(this.out, this.o, x)
        } else this.ascii(Number.isFinite(x) ? String(x) : 'null')
        return
      }
      case STRING:
        this.inlineString()
        return
      case SIDE_STRING:
        this.utf8(JSON.stringify(this.strings[this.nums[this.n++]!]))
        return
      case TRUE:
        this.ascii('true')
        return
      case FALSE:
        this.ascii('false')
        return
      case NULL:
        this.ascii('null')
        return
      case ARRAY:
        this.byte(0x5b)
        for (let first = true; this.tags[this.t] !== END; first = false) {
          if (!first) this.byte(COMMA)
          this.value()
        }
        this.t++
        this.byte(0x5d)
        return
      case OBJECT:
        this.byte(0x7b)
        for (let first = true; this.tags[this.t] !== END; first = false) {
          if (!first) this.byte(COMMA)
          if (this.tags[this.t++] === KEY) this.bytes(this.keys[this.keyId()]!)
          else this.utf8(`${JSON.stringify(this.strings[this.nums[this.n++]!])}:`)
          this.value()
        }
        this.t++
        this.byte(0x7d)
        return
      default:
        throw new Error(`event tape: unknown tag ${String(tag)} at byte ${this.t - 1}`)
    }
  }

  /** An ASCII string from the tag bytes, quoted; one that needs escapes goes through JSON.stringify. */
  private inlineString(): void {
    const tags = this.tags
    const len = tags[this.t]! | (tags[this.t + 1]! << 8)
    const start = this.t + 2
    const end = start + len
    this.t = end
    for (let i = start; i < end; i++) {
      const c = tags[i]!
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) {
        this.ascii(JSON.stringify(this.text.latin1Slice(start, end)))
        return
      }
    }
    this.ensure(len + 2)
    const out = this.out
    let o = this.o
    out[o++] = QUOTE
    for (let i = start; i < end; i++) out[o++] = tags[i]!
    out[o++] = QUOTE
    this.o = o
  }

  private ascii(s: string): void {
    this.ensure(s.length)
    const out = this.out
    let o = this.o
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i)
    this.o = o
  }

  private utf8(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.ensure(3 * s.length)
    this.o += this.out.utf8Write(s, this.o)
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length)
    const out = this.out
    let o = this.o
    for (let i = 0; i < b.length; i++) out[o++] = b[i]!
    this.o = o
  }

  private byte(b: number): void {
    this.ensure(1)
    this.out[this.o++] = b
  }

  private ensure(extra: number): void {
    if (this.o + extra > this.out.length) this.grow(extra)
  }

  private grow(extra: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.o + extra)) as RawBuffer
    this.out.copy(bigger, 0, 0, this.o)
    this.out = bigger
  }
}
