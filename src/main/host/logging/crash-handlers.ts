import type { Logger } from './logger'

export interface CrashReport {
  kind: 'uncaughtException' | 'unhandledRejection'
  message: string
  /** redacted, with the stack */
  detail: string
}

/**
 * Logs uncaught exceptions and unhandled rejections of this process with their stack, and hands
 * the first one to `show` (a dialog in the desktop app, stderr for the server): the user hears
 * about a failure once, the log keeps every one.
 */
export function installCrashHandlers(logger: Logger, show: (report: CrashReport) => void, options: { exitOnException?: boolean } = {}): () => void {
  let shown = false
  const handle = (kind: CrashReport['kind'], err: unknown) => {
    const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : safeString(err))
    logger.error(`${kind}: ${e.message}`, { error: e, pid: process.pid })
    if (!shown) {
      shown = true
      try {
        show({ kind, message: logger.redact(e.message), detail: logger.redact(e.stack ?? e.message) })
      } catch (showErr) {
        logger.error('could not show the error to the user', { error: showErr })
      }
    }
    if (kind === 'uncaughtException' && options.exitOnException) {
      logger.close()
      process.exit(1)
    }
  }
  const onException = (err: unknown) => handle('uncaughtException', err)
  const onRejection = (reason: unknown) => handle('unhandledRejection', reason)
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

/** console.warn / console.error also go to the log (the host reports a few failures that way). */
export function captureConsole(logger: Logger): () => void {
  const { warn, error } = console
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : safeString(a))).join(' ')
  console.warn = (...args: unknown[]) => {
    logger.warn(text(args))
    warn.apply(console, args)
  }
  console.error = (...args: unknown[]) => {
    logger.error(text(args))
    error.apply(console, args)
  }
  return () => {
    console.warn = warn
    console.error = error
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
