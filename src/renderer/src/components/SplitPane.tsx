import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react'

interface Props {
  /** names the divider in the saved layout */
  id: string
  direction: 'row' | 'column'
  /** initial share of the first pane, 0..1 */
  initial: number
  /** minimum size of either pane, px */
  minPx?: number
  /** the remembered share of the first pane, if any */
  saved?: number
  /** called when a drag ends (or a double-click resets the divider) with the new share */
  onCommit?: (fraction: number) => void
  children: [ReactNode, ReactNode]
}

/**
 * Two panes with a draggable divider. The owner keeps the first pane's share (the app keeps it in
 * the data folder's settings): `saved` is where it starts, `onCommit` hears where a drag ended.
 * Double-click the divider to reset it.
 */
export function SplitPane({ id, direction, initial, minPx = 120, saved, onCommit, children }: Props) {
  const [fraction, setFraction] = useState(() => (saved !== undefined && saved > 0 && saved < 1 ? saved : initial))
  const current = useRef(fraction)
  current.current = fraction
  const box = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)
  const commit = useRef(onCommit)
  commit.current = onCommit

  useEffect(() => {
    if (saved !== undefined && saved > 0 && saved < 1 && !dragging.current) setFraction(saved)
  }, [saved])

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
    if (dragging.current) commit.current?.(current.current)
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
        onDoubleClick={() => {
          setFraction(initial)
          commit.current?.(initial)
        }}
      />
      <div className="split-pane split-rest">{children[1]}</div>
    </div>
  )
}
