import { useMemo, useState, type ReactNode } from 'react'
import { VirtualList } from './VirtualList'

export interface Column<T> {
  key: string
  label: string
  /** what the cell shows */
  render: (row: T) => ReactNode
  /** what the column sorts by; columns without one are not sortable */
  sortValue?: (row: T) => number | string | null
  align?: 'left' | 'right' | 'center'
  /** CSS grid track, e.g. "90px" or "1fr" */
  width?: string
  title?: string
}

interface Props<T> {
  columns: Column<T>[]
  rows: readonly T[]
  rowKey: (row: T) => string
  /** shown instead of the table body when there are no rows */
  empty: ReactNode
  initialSort?: { key: string; dir: 'asc' | 'desc' }
  testId?: string
  rowClass?: (row: T) => string | undefined
  /** rows above this count are virtualised */
  virtualiseAbove?: number
  rowHeight?: number
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b))
}

/**
 * A table whose columns sort on click (again to reverse). Rows are CSS-grid rows; long tables
 * render only the visible rows.
 */
export function SortableTable<T>({ columns, rows, rowKey, empty, initialSort, testId, rowClass, virtualiseAbove = 300, rowHeight = 22 }: Props<T>) {
  const [sort, setSort] = useState(initialSort ?? null)
  const template = columns.map((c) => c.width ?? '1fr').join(' ')

  const sorted = useMemo(() => {
    if (!sort) return rows
    const col = columns.find((c) => c.key === sort.key)
    if (!col?.sortValue) return rows
    const get = col.sortValue
    const dir = sort.dir === 'asc' ? 1 : -1
    return [...rows].sort((a, b) => dir * compare(get(a), get(b)))
  }, [rows, sort, columns])

  const clickHeader = (c: Column<T>) => {
    if (!c.sortValue) return
    setSort((s) => (s && s.key === c.key ? { key: c.key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: 'desc' }))
  }

  const renderRow = (row: T) => (
    <div key={rowKey(row)} className={`trow ${rowClass?.(row) ?? ''}`} role="row" style={{ gridTemplateColumns: template, height: rowHeight }} data-key={rowKey(row)}>
      {columns.map((c) => (
        <div key={c.key} role="cell" className={`tcell align-${c.align ?? 'left'}`} data-col={c.key}>
          {c.render(row)}
        </div>
      ))}
    </div>
  )

  return (
    <div className="table" role="table" data-testid={testId} data-rows={rows.length}>
      <div className="trow thead" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            className={`tcell align-${c.align ?? 'left'} ${c.sortValue ? 'sortable' : ''}`}
            onClick={() => clickHeader(c)}
            title={c.title ?? (c.sortValue ? `Sort by ${c.label}` : undefined)}
            aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
          >
            {c.label}
            {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
          </div>
        ))}
      </div>
      {rows.length === 0 ? (
        <div className="empty">{empty}</div>
      ) : sorted.length > virtualiseAbove ? (
        <VirtualList className="tbody" count={sorted.length} rowHeight={rowHeight} renderRow={(i) => renderRow(sorted[i])} />
      ) : (
        <div className="tbody">{sorted.map(renderRow)}</div>
      )}
    </div>
  )
}
