import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect as netConnect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { PushTopic } from '../../src/shared/api'
import { contentSecurityPolicy } from '../../src/main/transport/csp'
import { startServer, type RunningServer } from '../../src/main/transport/ws-server'
import { closed, connect, httpRequest, Inbox } from './ws-helpers'
import { recordingHandlers, VALID_PUSHES, VALID_RESULTS } from './samples'

/** A stand-in host: recording handlers and a push source the test drives (the transport is what is tested here). */
function stubWorkstation() {
  const rec = recordingHandlers()
  const listeners = new Set<(topic: PushTopic, payload: unknown) => void>()
  return {
    ...rec,
    onPush(listener: (topic: PushTopic, payload: unknown) => void) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    emit(topic: PushTopic, payload: unknown) {
      for (const l of listeners) l(topic, payload)
    },
    listenerCount: () => listeners.size
  }
}

const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER-FOLDER'
let tmp: string
let rendererDir: string
let stub: ReturnType<typeof stubWorkstation>
let server: RunningServer
const wsUrl = (token: string | null) => `ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'theorycraft-wstest-'))
  rendererDir = join(tmp, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title><script type="module" src="./assets/app.js"></script>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}')
  writeFileSync(join(rendererDir, 'assets', 'font.woff2'), 'w')
  writeFileSync(join(rendererDir, 'assets', 'data.xyz'), 'x')
  writeFileSync(join(tmp, 'secret.txt'), SECRET)
  symlinkSync(join(tmp, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  stub = stubWorkstation()
  server = await startServer({ workstation: stub, host: '127.0.0.1', port: 0, rendererDir, validatePushes: true })
})

afterAll(async () => {
  await server?.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe('address and token', () => {
  it('gives an http://127.0.0.1 URL carrying a 32-byte random token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`)
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32)
  })

  it('listens on 127.0.0.1 only: the same port on ::1 and on the machine’s other addresses refuses connections', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address)
    for (const address of ['::1', ...others]) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = netConnect({ host: address, port: server.port, timeout: 2000 })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('timeout', () => {
          socket.destroy()
          resolve('timeout')
        })
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
      })
      expect(outcome, address).not.toBe('connected')
    }
  })

  it('refuses to bind anything but 127.0.0.1', async () => {
    await expect(startServer({ workstation: stub, host: '0.0.0.0' as '127.0.0.1', rendererDir })).rejects.toThrow('host must be 127.0.0.1')
  })

  it('two servers get different tokens', async () => {
    const other = await startServer({ workstation: stub, rendererDir })
    expect(other.token).not.toBe(server.token)
    expect(other.port).not.toBe(server.port)
    await other.close()
  })
})

describe('static renderer', () => {
  it('serves index.html with the strict CSP, nosniff and no-referrer', async () => {
    const r = await httpRequest(server.port, '/?token=abc')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(r.body).toContain('<title>t</title>')
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy({ connect: [`ws://127.0.0.1:${server.port}`] }))
    expect(r.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${server.port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`
    )
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['referrer-policy']).toBe('no-referrer')
  })

  it('sends the right content types', async () => {
    const types: Record<string, string> = {
      '/index.html': 'text/html; charset=utf-8',
      '/assets/app.js': 'text/javascript; charset=utf-8',
      '/assets/app.css': 'text/css; charset=utf-8',
      '/assets/font.woff2': 'font/woff2',
      '/assets/data.xyz': 'application/octet-stream'
    }
    for (const [path, type] of Object.entries(types)) {
      const r = await httpRequest(server.port, path)
      expect([path, r.status, r.headers['content-type']]).toEqual([path, 200, type])
      expect(r.headers['content-security-policy']).toBeDefined()
    }
    expect((await httpRequest(server.port, '/assets/app.js', { method: 'HEAD' })).status).toBe(200)
  })

  it('refuses directory traversal in every spelling, and symlinks that point out', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//' + join(tmp, 'secret.txt'),
      '/assets/link.txt',
      '/index.html%00.js',
      '/%ff'
    ]
    for (const path of attempts) {
      const r = await httpRequest(server.port, path)
      expect(r.body, path).not.toContain(SECRET)
      expect([400, 403, 404], `${path} → ${r.status}`).toContain(r.status)
    }
  })

  it('answers 404 for missing files, 405 for other methods, 403 for a foreign Host header (DNS rebinding)', async () => {
    expect((await httpRequest(server.port, '/nope.js')).status).toBe(404)
    expect((await httpRequest(server.port, '/', { method: 'POST' })).status).toBe(405)
    expect((await httpRequest(server.port, '/', { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403)
    expect((await httpRequest(server.port, '/', { headers: { Host: `localhost:${server.port}` } })).status).toBe(403)
    expect((await httpRequest(server.port, '/ws')).status).toBe(426)
  })
})

describe('WebSocket handshake', () => {
  it('refuses a missing, wrong, truncated or doubled token with 401', async () => {
    const wrong = Buffer.alloc(32, 7).toString('base64url')
    for (const url of [wsUrl(null), wsUrl(''), wsUrl(wrong), wsUrl(server.token.slice(0, -1)), wsUrl(`${server.token}x`), `${wsUrl(server.token)}&token=${server.token}`]) {
      const r = await connect(url, { origin: server.origin })
      expect(r.ok ? 'open' : r.status, url).toBe(401)
    }
  })

  it('refuses a foreign Origin with 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${server.port}`, `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`, 'null']) {
      const r = await connect(wsUrl(server.token), { origin })
      expect(r.ok ? 'open' : r.status, origin).toBe(403)
    }
    expect(stub.calls).toEqual([])
  })

  it('refuses a foreign Host header and any other path', async () => {
    const r = await connect(wsUrl(server.token), { origin: server.origin, headers: { Host: `evil.example:${server.port}` } })
    expect(r.ok ? 'open' : r.status).toBe(403)
    const p = await connect(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin: server.origin })
    expect(p.ok ? 'open' : p.status).toBe(404)
  })

  it('accepts the right token with the server’s own Origin (a browser) or with no Origin (a local program)', async () => {
    for (const origin of [server.origin, undefined]) {
      const r = await connect(wsUrl(server.token), { origin })
      expect(r.ok, String(origin)).toBe(true)
      if (!r.ok) continue
      const inbox = new Inbox(r.ws)
      expect(await inbox.call(1, 'app.info', {})).toEqual({ kind: 'result', id: 1, result: VALID_RESULTS['app.info'] })
      r.ws.close()
    }
  })
})

