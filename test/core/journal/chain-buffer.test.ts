import { describe, expect, it } from 'vitest'
import { ChainBuffer, chainHash, genesisHash } from '../../../src/main/core/journal/hash'

describe('ChainBuffer', () => {
  it('gives the hashes of chainHash and returns each payload and hash as appended, across growth and clears', () => {
    const rows: [number, number, string, string][] = [
      [1, 1_577_836_800_000, 'OrderSubmitted', '{"symbol":"BTC/USDT","amount":0.5}'],
      // non-ASCII text (2-, 3- and 4-byte UTF-8) must hash and slice by bytes, not by characters
      [2, 1_577_836_860_000, 'EngineLogged', '{"message":"prix 3 € — 東京 🚀"}'],
      [3, 1_577_836_920_000, 'Typé', '{"big":"' + 'x'.repeat(200_000) + '"}'],
      [4, 1_577_836_980_000, 'BalanceUpdated', '{"free":940000.000015911}']
    ]
    const chain = new ChainBuffer(genesisHash())
    let head = genesisHash()
    const expected: string[] = []
    for (const [seq, ts, type, json] of rows) {
      head = chainHash(head, seq, ts, type, json)
      expected.push(head)
      expect(chain.push(seq, ts, type, json)).toBe(head)
    }
    expect(chain.length).toBe(4)
    expect(chain.head).toBe(head)
    rows.forEach(([, , , json], i) => {
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
})
