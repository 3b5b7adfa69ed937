import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react'

const KEY_PREFIX = 'theorycraft.layout.'

function loadFraction(id: string, fallback: number): number {
  try {
    const raw = localStorage.getItem(KEY_PREFIX + id)
    const n = raw === null ? NaN : Number(raw)
    return Number.isFinite(n) && n > 0 && n < 1 ? n : fallback
  } catch {
    return fallback
  }
}

interface Props {
  /** key under which the divider position is remembered in localStorage */
  id: string
  direction: 'row' | 'column'
  /** initial share of the first pane, 0..1 */
  initial: number
  /** minimum size of either pane, px */
  minPx?: number
  children: [ReactNode, ReactNode]
}

/**
 * Two panes with a draggable divider. The first pane's share of the space is kept in
 * localStorage, so the layout survives a reload. Double-click the divider to reset it.
 */
export function SplitPane({ id, direction, initial, minPx = 120, children }: Props) {
  const [fraction, setFraction] = useState(() => loadFraction(id, initial))
  const box = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)

  useEffect(() => {
    try {
      localStorage.setItem(KEY_PREFIX + id, String(fraction))
    } catch {
      // storage can be unavailable (private mode); the layout then just isn't remembered
    }
  }, [id, fraction])

  const onPointerMove = useCallback(
    (ev: PointerEvent) => {
      if (!dragging.current || !box.current) return
      const r = box.current.getBoundingClientRect()
      const total = direction === 'row' ? r.width : r.height
      const pos = direction === 'row' ? ev.clientX - r.left : ev.clientY - r.top
      const min = Math.min(minPx, total / 3)
      setFraction(Math.min(total - min, Math.max(min, pos)) / total)
    },
    [direction, minPx]
  )

  const stop = useCallback(() => {
    dragging.current = false
    document.body.classList.remove('resizing-row', 'resizing-column')
    window.removeEventListener('pointermove', onPointerMove)
    window.removeEventListener('pointerup', stop)
  }, [onPointerMove])

  useEffect(() => stop, [stop])

  const start = (ev: ReactPointerEvent) => {
    ev.preventDefault()
    dragging.current = true
    document.body.classList.add(`resizing-${direction}`)
    window.addEventListener('pointermove', onPointerMove)
    window.addEventListener('pointerup', stop)
  }

  const first = `${(fraction * 100).toFixed(3)}%`
  return (
    <div ref={box} className={`split split-${direction}`} data-split={id}>
      <div className="split-pane" style={direction === 'row' ? { width: first } : { height: first }}>
        {children[0]}
      </div>
      <div
        className="split-divider"
        role="separator"
        aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'}
        title="Drag to resize; double-click to reset"
        onPointerDown={start}
        onDoubleClick={() => setFraction(initial)}
      />
      <div className="split-pane split-rest">{children[1]}</div>
    </div>
  )
}
