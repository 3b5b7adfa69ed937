import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultMarket } from '../../src/shared/market'
import { runBacktest } from '../../src/main/core/backtest/run-backtest'
import smaCross from '../../src/main/core/engines/sma-cross/sma-cross'
import type { EngineDefinition } from '../../src/main/core/engine/engine'
import type { ParamValues } from '../../src/shared/engine-params'
import { loadMarketData } from '../../src/main/host/load-market-data'
import { sharedDataPath } from '../support/shared-data'
import { BROKER, BTC_SAMPLE, errorOf, openWorkstation, SAMPLE_DIR, SPOT_ID, type Harness } from './harness'

/** The same run in this process, its configuration written out by hand from BROKER. */
async function inProcess(params: Record<string, number>): Promise<number> {
  const data = await loadMarketData(join(SAMPLE_DIR, 'BTC-USDT-1m-synthetic.csv'), { symbol: 'BTC/USDT' })
  const result = runBacktest({
    ...data.series,
    markets: [defaultMarket('BTC/USDT')],
    engines: [{ id: 'sma-cross', definition: smaCross as unknown as EngineDefinition<ParamValues>, params }],
    broker: {
      currency: 'USDT',
      initialCash: 10_000,
      accountType: 'margin',
      leverage: 1,
      fees: { taker: 0.001, maker: 0.001, fixed: 0 },
      slippage: { kind: 'bps', bps: 5 },
      latencyMs: 0
    }
  })
  return result.report.finalEquity
}

let t: Harness
beforeAll(() => {
  t = openWorkstation()
})
afterAll(async () => {
  await t.close()
})

