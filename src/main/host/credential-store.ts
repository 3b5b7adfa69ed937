import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { WorkstationError, type CommandResult, type VenueProfile } from '../../shared/api'
import { ApiCredentials, ENV_API_KEY, ENV_API_SECRET, loadCredentials, SecretsError } from '../adapters/ccxt/secrets'

/**
 * Encrypts API keys with the operating system's keychain. The Electron shell passes one built on
 * `safeStorage`; headless hosts (serve, tests) have none and take keys from the environment or an
 * owner-only key file instead.
 */
export interface Encryptor {
  /** null when keys can be stored, else why not (e.g. the plain-text fallback backend) */
  unavailable(): Promise<string | null>
  /** e.g. "gnome_libsecret", "keychain", "dpapi" */
  backend(): string
  encrypt(plain: string): Promise<Buffer>
  decrypt(data: Buffer): Promise<string>
}

interface StoredEntry {
  apiKey: string
  secret: string
  backend: string
}

interface StoredFile {
  version: 1
  profiles: Record<string, StoredEntry>
}

const FILE = 'credentials.json'
const KEY_DIR = 'keys'

/**
 * Where a venue profile's keys come from, in this order: the keychain store (`credentials.json`
 * in the data folder, mode 0600, each value encrypted by the Encryptor), the environment
 * variables the profile names (default THEORYCRAFT_API_KEY / THEORYCRAFT_API_SECRET), or the key
 * file `<data folder>/keys/<profile id>.json` readable by its owner only. No method returns or
 * throws a key; `load` hands them to the session as ApiCredentials (which print as [REDACTED]).
 */
export class CredentialStore {
  readonly file: string

  constructor(
    private readonly dataFolder: string,
    private readonly encryptor: Encryptor | null,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    /** every loaded key is handed here so logs and errors hide it */
    private readonly onSecret: (value: string) => void = () => {}
  ) {
    this.file = join(dataFolder, FILE)
  }

  keyFile(profileId: string): string {
    return join(this.dataFolder, KEY_DIR, `${profileId}.json`)
  }

  async status(profile: VenueProfile): Promise<CommandResult<'credentials.status'>> {
    const refused = await this.refusal()
    const canStore = refused === null
    const stored = this.read().profiles[profile.id]
    if (stored !== undefined) return { profileId: profile.id, source: 'keychain', detail: `encrypted with the OS keychain (${stored.backend})`, canStore }
    const names = envNames(profile)
    const key = this.env[names.key]
    const secret = this.env[names.secret]
    if (nonEmpty(key) && nonEmpty(secret)) return { profileId: profile.id, source: 'env', detail: `from the environment variables ${names.key} and ${names.secret}`, canStore }
    const file = this.keyFile(profile.id)
    if (existsSync(file)) {
      try {
        loadCredentials({ env: {}, file })
        return { profileId: profile.id, source: 'file', detail: `from the key file ${file} (owner-only)`, canStore }
      } catch (err) {
        return { profileId: profile.id, source: 'none', detail: err instanceof SecretsError ? err.message : `the key file ${file} cannot be used`, canStore }
      }
    }
    const partial = nonEmpty(key) !== nonEmpty(secret) ? ` (only ${nonEmpty(key) ? names.key : names.secret} is set)` : ''
    return {
      profileId: profile.id,
      source: 'none',
      detail: `no keys: ${canStore ? 'enter them here (stored encrypted with the OS keychain), ' : ''}set ${names.key} and ${names.secret}${partial}, or write ${file} with mode 0600`,
      canStore
    }
  }

  async set(profile: VenueProfile, apiKey: string, secret: string): Promise<CommandResult<'credentials.set'>> {
    this.onSecret(apiKey)
    this.onSecret(secret)
    const refused = await this.refusal()
    if (refused !== null) {
      const names = envNames(profile)
      throw new WorkstationError(
        'Unavailable',
        `credentials.set: keys cannot be stored here (${refused}); set the environment variables ${names.key} and ${names.secret}, or write ${this.keyFile(profile.id)} as {"apiKey": "…", "secret": "…"} with mode 0600`
      )
    }
    const enc = this.encryptor!
    const entry: StoredEntry = {
      apiKey: (await enc.encrypt(apiKey)).toString('base64'),
      secret: (await enc.encrypt(secret)).toString('base64'),
      backend: enc.backend()
    }
    const file = this.read()
    file.profiles[profile.id] = entry
    this.write(file)
    return { profileId: profile.id, source: 'keychain' }
  }

  clear(profileId: string): boolean {
    const file = this.read()
    if (file.profiles[profileId] === undefined) return false
    delete file.profiles[profileId]
    this.write(file)
    return true
  }

  /** The profile's keys, from the first source that has them; a WorkstationError says what is missing. */
  async load(profile: VenueProfile): Promise<ApiCredentials> {
    const stored = this.read().profiles[profile.id]
    if (stored !== undefined) {
      if (this.encryptor === null || (await this.encryptor.unavailable()) !== null)
        throw new WorkstationError('Unavailable', `the keys of venue profile ${profile.id} are stored encrypted, but the OS keychain is not available to this process (use the desktop app, or the environment variables / key file)`)
      let key: string
      let secret: string
      try {
        key = await this.encryptor.decrypt(Buffer.from(stored.apiKey, 'base64'))
        secret = await this.encryptor.decrypt(Buffer.from(stored.secret, 'base64'))
      } catch {
        throw new WorkstationError('Unavailable', `the stored keys of venue profile ${profile.id} could not be decrypted with the OS keychain; enter them again`)
      }
      return this.found(new ApiCredentials(key, secret, 'keychain'))
    }
    const names = envNames(profile)
    const key = this.env[names.key]
    const secret = this.env[names.secret]
    try {
      if (nonEmpty(key) || nonEmpty(secret)) return this.found(loadCredentials({ env: { [ENV_API_KEY]: key, [ENV_API_SECRET]: secret } }))
      return this.found(loadCredentials({ env: {}, file: this.keyFile(profile.id) }))
    } catch (err) {
      if (!(err instanceof SecretsError)) throw err
      // the messages name the default variables; say which ones this profile uses
      const message = err.message.replaceAll(ENV_API_KEY, names.key).replaceAll(ENV_API_SECRET, names.secret)
      throw new WorkstationError('Unavailable', `venue profile ${profile.id}: ${message}`)
    }
  }

  private found(c: ApiCredentials): ApiCredentials {
    for (const s of c.secrets()) this.onSecret(s)
    return c
  }

  private async refusal(): Promise<string | null> {
    if (this.encryptor === null) return 'this host has no OS keychain (headless)'
    return this.encryptor.unavailable()
  }

  private read(): StoredFile {
    if (!existsSync(this.file)) return { version: 1, profiles: {} }
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as StoredFile
      if (parsed?.version === 1 && typeof parsed.profiles === 'object' && parsed.profiles !== null) return parsed
    } catch {
      // a damaged store holds no usable key; it is replaced on the next set
    }
    return { version: 1, profiles: {} }
  }

  private write(file: StoredFile): void {
    mkdirSync(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.tmp`
    rmSync(tmp, { force: true })
    writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, this.file)
  }
}

function envNames(profile: VenueProfile): { key: string; secret: string } {
  return { key: profile.apiKeyEnv ?? ENV_API_KEY, secret: profile.secretEnv ?? ENV_API_SECRET }
}

function nonEmpty(s: string | undefined): s is string {
  return s !== undefined && s.trim().length > 0
}
