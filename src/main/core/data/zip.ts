import { crc32, inflateRawSync } from 'node:zlib'
import { DataFormatError } from './errors'

/** One member of a zip archive, decompressed. */
export interface ZipEntry {
  name: string
  data: Buffer
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_SIZE = 22
/** a 32-bit size or offset of all ones: the real value is in the ZIP64 extra field */
const FULL = 0xffffffff
/** The end record may be followed by a comment of up to 65,535 bytes. */
const MAX_COMMENT = 0xffff

/**
 * Reads every file of a zip archive held in `buf` (what LEAN writes: stored or deflated members,
 * no encryption; ZIP64 sizes in the extra field, not ZIP64 end records). The central directory gives each member's sizes, method and CRC; the
 * local header only where its data starts. Any inconsistency (a cut-off file, a bad signature, a
 * CRC mismatch) is a DataFormatError naming `file` and the member.
 */
export function readZip(buf: Buffer, file: string): ZipEntry[] {
  const fail = (message: string): never => {
    throw new DataFormatError(`broken zip: ${message}`, { file })
  }
  const eocd = findEndRecord(buf)
  if (eocd < 0) {
    return fail(buf.length >= 4 && buf.readUInt32LE(0) === LOCAL_SIGNATURE ? 'no end-of-central-directory record (the file is truncated)' : 'not a zip archive')
  }
  const count = buf.readUInt16LE(eocd + 10)
  const dirSize = buf.readUInt32LE(eocd + 12)
  const dirStart = buf.readUInt32LE(eocd + 16)
  if (count === 0xffff || dirStart === FULL) fail('ZIP64 archives are not supported')
  if (dirStart + dirSize > eocd) fail(`central directory (offset ${dirStart}, ${dirSize} bytes) runs past its end record at ${eocd}`)
  const entries: ZipEntry[] = []
  let p = dirStart
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL_SIGNATURE) fail(`central directory entry ${k + 1} of ${count} is missing or damaged`)
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const crc = buf.readUInt32LE(p + 16)
    let packed = buf.readUInt32LE(p + 20)
    let size = buf.readUInt32LE(p + 24)
    const nameLength = buf.readUInt16LE(p + 28)
    const extraLength = buf.readUInt16LE(p + 30)
    const commentLength = buf.readUInt16LE(p + 32)
    let local = buf.readUInt32LE(p + 42)
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength)
    if (size === FULL || packed === FULL || local === FULL) {
      // LEAN's zips (DotNetZip) give the sizes in a ZIP64 extra field even for small files
      const z = zip64Fields(buf, p + 46 + nameLength, extraLength)
      if (z === null) fail(`${name}: sizes are marked ZIP64 but the entry has no ZIP64 extra field`)
      let k = 0
      const next = (): number => {
        if (k >= z!.length) fail(`${name}: its ZIP64 extra field is too short`)
        return z![k++]
      }
      if (size === FULL) size = next()
      if (packed === FULL) packed = next()
      if (local === FULL) local = next()
    }
    p += 46 + nameLength + extraLength + commentLength
    if (name.endsWith('/')) continue
    if (flags & 1) fail(`${name} is encrypted`)
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL_SIGNATURE) fail(`${name}: local header at offset ${local} is missing or damaged`)
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    if (start + packed > buf.length) fail(`${name}: its ${packed} compressed bytes run past the end of the file (truncated)`)
    const raw = buf.subarray(start, start + packed)
    let data: Buffer
    if (method === 0) data = raw
    else if (method === 8) {
      try {
        // no more than the size the directory states: a crafted entry cannot inflate without bound
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size) })
      } catch (err) {
        return fail(`${name}: deflate data is damaged (${(err as Error).message})`)
      }
    } else return fail(`${name}: compression method ${method} is not supported (only stored and deflate)`)
    if (data.length !== size) fail(`${name}: ${data.length} bytes after decompression, the directory says ${size}`)
    if (crc32(data) >>> 0 !== crc) fail(`${name}: CRC mismatch (the data is damaged)`)
    entries.push({ name, data })
  }
  return entries
}

/** The 8-byte values of the ZIP64 extra field (id 1) among the extra fields at `start`, or null. */
function zip64Fields(buf: Buffer, start: number, length: number): number[] | null {
  let q = start
  const end = Math.min(start + length, buf.length)
  while (q + 4 <= end) {
    const id = buf.readUInt16LE(q)
    const len = buf.readUInt16LE(q + 2)
    if (id === 1) {
      const values: number[] = []
      for (let r = q + 4; r + 8 <= Math.min(q + 4 + len, end); r += 8) values.push(Number(buf.readBigUInt64LE(r)))
      return values
    }
    q += 4 + len
  }
  return null
}

/** Offset of the end-of-central-directory record, searching back over a possible comment; -1 if none. */
function findEndRecord(buf: Buffer): number {
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT)
  for (let i = buf.length - EOCD_SIZE; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + buf.readUInt16LE(i + 20) === buf.length) return i
  }
  return -1
}

/** Does the buffer start like a zip archive (a local file header)? */
export function looksLikeZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === LOCAL_SIGNATURE
}
