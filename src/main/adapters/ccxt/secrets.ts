import { readFileSync, statSync } from 'node:fs'
import { inspect } from 'node:util'

/**
 * API credentials for headless runs, and the redaction every log line, event and error of this
 * layer goes through. Keys come from `THEORYCRAFT_API_KEY` / `THEORYCRAFT_API_SECRET`, or from a
 * JSON file `{ "apiKey": "…", "secret": "…" }` that only its owner may read (mode 0600 or 0400):
 * a key file others can read is refused, as ssh refuses such a private key.
 */

export const ENV_API_KEY = 'THEORYCRAFT_API_KEY'
export const ENV_API_SECRET = 'THEORYCRAFT_API_SECRET'

/** Why credentials could not be loaded; never contains a key. */
export class SecretsError extends Error {
  readonly type = 'SecretsError'
  constructor(
    readonly code: 'missing' | 'incomplete' | 'unreadable' | 'permissions' | 'malformed',
    message: string,
    readonly path?: string
  ) {
    super(message)
    this.name = 'SecretsError'
  }
}

const HIDDEN = '[REDACTED]'

/**
 * The key pair. The values are reachable only through `apiKey` / `secret`; printing, inspecting
 * or serialising the object shows `[REDACTED]`, so a stray `log(credentials)` leaks nothing.
 */
export class ApiCredentials {
  readonly #apiKey: string
  readonly #secret: string

  constructor(
    apiKey: string,
    secret: string,
    /** where they came from, for messages: `env` or the file path */
    readonly source: string
  ) {
    this.#apiKey = apiKey
    this.#secret = secret
  }

  get apiKey(): string {
    return this.#apiKey
  }

  get secret(): string {
    return this.#secret
  }

