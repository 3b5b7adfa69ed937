import { createHash, hash } from 'node:crypto'
import { writeIntegerBefore } from './ascii-digits'

/** Seed of every chain. It does not depend on the session, so two identical runs hash alike. */
export const GENESIS_TEXT = 'theorycraft-journal-v1'

/** Length of a chain hash: sha256 in hex. */
const HASH_HEX_LENGTH = 64
const INITIAL_BYTES = 1 << 16
/** A batch of the default size takes well under this; a bigger buffer is not kept between batches. */
const MAX_KEPT_BYTES = 1 << 25

/** hash_0 of every session's chain: sha256 of GENESIS_TEXT (hex). */
export function genesisHash(): string {
  return createHash('sha256').update(GENESIS_TEXT, 'utf8').digest('hex')
}

/** hash_n = sha256(hash_{n-1} \n seq \n ts \n type \n payloadJson), hex. */
export function chainHash(prev: string, seq: number, ts: number, type: string, payloadJson: string): string {
  // One-shot hash: no Hash object per event (the journal hashes every event it appends).
  return hash('sha256', `${prev}\n${seq}\n${ts}\n${type}\n${payloadJson}`, 'hex')
}

/** A row whose payload is UTF-8 JSON at `bytes[start, end)`, with free bytes before `start`. */
export interface PayloadBytes {
  seq: number
  ts: number
  type: string
  bytes: Buffer & { utf8Write(text: string, offset: number): number; utf8Slice(start: number, end: number): string }
  start: number
  end: number
}

/** The longest record type whose prefix is written byte by byte (longer ones take the text path). */
const MAX_BYTE_PREFIX_TYPE = 128
const NEWLINE = 0x0a

/**
 * The hash after `row`, the same as `chainHash(prev, seq, ts, type, payload)`: the prefix is
 * written into the free bytes before the payload and the bytes are hashed where they lie. The
 * prefix is written byte by byte, backwards, with no string made for it; a head or type that is
 * not ASCII, or a prefix with no room, takes the text path.
 */
export function chainHashBytes(prev: string, row: PayloadBytes): string {
  const { bytes, type } = row
  if (
    prev.length === HASH_HEX_LENGTH &&
    type.length <= MAX_BYTE_PREFIX_TYPE &&
    Number.isSafeInteger(row.seq) &&
    Number.isSafeInteger(row.ts) &&
    row.start >= HASH_HEX_LENGTH + MAX_BYTE_PREFIX_TYPE + 2 * 17 + 4
  ) {
    let p = row.start
    bytes[--p] = NEWLINE
    let ascii = true
    for (let i = type.length - 1; i >= 0; i--) {
      const c = type.charCodeAt(i)
      if (c > 0x7f) ascii = false
      bytes[--p] = c
    }
    bytes[--p] = NEWLINE
    p = writeIntegerBefore(bytes, p, row.ts)
    bytes[--p] = NEWLINE
    p = writeIntegerBefore(bytes, p, row.seq)
    bytes[--p] = NEWLINE
    for (let i = HASH_HEX_LENGTH - 1; i >= 0; i--) {
      const c = prev.charCodeAt(i)
      if (c > 0x7f) ascii = false
      bytes[--p] = c
    }
    if (ascii) return hash('sha256', new Uint8Array(bytes.buffer, bytes.byteOffset + p, row.end - p), 'hex')
  }
  const prefix = `${prev}\n${row.seq}\n${row.ts}\n${type}\n`
  const length = Buffer.byteLength(prefix, 'utf8')
  if (length > row.start) return chainHash(prev, row.seq, row.ts, type, row.bytes.utf8Slice(row.start, row.end))
  const from = row.start - length
  row.bytes.utf8Write(prefix, from)
  return hash('sha256', new Uint8Array(row.bytes.buffer, row.bytes.byteOffset + from, row.end - from), 'hex')
}

/** Buffer's own methods behind write() and toString(), without their argument handling. */
interface RawBuffer extends Buffer {
  utf8Write(text: string, offset: number): number
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
}

