import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'

interface Props {
  count: number
  rowHeight: number
  renderRow: (index: number) => ReactNode
  /** keep the view pinned to the last row as rows are added */
  follow?: boolean
  /** the user scrolled away from (false) or back to (true) the bottom */
  onFollowChange?: (atBottom: boolean) => void
  className?: string
  testId?: string
  overscan?: number
}

/**
 * A list that renders only the rows in view (plus a few either side), so 100,000 rows cost the
 * same to scroll as 50. Rows have a fixed height.
 */
export function VirtualList({ count, rowHeight, renderRow, follow = false, onFollowChange, className, testId, overscan = 8 }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(0)
  const programmatic = useRef(false)

  useLayoutEffect(() => {
    const el = ref.current!
    setHeight(el.clientHeight)
    const ro = new ResizeObserver(() => setHeight(el.clientHeight))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  useLayoutEffect(() => {
    const el = ref.current!
    if (follow) {
      const bottom = Math.max(0, count * rowHeight - el.clientHeight)
      if (Math.abs(el.scrollTop - bottom) > 1) {
        programmatic.current = true
        el.scrollTop = bottom
      }
      setScrollTop(el.scrollTop)
    } else if (el.scrollTop > count * rowHeight) {
      setScrollTop(el.scrollTop)
    }
  }, [follow, count, rowHeight, height])

  useEffect(() => {
    const el = ref.current!
    const onScroll = () => {
      setScrollTop(el.scrollTop)
      if (programmatic.current) {
        programmatic.current = false
        return
      }
      const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight
      onFollowChange?.(atBottom)
    }
    el.addEventListener('scroll', onScroll, { passive: true })
    return () => el.removeEventListener('scroll', onScroll)
  }, [onFollowChange, rowHeight])

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan)
  const rows: ReactNode[] = []
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(i)}
      </div>
    )
  }
  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} data-testid={testId} data-count={count}>
      <div className="vlist-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  )
}
