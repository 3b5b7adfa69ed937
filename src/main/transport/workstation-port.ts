import type { CommandHandlers, PushTopic } from '../../shared/api'

/** What a transport needs from the host (`createWorkstation` in src/main/host/workstation.ts). */
export interface TransportWorkstation {
  readonly handlers: CommandHandlers
  /** returns an unsubscribe function */
  onPush(listener: (topic: PushTopic, payload: unknown) => void): () => void
}
