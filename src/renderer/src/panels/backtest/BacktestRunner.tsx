import { useState } from 'react'
import { Empty, ErrorText, Field, ProgressBar } from '../../components/ui'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtCompact, fmtDuration, fmtMoney, fmtPct } from '../../util/format'
import { BrokerForm } from './BrokerForm'
import { DatasetSelect } from './DatasetSelect'
import { ParamForm } from './ParamForm'
import { paramSpecs, parseBroker, parseParams, runForm } from './run-form'

/** Engine picker over `engines.list`. */
export function EngineSelect({ value, onChange, allowNone, testId }: { value: string; onChange: (name: string) => void; allowNone?: string; testId: string }) {
  const ws = useWorkstation()
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const error = useSlice(ws.store, (s) => s.engineSpecsError)
  if (error)
    return (
      <div className="error-text" role="alert">
        Could not list engines — {error} <button onClick={() => void ws.loadEngineSpecs()}>Retry</button>
      </div>
    )
  if (!specs) return <span className="muted">Loading engines…</span>
  const current = specs.find((e) => e.name === value)
  return (
    <>
      <select value={current || allowNone !== undefined ? value : ''} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {allowNone !== undefined ? <option value="">{allowNone}</option> : current ? null : <option value="">— choose an engine —</option>}
        {specs.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
          </option>
        ))}
      </select>
      {current ? <span className="field-hint">{current.description}</span> : null}
    </>
  )
}

/** Dataset, engine, parameters and broker settings; Run shows progress, Cancel stops the run. */
export function BacktestRunner() {
  const ws = useWorkstation()
  const form = useSlice(runForm, (s) => s)
  const specs = useSlice(ws.store, (s) => s.engineSpecs)
  const runId = useSlice(ws.store, (s) => s.currentRunId)
  const progress = useSlice(ws.store, (s) => (s.currentRunId ? s.backtests.get(s.currentRunId) : undefined))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [startError, setStartError] = useState<string | null>(null)
  const [starting, setStarting] = useState(false)

  const engineSpec = specs?.find((e) => e.name === form.engine)
  const pSpecs = paramSpecs(engineSpec)
  const running = !!runId && (!progress || !progress.finished)

  const run = async () => {
    setStartError(null)
    const p = parseParams(form, form.engine, pSpecs)
    const b = parseBroker(form.broker)
    const all = { ...p.errors, ...b.errors }
    if (!form.datasetId) all.dataset = 'Choose a dataset'
    if (!engineSpec) all.engine = 'Choose an engine'
    setErrors(all)
    if (Object.keys(all).length || !b.broker) return
    setStarting(true)
    const r = await ws.run('backtest.start', { datasetId: form.datasetId, engine: form.engine, params: p.values, broker: b.broker }, { inline: setStartError })
    setStarting(false)
    if (r) ws.store.set({ currentRunId: r.runId })
  }

  const cancel = async () => {
    if (runId) await ws.run('backtest.cancel', { runId })
  }

  return (
    <div className="runner" data-testid="backtest-runner">
      <Field label="Dataset">
        <DatasetSelect value={form.datasetId} onChange={(id) => runForm.set({ datasetId: id })} filter={(d) => d.source !== 'capture' && d.kind !== 'book'} testId="bt-dataset" />
      </Field>
      <ErrorText>{errors.dataset}</ErrorText>
      <Field label="Engine">
        <EngineSelect value={form.engine} onChange={(name) => runForm.set({ engine: name })} testId="bt-engine" />
      </Field>
      <ErrorText>{errors.engine}</ErrorText>
      {engineSpec ? (
        <details open className="group">
          <summary>Parameters</summary>
          <ParamForm engine={form.engine} specs={pSpecs} errors={errors} />
        </details>
      ) : null}
      <details className="group">
        <summary>Broker: cash {form.broker.cash}, taker {form.broker.takerFeePct}%, slippage {form.broker.slippageBps} bps, latency {form.broker.latencyMs} ms</summary>
        <BrokerForm errors={errors} />
      </details>
      <div className="actions">
        <button className="primary" onClick={() => void run()} disabled={starting || running} data-testid="bt-run">
          {starting ? 'Starting…' : 'Run backtest'}
        </button>
        <button onClick={() => void cancel()} disabled={!running} data-testid="bt-cancel">
          Cancel
        </button>
      </div>
      <ErrorText testId="bt-error">{startError}</ErrorText>
      {runId ? <RunProgress runId={runId} /> : <Empty>Choose a dataset and an engine, then Run. The report opens in the Report tab.</Empty>}
    </div>
  )
}

function RunProgress({ runId }: { runId: string }) {
  const ws = useWorkstation()
  const p = useSlice(ws.store, (s) => s.backtests.get(runId))
  if (!p)
    return (
      <div className="run-progress" data-testid="bt-progress">
        <div className="muted">Run {runId}: waiting for the first progress report…</div>
        <ProgressBar fraction={0} label="starting" />
      </div>
    )
  const fraction = p.total > 0 ? p.done / p.total : p.finished ? 1 : 0
  const tone = p.error ? 'bad' : p.finished ? 'ok' : 'accent'
  return (
    <div className="run-progress" data-testid="bt-progress" data-finished={p.finished} data-runid={runId}>
      <ProgressBar fraction={fraction} tone={tone} testId="bt-progress-bar" label={`${fmtPct(fraction, 0)} · ${fmtCompact(p.done)} / ${fmtCompact(p.total)} events`} />
      <div className="run-stats">
        {p.finished ? (
          p.error ? (
            <span className="bad" data-testid="bt-status">
              {p.error === 'cancelled' ? 'Cancelled' : `Failed: ${p.error}`}
            </span>
          ) : (
            <span className="ok" data-testid="bt-status">
              Finished · {fmtCompact(p.total || p.done)} events{p.eventsPerSecond > 0 ? ` at ${fmtCompact(p.eventsPerSecond)} events/s` : ''} · final equity {fmtMoney(p.summary?.finalEquity)} ·{' '}
              <button className="link" onClick={() => ws.store.set({ reportRunId: runId, centerTab: 'report' })}>
                open report
              </button>
            </span>
          )
        ) : (
          <span data-testid="bt-status">
            Running · <span data-testid="bt-rate">{fmtCompact(p.eventsPerSecond)} events/s</span> · ETA <span data-testid="bt-eta">{fmtDuration(p.etaMs)}</span>
          </span>
        )}
      </div>
      <div className="muted small">run {runId}</div>
    </div>
  )
}
