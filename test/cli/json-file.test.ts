import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeJsonFile } from '../../src/main/cli/json-file'

const dir = mkdtempSync(join(tmpdir(), 'tc-json-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeJsonFile', () => {
  it('writes the text of JSON.stringify(value, null, 2), at every depth and chunk size', () => {
    const report = {
      manifest: { engine: 'breakout', params: { entry: 20 }, empty: {}, list: [] },
      stats: { sharpe: 1.25, sortino: null, nan: NaN, skipped: undefined, fn: () => 1 },
      orders: Array.from({ length: 300 }, (_, i) => ({ id: `O${i}`, price: i / 7, tags: ['a', { deep: [i, { deeper: true }] }], gone: undefined })),
      mixed: [1, undefined, () => 2, null, 'text "quoted"\n', [], {}, [[[]]], { toJSON: () => 'as json' }, { toJSON: () => undefined }],
      when: new Date(Date.UTC(2024, 0, 2)),
      dropped: { toJSON: () => undefined },
      'odd key "x"': 'é 日本 \u2028',
      onlyDropped: { a: undefined, b: { toJSON: () => undefined } }
    }
    const file = join(dir, 'r.json')
    for (const depth of [0, 1, 2, 3, 6]) {
      for (const chunkChars of [1, 64, 1 << 20]) {
        writeJsonFile(file, report, { depth, chunkChars })
        expect(readFileSync(file, 'utf8'), `depth ${depth}, chunks of ${chunkChars}`).toBe(JSON.stringify(report, null, 2))
      }
    }
    for (const value of [[], {}, 5, 'text', null, [undefined], { a: [] }]) {
      writeJsonFile(file, value)
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(value, null, 2))
    }
  })

  it('refuses a value with no JSON form, naming it', () => {
    expect(() => writeJsonFile(join(dir, 'u.json'), undefined)).toThrow(/undefined has no JSON form/)
    expect(() => writeJsonFile(join(dir, 'f.json'), () => 1)).toThrow(/function has no JSON form/)
  })

  it('writes a report larger than the longest string V8 can make', () => {
    // 600 orders of a million characters each: JSON.stringify gives up on this ("Invalid string length")
    const payload = 'x'.repeat(1_000_000)
    const huge = { journalHash: 'abc', orders: new Array<string>(600).fill(payload) }
    expect(() => JSON.stringify(huge, null, 2)).toThrow(RangeError)
    const file = join(dir, 'huge.json')
    writeJsonFile(file, huge)
    const opening = '{\n  "journalHash": "abc",\n  "orders": [\n    "'
    const closing = '"\n  ]\n}'
    // each order: four spaces, quotes and its million characters; a comma and newline between them
    const expectedLength = opening.length + 600 * 1_000_000 + 599 * ',\n    ""'.length + closing.length
    const size = statSync(file).size
    const fd = openSync(file, 'r')
    const head = Buffer.alloc(60)
    const tail = Buffer.alloc(20)
    readSync(fd, head, 0, 60, 0)
    readSync(fd, tail, 0, 20, size - 20)
    closeSync(fd)
    rmSync(file)
    expect(size).toBe(expectedLength)
    expect(head.toString()).toBe(opening + 'x'.repeat(60 - opening.length))
    expect(tail.toString()).toBe('x'.repeat(20 - closing.length) + closing)
  })
})
