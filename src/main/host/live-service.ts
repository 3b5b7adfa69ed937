import { LiveRiskSchema, WorkstationError, type CommandParams, type CommandResult, type Reconciliation, type VenueProfile } from '../../shared/api'
import { openExchange } from '../adapters/ccxt/exchange'
import { createRedactor, type ApiCredentials } from '../adapters/ccxt/secrets'
import type { SessionInfo } from '../core/journal/journal'
import { Journal } from '../core/journal/journal'
import type { CredentialStore } from './credential-store'
import { checkEngine } from './engine-check'
import { LiveSession, type LiveConfig, type LiveExchange } from './live-session'
import type { Logger } from './logging'
import { TradingSessions } from './trading-sessions'
import type { ViewBatcher } from './view-batcher'

export interface LiveServiceDeps {
  batcher: ViewBatcher
  /** a fresh ccxt.pro exchange with the profile's keys; the session closes it */
  exchange: (profile: VenueProfile, credentials: ApiCredentials) => Promise<LiveExchange>
  credentials: CredentialStore
  profiles: () => readonly VenueProfile[]
  journalPath: string
  newId: (prefix: string) => string
  log: Logger
}

/** ccxt's default for a profile: the venue's public endpoints, or its test network in sandbox mode. */
export async function defaultLiveExchange(profile: VenueProfile, credentials: ApiCredentials, log: (line: string) => void): Promise<LiveExchange> {
  const ex = await openExchange({ exchangeId: profile.exchange, credentials, now: () => Date.now(), log })
  if (profile.sandbox) {
    const setSandboxMode = (ex as { setSandboxMode?: (on: boolean) => void }).setSandboxMode
    try {
      if (typeof setSandboxMode !== 'function') throw new Error('no setSandboxMode')
      setSandboxMode.call(ex, true)
    } catch {
      // the client holds the keys: it is closed, not left for the collector
      await (ex as { close?: () => Promise<void> }).close?.().catch(() => undefined)
      throw new WorkstationError('Unavailable', `${profile.exchange} has no sandbox (test network) in ccxt`)
    }
  }
  return ex as unknown as LiveExchange
}

/**
 * Live sessions, in the host process. Like paper sessions, a stopped one keeps its last state for
 * `session.list`. Every session's keys are added to the host log's redactor and to the session's
 * own redactor before anything can print them.
 */
export class LiveService extends TradingSessions<LiveSession> {
  constructor(private readonly deps: LiveServiceDeps) {
    super('live', deps.batcher)
  }

  async start(p: CommandParams<'live.start'>): Promise<CommandResult<'live.start'>> {
    if (p.engine !== undefined) checkEngine(p.engine, p.params ?? {}, true)
    const profile = this.profile(p.profileId)
    const sessionId = this.deps.newId('live')
    await this.open(sessionId, profile, { symbol: p.symbol, engine: p.engine, params: p.params, risk: p.risk })
    return { sessionId }
  }

  /** Rebuilds a journaled live session that never ended and reconciles it with the venue. */
  async resume(info: SessionInfo): Promise<CommandResult<'session.resume'>> {
    const config = info.config as Partial<LiveConfig> | null
    if (typeof config !== 'object' || config === null || typeof config.profileId !== 'string' || typeof config.symbol !== 'string')
      throw new WorkstationError('DataError', `session ${info.id}: its stored config lacks what a resume needs (profileId, symbol, risk)`)
    const risk = LiveRiskSchema.safeParse(config.risk)
    if (!risk.success) throw new WorkstationError('DataError', `session ${info.id}: its stored risk limits are not valid: ${risk.error.issues.map((i) => `${i.path.join('.') || 'risk'}: ${i.message}`).join('; ')}`)
    if (config.engine) checkEngine(config.engine, config.params ?? {}, true)
    const profile = this.profile(config.profileId)
    const journal = Journal.open(this.deps.journalPath, { readonly: true })
    let records
    try {
      records = [...journal.events(info.id)]
    } finally {
      journal.close()
    }
    const session = await this.open(
      info.id,
      profile,
      { symbol: config.symbol, engine: config.engine ?? undefined, params: config.params, risk: risk.data },
      { records, config: config as LiveConfig }
    )
    return { sessionId: info.id, reconciliation: session.reconcileView() }
  }

  reconciliation(sessionId: string): Reconciliation {
    return this.require(sessionId).reconcileView()
  }

  resolve(p: CommandParams<'reconcile.resolve'>): Promise<Reconciliation> {
    return this.require(p.sessionId).resolve(p.choices)
  }

  private async open(
    sessionId: string,
    profile: VenueProfile,
    p: { symbol: string; engine?: string; params?: CommandParams<'live.start'>['params']; risk: CommandParams<'live.start'>['risk'] },
    resume?: Parameters<typeof LiveSession.open>[3]
  ): Promise<LiveSession> {
    const credentials = await this.deps.credentials.load(profile)
    const redact = createRedactor(...credentials.secrets())
    for (const s of credentials.secrets()) this.deps.log.addSecret(s)
    const log = this.deps.log
    let exchange: LiveExchange
    try {
      exchange = await this.deps.exchange(profile, credentials)
    } catch (err) {
      if (err instanceof WorkstationError) throw err
      throw new WorkstationError('Unavailable', redact(`venue profile ${profile.id}: the ${profile.exchange} client could not be opened: ${err instanceof Error ? err.message : String(err)}`))
    }
    let session: LiveSession
    try {
      session = await LiveSession.open({ sessionId, profile, symbol: p.symbol, engine: p.engine, params: p.params, risk: p.risk, journalPath: this.deps.journalPath }, exchange, {
        redact,
        post: this.poster(sessionId),
        reconciliation: (r) => this.deps.batcher.pushNow('reconciliation', r),
        log: (level, line) => log[level](line)
      }, resume)
    } catch (err) {
      await exchange.close?.().catch(() => undefined)
      this.deps.batcher.forget(sessionId)
      if (err instanceof WorkstationError) throw new WorkstationError(err.type, redact(err.message))
      throw new WorkstationError('InternalError', redact(err instanceof Error ? err.message : String(err)))
    }
    this.add(session)
    return session
  }

  /** The settings' venue profile of that id; NotFound when there is none. */
  profile(profileId: string): VenueProfile {
    const profile = this.deps.profiles().find((v) => v.id === profileId)
    if (profile === undefined) throw new WorkstationError('NotFound', `no venue profile "${profileId}" in the settings (settings → venue profiles)`)
    return profile
  }
}