describe('WebSocket messages', () => {
  async function open(): Promise<Inbox> {
    const r = await connect(wsUrl(server.token), { origin: server.origin })
    if (!r.ok) throw new Error(`refused: ${r.status}`)
    return new Inbox(r.ws)
  }

  it('answers malformed messages with a ValidationError and keeps the connection', async () => {
    const inbox = await open()
    stub.calls.length = 0
    inbox.ws.send('{"kind":"call","id":5,"command":"mode.set","params":{"mode":"warp"}}')
    expect(await inbox.next((m) => m.id === 5)).toMatchObject({ kind: 'error', id: 5, error: { type: 'ValidationError' } })
    inbox.ws.send('this is not json')
    expect(await inbox.next((m) => m.id === -1)).toMatchObject({ kind: 'error', error: { type: 'ValidationError' } })
    inbox.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect(await inbox.next((m) => (m.error as { message?: string } | undefined)?.message?.includes('binary') === true)).toMatchObject({ id: -1 })
    inbox.ws.send(JSON.stringify({ kind: 'call', id: 6, command: 'order.cancel', params: { sessionId: 's', clientOrderId: 'x'.repeat(1_500_000) } }))
    // Too big to parse, so the id cannot be read back: the answer carries id -1.
    expect(await inbox.next((m) => (m.error as { message?: string } | undefined)?.message === 'message: larger than 1048576 bytes')).toMatchObject({
      kind: 'error',
      id: -1,
      error: { type: 'ValidationError' }
    })
    expect(await inbox.call(7, 'session.list', {})).toMatchObject({ kind: 'result', id: 7 })
    expect(stub.calls.map((c) => c.command)).toEqual(['session.list'])
    inbox.ws.close()
  })

  it('closes a connection that sends a frame beyond the hard limit (1009)', async () => {
    const inbox = await open()
    const done = closed(inbox.ws)
    inbox.ws.send('x'.repeat(2 * 1024 * 1024 + 1))
    expect((await done).code).toBe(1009)
  })

  it('sends every push to every connected client; invalid pushes are dropped in development builds', async () => {
    const a = await open()
    const b = await open()
    stub.emit('book', { sessionId: 's-1', bids: 'not levels' })
    stub.emit('book', VALID_PUSHES.book)
    for (const inbox of [a, b]) {
      expect(await inbox.next((m) => m.kind === 'push')).toEqual({ kind: 'push', topic: 'book', payload: VALID_PUSHES.book })
      expect(inbox.messages.filter((m) => (m as { kind: string }).kind === 'push')).toHaveLength(1)
    }
    a.ws.close()
    b.ws.close()
  })

  it('close() ends the clients with 1001, unsubscribes from the host and frees the port', async () => {
    const s2stub = stubWorkstation()
    const s2 = await startServer({ workstation: s2stub, rendererDir })
    expect(s2stub.listenerCount()).toBe(1)
    const r = await connect(`ws://127.0.0.1:${s2.port}/ws?token=${s2.token}`, { origin: s2.origin })
    if (!r.ok) throw new Error('refused')
    const done = closed(r.ws)
    await s2.close()
    expect((await done).code).toBe(1001)
    expect(s2stub.listenerCount()).toBe(0)
    await expect(httpRequest(s2.port, '/')).rejects.toThrow(/ECONNREFUSED/)
    expect(r.ws.readyState).toBe(WebSocket.CLOSED)
  })
})