describe('workstation: backtests in workers', () => {
  it('lists the sample bars and the capture', async () => {
    const { datasets } = await t.h['data.list']({})
    const btc = datasets.find((d) => d.id === BTC_SAMPLE)
    expect(btc).toMatchObject({ kind: 'bars', symbol: 'BTC/USDT', timeframe: '1m', rows: 10080, source: 'sample' })
    expect(datasets.find((d) => d.id === 'sample:ETH-USDT-1d-synthetic.csv')).toMatchObject({ kind: 'bars', timeframe: '1d', symbol: 'ETH/USDT' })
    expect(datasets.find((d) => d.id === SPOT_ID)).toMatchObject({
      kind: 'book',
      symbol: 'BTC/USDT',
      rows: 41249,
      source: 'capture',
      quality: { snapshots: 1, diffs: 3451, quotes: 28040, trades: 9757, gaps: 0, crossed: 0 }
    })
  })

  it('a backtest pushes progress, then finished; its report matches an in-process run of the same config', async () => {
    const since = t.pushes.mark()
    const { runId } = await t.h['backtest.start']({ datasetId: BTC_SAMPLE, engine: 'sma-cross', params: { fast: 10, slow: 30 }, broker: BROKER })
    const finished = await t.pushes.waitFor('backtest.finished', (p) => p.runId === runId, since)
    expect(finished.error).toBeNull()
    const progress = t.pushes.of('backtest.progress', runId)
    expect(progress.length).toBeGreaterThanOrEqual(1)
    const last = progress[progress.length - 1]
    expect(last).toMatchObject({ done: 10080, total: 10080, etaMs: 0 })
    expect(last.eventsPerSecond).toBeGreaterThan(0)
    // progress never follows the finish
    const order = t.pushes.all.slice(since).filter((r) => (r.payload as { runId?: string }).runId === runId).map((r) => r.topic)
    expect(order[order.length - 1]).toBe('backtest.finished')

    const expected = await inProcess({ fast: 10, slow: 30 })
    expect(finished.summary!.finalEquity).toBe(expected)
    const { report } = await t.h['backtest.report']({ runId })
    expect(report.finalEquity).toBe(expected)
    expect((report.manifest as Record<string, unknown>).datasetId).toBe(BTC_SAMPLE)
    const { runs } = await t.h['backtest.runs']({})
    expect(runs.find((r) => r.runId === runId)).toEqual(finished.summary)
    // the run is in the data folder's journal
    const { sessions } = await t.h['journal.sessions']({})
    expect(sessions.find((s) => s.id === runId)).toMatchObject({ mode: 'backtest', status: 'completed' })
  })

  it('a sweep of 4 parameter sets returns 4 results, each equal to its own run', async () => {
    const since = t.pushes.mark()
    const { sweepId, runs } = await t.h['sweep.start']({
      datasetId: BTC_SAMPLE,
      engine: 'sma-cross',
      grid: { fast: [5, 10], slow: [20, 40] },
      params: {},
      broker: BROKER
    })
    expect(runs).toBe(4)
    const done = await t.pushes.waitFor('sweep.progress', (p) => p.sweepId === sweepId && p.done === 4, since)
    expect(done.results).toHaveLength(4)
    const byParams = new Map(done.results.map((r) => [`${r.params.fast}/${r.params.slow}`, r.finalEquity]))
    expect([...byParams.keys()].sort()).toEqual(['10/20', '10/40', '5/20', '5/40'])
    expect(byParams.get('5/40')).toBe(await inProcess({ fast: 5, slow: 40 }))
    const times = t.pushes.times('sweep.progress', sweepId)
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(49)
  })

  it('cancel stops a running backtest', async () => {
    const since = t.pushes.mark()
    const { runId } = await t.h['backtest.start']({ datasetId: BTC_SAMPLE, engine: 'sma-cross', params: {}, broker: BROKER })
    expect(await t.h['backtest.cancel']({ runId })).toEqual({ cancelled: true })
    const finished = await t.pushes.waitFor('backtest.finished', (p) => p.runId === runId, since)
    expect(finished).toEqual({ runId, summary: null, error: 'cancelled by the user' })
    expect(await t.h['backtest.cancel']({ runId })).toEqual({ cancelled: false })
    expect((await errorOf(t.h['backtest.report']({ runId }))).type).toBe('NotFound')
  })

  it('refuses bad requests with typed errors', async () => {
    const start = (over: Record<string, unknown>) =>
      errorOf(t.h['backtest.start']({ datasetId: BTC_SAMPLE, engine: 'sma-cross', params: {}, broker: BROKER, ...over } as never))
    expect(await start({ datasetId: 'sample:nope.csv' })).toMatchObject({ type: 'NotFound' })
    expect(await start({ datasetId: SPOT_ID })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/L2 book capture/) })
    expect(await start({ engine: 'nope' })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/unknown engine "nope"/) })
    expect(await start({ params: { fast: 'x' } })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/fast/) })
    expect(await start({ params: { fast: 30, slow: 10 } })).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/fast \(30\) must be below slow/) })
    expect(await start({ broker: { ...BROKER, cash: -1 } })).toMatchObject({ type: 'ValidationError' })
    expect(await errorOf(t.h['backtest.report']({ runId: 'bt-unknown' }))).toMatchObject({ type: 'NotFound' })
    expect(
      await errorOf(t.h['sweep.start']({ datasetId: BTC_SAMPLE, engine: 'sma-cross', grid: { fast: range(21), slow: range(20) }, params: {}, broker: BROKER }))
    ).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/420 combinations; at most 400/) })
    expect(await errorOf(t.h['data.import']({ path: join(t.dataFolder, 'missing.csv'), symbol: 'X' }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/no file at/) })
  })

  it('a worker that dies or an engine that throws ends the run with an error; the host goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engines-'))
    try {
      const exits = join(dir, 'exits.mjs')
      writeFileSync(exits, `export default { name: 'exits', description: '', params: {}, create() { process.exit(7) } }\n`)
      const throws = join(dir, 'throws.mjs')
      writeFileSync(throws, `export default { name: 'throws', description: '', params: {}, create() { throw new Error('no good') } }\n`)
      const since = t.pushes.mark()
      const a = await t.h['backtest.start']({ datasetId: BTC_SAMPLE, engine: exits, params: {}, broker: BROKER })
      const b = await t.h['backtest.start']({ datasetId: BTC_SAMPLE, engine: throws, params: {}, broker: BROKER })
      const fa = await t.pushes.waitFor('backtest.finished', (p) => p.runId === a.runId, since)
      const fb = await t.pushes.waitFor('backtest.finished', (p) => p.runId === b.runId, since)
      expect(fa).toMatchObject({ summary: null, error: expect.stringMatching(/worker stopped unexpectedly \(exit code 7\)/) })
      expect(fb).toMatchObject({ summary: null, error: expect.stringMatching(/no good/) })
      expect((await t.h['app.info']({})).appVersion).toBeTruthy()
      expect((await errorOf(t.h['backtest.report']({ runId: a.runId }))).type).toBe('NotFound')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('workstation: importing into the market-data store', () => {
  it('imports a file through the quality gate, lists it as a store dataset and backtests on it', async () => {
    const file = sharedDataPath('backtrader/2006-day-001.txt')
    let since = t.pushes.mark()
    const { importId } = await t.h['data.import']({ path: file, symbol: 'FESX' })
    const done = await t.pushes.waitFor('import.progress', (p) => p.importId === importId && p.finished, since)
    expect(done).toMatchObject({ error: null, datasetId: 'store:FESX-1d' })
    const { datasets } = await t.h['data.list']({})
    expect(datasets.find((d) => d.id === 'store:FESX-1d')).toMatchObject({
      kind: 'bars',
      symbol: 'FESX',
      timeframe: '1d',
      rows: 255,
      source: 'store',
      from: Date.UTC(2006, 0, 2),
      to: Date.UTC(2006, 11, 30)
    })

    since = t.pushes.mark()
    const { runId } = await t.h['backtest.start']({ datasetId: 'store:FESX-1d', engine: 'sma-cross', params: { fast: 5, slow: 20 }, broker: BROKER })
    const finished = await t.pushes.waitFor('backtest.finished', (p) => p.runId === runId, since)
    expect(finished.error).toBeNull()
    // the same bars straight from the file give the same run
    const data = await loadMarketData(file, { symbol: 'FESX' })
    const direct = runBacktest({
      ...data.series,
      markets: [defaultMarket('FESX')],
      engines: [{ id: 'sma-cross', definition: smaCross as unknown as EngineDefinition<ParamValues>, params: { fast: 5, slow: 20 } }],
      broker: { currency: 'USD', initialCash: 10_000, accountType: 'margin', leverage: 1, fees: { taker: 0.001, maker: 0.001, fixed: 0 }, slippage: { kind: 'bps', bps: 5 }, latencyMs: 0 }
    })
    expect(finished.summary!.finalEquity).toBe(direct.report.finalEquity)

    // a second import of the same series is refused; the stored one stays
    since = t.pushes.mark()
    const again = await t.h['data.import']({ path: file, symbol: 'FESX' })
    const refused = await t.pushes.waitFor('import.progress', (p) => p.importId === again.importId && p.finished, since)
    expect(refused).toMatchObject({ datasetId: null, error: expect.stringMatching(/FESX-1d is already in the market-data store/) })
  })

  it('reports a file that is not market data as a finished import with an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'))
    try {
      const file = join(dir, 'notes.csv')
      writeFileSync(file, 'hello,world\nthis,is not,market data\n')
      const since = t.pushes.mark()
      const { importId } = await t.h['data.import']({ path: file, symbol: 'X' })
      const done = await t.pushes.waitFor('import.progress', (p) => p.importId === importId && p.finished, since)
      expect(done.datasetId).toBeNull()
      expect(done.error).toMatch(/notes\.csv/)
      expect((await t.h['data.list']({})).datasets.some((d) => d.symbol === 'X')).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('workstation: modes and listings', () => {
  it('mode.set: backtest, replay, paper and live are available, live needs LIVE', async () => {
    expect(await t.h['mode.set']({ mode: 'replay' })).toEqual({ mode: 'replay' })
    expect((await t.h['app.info']({})).mode).toBe('replay')
    expect(await t.h['mode.set']({ mode: 'backtest' })).toEqual({ mode: 'backtest' })
    expect(await t.h['mode.set']({ mode: 'paper' })).toEqual({ mode: 'paper' })
    expect(await t.h['mode.set']({ mode: 'backtest' })).toEqual({ mode: 'backtest' })
    expect(await errorOf(t.h['mode.set']({ mode: 'live' }))).toMatchObject({ type: 'ValidationError', message: expect.stringMatching(/LIVE/) })
    expect(await errorOf(t.h['mode.set']({ mode: 'live', confirmation: 'live' }))).toMatchObject({ type: 'ValidationError' })
    expect((await t.h['app.info']({})).mode).toBe('backtest')
    expect(await t.h['mode.set']({ mode: 'live', confirmation: 'LIVE' })).toEqual({ mode: 'live' })
    expect(await t.h['mode.set']({ mode: 'backtest' })).toEqual({ mode: 'backtest' })
  })

  it('app.info, engines.list, session.list and parameter validation', async () => {
    const info = await t.h['app.info']({})
    expect(info.dataFolder).toBe(t.dataFolder)
    expect(info.versions.node).toBe(process.versions.node)
    const { engines } = await t.h['engines.list']({})
    expect(engines.map((e) => e.name).sort()).toEqual(['breakout', 'buy-and-hold', 'grid', 'rsi-reversion', 'sma-cross'])
    expect(engines.find((e) => e.name === 'sma-cross')!.params.fast).toMatchObject({ type: 'integer', default: 10 })
    expect(await t.h['session.list']({})).toEqual({ sessions: [] })
    expect(await errorOf(t.h['app.info']({ extra: 1 } as never))).toMatchObject({ type: 'ValidationError' })
  })
})

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1)
}
