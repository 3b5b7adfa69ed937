import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './cli-error'

type Options = NonNullable<ParseArgsConfig['options']>

/** Strict flag parsing with messages that name the flag and the command. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}\nRun "theorycraft ${command} --help" for the flags.`)
  }
}

export function numberFlag(command: string, name: string, raw: string | undefined, fallback: number, check?: (n: number) => string | null): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) throw new CliError(`${command}: --${name} expects a number, got "${raw}"`)
  const problem = check?.(n)
  if (problem) throw new CliError(`${command}: --${name} ${problem}, got ${raw}`)
  return n
}

export const nonNegative = (n: number) => (n < 0 ? 'must not be negative' : null)
export const positive = (n: number) => (n <= 0 ? 'must be positive' : null)

/** ISO date/time (UTC unless it has a zone) or epoch milliseconds. */
export function timeFlag(command: string, name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  if (/^\d{11,}$/.test(raw)) return Number(raw)
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw}Z`
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) throw new CliError(`${command}: --${name} expects an ISO date (2024-01-31 or 2024-01-31T12:00) or epoch ms, got "${raw}"`)
  return t
}

/** `--param k=v` pairs. */
export function paramFlags(command: string, raw: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of raw ?? []) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new CliError(`${command}: --param expects name=value, got "${item}"`)
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim()
  }
  return out
}
