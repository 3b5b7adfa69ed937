import { closeSync, openSync, writeSync } from 'node:fs'

const CHUNK_CHARS = 1 << 20

/**
 * Writes `JSON.stringify(value, null, 2)` to a file without building it as one string: a long
 * run's report (a million cancelled stop orders) is larger than the longest string V8 can make.
 * The outer `depth` levels of arrays and plain objects are written item by item; what lies
 * below is stringified one item at a time. The file's text is the same as JSON.stringify's.
 */
export function writeJsonFile(file: string, value: unknown, options: { depth?: number; chunkChars?: number } = {}): void {
  const fd = openSync(file, 'w')
  try {
    const out = new ChunkedWriter(fd, options.chunkChars ?? CHUNK_CHARS)
    const text = writeValue(out, value, '', options.depth ?? 2)
    if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`)
    out.write(text)
    out.flush()
  } finally {
    closeSync(fd)
  }
}

class ChunkedWriter {
  private pending = ''

  constructor(
    private readonly fd: number,
    private readonly chunkChars: number
  ) {}

  write(text: string): void {
    this.pending += text
    if (this.pending.length >= this.chunkChars) this.flush()
  }

  flush(): void {
    if (this.pending.length > 0) writeSync(this.fd, this.pending)
    this.pending = ''
  }
}

/** What JSON.stringify drops from an object and writes as null in an array. */
function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol'
}

/**
 * Writes the value's text, or returns it when it is short enough to be a string (a leaf, or
 * anything below the streamed depth); undefined when it has no JSON form.
 */
function writeValue(out: ChunkedWriter, value: unknown, indent: string, depth: number): string | undefined {
  if (!isStreamed(value, depth)) return leafText(value, indent)
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    out.write('[')
    for (let i = 0; i < value.length; i++) {
      out.write(i === 0 ? `\n${inner}` : `,\n${inner}`)
      const item: unknown = value[i]
      out.write(isSkipped(item) ? 'null' : (writeValue(out, item, inner, depth - 1) ?? 'null'))
    }
    out.write(`\n${indent}`)
    return ']'
  }
  let first = true
  for (const [key, item] of Object.entries(value)) {
    if (isSkipped(item)) continue
    // a leaf is written whole, and left out like JSON.stringify leaves it out (toJSON giving undefined)
    const text = isStreamed(item, depth - 1) ? null : leafText(item, inner)
    if (text === undefined) continue
    out.write(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `)
    first = false
    out.write(text ?? writeValue(out, item, inner, depth - 1)!)
  }
  if (first) return '{}'
  out.write(`\n${indent}`)
  return '}'
}

/** Arrays and plain objects above the depth limit are written item by item. */
function isStreamed(value: unknown, depth: number): value is object {
  return depth > 0 && typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
}

/** JSON.stringify's text of a value written whole, indented to sit at `indent`. */
function leafText(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2)
  return text === undefined ? undefined : text.replaceAll('\n', `\n${indent}`)
}
