import type { WorkstationClient } from '../../../shared/api'

export type ConnectionStatus = 'connecting' | 'connected' | 'lost' | 'no-token'

export interface ConnectionState {
  status: ConnectionStatus
  transport: 'electron' | 'websocket'
  /** what the user should know or do, when not connected */
  detail: string | null
}

/** The WorkstationClient plus what the page needs to show the connection's health. */
export interface AppClient extends WorkstationClient {
  connection(): ConnectionState
  onConnection(listener: (state: ConnectionState) => void): () => void
  /** a push failed validation and was dropped */
  onInvalidPush(listener: (message: string) => void): () => void
}