/** A stretch of the chain not yet stored: each row's payload and hash, and the head after them. */
export interface ChainRows {
  /** Hash of the last row (or the starting head while there is none). */
  readonly head: string
  /** Rows held. */
  readonly length: number
  /** Appends one row after the head and returns its hash, the new head (the same as `chainHash`). */
  push(seq: number, ts: number, type: string, payloadJson: string): string
  /** Row i's payload JSON. */
  payload(i: number): string
  /** Row i's hash. */
  hash(i: number): string
  /** Forgets the rows; the head stays. */
  clear(): void
}

/** Rows as strings: cheapest while they are few enough to die young. */
export class ChainStrings implements ChainRows {
  private readonly payloads: string[] = []
  private readonly hashes: string[] = []
  private last: string

  constructor(head: string) {
    this.last = head
  }

  get head(): string {
    return this.last
  }

  get length(): number {
    return this.payloads.length
  }

  push(seq: number, ts: number, type: string, payloadJson: string): string {
    this.last = chainHash(this.last, seq, ts, type, payloadJson)
    this.payloads.push(payloadJson)
    this.hashes.push(this.last)
    return this.last
  }

  payload(i: number): string {
    return this.payloads[i]!
  }

  hash(i: number): string {
    return this.hashes[i]!
  }

  clear(): void {
    this.payloads.length = 0
    this.hashes.length = 0
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false
  return true
}

/**
 * Rows whose hash inputs sit one after another in one reusable byte buffer: row n is
 * `hash_{n-1} \n seq \n ts \n type \n payloadJson` in UTF-8, so its payload is a slice of it and
 * hash_n is the first 64 bytes of row n+1. For large batches: strings held until a batch
 * commits outlive the young generation, and the heap grows by the whole journal's text before a
 * full collection frees it; these bytes cost about 0.3 µs more per row to write and read back,
 * and no garbage.
 */
export class ChainBuffer implements ChainRows {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES) as RawBuffer
  private used = 0
  /** byte offset of each row's start and of its payload; a row ends where the next starts */
  private readonly rowStart: number[] = []
  private readonly payloadStart: number[] = []
  private last: string
  /** whether `last` is ASCII: a hash this buffer computed always is, a head handed in may not be */
  private lastAscii: boolean

  /** `head`: the hash the next row chains from. */
  constructor(head: string) {
    this.last = head
    this.lastAscii = isAscii(head)
  }

  /** Hash of the last row (or the starting head while there is none). */
  get head(): string {
    return this.last
  }

  /** Rows held. */
  get length(): number {
    return this.rowStart.length
  }

  /** Appends one row after the head and returns its hash, the new head (the same as `chainHash`). */
  push(seq: number, ts: number, type: string, payloadJson: string): string {
    const row = `${this.last}\n${seq}\n${ts}\n${type}\n${payloadJson}`
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.used + 3 * row.length > this.bytes.length) this.grow(this.used + 3 * row.length)
    const bytes = this.bytes
    const start = this.used
    // the raw method: write()'s argument handling cost more than the copy
    const end = start + bytes.utf8Write(row, start)
    this.used = end
    this.rowStart.push(start)
    // hex head, digits and an ASCII type: the prefix has as many bytes as characters
    this.payloadStart.push(this.lastAscii && isAscii(type) ? start + row.length - payloadJson.length : end - Buffer.byteLength(payloadJson, 'utf8'))
    // a plain view: Buffer#subarray builds a Buffer, which costs more
    this.last = hash('sha256', new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start), 'hex')
    this.lastAscii = true
    return this.last
  }

  /** Row i's payload JSON. */
  payload(i: number): string {
    return this.bytes.utf8Slice(this.payloadStart[i]!, i + 1 < this.rowStart.length ? this.rowStart[i + 1]! : this.used)
  }

  /** Row i's hash. */
  hash(i: number): string {
    if (i + 1 === this.rowStart.length) return this.last
    const at = this.rowStart[i + 1]!
    return this.bytes.latin1Slice(at, at + HASH_HEX_LENGTH)
  }

  /** Forgets the rows (the head stays); the buffer is kept for the next ones unless one huge batch grew it. */
  clear(): void {
    this.used = 0
    this.rowStart.length = 0
    this.payloadStart.length = 0
    if (this.bytes.length > MAX_KEPT_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_BYTES) as RawBuffer
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.bytes.length)) as RawBuffer
    this.bytes.copy(bigger, 0, 0, this.used)
    this.bytes = bigger
  }
}
