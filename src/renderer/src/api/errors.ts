import { ApiErrorSchema, type ApiError } from '../../../shared/api'

/** An error from a command, as the user should read it. */
export class CommandError extends Error {
  constructor(
    readonly type: ApiError['type'] | 'ConnectionError',
    message: string,
    readonly command?: string
  ) {
    super(message)
    this.name = 'CommandError'
  }
}

const TYPE_LABELS: Record<CommandError['type'], string> = {
  ValidationError: 'Invalid input',
  NotFound: 'Not found',
  Unavailable: 'Unavailable',
  InvalidOrder: 'Order rejected',
  DataError: 'Data error',
  EngineError: 'Engine error',
  InternalError: 'Internal error',
  Unauthorized: 'Not authorised',
  ConnectionError: 'Connection error'
}

/** Turns anything thrown by a command into a CommandError (the envelope, an Error, or a string). */
export function toCommandError(err: unknown, command?: string): CommandError {
  if (err instanceof CommandError) return err
  const envelope = ApiErrorSchema.safeParse(err)
  if (envelope.success) return new CommandError(envelope.data.type, envelope.data.message, command)
  if (err instanceof Error) {
    // Electron's ipcRenderer.invoke prefixes rejections with "Error invoking remote method '…': "
    const message = err.message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '')
    const type = (err as { type?: unknown }).type
    const parsed = ApiErrorSchema.safeParse({ type, message })
    if (parsed.success) return new CommandError(parsed.data.type, parsed.data.message, command)
    const fromName = ApiErrorSchema.safeParse({ type: err.name, message })
    if (fromName.success) return new CommandError(fromName.data.type, fromName.data.message, command)
    return new CommandError('InternalError', message || String(err), command)
  }
  return new CommandError('InternalError', typeof err === 'string' ? err : JSON.stringify(err), command)
}

/** "Order rejected: amount exceeds maxOrderAmount (order.create)" */
export function describeError(err: unknown): string {
  const e = toCommandError(err)
  return `${TYPE_LABELS[e.type]}: ${e.message}`
}
