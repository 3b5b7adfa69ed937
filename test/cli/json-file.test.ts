import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
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
    // the text itself is checked above on smaller values; here it goes nowhere, to spare the disk
    expect(() => writeJsonFile('/dev/null', huge)).not.toThrow()
    // and a part of it, to a file: the same text as the whole value's, piece by piece
    const file = join(dir, 'part.json')
    const part = { journalHash: 'abc', orders: new Array<string>(3).fill(payload) }
    writeJsonFile(file, part, { chunkChars: 4096 })
    expect(statSync(file).size).toBe(JSON.stringify(part, null, 2).length)
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(part, null, 2))
  })
})
