import { useEffect, useRef, useState } from 'react'
import type { CommandParams } from '../../../../shared/api'
import { Empty, ErrorText } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtPrice } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { startHint } from '../session/start-hint'

type TicketType = 'market' | 'limit' | 'stop-market' | 'stop-limit'
const TYPES: { value: TicketType; label: string }[] = [
  { value: 'market', label: 'Market' },
  { value: 'limit', label: 'Limit' },
  { value: 'stop-market', label: 'Stop' },
  { value: 'stop-limit', label: 'Stop limit' }
]

/** A manual order for the active session: market, limit, stop (market) and stop-limit. */
export function OrderTicket() {
  const ws = useWorkstation()
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const [side, setSide] = useState<'buy' | 'sell'>('buy')
  const [type, setType] = usePersistentState<TicketType>('ticket.type', 'limit')
  const [amount, setAmount] = usePersistentState('ticket.amount', '0.01')
  const [price, setPrice] = useState('')
  const [stopPrice, setStopPrice] = useState('')
  const [tif, setTif] = usePersistentState<'GTC' | 'IOC' | 'FOK'>('ticket.tif', 'GTC')
  const [symbolText, setSymbol] = useState('')
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  const [sending, setSending] = useState(false)
  const mode = useSlice(ws.store, (s) => s.mode)
  // the answer sits below the button: in a short panel it is scrolled to, so a denial is not missed
  const resultRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (result) resultRef.current?.scrollIntoView({ block: 'nearest' })
  }, [result])

  if (!session)
    return (
      <Empty testId="ticket-empty">
        No session to trade in. {startHint(mode)} first; {mode === 'live' ? 'manual orders go to the venue.' : 'manual orders go to its simulated broker.'}
      </Empty>
    )
  const symbol = symbolText || session.book?.symbol || session.bars?.symbol || session.account?.positions[0]?.symbol || ''
  const needsPrice = type === 'limit' || type === 'stop-limit'
  const needsStop = type === 'stop-market' || type === 'stop-limit'
  const bestBid = session.book?.bids[0]?.[0]
  const bestAsk = session.book?.asks[0]?.[0]
  const last = session.bars ? session.bars.close[session.bars.close.length - 1] : undefined

  const submit = async () => {
    setResult(null)
    const problems: string[] = []
    const amt = Number(amount)
    if (!symbol) problems.push('enter a symbol')
    if (!(amt > 0)) problems.push('amount must be a number above 0')
    const px = Number(price)
    const stop = Number(stopPrice)
    if (needsPrice && !(px > 0)) problems.push('limit price must be a number above 0')
    if (needsStop && !(stop > 0)) problems.push('stop price must be a number above 0')
    if (problems.length) {
      setResult({ ok: false, text: `Not sent: ${problems.join('; ')}` })
      return
    }
    const params: CommandParams<'order.create'> = {
      sessionId: session.sessionId,
      symbol,
      type,
      side,
      amount: amt,
      ...(needsPrice ? { price: px } : {}),
      ...(needsStop ? { stopPrice: stop } : {}),
      ...(type === 'market' ? {} : { timeInForce: tif })
    }
    setSending(true)
    const r = await ws.run('order.create', params, { inline: (m) => setResult({ ok: false, text: m }) })
    setSending(false)
    if (!r) return
    if (r.denied) setResult({ ok: false, text: `Denied by the risk gate: ${r.denied}` })
    else setResult({ ok: true, text: `Sent ${side} ${amt} ${symbol} ${type}${needsPrice ? ` @ ${px}` : ''} — ${r.clientOrderId}` })
  }

  return (
    <form
      className="ticket"
      data-testid="order-ticket"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <div className="ticket-row">
        <div className="segmented side" role="radiogroup" aria-label="Side">
          <button type="button" role="radio" aria-checked={side === 'buy'} className={side === 'buy' ? 'active buy' : ''} onClick={() => setSide('buy')} data-testid="ticket-buy">
            Buy
          </button>
          <button type="button" role="radio" aria-checked={side === 'sell'} className={side === 'sell' ? 'active sell' : ''} onClick={() => setSide('sell')} data-testid="ticket-sell">
            Sell
          </button>
        </div>
        <select value={type} onChange={(e) => setType(e.target.value as TicketType)} aria-label="Order type" data-testid="ticket-type">
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <div className="grid2">
        <label className="field">
          <span className="field-label">Symbol</span>
          <span className="field-input">
            <input value={symbol} onChange={(e) => setSymbol(e.target.value)} data-testid="ticket-symbol" />
          </span>
        </label>
        <label className="field">
          <span className="field-label">Amount</span>
          <span className="field-input">
            <input type="number" step="any" min="0" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="ticket-amount" />
          </span>
        </label>
        {needsPrice ? (
          <label className="field">
            <span className="field-label">Limit price</span>
            <span className="field-input">
              <input type="number" step="any" min="0" value={price} onChange={(e) => setPrice(e.target.value)} placeholder={fmtPrice(side === 'buy' ? bestBid ?? last : bestAsk ?? last).replace(/,/g, '')} data-testid="ticket-price" />
            </span>
          </label>
        ) : null}
        {needsStop ? (
          <label className="field">
            <span className="field-label">Stop price</span>
            <span className="field-input">
              <input type="number" step="any" min="0" value={stopPrice} onChange={(e) => setStopPrice(e.target.value)} data-testid="ticket-stop" />
            </span>
          </label>
        ) : null}
        {type !== 'market' ? (
          <label className="field">
            <span className="field-label">Time in force</span>
            <span className="field-input">
              <select value={tif} onChange={(e) => setTif(e.target.value as 'GTC' | 'IOC' | 'FOK')}>
                <option value="GTC">GTC</option>
                <option value="IOC">IOC</option>
                <option value="FOK">FOK</option>
              </select>
            </span>
          </label>
        ) : null}
      </div>
      <div className="ticket-market muted small">
        {bestBid !== undefined ? `bid ${fmtPrice(bestBid)} · ask ${fmtPrice(bestAsk)}` : last !== undefined ? `last ${fmtPrice(last)}` : 'no market data yet'} · session {session.sessionId}
      </div>
      <button type="submit" className={`primary ${side}`} disabled={sending} data-testid="ticket-submit">
        {sending ? 'Sending…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${symbol}`}
      </button>
      <div ref={resultRef}>
        {result ? result.ok ? <div className="ok small" data-testid="ticket-result">{result.text}</div> : <ErrorText testId="ticket-result">{result.text}</ErrorText> : null}
      </div>
    </form>
  )
}
