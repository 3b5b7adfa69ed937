import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp'
import { checkPush, createDispatcher, DEFAULT_LIMITS, isDevelopment, type DispatcherOptions, type WireResponse } from './dispatch'
import { resolveStaticFile } from './static-files'
import type { TransportWorkstation } from './workstation-port'

/**
 * The headless transport: HTTP on 127.0.0.1 serving the built renderer, and the API on
 * `/ws?token=…`. Who may connect:
 * - the token (32 random bytes, base64url) must match, compared in constant time → else 401;
 * - an `Origin` header, when present, must be exactly this server's origin → else 403. Browsers
 *   always send Origin on WebSocket handshakes, so a page from any other site (or a DNS-rebound
 *   name) is refused even if it learnt the token. A request without Origin cannot come from a
 *   browser page; it is a local program (the CLI, tests) and is let in on the token alone.
 * - the `Host` header must name 127.0.0.1:PORT (HTTP and WebSocket alike) → else 403, which
 *   shuts out DNS-rebinding pages before they get anything.
 */

export interface ServerOptions {
  workstation: TransportWorkstation
  /** loopback only; anything else is refused */
  host?: '127.0.0.1'
  /** 0 picks a free port */
  port?: number
  /** the built renderer (`out/renderer`) */
  rendererDir: string
  dispatcher?: DispatcherOptions
  /** check pushes against the contract before sending; default: development builds */
  validatePushes?: boolean
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=…`: open it in a browser */
  url: string
  origin: string
  port: number
  token: string
  close(): Promise<void>
}

/** A client that falls this far behind on pushes is disconnected rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
const MAX_IN_FLIGHT = 256

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  if (host !== '127.0.0.1') throw new Error(`startServer: host must be 127.0.0.1, got ${String(host)}`)
  const { workstation, rendererDir } = options
  const dispatch = createDispatcher(workstation.handlers, options.dispatcher)
  const validatePushes = options.validatePushes ?? isDevelopment()
  const token = randomBytes(32).toString('base64url')
  const tokenDigest = digest(token)
  const maxBytes = options.dispatcher?.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes

  // Known once listening: the port is part of the origin, the Host check and the CSP.
  let origin = ''
  let hostHeader = ''
  let headers: Record<string, string> = {}

  const http = createServer((req, res) => {
    void serveStatic(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error')
      else res.destroy()
    })
  })

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== hostHeader) return send(res, 403, `use ${origin}/`)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' })
    const path = (req.url ?? '/').split('?', 1)[0]
    if (path === '/ws') return send(res, 426, 'WebSocket upgrade required', { Upgrade: 'websocket' })
    const found = await resolveStaticFile(rendererDir, path)
    if (!found.ok) return send(res, found.status, found.status === 404 && path === '/' ? 'renderer not built: run `npm run build`' : found.reason)
    res.writeHead(200, { ...headers, 'Content-Type': found.contentType, 'Cache-Control': 'no-cache' })
    if (req.method === 'HEAD') return void res.end()
    const stream = createReadStream(found.file)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  function send(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...headers, ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(`${text}\n`)
  }

  // ws enforces a hard frame limit; between maxBytes and it the dispatcher answers with a ValidationError.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * maxBytes, perMessageDeflate: false })
  const clients = new Set<WebSocket>()

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const refusal = checkUpgrade(req)
    if (refusal) return refuse(socket, refusal.status, refusal.reason)
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws))
  })

  function checkUpgrade(req: IncomingMessage): { status: number; reason: string } | null {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname !== '/ws') return { status: 404, reason: 'not found' }
    if (req.headers.host !== hostHeader) return { status: 403, reason: 'wrong Host' }
    const from = req.headers.origin
    if (from !== undefined && from !== origin) return { status: 403, reason: 'foreign Origin' }
    const given = url.searchParams.getAll('token')
    if (given.length !== 1 || !timingSafeEqual(digest(given[0]), tokenDigest)) return { status: 401, reason: 'missing or wrong token' }
    return null
  }

  function onConnection(ws: WebSocket): void {
    clients.add(ws)
    let inFlight = 0
    ws.on('error', () => ws.terminate())
    ws.on('close', () => clients.delete(ws))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return reply(ws, { kind: 'error', id: -1, error: { type: 'ValidationError', message: 'message: binary frames are not accepted; send JSON text' } })
      if (inFlight >= MAX_IN_FLIGHT)
        return reply(ws, { kind: 'error', id: -1, error: { type: 'Unavailable', message: `more than ${MAX_IN_FLIGHT} calls in flight; wait for results` } })
      inFlight++
      void dispatch(rawText(data)).then((response) => {
        inFlight--
        reply(ws, response)
      })
    })
  }

  function reply(ws: WebSocket, response: WireResponse): void {
    if (ws.readyState !== WebSocket.OPEN) return
    let text: string
    try {
      text = JSON.stringify(response)
    } catch {
      text = JSON.stringify({ kind: 'error', id: response.id, error: { type: 'InternalError', message: 'the result could not be serialised' } })
    }
    ws.send(text)
  }

  const unsubscribe = workstation.onPush((topic, payload) => {
    if (clients.size === 0) return
    if (validatePushes) {
      const check = checkPush(topic, payload)
      if (!check.ok) return console.error(`[workstation] dropped an invalid ${topic} push: ${check.error}`)
    }
    const frame = JSON.stringify({ kind: 'push', topic, payload })
    for (const ws of clients) {
      if (ws.readyState !== WebSocket.OPEN) continue
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.terminate()
      else ws.send(frame)
    }
  })

  try {
    await new Promise<void>((resolvePromise, reject) => {
      http.once('error', reject)
      http.listen(options.port ?? 0, host, () => {
        http.off('error', reject)
        resolvePromise()
      })
    })
  } catch (err) {
    unsubscribe()
    throw err
  }
  const address = http.address()
  if (address === null || typeof address === 'string') throw new Error('startServer: no TCP address')
  const port = address.port
  hostHeader = `127.0.0.1:${port}`
  origin = `http://${hostHeader}`
  headers = { 'Content-Security-Policy': contentSecurityPolicy({ connect: [`ws://${hostHeader}`] }), ...SECURITY_HEADERS }

  let closing: Promise<void> | null = null
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        unsubscribe()
        for (const ws of clients) ws.close(1001, 'server closing')
        wss.close()
        http.close(() => resolvePromise())
        http.closeAllConnections()
        for (const ws of clients) ws.terminate()
      })
      return closing
    }
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const title = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Bad Request'
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  )
}
