import { WirePushSchema, WireResponseSchema, type CommandName, type CommandParams, type CommandResult, type PushPayload, type PushTopic } from '../../../shared/api'
import { CommandError } from './errors'
import type { AppClient, ConnectionState } from './types'
import { checkParams, checkResult, PushHub } from './validate'

interface Pending {
  command: CommandName
  resolve: (value: unknown) => void
  reject: (err: CommandError) => void
}

const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000]

/**
 * The WebSocket transport of the WorkstationApi: JSON frames on `/ws?token=…` of the page's own
 * origin. Reconnects with back-off after a drop; calls made while disconnected fail at once
 * with a ConnectionError instead of hanging.
 */
export class WebSocketClient implements AppClient {
  private socket: WebSocket | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly queued: string[] = []
  private readonly hub = new PushHub()
  private readonly connectionListeners = new Set<(s: ConnectionState) => void>()
  private state: ConnectionState
  private attempts = 0
  private everConnected = false

  constructor(
    private readonly url: string | null,
    missingTokenDetail = 'The page address has no ?token=… — open the exact URL printed by `npm run serve`.'
  ) {
    this.state = url ? { status: 'connecting', transport: 'websocket', detail: null } : { status: 'no-token', transport: 'websocket', detail: missingTokenDetail }
    if (url) this.open()
  }

  static fromLocation(loc: Location): WebSocketClient {
    const token = new URLSearchParams(loc.search).get('token')
    if (!token) return new WebSocketClient(null)
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
    return new WebSocketClient(`${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`)
  }

  connection(): ConnectionState {
    return this.state
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  onInvalidPush(listener: (message: string) => void): () => void {
    return this.hub.onInvalid(listener)
  }

  subscribe<T extends PushTopic>(topic: T, listener: (payload: PushPayload<T>) => void): () => void {
    return this.hub.subscribe(topic, listener)
  }

  call<K extends CommandName>(command: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    let checked: unknown
    try {
      checked = checkParams(command, params)
    } catch (err) {
      return Promise.reject(err)
    }
    if (this.state.status === 'no-token') return Promise.reject(new CommandError('Unauthorized', this.state.detail ?? 'no token', command))
    if (this.state.status === 'lost') return Promise.reject(new CommandError('ConnectionError', `not connected to the workstation (${command} was not sent)`, command))
    const id = this.nextId++
    const frame = JSON.stringify({ kind: 'call', id, command, params: checked })
    return new Promise<CommandResult<K>>((resolve, reject) => {
      this.pending.set(id, { command, resolve: (v) => resolve(v as CommandResult<K>), reject })
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame)
      else this.queued.push(frame)
    })
  }

  private setState(next: ConnectionState): void {
    this.state = next
    for (const l of this.connectionListeners) l(next)
  }

  private open(): void {
    const socket = new WebSocket(this.url!)
    this.socket = socket
    socket.addEventListener('open', () => {
      this.attempts = 0
      this.everConnected = true
      this.setState({ status: 'connected', transport: 'websocket', detail: null })
      for (const frame of this.queued.splice(0)) socket.send(frame)
    })
    socket.addEventListener('message', (ev) => this.onMessage(ev.data))
    socket.addEventListener('close', (ev) => this.onClose(ev))
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return this.hub.reportInvalid('binary frame from the host ignored')
    let message: unknown
    try {
      message = JSON.parse(data)
    } catch {
      return this.hub.reportInvalid('a frame from the host was not JSON')
    }
    const push = WirePushSchema.safeParse(message)
    if (push.success) return this.hub.deliver(push.data.topic, push.data.payload)
    const response = WireResponseSchema.safeParse(message)
    if (!response.success) return this.hub.reportInvalid('a frame from the host matched no wire message')
    const pending = this.pending.get(response.data.id)
    if (!pending) return
    this.pending.delete(response.data.id)
    if (response.data.kind === 'error') {
      pending.reject(new CommandError(response.data.error.type, response.data.error.message, pending.command))
      return
    }
    try {
      pending.resolve(checkResult(pending.command, response.data.result))
    } catch (err) {
      pending.reject(err as CommandError)
    }
  }

  private onClose(ev: CloseEvent): void {
    this.socket = null
    this.queued.length = 0
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      p.reject(new CommandError('ConnectionError', `the connection closed before ${p.command} answered`, p.command))
    }
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempts, RECONNECT_DELAYS_MS.length - 1)]
    this.attempts++
    const why = ev.reason ? ` (${ev.reason})` : ''
    const detail = this.everConnected
      ? `Connection to the workstation lost${why}. Reconnecting in ${Math.round(delay / 1000)} s… Check that the server is still running.`
      : `Could not connect to the workstation${why}. The token may be wrong or the server stopped; retrying in ${Math.round(delay / 1000)} s…`
    this.setState({ status: 'lost', transport: 'websocket', detail })
    setTimeout(() => {
      this.setState({ status: 'connecting', transport: 'websocket', detail: null })
      this.open()
    }, delay)
  }
}
