import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canvasPixels, frameColour, MODE_COLOURS, money, openWorkstation, type Harness } from './support/harness'

const DATASET = 'sample:BTC-USDT-1m-synthetic.csv'

let h: Harness

beforeAll(async () => {
  h = await openWorkstation()
})

afterAll(async () => {
  await h?.close()
})

/** Fills the runner and presses Run; returns the run id the page then follows. */
async function runBacktest(fast: number, slow: number): Promise<string> {
  const { page } = h
  await page.selectOption('[data-testid=bt-dataset]', DATASET)
  await page.selectOption('[data-testid=bt-engine]', 'sma-cross')
  await page.fill('[data-param=fast]', String(fast))
  await page.fill('[data-param=slow]', String(slow))
  const current = page.locator('[data-testid=bt-progress]')
  const previous = (await current.count()) ? await current.getAttribute('data-runid') : null
  await page.click('[data-testid=bt-run]')
  const progress = page.locator(`[data-testid=bt-progress][data-finished=true]:not([data-runid="${previous ?? ''}"])`)
  await progress.waitFor({ timeout: 30_000 })
  return (await progress.getAttribute('data-runid'))!
}

describe('backtest runner', () => {
  it('runs a backtest from the form, shows its progress, then the report with the host’s final equity', async () => {
    const { page, api } = h
    expect(await page.locator('[data-testid=mode-badge]').textContent()).toBe('BACKTEST')
    expect(await frameColour(page)).toBe(MODE_COLOURS.backtest)

    // sample what the progress bar and status show on every frame while the run goes
    await page.evaluate(() => {
      const seen: [string | null, string | null][] = []
      ;(window as unknown as { __seen: typeof seen }).__seen = seen
      const tick = () => {
        const bar = document.querySelector('[data-testid=bt-progress-bar]')
        const status = document.querySelector('[data-testid=bt-status]')
        if (bar) seen.push([bar.getAttribute('aria-valuenow'), status?.textContent ?? null])
        if (seen.length < 20_000) requestAnimationFrame(tick)
      }
      tick()
    })
    const runId = await runBacktest(10, 30)
    const seen = await page.evaluate(() => (window as unknown as { __seen: [string | null, string | null][] }).__seen)
    expect(seen.length).toBeGreaterThan(0)
    // the bar only moves forward and ends full
    const values = seen.map(([v]) => Number(v))
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true)
    expect(values.at(-1)).toBe(100)
    for (const [, status] of seen) if (status?.startsWith('Running')) expect(status).toMatch(/events\/s · ETA/)
    const status = await page.locator('[data-testid=bt-status]').textContent()
    expect(status).toMatch(/^Finished · [\d.]+ k events at [\d.]+ [kM]? ?events\/s · final equity/)

    // the report opens by itself, for this run
    const report = page.locator(`[data-testid=report][data-runid="${runId}"]`)
    await report.waitFor()
    const fromHost = (await api.call('backtest.report', { runId })).report as {
      finalEquity: number
      trades: unknown[]
      stats: { tradeCount: number; totalReturn: number }
    }
    await expect.poll(() => page.locator('[data-testid=final-equity]').textContent()).toBe(money(fromHost.finalEquity))
    expect(status).toContain(`final equity ${money(fromHost.finalEquity)}`)
    expect(await page.locator('[data-testid=total-return]').textContent()).toBe(`${money(fromHost.stats.totalReturn * 100)}%`)
    expect(await page.locator('[data-testid=trade-count]').textContent()).toBe(String(fromHost.stats.tradeCount))
    expect(Number(await page.locator('[data-testid=trades-table]').getAttribute('data-rows'))).toBe(fromHost.trades.length)
    expect(fromHost.trades.length).toBeGreaterThan(0)
    // statistics table: every statistic row has a label and a value
    const statRows = await page.locator('[data-testid=stats-table] .kv-row').count()
    expect(statRows).toBeGreaterThan(20)
    expect(await page.locator('[data-testid=stats-table] [data-stat=sharpe] dd').textContent()).toMatch(/^−?-?[\d,.]+$/)
    // the equity line was drawn (the accent blue) and so was the drawdown (red)
    await page.waitForTimeout(300)
    expect(await canvasPixels(page, 'equity-chart', [76, 154, 255])).toBeGreaterThan(200)
    expect(await canvasPixels(page, 'equity-chart', [239, 83, 80])).toBeGreaterThan(200)
    await h.browser.screenshot('backtest-report')
    expect(h.browser.errors).toEqual([])
  })

  it('compares two runs side by side', async () => {
    const { page, api } = h
    const first = await page.locator('[data-testid=report]').getAttribute('data-runid')
    const second = await runBacktest(5, 20)
    expect(second).not.toBe(first)
    await page.click('[data-tab=compare]')
    await page.selectOption('[data-testid=compare-a]', first!)
    await page.selectOption('[data-testid=compare-b]', second)
    const row = page.locator('[data-testid=compare-stats] [data-stat=finalEquity]')
    await row.waitFor()
    const [a, b] = await Promise.all([api.call('backtest.report', { runId: first! }), api.call('backtest.report', { runId: second })])
    const cells = await row.locator('span').allTextContents()
    expect(cells[1]).toBe(money((a.report as { finalEquity: number }).finalEquity))
    expect(cells[2]).toBe(money((b.report as { finalEquity: number }).finalEquity))
    await page.waitForTimeout(300)
    // both equity curves are on the chart: blue for A, amber for B
    expect(await canvasPixels(page, 'compare-chart', [76, 154, 255])).toBeGreaterThan(200)
    expect(await canvasPixels(page, 'compare-chart', [240, 180, 41])).toBeGreaterThan(200)
    await h.browser.screenshot('backtest-compare')
  })

  it('sweeps two parameters over a 3 × 3 grid: results table and heatmap', async () => {
    const { page } = h
    await page.click('[data-tab=sweep]')
    await page.selectOption('[data-testid=sweep-x]', 'fast')
    await page.fill('[data-testid=sweep-x-values]', '5,10,15')
    await page.selectOption('[data-testid=sweep-y]', 'slow')
    await page.fill('[data-testid=sweep-y-values]', '30:50:10')
    await page.click('[data-testid=sweep-run]')
    await expect.poll(() => page.locator('[data-testid=sweep-progress] .progress-label').textContent(), { timeout: 60_000 }).toMatch(/^9 \/ 9 runs/)
    await expect.poll(() => page.locator('[data-testid=sweep-table]').getAttribute('data-rows')).toBe('9')
    // every (fast, slow) pair of the grid is in the table once
    const pairs = await page.locator('[data-testid=sweep-table] [role=row]:not(.thead)').evaluateAll((rows) =>
      rows.map((r) => `${r.querySelector('[data-col=p-fast]')?.textContent}/${r.querySelector('[data-col=p-slow]')?.textContent}`).sort()
    )
    expect(pairs).toEqual(['10/30', '10/40', '10/50', '15/30', '15/40', '15/50', '5/30', '5/40', '5/50'])
    await page.locator('[data-testid=sweep-heatmap] canvas').first().waitFor()
    await page.waitForTimeout(300)
    await h.browser.screenshot('backtest-sweep')
    // the colour scale ends in deep red and deep blue: the best and worst cells are painted
    expect(await canvasPixels(page, 'sweep-heatmap', [178, 24, 43], 30)).toBeGreaterThan(100)
    expect(await canvasPixels(page, 'sweep-heatmap', [33, 102, 172], 30)).toBeGreaterThan(100)
    await h.browser.screenshot('backtest-sweep')
    expect(h.browser.errors).toEqual([])
  })

  it('runs breakout with its defaults on the sample: its entry stops are taken and it trades', async () => {
    const { page, api } = h
    await page.selectOption('[data-testid=bt-dataset]', DATASET)
    await page.selectOption('[data-testid=bt-engine]', 'breakout')
    const previous = await page.locator('[data-testid=bt-progress]').getAttribute('data-runid')
    await page.click('[data-testid=bt-run]')
    const progress = page.locator(`[data-testid=bt-progress][data-finished=true]:not([data-runid="${previous ?? ''}"])`)
    await progress.waitFor({ timeout: 30_000 })
    const runId = (await progress.getAttribute('data-runid'))!
    await page.locator(`[data-testid=report][data-runid="${runId}"]`).waitFor()
    const fromHost = (await api.call('backtest.report', { runId })).report as { orders: { status: string }[]; trades: unknown[]; stats: { tradeCount: number } }
    expect(fromHost.orders.filter((o) => o.status === 'rejected')).toEqual([])
    expect(fromHost.trades.length).toBeGreaterThan(50)
    await expect.poll(() => page.locator('[data-testid=trade-count]').textContent()).toBe(String(fromHost.stats.tradeCount))
    await h.browser.screenshot('backtest-breakout')
  })
})
