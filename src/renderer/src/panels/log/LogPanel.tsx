import { useCallback, useRef } from 'react'
import { VirtualList } from '../../components/VirtualList'
import type { LogLine } from '../../state/app-state'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { startHint } from '../session/start-hint'

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
const LEVEL_RANK: Record<LogLine['level'], number> = { debug: 0, info: 1, warn: 2, error: 3 }
const KINDS = ['log', 'alert', 'metric', 'fault', 'system'] as const
const ROW_HEIGHT = 18

interface Filter {
  engine: string
  minLevel: LogLine['level']
  kind: string
  search: string
}

function matcher(f: Filter): (l: LogLine) => boolean {
  const minRank = LEVEL_RANK[f.minLevel]
  const needle = f.search.trim().toLowerCase()
  return (l) =>
    LEVEL_RANK[l.level] >= minRank && (f.engine === '' || l.engineId === f.engine) && (f.kind === '' || l.kind === f.kind) && (needle === '' || l.message.toLowerCase().includes(needle))
}

/**
 * Every engine's log lines, alerts and metrics. Filtering is incremental: new lines are tested
 * as they arrive, and the whole buffer is rescanned only when the filter changes.
 */
export function LogPanel() {
  const ws = useWorkstation()
  // re-render when lines arrive; the lines themselves live in ws.logs
  useSlice(ws.store, (s) => s.logVersion)
  const mode = useSlice(ws.store, (s) => s.mode)
  const [engine, setEngine] = usePersistentState('log.engine', '')
  const [minLevel, setMinLevel] = usePersistentState<LogLine['level']>('log.level', 'debug')
  const [kind, setKind] = usePersistentState('log.kind', '')
  const [search, setSearch] = usePersistentState('log.search', '')
  const [follow, setFollow] = usePersistentState('log.follow', true)
  const index = useRef<{ key: string; epoch: number; scanned: number; rows: number[] }>({ key: '', epoch: -1, scanned: 0, rows: [] })

  const buffer = ws.logs
  const key = JSON.stringify([engine, minLevel, kind, search])
  const idx = index.current
  if (idx.key !== key || idx.epoch !== buffer.epoch) {
    idx.key = key
    idx.epoch = buffer.epoch
    idx.scanned = 0
    idx.rows = []
  }
  if (idx.scanned < buffer.lines.length) {
    const match = matcher({ engine, minLevel, kind, search })
    const lines = buffer.lines
    for (let i = idx.scanned; i < lines.length; i++) if (match(lines[i])) idx.rows.push(i)
    idx.scanned = lines.length
  }
  const rows = idx.rows

  const renderRow = useCallback(
    (i: number) => {
      const l = buffer.lines[rows[i]]
      if (!l) return null
      return (
        <div className={`log-line lvl-${l.level} kind-${l.kind}`}>
          <span className="log-ts" title={l.ts > 0 ? `${fmtTime(l.ts, true)} UTC` : 'before the first event'}>
            {l.ts > 0 ? fmtTime(l.ts, true).slice(11) : '—'}
          </span>
          <span className="log-engine" title={`session ${l.sessionId}`}>
            {l.engineId}
          </span>
          <span className="log-level">{l.level}</span>
          <span className="log-kind">{l.kind}</span>
          <span className="log-msg" title={l.message}>
            {l.message}
          </span>
        </div>
      )
    },
    [buffer, rows]
  )

  const onFollowChange = useCallback((atBottom: boolean) => setFollow(atBottom), [setFollow])

  return (
    <div className="log-panel" data-testid="log-panel">
      <div className="toolbar">
        <select value={engine} onChange={(e) => setEngine(e.target.value)} aria-label="Engine" data-testid="log-engine">
          <option value="">all engines</option>
          {[...buffer.engines].sort().map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
        <select value={minLevel} onChange={(e) => setMinLevel(e.target.value as LogLine['level'])} aria-label="Minimum level" data-testid="log-level">
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'debug' ? 'all levels' : `${l} and above`}
            </option>
          ))}
        </select>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Kind" data-testid="log-kind">
          <option value="">logs, alerts, metrics…</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k} only
            </option>
          ))}
        </select>
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="search messages" aria-label="Search" data-testid="log-search" />
        <label className="inline-field">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" />
          <span>follow</span>
        </label>
        <span className="muted small right" data-testid="log-count">
          {rows.length.toLocaleString('en-US')} of {buffer.lines.length.toLocaleString('en-US')} lines
        </span>
      </div>
      {buffer.lines.length === 0 ? (
        <div className="empty" data-testid="log-empty">No log lines yet. Sessions and their engines log here while they run. {startHint(mode)}.</div>
      ) : rows.length === 0 ? (
        <div className="empty">No line matches the filter. Clear the search or choose “all engines / all levels”.</div>
      ) : (
        <VirtualList count={rows.length} rowHeight={ROW_HEIGHT} renderRow={renderRow} follow={follow} onFollowChange={onFollowChange} testId="log-list" className="log-list" />
      )}
    </div>
  )
}
