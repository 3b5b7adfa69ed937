/**
 * Removes secrets from text before it reaches a log file, the diagnostics or the clipboard:
 * values of environment variables whose names say they hold a secret, values written next to a
 * secret-sounding name (`apiKey: …`, `secret=…`, `?token=…`, `X-MBX-APIKEY: …`), bearer tokens,
 * PEM private keys, and long mixed-case alphanumeric strings shaped like exchange API keys.
 */

/** Environment variable names whose values are treated as secrets. */
export const SECRET_ENV_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE|PASSWD|PRIVATE|CREDENTIAL|AUTH/i

/** Shorter values are left alone: redacting "1" or "true" everywhere would mangle every line. */
const MIN_SECRET_LENGTH = 6

const NAMED_VALUE =
  /\b((?:x-mbx-)?api[_-]?key|apikey|api[_-]?secret|secret(?:[_-]?key)?|client[_-]?secret|password|passphrase|passwd|(?:access|refresh|auth)?[_-]?token|private[_-]?key|signature)(["']?\s*[:=]\s*["']?)([^\s"'&,;}\]]+)/gi
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g
/** 32+ letters and digits mixing upper case, lower case and digits: the shape of venue API keys (hex hashes are all lower case). */
const KEY_SHAPED = /\b(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{32,}\b/g

export type Redactor = (text: string) => string

export interface RedactorOptions {
  env?: NodeJS.ProcessEnv
  /** further values to remove wherever they appear (e.g. the server's session token) */
  secrets?: readonly string[]
}

/** The secret values of `env`: name → value, for names like *KEY*, *SECRET*, *TOKEN*. */
export function secretEnvValues(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && SECRET_ENV_NAME.test(name)) out.set(name, value)
  }
  return out
}

export function makeRedactor(options: RedactorOptions = {}): Redactor & { addSecret(value: string): void } {
  const literals: { value: string; label: string }[] = []
  for (const [name, value] of secretEnvValues(options.env ?? process.env)) literals.push({ value, label: `[redacted $${name}]` })
  for (const value of options.secrets ?? []) if (value.length >= MIN_SECRET_LENGTH) literals.push({ value, label: '[redacted]' })
  const sortLiterals = () => literals.sort((a, b) => b.value.length - a.value.length)
  sortLiterals()

  const redact = ((text: string): string => {
    let out = text
    // literal values first: a longer secret that contains a shorter one is removed whole
    for (const { value, label } of literals) if (out.includes(value)) out = out.split(value).join(label)
    return out
      .replace(PEM, '[redacted private key]')
      .replace(BEARER, '$1 [redacted]')
      .replace(NAMED_VALUE, (_m, name: string, sep: string, value: string) => (value.startsWith('[redacted') ? `${name}${sep}${value}` : `${name}${sep}[redacted]`))
      .replace(KEY_SHAPED, '[redacted]')
  }) as Redactor & { addSecret(value: string): void }
  redact.addSecret = (value: string) => {
    if (value.length < MIN_SECRET_LENGTH || literals.some((l) => l.value === value)) return
    literals.push({ value, label: '[redacted]' })
    sortLiterals()
  }
  return redact
}
