import { createHash, hash } from 'node:crypto'

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

interface Utf8Writable {
  utf8Write(text: string, offset: number): number
}

/**
 * A stretch of the chain whose hash inputs sit one after another in one reusable byte buffer:
 * row n is `hash_{n-1} \n seq \n ts \n type \n payloadJson` in UTF-8, so its payload is a slice
 * of it and hash_n is the first 64 bytes of row n+1. Appends keep bytes here instead of strings:
 * strings held until a batch commits outlive the young generation, and the heap grows by the
 * whole journal's text before a full collection frees it.
 */
export class ChainBuffer {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES)
  private used = 0
  /** byte offset of each row's start and of its payload; a row ends where the next starts */
  private readonly rowStart: number[] = []
  private readonly payloadStart: number[] = []
  private last: string

  /** `head`: the hash the next row chains from. */
  constructor(head: string) {
    this.last = head
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
    const prefix = `${this.last}\n${seq}\n${ts}\n${type}\n`
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    const need = this.used + 3 * (prefix.length + payloadJson.length)
    if (need > this.bytes.length) this.grow(need)
    // utf8Write: Buffer#write without its argument juggling, which cost more than the copy
    const bytes = this.bytes as Buffer & Utf8Writable
    const start = this.used
    const payload = start + bytes.utf8Write(prefix, start)
    const end = payload + bytes.utf8Write(payloadJson, payload)
    this.used = end
    this.rowStart.push(start)
    this.payloadStart.push(payload)
    this.last = hash('sha256', bytes.subarray(start, end), 'hex')
    return this.last
  }

  /** Row i's payload JSON. */
  payload(i: number): string {
    return this.bytes.toString('utf8', this.payloadStart[i]!, i + 1 < this.rowStart.length ? this.rowStart[i + 1]! : this.used)
  }

  /** Row i's hash. */
  hash(i: number): string {
    if (i + 1 === this.rowStart.length) return this.last
    const at = this.rowStart[i + 1]!
    return this.bytes.toString('latin1', at, at + HASH_HEX_LENGTH)
  }

  /** Forgets the rows (the head stays); the buffer is kept for the next ones unless one huge batch grew it. */
  clear(): void {
    this.used = 0
    this.rowStart.length = 0
    this.payloadStart.length = 0
    if (this.bytes.length > MAX_KEPT_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_BYTES)
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.bytes.length))
    this.bytes.copy(bigger, 0, 0, this.used)
    this.bytes = bigger
  }
}
