import { createReadStream, promises as fsp } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import { DataFormatError } from './errors'

const CHUNK_BYTES = 1 << 20

/**
 * A text file read as a stream of decoded chunks: gzip is recognised by its magic bytes (not the
 * name), a UTF-8 BOM is dropped, a UTF-16LE BOM switches the decoder. A gzip stream that ends early
 * is not an error here: `truncated` is set and the text read so far is delivered, so the importer
 * can report the cut-off last line like any other truncated file.
 */
export class TextFile {
  totalBytes = 0
  gzip = false
  truncated = false

  private raw: ReturnType<typeof createReadStream> | undefined
  private doneBytes = 0

  constructor(readonly path: string) {}

  /** Bytes read from disk so far (compressed bytes for gzip), for progress. */
  get bytesRead(): number {
    return this.raw ? this.raw.bytesRead : this.doneBytes
  }

  async *chunks(): AsyncGenerator<string> {
    let head: Buffer
    try {
      const stat = await fsp.stat(this.path)
      if (!stat.isFile()) throw new DataFormatError('not a regular file', { file: this.path })
      this.totalBytes = stat.size
      const fh = await fsp.open(this.path, 'r')
      try {
        head = Buffer.alloc(4)
        const { bytesRead } = await fh.read(head, 0, 4, 0)
        head = head.subarray(0, bytesRead)
      } finally {
        await fh.close()
      }
    } catch (cause) {
      if (cause instanceof DataFormatError) throw cause
      throw new DataFormatError(`cannot open: ${(cause as Error).message}`, { file: this.path, cause })
    }
    this.gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
    this.truncated = false
    const raw = createReadStream(this.path, { highWaterMark: CHUNK_BYTES })
    this.raw = raw
    let stream: Readable = raw
    if (this.gzip) {
      const gunzip = createGunzip({ chunkSize: CHUNK_BYTES })
      raw.on('error', (e) => gunzip.destroy(e))
      stream = raw.pipe(gunzip)
    }
    let decoder: StringDecoder | undefined
    try {
      for await (const buf of stream as AsyncIterable<Buffer>) {
        let b = buf
        if (!decoder) {
          if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
            decoder = new StringDecoder('utf16le')
            b = b.subarray(2)
          } else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
            throw new DataFormatError('UTF-16BE text is not supported; save the file as UTF-8', { file: this.path })
          } else {
            decoder = new StringDecoder('utf8')
            if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3)
          }
        }
        const text = decoder.write(b)
        if (text.length) yield text
      }
    } catch (cause) {
      if (cause instanceof DataFormatError) throw cause
      const code = (cause as { code?: string }).code
      if (this.gzip && code === 'Z_BUF_ERROR') this.truncated = true
      else throw new DataFormatError(`read failed: ${(cause as Error).message}`, { file: this.path, cause })
    } finally {
      this.doneBytes = raw.bytesRead
      this.raw = undefined
      raw.destroy()
      if (stream !== raw) stream.destroy()
    }
    const rest = decoder?.end()
    if (rest) yield rest
  }

  /** The first `maxChars` (or so) decoded characters, for format detection. */
  async sample(maxChars: number): Promise<string> {
    let out = ''
    for await (const text of this.chunks()) {
      out += text
      if (out.length >= maxChars) break
    }
    return out
  }
}
