import { useState } from 'react'
import { Empty, ErrorText, Field } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtTime } from '../../util/format'
import { EngineSelect } from '../backtest/BacktestRunner'
import { ParamForm } from '../backtest/ParamForm'
import { paramSpecs, parseBroker, parseParams, runForm } from '../backtest/run-form'

/** Paper trading: live Binance market data for one symbol, fills from the simulated broker. */
export function PaperPanel() {
  const ws = useWorkstation()
  const form = useSlice(runForm, (s) => s)
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const [symbol, setSymbol] = useState('BTC/USDT')
  const [engine, setEngine] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)

  const engineSpec = specs?.find((e) => e.name === engine)
  const pSpecs = paramSpecs(engineSpec)
  const st = session?.state?.mode === 'paper' ? session.state : undefined
  const running = st?.status === 'running'

  const start = async () => {
    setError(null)
    const all: Record<string, string> = {}
    const sym = symbol.trim().toUpperCase()
    if (!/^[A-Z0-9]+\/[A-Z0-9]+$/.test(sym)) all.symbol = 'Enter a spot symbol like BTC/USDT'
    let params
    if (engineSpec) {
      const p = parseParams(form, engine, pSpecs)
      Object.assign(all, p.errors)
      params = p.values
    }
    const b = parseBroker(form.broker)
    Object.assign(all, b.errors)
    setErrors(all)
    if (Object.keys(all).length || !b.broker) return
    setStarting(true)
    const r = await ws.run('paper.start', { venue: 'binance', symbol: sym, ...(engineSpec ? { engine, params } : {}), broker: b.broker }, { inline: setError })
    setStarting(false)
    if (r) {
      ws.patchSession(r.sessionId, () => ({ datasetId: `live:binance:${sym}` }))
      ws.setActiveSession(r.sessionId)
      ws.store.set({ centerTab: 'chart' })
    }
  }

  const stop = async () => {
    if (!st) return
    setError(null)
    await ws.run('replay.control', { sessionId: st.sessionId, action: 'stop' }, { inline: setError })
  }

  return (
    <div className="runner" data-testid="paper-panel">
      <Field label="Venue">
        <span>Binance spot (public market data; orders are simulated, no keys needed)</span>
      </Field>
      <Field label="Symbol">
        <input value={symbol} onChange={(e) => setSymbol(e.target.value)} aria-label="Symbol" data-testid="paper-symbol" spellCheck={false} />
      </Field>
      <ErrorText>{errors.symbol}</ErrorText>
      <Field label="Engine">
        <EngineSelect value={engine} onChange={setEngine} allowNone="none (trade by hand)" testId="paper-engine" />
      </Field>
      {engineSpec ? (
        <details className="group">
          <summary>Parameters</summary>
          <ParamForm engine={engine} specs={pSpecs} errors={errors} />
        </details>
      ) : null}
      <div className="actions">
        <button className="primary" onClick={() => void start()} disabled={starting || running} data-testid="paper-start">
          {starting ? 'Connecting…' : 'Start paper'}
        </button>
        <button className="danger-outline" onClick={() => void stop()} disabled={!running} data-testid="paper-stop">
          ■ Stop
        </button>
      </div>
      <ErrorText testId="paper-error">{error}</ErrorText>
      {!st ? (
        <Empty>Choose a symbol and Start: the order book, chart, orders and log follow the live market; the ticket sends orders to the simulated broker.</Empty>
      ) : (
        <div className="muted small" data-testid="paper-status" data-status={st.status}>
          session {st.sessionId} · {st.status} · venue time {fmtTime(st.clock, true)} UTC · trading {st.tradingState}
        </div>
      )}
    </div>
  )
}
