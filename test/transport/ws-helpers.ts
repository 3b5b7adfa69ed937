import { request } from 'node:http'
import { WebSocket } from 'ws'

export interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw GET: the path is sent exactly as given (no URL normalisation), as an attacker would. */
export function httpRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

export type Opened = { ok: true; ws: WebSocket } | { ok: false; status: number; body: string }

/** Opens a WebSocket; a refused handshake resolves with the HTTP status instead of throwing. */
export function connect(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: options.origin, headers: options.headers })
    ws.once('open', () => resolve({ ok: true, ws }))
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    ws.once('error', (err) => reject(err))
  })
}

/** Collects every text frame a socket receives, parsed. */
export class Inbox {
  readonly messages: unknown[] = []
  private waiters: (() => void)[] = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)))
      for (const w of this.waiters.splice(0)) w()
    })
  }

  /** Resolves with the first message (from index `since`) that matches. */
  async next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find((m) => match(m as Record<string, unknown>))
      if (found) return found as Record<string, unknown>
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async call(id: number, command: string, params: unknown): Promise<Record<string, unknown>> {
    this.ws.send(JSON.stringify({ kind: 'call', id, command, params }))
    return this.next((m) => m.id === id && (m.kind === 'result' || m.kind === 'error'))
  }
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })))
}
