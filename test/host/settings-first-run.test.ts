import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MarketStore } from '../../src/main/core/store'
import { createWorkstation } from '../../src/main/host/workstation'
import { runCli } from '../support/run-cli'
import { PushRecorder, SAMPLE_DIR, WORKER_SCRIPT } from './harness'

const root = mkdtempSync(join(tmpdir(), 'theorycraft-first-run-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('first run on an empty data folder', () => {
  // a folder that does not exist yet, two levels down
  const folder = join(root, 'new', 'home')

  it('creates the folder, imports the sample data into the store, and preselects a ready-to-run backtest that runs', async () => {
    expect(existsSync(folder)).toBe(false)
    const ws = createWorkstation({ dataFolder: folder, sampleDir: SAMPLE_DIR, workerScript: WORKER_SCRIPT })
    const pushes = new PushRecorder(ws)
    let runId: string
    let finalEquity: number
    let tradeCount: number
    try {
      await ws.ready
      for (const f of ['journal.sqlite', 'market-data.sqlite', 'settings.json', 'logs/workstation.log']) expect(existsSync(join(folder, f)), f).toBe(true)

      // the samples are stored series now: rows as in the files (10,080 one-minute bars, 1,095 daily bars)
      const store = MarketStore.open(join(folder, 'market-data.sqlite'), { readonly: true })
      try {
        expect(store.listSeries().map((s) => [s.id, s.kind, s.symbol, s.timeframe, s.rows])).toEqual([
          ['BTC-USDT-1m', 'bars', 'BTC/USDT', '1m', 10_080],
          ['ETH-USDT-1d', 'bars', 'ETH/USDT', '1d', 1_095]
        ])
      } finally {
        store.close()
      }

      const { settings, warnings } = await ws.handlers['settings.get']({})
      expect(warnings).toEqual([])
      expect(settings.backtest).toMatchObject({ datasetId: 'store:BTC-USDT-1m', engine: 'sma-cross' })
      const { datasets } = await ws.handlers['data.list']({})
      expect(datasets.find((d) => d.id === 'store:BTC-USDT-1m')).toMatchObject({ source: 'store', rows: 10_080, kind: 'bars' })

      // what the window's one "Run" click sends: the preselected dataset and engine, default parameters and broker
      const engine = (await ws.handlers['engines.list']({})).engines.find((e) => e.name === settings.backtest.engine)!
      const params = Object.fromEntries(Object.entries(engine.params).map(([k, spec]) => [k, spec.default as number | string | boolean]))
      const since = pushes.mark()
      runId = (await ws.handlers['backtest.start']({ datasetId: settings.backtest.datasetId!, engine: engine.name, params, broker: settings.backtest.broker })).runId
      const finished = await pushes.waitFor('backtest.finished', (p) => p.runId === runId, since, 30_000)
      expect(finished.error).toBeNull()
      const report = (await ws.handlers['backtest.report']({ runId })).report as { finalEquity: number; stats: { tradeCount: number }; manifest: { datasetId: string } }
      expect(report.manifest.datasetId).toBe('store:BTC-USDT-1m')
      expect(report.stats.tradeCount).toBeGreaterThan(0)
      finalEquity = report.finalEquity
      tradeCount = report.stats.tradeCount
      expect((await ws.handlers['journal.sessions']({})).sessions.map((s) => s.id)).toContain(runId)
    } finally {
      await ws.close()
    }

    // the same run from the command line over the same stored series gives the same result
    const out = join(root, 'cli.json')
    const cli = runCli(
      ['backtest', '--series', 'BTC-USDT-1m', '--store', join(folder, 'market-data.sqlite'), '--engine', 'sma-cross', '--account', 'spot', '--fee', '0.001', '--maker-fee', '0.0005', '--cash', '10000', '--no-journal', '--json', out, '--quiet'],
      { THEORYCRAFT_HOME: join(root, 'cli-home') }
    )
    expect(cli.stderr).toBe('')
    const fromCli = JSON.parse(readFileSync(out, 'utf8')) as { finalEquity: number; stats: { tradeCount: number } }
    expect(fromCli.stats.tradeCount).toBe(tradeCount)
    expect(fromCli.finalEquity).toBeCloseTo(finalEquity, 6)
  })

  it('a second start imports nothing again and keeps what the user chose', async () => {
    const ws = createWorkstation({ dataFolder: folder, sampleDir: SAMPLE_DIR, workerScript: WORKER_SCRIPT })
    try {
      await ws.handlers['settings.set']({ settings: { backtest: { ...(await ws.handlers['settings.get']({})).settings.backtest, datasetId: 'store:ETH-USDT-1d' } } })
      await ws.handlers['data.delete']({ datasetId: 'store:BTC-USDT-1m' })
    } finally {
      await ws.close()
    }
    const again = createWorkstation({ dataFolder: folder, sampleDir: SAMPLE_DIR, workerScript: WORKER_SCRIPT })
    try {
      await again.ready
      expect((await again.handlers['settings.get']({})).settings.backtest.datasetId).toBe('store:ETH-USDT-1d')
      const stored = (await again.handlers['data.list']({})).datasets.filter((d) => d.source === 'store').map((d) => d.id)
      expect(stored).toEqual(['store:ETH-USDT-1d'])
    } finally {
      await again.close()
    }
  })
})
