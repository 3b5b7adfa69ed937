import { join } from 'node:path'
import { makeRedactor, type Redactor } from './redact'
import { RotatingFile, type RotationOptions } from './rotating-file'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type LogContext = Record<string, unknown>

export interface Logger {
  /** the folder of the log files */
  readonly dir: string
  debug(message: string, context?: LogContext): void
  info(message: string, context?: LogContext): void
  warn(message: string, context?: LogContext): void
  error(message: string, context?: LogContext): void
  /** the same files, lines tagged with another source (`host`, `shell`, `renderer`, …) */
  child(source: string): Logger
  /** the last warnings and errors written (already redacted), oldest first */
  recentProblems(): string[]
  /** removes this value from every later line, wherever it appears */
  addSecret(value: string): void
  redact: Redactor
  close(): void
}

export interface LoggerOptions extends RotationOptions {
  /** `<dataFolder>/logs` */
  dir: string
  /** file name; default workstation.log */
  file?: string
  /** lowest level written; default info (THEORYCRAFT_LOG_LEVEL=debug lowers it) */
  level?: LogLevel
  source?: string
  env?: NodeJS.ProcessEnv
  /** also print warnings and errors on stderr; default false */
  echo?: boolean
  /** the clock of the line stamps; default Date.now */
  now?: () => number
}

export const LOG_FILE = 'workstation.log'
const RECENT = 30

/** The logs folder of a data folder. */
export function logsFolder(dataFolder: string): string {
  return join(dataFolder, 'logs')
}

/**
 * A line logger over a rotating file. Every line is redacted as a whole (message and context)
 * before it is written, so no caller can leak a secret by logging an object that holds one.
 * Logging never throws: a full disk must not take the workstation down.
 */
export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env
  const file = new RotatingFile(options.dir, options.file ?? LOG_FILE, options)
  const envLevel = env.THEORYCRAFT_LOG_LEVEL as LogLevel | undefined
  const min = LEVELS[options.level ?? (envLevel && envLevel in LEVELS ? envLevel : 'info')]
  const redact = makeRedactor({ env })
  const now = options.now ?? Date.now
  const recent: string[] = []
  let failed = false

  const write = (source: string, level: LogLevel, message: string, context?: LogContext): void => {
    if (LEVELS[level] < min) return
    const extra = context && Object.keys(context).length ? ` ${safeJson(context)}` : ''
    const line = redact(`${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${source.padEnd(8)} ${message}${extra}`).replace(/\r?\n(?!$)/g, '\n    ')
    if (LEVELS[level] >= LEVELS.warn) {
      recent.push(line)
      if (recent.length > RECENT) recent.shift()
      if (options.echo) process.stderr.write(`${line}\n`)
    }
    try {
      file.write(`${line}\n`)
    } catch (err) {
      if (!failed) process.stderr.write(`theorycraft: cannot write the log in ${options.dir}: ${err instanceof Error ? err.message : String(err)}\n`)
      failed = true
    }
  }

  const make = (source: string): Logger => ({
    dir: options.dir,
    debug: (m, c) => write(source, 'debug', m, c),
    info: (m, c) => write(source, 'info', m, c),
    warn: (m, c) => write(source, 'warn', m, c),
    error: (m, c) => write(source, 'error', m, c),
    child: (s) => make(s),
    recentProblems: () => [...recent],
    addSecret: (v) => redact.addSecret(v),
    redact,
    close: () => file.close()
  })
  return make(options.source ?? 'host')
}

/** Context as JSON; errors keep their name, message and stack; cycles and bigints do not throw. */
function safeJson(value: unknown): string {
  const seen = new WeakSet<object>()
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack }
      if (typeof v === 'bigint') return v.toString()
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]'
        seen.add(v)
      }
      return v
    })
  } catch {
    return '"[unserializable context]"'
  }
}
