import { useEffect, useRef, type ReactNode } from 'react'

/** A panel: a title bar (with optional tools on the right) over a body that scrolls. */
export function Panel({ title, tools, children, testId, className }: { title: ReactNode; tools?: ReactNode; children: ReactNode; testId?: string; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      <header className="panel-head">
        <h2>{title}</h2>
        {tools ? <div className="panel-tools">{tools}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  )
}

export interface TabDef {
  id: string
  label: ReactNode
  content: () => ReactNode
}

/** A tab strip over one panel body; the caller holds (and may persist) the active tab. */
export function Tabs({ id, tabs, active, onChange, tools }: { id: string; tabs: TabDef[]; active: string; onChange: (tab: string) => void; tools?: ReactNode }) {
  const current = tabs.find((t) => t.id === active) ?? tabs[0]
  return (
    <section className="panel tabs" data-testid={`tabs-${id}`}>
      <header className="panel-head tab-strip" role="tablist">
        {tabs.map((t) => (
          <button key={t.id} role="tab" aria-selected={t.id === current.id} className={`tab ${t.id === current.id ? 'active' : ''}`} onClick={() => onChange(t.id)} data-tab={t.id}>
            {t.label}
          </button>
        ))}
        {tools ? <div className="panel-tools">{tools}</div> : null}
      </header>
      <div className="panel-body" role="tabpanel">
        {current.content()}
      </div>
    </section>
  )
}

export function ProgressBar({ fraction, label, testId, tone = 'accent' }: { fraction: number; label?: ReactNode; testId?: string; tone?: 'accent' | 'ok' | 'bad' }) {
  const pct = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100
  return (
    <div className={`progress tone-${tone}`} data-testid={testId} role="progressbar" aria-valuenow={Math.round(pct)} aria-valuemin={0} aria-valuemax={100}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      {label !== undefined ? <div className="progress-label">{label}</div> : null}
    </div>
  )
}

/** What an empty panel says: what is missing and what to do next. */
export function Empty({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      {children}
    </div>
  )
}

export function ErrorText({ children, testId }: { children: ReactNode; testId?: string }) {
  if (children === null || children === undefined || children === '') return null
  return (
    <div className="error-text" role="alert" data-testid={testId}>
      {children}
    </div>
  )
}

/** A dialog over the page; Escape or the backdrop closes it. */
export function Modal({ title, children, onClose, testId }: { title: string; children: ReactNode; onClose: () => void; testId?: string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    box.current?.querySelector<HTMLElement>('input, button')?.focus()
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} className="modal" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h3>{title}</h3>
        {children}
      </div>
    </div>
  )
}

/** A labelled form row. */
export function Field({ label, children, hint, title }: { label: ReactNode; children: ReactNode; hint?: ReactNode; title?: string }) {
  return (
    <label className="field" title={title}>
      <span className="field-label">{label}</span>
      <span className="field-input">{children}</span>
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  )
}

/** Key/value rows, e.g. statistics. */
export function KeyValues({ rows, testId }: { rows: [string, ReactNode, string?][]; testId?: string }) {
  return (
    <dl className="kv" data-testid={testId}>
      {rows.map(([k, v, id]) => (
        <div key={k} className="kv-row" data-stat={id}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}
