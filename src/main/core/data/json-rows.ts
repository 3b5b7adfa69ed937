import { MAX_FIELDS, type RowSink } from './csv-reader'
import { DataFormatError } from './errors'
import type { TextFile } from './text-file'

/** Token kinds reported per field of a JSON row. */
export const JSON_NUMBER = 0
export const JSON_STRING = 1
export const JSON_NULL = 2

export interface JsonRowSink extends RowSink {
  /** Token kind of each field of the row being delivered (JSON_NUMBER, JSON_STRING, JSON_NULL). */
  kinds: Uint8Array
  /** A record that the end of the file cut off. */
  truncated(record: number, detail: string): void
}

/**
 * Streams the "leaf arrays" of a JSON document (arrays whose elements are all scalars, such as
 * `[ms, o, h, l, c, v]` candles or freqtrade trade rows) into `sink`, one row per array, numbered
 * 1, 2, … in document order. Works on any nesting (`{"result":{"XBTUSDT":[[…],…]}}`), never
 * builds the document in memory, and hands fields over as text positions (strings without quotes).
 */
export async function readJsonRows(file: TextFile, sink: JsonRowSink, onChunk?: () => void): Promise<number> {
  const starts = new Int32Array(MAX_FIELDS)
  const ends = new Int32Array(MAX_FIELDS)
  const kinds = sink.kinds
  // Open containers: 1 = array with only scalars so far (a leaf candidate), 2 = other array, 3 = object.
  const stack: number[] = []
  let record = 0
  let carry = ''
  let count = 0
  let offset = 0
  let leafStart = -1

  for await (const chunk of file.chunks()) {
    const text = carry.length ? carry + chunk : chunk
    const base = offset - carry.length
    let i = 0
    let resume = text.length
    const n = text.length
    scan: while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 58) {
        i++
        continue
      }
      if (c === 91 /* [ */ || c === 123 /* { */) {
        const top = stack.length ? stack[stack.length - 1] : 0
        if (top === 1) stack[stack.length - 1] = 2
        if (c === 91) {
          stack.push(1)
          leafStart = i
          count = 0
        } else {
          stack.push(3)
          leafStart = -1
        }
        i++
        continue
      }
      if (c === 93 /* ] */ || c === 125 /* } */) {
        const top = stack.pop()
        if (top === undefined || (c === 93) !== (top !== 3)) {
          throw new DataFormatError(`unexpected ${String.fromCharCode(c)} at character ${base + i + 1}`, { file: file.path })
        }
        if (top === 1 && count > 0) {
          record++
          sink.row(text, starts, ends, count, record, false)
        }
        leafStart = -1
        i++
        continue
      }
      const inLeaf = stack.length > 0 && stack[stack.length - 1] === 1
      const tokenStart = i
      let s: number
      let e: number
      let kind: number
      if (c === 34 /* " */) {
        i++
        while (i < n) {
          const d = text.charCodeAt(i)
          if (d === 92) i += 2
          else if (d === 34) break
          else i++
        }
        if (i >= n) {
          resume = inLeaf ? leafStart : tokenStart
          break scan
        }
        s = tokenStart + 1
        e = i
        i++
        kind = JSON_STRING
      } else {
        while (i < n) {
          const d = text.charCodeAt(i)
          if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9 || d === 58) break
          i++
        }
        if (i >= n) {
          resume = inLeaf ? leafStart : tokenStart
          break scan
        }
        s = tokenStart
        e = i
        const first = text.charCodeAt(s)
        if (first === 110 /* n */) {
          if (text.slice(s, e) !== 'null') throw badToken(file, text, s, e, base)
          kind = JSON_NULL
        } else {
          if (!((first >= 48 && first <= 57) || first === 45 || first === 116 || first === 102)) throw badToken(file, text, s, e, base)
          kind = JSON_NUMBER
        }
      }
      if (inLeaf) {
        if (count < MAX_FIELDS) {
          starts[count] = s
          ends[count] = e
          kinds[count] = kind
        }
        count++
      }
    }
    if (resume === n && leafStart >= 0 && stack[stack.length - 1] === 1) resume = leafStart
    if (resume < n) {
      // Re-scan the unfinished leaf array (or token) with the next chunk: undo its state.
      if (leafStart >= 0 && resume === leafStart) {
        stack.pop()
        leafStart = -1
      }
      carry = text.slice(resume)
    } else carry = ''
    offset += chunk.length
    if (onChunk) onChunk()
  }
  if (carry.length || stack.length) {
    const trimmed = carry.trim()
    if (trimmed.startsWith('[') && !trimmed.slice(1).includes('[')) sink.truncated(record + 1, 'record is cut off at the end of the file')
    else if (trimmed.length) sink.truncated(record + 1, 'JSON document ends inside a value')
    else sink.truncated(record, 'JSON document ends before its closing bracket: the file may be cut off after this record')
  }
  return record
}

function badToken(file: TextFile, text: string, s: number, e: number, base: number): DataFormatError {
  const token = text.slice(s, Math.min(e, s + 20))
  return new DataFormatError(`unexpected JSON token ${JSON.stringify(token)} at character ${base + s + 1}`, { file: file.path })
}
