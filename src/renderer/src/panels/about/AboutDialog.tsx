import { useCallback, useEffect, useState } from 'react'
import type { Diagnostics } from '../../../../shared/api'
import { ErrorText } from '../../components/ui'
import { useWorkstation } from '../../state/workstation'
import { Dialog } from './Dialog'

const LABELS: [key: string, label: string][] = [
  ['app', 'TheoryCraft Workstation'],
  ['electron', 'Electron'],
  ['chromium', 'Chromium'],
  ['node', 'Node.js'],
  ['v8', 'V8'],
  ['sqlite', 'SQLite'],
  ['better-sqlite3', 'better-sqlite3'],
  ['ccxt', 'ccxt']
]

/** Versions, the data folder and the logs; "Copy diagnostics" copies the host's redacted text. */
export function AboutDialog() {
  const ws = useWorkstation()
  const close = useCallback(() => ws.store.set({ dialog: null }), [ws])
  const [d, setD] = useState<Diagnostics | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState<string | null>(null)

  useEffect(() => {
    void fullUserAgent()
      .then((userAgent) => ws.run('app.diagnostics', { userAgent }, { inline: setError }))
      .then((r) => r && setD(r))
  }, [ws])

  const copy = async () => {
    if (!d) return
    try {
      await copyText(d.text)
      setCopied('Copied to the clipboard.')
    } catch (err) {
      setCopied(`Could not copy (${err instanceof Error ? err.message : String(err)}); select the text below and copy it.`)
    }
  }

  return (
    <Dialog
      title="About TheoryCraft Workstation"
      onClose={close}
      testId="about-dialog"
      actions={
        <>
          <span className="muted" data-testid="about-copied">
            {copied}
          </span>
          <button onClick={() => void copy()} disabled={!d} data-testid="about-copy">
            Copy diagnostics
          </button>
          <button className="primary" onClick={close}>
            Close
          </button>
        </>
      }
    >
      <ErrorText>{error}</ErrorText>
      {d ? (
        <>
          <table className="about-table" data-testid="about-versions">
            <tbody>
              {LABELS.filter(([k]) => d.versions[k]).map(([k, label]) => (
                <tr key={k} data-version={k}>
                  <th>{label}</th>
                  <td>{d.versions[k]}</td>
                </tr>
              ))}
              <tr>
                <th>Platform</th>
                <td>{d.platform}</td>
              </tr>
              <tr data-testid="about-data-folder">
                <th>Data folder</th>
                <td>
                  {d.dataFolder.path} · {formatBytes(d.dataFolder.bytes)}
                </td>
              </tr>
              <tr>
                <th>Logs</th>
                <td data-testid="about-logs">{d.logsFolder}</td>
              </tr>
              <tr>
                <th>Settings</th>
                <td>{d.settingsFile}</td>
              </tr>
            </tbody>
          </table>
          <pre className="about-text" data-testid="about-text">
            {d.text}
          </pre>
        </>
      ) : error ? null : (
        <div className="muted">Collecting versions…</div>
      )}
    </Dialog>
  )
}

/**
 * The user agent with Chromium's full version: the string itself is reduced to the major
 * (Chrome/156.0.0.0); the full one comes from the client hints where the page may ask for them.
 */
async function fullUserAgent(): Promise<string> {
  const ua = navigator.userAgent
  const data = (navigator as Navigator & { userAgentData?: { getHighEntropyValues(hints: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }> } }).userAgentData
  try {
    const list = (await data?.getHighEntropyValues(['fullVersionList']))?.fullVersionList ?? []
    const full = list.find((b) => b.brand === 'Chromium')?.version ?? list.find((b) => /Chrome/.test(b.brand))?.version
    return full ? ua.replace(/(Chrome|Chromium)\/[\d.]+/, `$1/${full}`).slice(0, 1000) : ua.slice(0, 1000)
  } catch {
    return ua.slice(0, 1000)
  }
}

/** The async clipboard API where it is allowed; the old copy command otherwise. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.appendChild(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    if (!ok) throw new Error('the clipboard refused')
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}
