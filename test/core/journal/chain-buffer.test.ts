import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChainBuffer, chainHash, ChainStrings, genesisHash, type ChainRows } from '../../../src/main/core/journal/hash'
import { Journal } from '../../../src/main/core/journal/journal'

const ROWS: [number, number, string, string][] = [
  [1, 1_577_836_800_000, 'OrderSubmitted', '{"symbol":"BTC/USDT","amount":0.5}'],
  // non-ASCII text (2-, 3- and 4-byte UTF-8) must hash and slice by bytes, not by characters
  [2, 1_577_836_860_000, 'EngineLogged', '{"message":"prix 3 € — 東京 🚀"}'],
  [3, 1_577_836_920_000, 'Typé', '{"big":"' + 'x'.repeat(200_000) + '"}'],
  [4, 1_577_836_980_000, 'BalanceUpdated', '{"free":940000.000015911}']
]

describe.each([
  ['ChainBuffer', (head: string): ChainRows => new ChainBuffer(head)],
  ['ChainStrings', (head: string): ChainRows => new ChainStrings(head)]
])('%s', (_name, make) => {
  it('gives the hashes of chainHash and returns each payload and hash as appended, across growth and clears', () => {
    const chain = make(genesisHash())
    let head = genesisHash()
    const expected: string[] = []
    for (const [seq, ts, type, json] of ROWS) {
      head = chainHash(head, seq, ts, type, json)
      expected.push(head)
      expect(chain.push(seq, ts, type, json)).toBe(head)
    }
    expect(chain.length).toBe(4)
    expect(chain.head).toBe(head)
    ROWS.forEach(([, , , json], i) => {
      expect(chain.payload(i)).toBe(json)
      expect(chain.hash(i)).toBe(expected[i])
    })

    chain.clear()
    expect(chain.length).toBe(0)
    expect(chain.head).toBe(head)
    const next = chainHash(head, 5, 1_577_837_040_000, 'OrderAccepted', '{}')
    expect(chain.push(5, 1_577_837_040_000, 'OrderAccepted', '{}')).toBe(next)
    expect(chain.payload(0)).toBe('{}')
    expect(chain.hash(0)).toBe(next)
  })

  it('chains on from a head that is not ASCII (a damaged session row)', () => {
    const chain = make('tête')
    expect(chain.push(1, 0, 'OrderAccepted', '{"a":"é"}')).toBe(chainHash('tête', 1, 0, 'OrderAccepted', '{"a":"é"}'))
    expect(chain.payload(0)).toBe('{"a":"é"}')
  })
})

describe('journal batches of either size store the same rows', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tc-chain-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('with small batches (strings) and large ones (bytes)', () => {
    const stored = [1, 8192].map((batchSize) => {
      const j = Journal.open(join(dir, `j-${batchSize}.sqlite`))
      const id = j.createSession({ id: 's', mode: 'backtest', config: {}, engines: [], appVersion: 't', dataFingerprint: 'f', startedAt: 0 })
      const a = j.appender(id, { batchSize })
      for (let seq = 1; seq <= 10_000; seq++) a.append(seq, 1_577_836_800_000 + seq, seq % 3 === 0 ? 'EngineLogged' : 'OrderFilled', { seq, text: seq % 7 === 0 ? 'prix € 🚀' : 'x', price: seq / 3 })
      a.close('completed', 1)
      const rows = [...j.events(id)]
      expect(j.verify(id).ok).toBe(true)
      j.close()
      return rows
    })
    expect(stored[1]).toEqual(stored[0])
    expect(stored[0]!.length).toBe(10_000)
    expect(stored[0]![6]!.payload).toEqual({ seq: 7, text: 'prix € 🚀', price: 7 / 3 })
  })
})
