import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export interface RotationOptions {
  /** size cap of one file in bytes; default 5 MB */
  maxBytes?: number
  /** files kept, the current one included; default 5 */
  maxFiles?: number
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024
export const DEFAULT_MAX_FILES = 5

/**
 * An append-only text file that rotates at a size cap: `name` is the current file, `name.1` the
 * one before it, … up to `name.<maxFiles-1>`; the oldest is deleted. Writes are synchronous so
 * the line of a crash is on disk before the process goes.
 */
export class RotatingFile {
  readonly maxBytes: number
  readonly maxFiles: number
  private fd: number | null = null
  private size = 0

  constructor(
    readonly dir: string,
    readonly name: string,
    options: RotationOptions = {}
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    this.maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_MAX_FILES)
    if (!(this.maxBytes >= 256)) throw new RangeError(`log file cap must be at least 256 bytes, got ${this.maxBytes}`)
  }

  get path(): string {
    return join(this.dir, this.name)
  }

  /** The files that exist, newest first. */
  files(): string[] {
    const out: string[] = []
    for (let i = 0; i < this.maxFiles; i++) {
      const p = i === 0 ? this.path : `${this.path}.${i}`
      if (existsSync(p)) out.push(p)
    }
    return out
  }

  write(text: string): void {
    let bytes = Buffer.from(text, 'utf8')
    // one line never outgrows a whole file
    if (bytes.length > this.maxBytes) bytes = Buffer.concat([bytes.subarray(0, this.maxBytes - 40), Buffer.from(' … [line truncated]\n')])
    const fd = this.open()
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) {
      this.rotate()
      this.write(bytes.toString('utf8'))
      return
    }
    writeSync(fd, bytes)
    this.size += bytes.length
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private open(): number {
    if (this.fd === null) {
      mkdirSync(this.dir, { recursive: true })
      this.fd = openSync(this.path, 'a')
      this.size = fstatSync(this.fd).size
    }
    return this.fd
  }

  private rotate(): void {
    this.close()
    const at = (i: number) => (i === 0 ? this.path : `${this.path}.${i}`)
    rmSync(at(this.maxFiles - 1), { force: true })
    for (let i = this.maxFiles - 2; i >= 0; i--) if (existsSync(at(i))) renameSync(at(i), at(i + 1))
    this.size = 0
  }
}
