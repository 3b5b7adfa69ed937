import WebSocket from 'ws'
import type { CommandName, CommandParams, CommandResult } from '../../../src/shared/api'

/** A Node-side WebSocket client, for a test to read what the host says (e.g. a report) and compare it with the page. */
export class ApiClient {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { kind: string; id?: number; result?: unknown; error?: { type: string; message: string } }
      if (msg.kind === 'push' || msg.id === undefined) return
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.kind === 'result') p.resolve(msg.result)
      else p.reject(new Error(`${msg.error?.type}: ${msg.error?.message}`))
    })
  }

  static async connect(port: number, token: string): Promise<ApiClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return new ApiClient(socket)
  }

  call<K extends CommandName>(command: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CommandResult<K>), reject })
      this.socket.send(JSON.stringify({ kind: 'call', id, command, params }))
    })
  }

  close(): void {
    this.socket.close()
  }
}
