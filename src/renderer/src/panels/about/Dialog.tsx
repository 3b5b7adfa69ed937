import { useEffect, useRef, type ReactNode } from 'react'
import '../settings/settings.css'

/** A wide dialog (About, Settings): Escape or the backdrop closes it; the actions stay in view below the body. */
export function Dialog({ title, children, actions, onClose, testId }: { title: string; children: ReactNode; actions: ReactNode; onClose: () => void; testId: string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
    }
    window.addEventListener('keydown', onKey)
    box.current?.querySelector<HTMLElement>('.modal-actions button')?.focus()
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} className="modal dialog-wide" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <h3>{title}</h3>
        <div className="dialog-body">{children}</div>
        <div className="modal-actions">{actions}</div>
      </div>
    </div>
  )
}
