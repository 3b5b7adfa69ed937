import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { ENV_API_KEY, ENV_API_SECRET, SecretsError, VenueError, createRedactor, describeError, loadCredentials } from '../../../src/main/adapters/ccxt/secrets'

const KEY = 'PLANTEDkey0123456789abcdef'
const SECRET = 'PLANTEDsecret9876543210zyx'
const dir = mkdtempSync(join(tmpdir(), 'tc-secrets-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function keyFile(name: string, content: string, mode: number): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  chmodSync(path, mode)
  return path
}

function caught(fn: () => unknown): SecretsError {
  try {
    fn()
  } catch (err) {
    if (err instanceof SecretsError) return err
    throw err
  }
  throw new Error('expected a SecretsError')
}

describe('credentials', () => {
  it('come from the two environment variables, trimmed', () => {
    const c = loadCredentials({ env: { [ENV_API_KEY]: ` ${KEY}\n`, [ENV_API_SECRET]: SECRET } })
    expect(c.apiKey).toBe(KEY)
    expect(c.secret).toBe(SECRET)
    expect(c.source).toBe('env')
  })

  it('refuse one variable without the other, naming the missing one', () => {
    const e = caught(() => loadCredentials({ env: { [ENV_API_KEY]: KEY } }))
    expect(e.code).toBe('incomplete')
    expect(e.message).toContain(ENV_API_SECRET)
    expect(e.message).not.toContain(KEY)
  })

  it('say what to do when there is neither environment nor file', () => {
    const e = caught(() => loadCredentials({ env: {} }))
    expect(e.code).toBe('missing')
  })

  it('come from an owner-only key file (0600 and 0400)', () => {
    for (const mode of [0o600, 0o400]) {
      const path = keyFile(`ok-${mode.toString(8)}.json`, JSON.stringify({ apiKey: KEY, secret: SECRET }), mode)
      const c = loadCredentials({ env: {}, file: path, platform: 'linux' })
      expect([c.apiKey, c.secret, c.source]).toEqual([KEY, SECRET, path])
    }
  })

  it('refuse a key file that group or others can read (0644, 0640, 0604) with a clear message', () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      const path = keyFile(`open-${mode.toString(8)}.json`, JSON.stringify({ apiKey: KEY, secret: SECRET }), mode)
      const e = caught(() => loadCredentials({ env: {}, file: path, platform: 'linux' }))
      expect(e.code).toBe('permissions')
      expect(e.message).toContain(`mode 0${mode.toString(8)}`)
      expect(e.message).toContain(`chmod 600 ${path}`)
      expect(e.message).not.toContain(KEY)
    }
  })

  it('report a malformed key file without quoting it', () => {
    // the JSON parser's own message would quote the text around the error, key included
    const broken = keyFile('broken.json', `{"apiKey": "${KEY}", "secret": ${SECRET}}`, 0o600)
    const e1 = caught(() => loadCredentials({ env: {}, file: broken, platform: 'linux' }))
    expect(e1.code).toBe('malformed')
    expect(e1.message).not.toContain(KEY)
    expect(e1.message).not.toContain(SECRET)
    const partial = keyFile('partial.json', JSON.stringify({ apiKey: KEY }), 0o600)
    const e2 = caught(() => loadCredentials({ env: {}, file: partial, platform: 'linux' }))
    expect(e2.message).toContain('field secret')
    expect(e2.message).not.toContain(KEY)
    const missing = caught(() => loadCredentials({ env: {}, file: join(dir, 'nope.json') }))
    expect(missing.code).toBe('unreadable')
    expect(missing.message).toContain('ENOENT')
  })

  it('print, inspect and serialise as [REDACTED]', () => {
    const c = loadCredentials({ env: { [ENV_API_KEY]: KEY, [ENV_API_SECRET]: SECRET } })
    for (const text of [JSON.stringify(c), JSON.stringify({ nested: { c } }), String(c), `${c}`, inspect(c), inspect({ c }, { depth: 5, showHidden: true })]) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(SECRET)
    }
    expect(Object.keys(c)).not.toContain('apiKey')
  })
})

describe('redaction', () => {
  const redact = createRedactor(KEY, SECRET)

  it('hides the keys wherever they occur', () => {
    expect(redact(`GET /api?x=1 X-MBX-APIKEY ${KEY} ${KEY}${SECRET}`)).toBe('GET /api?x=1 X-MBX-APIKEY [REDACTED] [REDACTED][REDACTED]')
  })

  it('hides signatures, api-key headers and key fields even when the key itself is not known', () => {
    const anon = createRedactor()
    expect(anon('GET /api/v3/account?timestamp=1&recvWindow=10000&signature=9f86d081884c7d65 200')).toBe(
      'GET /api/v3/account?timestamp=1&recvWindow=10000&signature=[REDACTED] 200'
    )
    expect(anon(`{"X-MBX-APIKEY":"someKeyValue","Content-Type":"x"}`)).toBe(`{"X-MBX-APIKEY":"[REDACTED]","Content-Type":"x"}`)
    expect(anon(`{"apiKey":"abc","secret":"def","x":1}`)).toBe(`{"apiKey":"[REDACTED]","secret":"[REDACTED]","x":1}`)
  })

  it('learns secrets added later, and ignores strings too short to be keys', () => {
    const r = createRedactor()
    r.add('abc', 'LATERsecretVALUE')
    expect(r('abc LATERsecretVALUE')).toBe('abc [REDACTED]')
  })

  it('turns errors into redacted lines and VenueErrors without the original as cause', () => {
    const original = new TypeError(`request failed for key ${KEY}`)
    expect(describeError(original, redact)).toBe('TypeError: request failed for key [REDACTED]')
    const e = VenueError.from(original, redact, `placing order with ${SECRET}`)
    expect(e.message).toBe('placing order with [REDACTED]: TypeError: request failed for key [REDACTED]')
    expect(e.venueClass).toBe('TypeError')
    expect(e.cause).toBeUndefined()
    expect(String(e.stack)).not.toContain(KEY)
  })
})
