import type { TextFile } from './text-file'

/** Receives parsed rows: field k is text[starts[k], ends[k]) for k < min(count, MAX_FIELDS). */
export interface RowSink {
  /**
   * `line` is the 1-based physical line (CSV) or record number (JSON); `last` is true for a final
   * row with no terminator after it, i.e. one that may have been cut off.
   */
  row(text: string, starts: Int32Array, ends: Int32Array, count: number, line: number, last: boolean): void
}

export const MAX_FIELDS = 64

/** Splits one line into trimmed fields without allocating (positions only). */
export class FieldSplitter {
  readonly starts = new Int32Array(MAX_FIELDS)
  readonly ends = new Int32Array(MAX_FIELDS)
  private readonly code: number

  constructor(
    readonly delimiter: string,
    readonly quoted: boolean
  ) {
    this.code = delimiter.charCodeAt(0)
  }

  /** Returns the number of fields; positions past MAX_FIELDS are not stored. */
  split(text: string, start: number, end: number): number {
    return this.quoted ? this.splitQuoted(text, start, end) : this.splitPlain(text, start, end)
  }

  private splitPlain(text: string, start: number, end: number): number {
    const delim = this.delimiter
    const tab = this.code === 9
    let count = 0
    let pos = start
    for (;;) {
      let stop = text.indexOf(delim, pos)
      const lastField = stop === -1 || stop >= end
      if (lastField) stop = end
      if (count < MAX_FIELDS) {
        let s = pos
        let e = stop
        while (s < e && isBlank(text.charCodeAt(s), tab)) s++
        while (e > s && isBlank(text.charCodeAt(e - 1), tab)) e--
        this.starts[count] = s
        this.ends[count] = e
      }
      count++
      if (lastField) return count
      pos = stop + 1
    }
  }

  /** RFC 4180 quoting: `"a,b"` is one field; `""` inside quotes is a literal quote (kept as two characters). */
  private splitQuoted(text: string, start: number, end: number): number {
    const tab = this.code === 9
    let count = 0
    let i = start
    for (;;) {
      while (i < end && isBlank(text.charCodeAt(i), tab)) i++
      let s: number
      let e: number
      if (i < end && text.charCodeAt(i) === 34) {
        s = ++i
        while (i < end) {
          if (text.charCodeAt(i) === 34) {
            if (i + 1 < end && text.charCodeAt(i + 1) === 34) i += 2
            else break
          } else i++
        }
        e = i
        if (i < end) i++
        while (i < end && text.charCodeAt(i) !== this.code) i++
      } else {
        s = i
        while (i < end && text.charCodeAt(i) !== this.code) i++
        e = i
        while (e > s && isBlank(text.charCodeAt(e - 1), tab)) e--
      }
      if (count < MAX_FIELDS) {
        this.starts[count] = s
        this.ends[count] = e
      }
      count++
      if (i >= end) return count
      i++
    }
  }
}

function isBlank(c: number, tab: boolean): boolean {
  return c === 32 || (c === 9 && !tab)
}

export interface CsvLayout {
  delimiter: string
  quoted: boolean
  /** Lines to skip before data (the header line and anything above it). */
  skipLines: number
  /** '\n' normally; '\r' for old Mac files with bare CR line ends. */
  newline: '\n' | '\r'
}

/**
 * Streams the file line by line into `sink`: CRLF, blank lines and a missing final newline are
 * handled here; `onChunk` runs after each decoded chunk (for progress).
 */
export async function readCsvRows(file: TextFile, layout: CsvLayout, sink: RowSink, onChunk?: () => void): Promise<number> {
  const splitter = new FieldSplitter(layout.delimiter, layout.quoted)
  const starts = splitter.starts
  const ends = splitter.ends
  const nl = layout.newline
  const skip = layout.skipLines
  let lineNo = 0
  let carry = ''
  const emit = (text: string, s: number, e: number, last: boolean): void => {
    lineNo++
    if (e > s && text.charCodeAt(e - 1) === 13) e--
    if (lineNo <= skip || e === s) return
    const count = splitter.split(text, s, e)
    if (count === 1 && starts[0] === ends[0]) return
    sink.row(text, starts, ends, count, lineNo, last)
  }
  for await (const chunk of file.chunks()) {
    const text = carry.length ? carry + chunk : chunk
    let pos = 0
    for (;;) {
      const stop = text.indexOf(nl, pos)
      if (stop === -1) break
      // Inlined fast path of emit() for the common case.
      lineNo++
      let e = stop
      if (e > pos && text.charCodeAt(e - 1) === 13) e--
      if (lineNo > skip && e > pos) {
        const count = splitter.split(text, pos, e)
        if (count !== 1 || starts[0] !== ends[0]) sink.row(text, starts, ends, count, lineNo, false)
      }
      pos = stop + 1
    }
    carry = pos < text.length ? text.slice(pos) : ''
    if (onChunk) onChunk()
  }
  if (carry.length) emit(carry, 0, carry.length, true)
  return lineNo
}
