import { useCallback, useEffect, useRef, useState } from 'react'
import type { CommandResult, VenueProfile } from '../../../../shared/api'
import { ErrorText } from '../../components/ui'
import { useWorkstation } from '../../state/workstation'

type Status = CommandResult<'credentials.status'>

const SOURCE_LABELS: Record<Status['source'], string> = {
  keychain: 'OS keychain',
  env: 'environment variables',
  file: 'key file',
  none: 'no keys'
}

/**
 * Where the profile's API keys come from (never the keys), and, where the host can encrypt them,
 * a form to hand them over once. The key inputs are uncontrolled: what is typed stays in the two
 * DOM inputs until Store, which clears them before the request is even answered; it never enters
 * React state, the draft in localStorage, a toast or a log.
 */
export function CredentialsBox({ profile }: { profile: VenueProfile }) {
  const ws = useWorkstation()
  const [status, setStatus] = useState<Status | null>(null)
  const [statusError, setStatusError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [formError, setFormError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const keyInput = useRef<HTMLInputElement>(null)
  const secretInput = useRef<HTMLInputElement>(null)
  const profileId = profile.id

  const load = useCallback(async () => {
    setLoading(true)
    setStatusError(null)
    const r = await ws.run('credentials.status', { profileId }, { inline: setStatusError })
    setLoading(false)
    setStatus(r)
  }, [ws, profileId])

  useEffect(() => {
    setStatus(null)
    setSaved(null)
    setFormError(null)
    void load()
  }, [load])

  const store = async () => {
    setFormError(null)
    setSaved(null)
    const k = keyInput.current
    const s = secretInput.current
    if (!k || !s) return
    const problems: string[] = []
    if (k.value.length < 8 || k.value.length > 512) problems.push('the API key must be 8 to 512 characters')
    if (s.value.length < 8 || s.value.length > 512) problems.push('the secret must be 8 to 512 characters')
    if (problems.length) {
      setFormError(`Not sent: ${problems.join('; ')}`)
      return
    }
    const params = { profileId, apiKey: k.value, secret: s.value }
    // cleared before the host answers: a failure means typing them again, never keeping them here
    k.value = ''
    s.value = ''
    setBusy(true)
    const r = await ws.run('credentials.set', params, { inline: (m) => setFormError(`Keys not stored — ${m}`) })
    setBusy(false)
    if (!r) return
    setSaved(`Keys stored (${SOURCE_LABELS[r.source]}). They are not shown again.`)
    void load()
  }

  const forget = async () => {
    setFormError(null)
    setSaved(null)
    setBusy(true)
    const r = await ws.run('credentials.clear', { profileId }, { inline: setFormError })
    setBusy(false)
    if (r) setSaved(r.cleared ? 'Stored keys removed.' : 'There were no stored keys to remove.')
    void load()
  }

  return (
    <div className="live-creds" data-testid="live-credentials" data-source={status?.source ?? ''}>
      <div className="live-creds-head">
        <span className="field-label">API keys</span>
        {status ? (
          <span className={`creds-source creds-${status.source}`} data-testid="credentials-source">
            {SOURCE_LABELS[status.source]}
          </span>
        ) : loading ? (
          <span className="muted">checking…</span>
        ) : null}
        <button type="button" className="small right" onClick={() => void load()} disabled={loading} title="Ask the host again where this profile's keys come from">
          Refresh
        </button>
      </div>
      {status ? (
        <div className="small live-creds-detail" data-testid="credentials-detail">
          {status.detail}
        </div>
      ) : null}
      <ErrorText testId="credentials-error">{statusError}</ErrorText>
      {status?.canStore ? (
        <form
          className="live-creds-form"
          data-testid="credentials-form"
          autoComplete="off"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void store()
          }}
        >
          <input ref={keyInput} type="password" autoComplete="new-password" spellCheck={false} placeholder="API key" aria-label="API key" data-testid="credentials-key" />
          <input ref={secretInput} type="password" autoComplete="new-password" spellCheck={false} placeholder="Secret" aria-label="API secret" data-testid="credentials-secret" />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy} data-testid="credentials-store">
              {status.source === 'keychain' ? 'Replace keys' : 'Store keys'}
            </button>
            {status.source === 'keychain' ? (
              <button type="button" className="danger-outline" disabled={busy} onClick={() => void forget()} data-testid="credentials-clear">
                Forget keys
              </button>
            ) : null}
          </div>
          <div className="muted small">Encrypted with the OS keychain by the main process; they never come back to this window.</div>
        </form>
      ) : status?.source === 'none' ? (
        <div className="muted small" data-testid="credentials-hint">
          Keys cannot be entered here (this host has no OS keychain to encrypt them): provide them as the line above says, then Refresh.
        </div>
      ) : null}
      {saved ? (
        <div className="ok small" data-testid="credentials-saved">
          {saved}
        </div>
      ) : null}
      <ErrorText testId="credentials-form-error">{formError}</ErrorText>
    </div>
  )
}
