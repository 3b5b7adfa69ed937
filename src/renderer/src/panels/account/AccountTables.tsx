import { useState } from 'react'
import { SortableTable, type Column } from '../../components/SortableTable'
import { Empty, ErrorText } from '../../components/ui'
import type { AccountPush, FillView, OrderView } from '../../state/app-state'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtAmount, fmtMoney, fmtPrice, fmtTime } from '../../util/format'
import { startHint } from '../session/start-hint'
import { isOpen } from './order-status'

function useActiveSession() {
  const ws = useWorkstation()
  return useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
}

/** The empty state of every account table, worded for the current mode. */
function NoSession() {
  const ws = useWorkstation()
  const mode = useSlice(ws.store, (s) => s.mode)
  return <Empty testId="account-empty">No session. {startHint(mode)}: its orders, positions, fills and balances show here.</Empty>
}

type Position = AccountPush['positions'][number]
type Balance = AccountPush['balances'][number]

export function OrdersTable() {
  const ws = useWorkstation()
  const session = useActiveSession()
  const [error, setError] = useState<string | null>(null)
  if (!session) return <NoSession />
  const sessionId = session.sessionId
  // the host pushes the open orders; anything else that slips in is shown dimmed
  const open = session.orders.filter((o) => isOpen(o.status))

  const cancel = async (o: OrderView) => {
    setError(null)
    const r = await ws.run('order.cancel', { sessionId, clientOrderId: o.clientOrderId }, { inline: setError })
    if (r && !r.ok) setError(`Order ${o.clientOrderId} could not be cancelled (it may have filled or been cancelled already).`)
  }
  const cancelAll = async () => {
    setError(null)
    const r = await ws.run('order.cancelAll', { sessionId }, { inline: setError })
    if (r) ws.toast(r.ok ? 'info' : 'error', r.ok ? `Cancel-all sent for session ${sessionId}` : `Cancel-all was refused for session ${sessionId}`)
  }

  const columns: Column<OrderView>[] = [
    { key: 'clientOrderId', label: 'Order', render: (o) => <span title={o.id}>{o.clientOrderId}</span>, sortValue: (o) => o.clientOrderId, width: '1.4fr' },
    { key: 'owner', label: 'Owner', render: (o) => o.owner, sortValue: (o) => o.owner },
    { key: 'symbol', label: 'Symbol', render: (o) => o.symbol, sortValue: (o) => o.symbol },
    { key: 'side', label: 'Side', render: (o) => <span className={o.side === 'buy' ? 'up' : 'down'}>{o.side}</span>, sortValue: (o) => o.side, width: '50px' },
    { key: 'type', label: 'Type', render: (o) => o.type, sortValue: (o) => o.type, width: '84px' },
    { key: 'price', label: 'Price', render: (o) => fmtPrice(o.price ?? undefined), sortValue: (o) => o.price, align: 'right' },
    { key: 'stopPrice', label: 'Stop', render: (o) => fmtPrice(o.stopPrice ?? undefined), sortValue: (o) => o.stopPrice, align: 'right' },
    { key: 'amount', label: 'Amount', render: (o) => fmtAmount(o.amount), sortValue: (o) => o.amount, align: 'right' },
    { key: 'filled', label: 'Filled', render: (o) => fmtAmount(o.filled), sortValue: (o) => o.filled, align: 'right' },
    { key: 'status', label: 'Status', render: (o) => <span className={`status status-${o.status}`}>{o.status}</span>, sortValue: (o) => o.status, width: '104px' },
    {
      key: 'cancel',
      label: '',
      render: (o) =>
        isOpen(o.status) ? (
          <button className="small danger-outline" onClick={() => void cancel(o)} data-testid="cancel-order" data-order={o.clientOrderId}>
            Cancel
          </button>
        ) : null,
      width: '64px'
    }
  ]
  return (
    <div className="table-panel" data-testid="orders-panel">
      <div className="toolbar">
        <span className="muted" data-testid="open-order-count">
          {open.length} open
        </span>
        <button className="danger-outline right" onClick={() => void cancelAll()} disabled={open.length === 0} data-testid="cancel-all">
          Cancel all
        </button>
      </div>
      <ErrorText testId="orders-error">{error}</ErrorText>
      <SortableTable
        columns={columns}
        rows={session.orders}
        rowKey={(o) => o.clientOrderId}
        empty="No open orders. Place one with the order ticket, or let an engine trade."

        testId="orders-table"
        rowClass={(o) => (isOpen(o.status) ? undefined : 'dim')}
      />
    </div>
  )
}