  /** The strings a redactor must hide. */
  secrets(): string[] {
    return [this.#apiKey, this.#secret]
  }

  toJSON(): unknown {
    return { apiKey: HIDDEN, secret: HIDDEN, source: this.source }
  }

  toString(): string {
    return `ApiCredentials(${this.source})`
  }

  [inspect.custom](): string {
    return this.toString()
  }
}

export interface LoadCredentialsOptions {
  /** default: process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** a key file, used when the environment has neither variable */
  file?: string
  /** default: process.platform; permission bits are only meaningful on POSIX systems */
  platform?: NodeJS.Platform
}

/** Credentials from the environment, else from the key file; a SecretsError says what is wrong. */
export function loadCredentials(options: LoadCredentialsOptions = {}): ApiCredentials {
  const env = options.env ?? process.env
  const key = env[ENV_API_KEY]
  const secret = env[ENV_API_SECRET]
  if (nonEmpty(key) || nonEmpty(secret)) {
    if (!nonEmpty(key) || !nonEmpty(secret))
      throw new SecretsError('incomplete', `credentials: ${nonEmpty(key) ? ENV_API_SECRET : ENV_API_KEY} is not set (both ${ENV_API_KEY} and ${ENV_API_SECRET} are needed)`)
    return new ApiCredentials(key.trim(), secret.trim(), 'env')
  }
  if (options.file === undefined)
    throw new SecretsError('missing', `credentials: set ${ENV_API_KEY} and ${ENV_API_SECRET}, or give a key file`)
  return readKeyFile(options.file, options.platform ?? process.platform)
}

function readKeyFile(path: string, platform: NodeJS.Platform): ApiCredentials {
  let mode: number
  let uid: number
  try {
    const st = statSync(path)
    mode = st.mode
    uid = st.uid
  } catch (err) {
    throw new SecretsError('unreadable', `credentials: cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, path)
  }
  if (platform !== 'win32') {
    const perms = mode & 0o777
    if ((perms & 0o077) !== 0)
      throw new SecretsError(
        'permissions',
        `credentials: key file ${path} has mode ${octal(perms)}, so others can read it; only its owner may (run: chmod 600 ${path})`,
        path
      )
    const me = process.getuid?.()
    if (me !== undefined && me !== 0 && uid !== me)
      throw new SecretsError('permissions', `credentials: key file ${path} belongs to uid ${uid}, not to this user (uid ${me})`, path)
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new SecretsError('unreadable', `credentials: cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, path)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // the parser's message quotes the text, which may be a key: say only where it failed
    throw new SecretsError('malformed', `credentials: key file ${path} is not JSON of the form {"apiKey": "…", "secret": "…"}`, path)
  }
  const obj = parsed as { apiKey?: unknown; secret?: unknown } | null
  const apiKey = obj?.apiKey
  const secret = obj?.secret
  if (typeof apiKey !== 'string' || !nonEmpty(apiKey))
    throw new SecretsError('malformed', `credentials: key file ${path}: field apiKey is missing or empty`, path)
  if (typeof secret !== 'string' || !nonEmpty(secret))
    throw new SecretsError('malformed', `credentials: key file ${path}: field secret is missing or empty`, path)
  return new ApiCredentials(apiKey.trim(), secret.trim(), path)
}

function nonEmpty(s: string | undefined): s is string {
  return s !== undefined && s.trim().length > 0
}

function octal(perms: number): string {
  return `0${perms.toString(8).padStart(3, '0')}`
}

/** Hides secrets in text. Every log path, event reason and error message of this layer uses one. */
export interface Redactor {
  (text: string): string
  /** hides these strings from now on too */
  add(...secrets: string[]): void
}

/**
 * Request details that identify or authorise an account even without the key itself: signatures
 * in query strings, API-key headers and listen keys. The key values are hidden by exact match.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(signature=)[^&\s"']+/gi, `$1${HIDDEN}`],
  [/(x-mbx-apikey["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${HIDDEN}`],
  [/(listenKey["']?\s*[:=]\s*["']?)[^\s"',}&]+/gi, `$1${HIDDEN}`],
  [/("?(?:apiKey|secret|api_key|api_secret)"?\s*[:=]\s*")[^"]*"/gi, `$1${HIDDEN}"`]
]

/** Shorter strings are not hidden by exact match: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 6

export function createRedactor(...secrets: string[]): Redactor {
  let hidden: string[] = []
  const redact = ((text: string): string => {
    let out = String(text)
    for (const s of hidden) if (out.includes(s)) out = out.split(s).join(HIDDEN)
    for (const [re, by] of PATTERNS) out = out.replace(re, by)
    return out
  }) as Redactor
  redact.add = (...more: string[]) => {
    const next = new Set(hidden)
    for (const s of more) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) next.add(s)
    // longest first, so a secret that contains another is hidden whole
    hidden = [...next].sort((a, b) => b.length - a.length)
  }
  redact.add(...secrets)
  return redact
}

/** A thrown value as one redacted line: `Name: message`. */
export function describeError(err: unknown, redact: Redactor): string {
  if (err instanceof Error) return redact(`${err.name}: ${err.message}`)
  return redact(typeof err === 'string' ? err : inspect(err, { depth: 2 }))
}

/**
 * An error of this layer whose message has been redacted; the original (which may quote a
 * request or a response) is kept only as its class name, never as `cause`.
 */
export class VenueError extends Error {
  readonly type = 'VenueError'
  constructor(
    message: string,
    /** the ccxt error class, e.g. `InvalidOrder`, or `Error` */
    readonly venueClass: string
  ) {
    super(message)
    this.name = 'VenueError'
  }

  static from(err: unknown, redact: Redactor, context = ''): VenueError {
    const cls = err instanceof Error ? err.constructor.name || err.name : 'Error'
    const text = describeError(err, redact)
    const e = new VenueError(context === '' ? text : `${redact(context)}: ${text}`, cls)
    e.stack = `${e.name}: ${e.message}`
    return e
  }
}

/** A logger whose every line is redacted first. */
export function redactingLogger(redact: Redactor, sink: ((line: string) => void) | undefined): (line: string) => void {
  if (sink === undefined) return () => {}
  return (line) => sink(redact(line))
}
