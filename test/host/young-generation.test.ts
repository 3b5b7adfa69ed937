import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { WorkerClient } from '../../src/main/host/worker-client'
import { BACKTEST_NODE_FLAG, BACKTEST_SEMI_SPACE_MB, BACKTEST_YOUNG_GENERATION_MB } from '../../src/main/host/young-generation'

const repoRoot = resolve(__dirname, '../..')

/** The new space of a worker started with the session workers' limits, after it allocated a lot of short-lived objects. */
function workerNewSpace(limits: { maxYoungGenerationSizeMb?: number }): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads')
    const { getHeapSpaceStatistics } = require('node:v8')
    let keep = []
    for (let i = 0; i < 3e6; i++) { keep.push({ a: i * 1.5, b: i }); if (keep.length > 200000) keep = [] }
    parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)
  `
  return new Promise((done, fail) => {
    const w = new Worker(code, { eval: true, resourceLimits: limits })
    w.once('message', (size: number) => {
      void w.terminate()
      done(size)
    })
    w.once('error', fail)
  })
}

describe('young generation of backtesting threads', () => {
  it('lets a thread with those limits grow its new space past the default semi-spaces', async () => {
    const defaultMax = 2 * 16 * 1024 * 1024
    const grown = await workerNewSpace({ maxYoungGenerationSizeMb: BACKTEST_YOUNG_GENERATION_MB })
    expect(grown).toBeGreaterThan(defaultMax)
    expect(grown).toBeLessThanOrEqual(2 * BACKTEST_SEMI_SPACE_MB * 1024 * 1024)
    expect(await workerNewSpace({})).toBeLessThanOrEqual(defaultMax)
  })

  it('is the size the session workers run with and the benchmarks use', async () => {
    const client = new WorkerClient(resolve(repoRoot, 'out/node/session-worker.js'))
    try {
      expect(client.resourceLimits.maxYoungGenerationSizeMb).toBe(BACKTEST_YOUNG_GENERATION_MB)
    } finally {
      await client.terminate()
    }
    expect(BACKTEST_NODE_FLAG).toBe(`--max-semi-space-size=${BACKTEST_SEMI_SPACE_MB}`)
    const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.bench).toContain(`node ${BACKTEST_NODE_FLAG} out/node/bench.js`)
  })
})