export function PositionsTable() {
  const session = useActiveSession()
  if (!session) return <NoSession />
  const account = session.account
  const columns: Column<Position>[] = [
    { key: 'symbol', label: 'Symbol', render: (p) => p.symbol, sortValue: (p) => p.symbol },
    { key: 'amount', label: 'Amount', render: (p) => <span className={p.amount > 0 ? 'up' : p.amount < 0 ? 'down' : ''}>{fmtAmount(p.amount)}</span>, sortValue: (p) => p.amount, align: 'right' },
    { key: 'entryPrice', label: 'Entry', render: (p) => fmtPrice(p.entryPrice), sortValue: (p) => p.entryPrice, align: 'right' },
    { key: 'markPrice', label: 'Mark', render: (p) => fmtPrice(p.markPrice), sortValue: (p) => p.markPrice, align: 'right' },
    { key: 'unrealizedPnl', label: 'Unrealised P&L', render: (p) => <span className={p.unrealizedPnl >= 0 ? 'up' : 'down'}>{fmtMoney(p.unrealizedPnl)}</span>, sortValue: (p) => p.unrealizedPnl, align: 'right' },
    { key: 'realizedPnl', label: 'Realised P&L', render: (p) => <span className={p.realizedPnl >= 0 ? 'up' : 'down'}>{fmtMoney(p.realizedPnl)}</span>, sortValue: (p) => p.realizedPnl, align: 'right' }
  ]
  return (
    <div className="table-panel" data-testid="positions-panel">
      <div className="toolbar">
        <span>
          Equity <strong data-testid="account-equity">{account ? fmtMoney(account.equity) : '—'}</strong>
        </span>
      </div>
      <SortableTable columns={columns} rows={account?.positions ?? []} rowKey={(p) => p.symbol} empty={account ? 'Flat: no positions.' : 'No account update yet from this session.'} testId="positions-table" />
    </div>
  )
}

export function FillsTable() {
  const session = useActiveSession()
  if (!session) return <NoSession />
  const rows = session.fills.map((f, i) => ({ ...f, n: i }))
  const columns: Column<FillView & { n: number }>[] = [
    { key: 'ts', label: 'Time (UTC)', render: (f) => fmtTime(f.ts, true), sortValue: (f) => f.ts * 1e6 + f.n, width: '170px' },
    { key: 'symbol', label: 'Symbol', render: (f) => f.symbol, sortValue: (f) => f.symbol },
    { key: 'side', label: 'Side', render: (f) => <span className={f.side === 'buy' ? 'up' : 'down'}>{f.side}</span>, sortValue: (f) => f.side, width: '50px' },
    { key: 'price', label: 'Price', render: (f) => fmtPrice(f.price), sortValue: (f) => f.price, align: 'right' },
    { key: 'amount', label: 'Amount', render: (f) => fmtAmount(f.amount), sortValue: (f) => f.amount, align: 'right' },
    { key: 'fee', label: 'Fee', render: (f) => fmtMoney(f.fee), sortValue: (f) => f.fee, align: 'right' },
    { key: 'clientOrderId', label: 'Order', render: (f) => f.clientOrderId, sortValue: (f) => f.clientOrderId, width: '1.4fr' },
    { key: 'owner', label: 'Owner', render: (f) => f.owner, sortValue: (f) => f.owner }
  ]
  return (
    <div className="table-panel" data-testid="fills-panel">
      <SortableTable columns={columns} rows={rows} rowKey={(f) => String(f.n)} empty="No fills yet in this session." testId="fills-table" initialSort={{ key: 'ts', dir: 'desc' }} />
    </div>
  )
}

export function BalancesTable() {
  const session = useActiveSession()
  if (!session) return <NoSession />
  const columns: Column<Balance>[] = [
    { key: 'currency', label: 'Currency', render: (b) => b.currency, sortValue: (b) => b.currency },
    { key: 'free', label: 'Free', render: (b) => fmtAmount(b.free), sortValue: (b) => b.free, align: 'right' },
    { key: 'used', label: 'In orders', render: (b) => fmtAmount(b.used), sortValue: (b) => b.used, align: 'right' },
    { key: 'total', label: 'Total', render: (b) => fmtAmount(b.total), sortValue: (b) => b.total, align: 'right' }
  ]
  return (
    <div className="table-panel" data-testid="balances-panel">
      <SortableTable columns={columns} rows={session.account?.balances ?? []} rowKey={(b) => b.currency} empty="No balances reported yet." testId="balances-table" />
    </div>
  )
}
