import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaperExchange } from '../../src/main/host/paper-session'
import { venueWith } from '../adapters/ccxt/harness'
import { startTestWorkstation, type TestWorkstation } from '../support/start-workstation'
import { binanceAgainst } from '../venue/ccxt-loopback'
import type { EmulatedVenue } from '../venue/emulated-venue'
import { launchBrowser, openApp, type TestBrowser } from './support/browser'
import { ensureRendererBuilt } from './support/renderer-build'

let venue: EmulatedVenue
let server: TestWorkstation
let browser: TestBrowser

/**
 * A paper session with the built-in grid engine on the emulated venue, which replays the real
 * Binance BTC/USDT capture (23:54:13–23:59:59 UTC) at 10× its pace: a 1-minute bar closes every
 * 6 s, and the capture lasts 35 s. The feed waits until the session is started.
 */
beforeAll(async () => {
  ensureRendererBuilt()
  venue = await venueWith({ speed: 10, paused: true })
  server = await startTestWorkstation({ paperExchange: async () => (await binanceAgainst(venue)) as unknown as PaperExchange })
  browser = await launchBrowser()
  await openApp(browser.page, server.url)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await venue?.close()
})

interface ChartData {
  source: string
  timeframe: string
  candles: number
  firstTs: number
  lastTs: number
  lastClose: number
  low: number
  high: number
  yMin: number
  yMax: number
}

/** What the chart panel says it draws, and its price axis as rendered. */
function chart(page: Page): Promise<ChartData> {
  return page.locator('[data-testid=chart-panel]').evaluate((el) => {
    const d = (el as HTMLElement).dataset
    return {
      source: d.source ?? '',
      timeframe: d.timeframe ?? '',
      candles: Number(d.candles),
      firstTs: Number(d.firstTs),
      lastTs: Number(d.lastTs),
      lastClose: Number(d.lastClose),
      low: Number(d.low),
      high: Number(d.high),
      yMin: Number(d.yMin),
      yMax: Number(d.yMax)
    }
  })
}

/** Log lines shown in the Engine log tab (the list is virtual: the visible rows, oldest first). */
function logLines(page: Page): Promise<{ engine: string; message: string; at: string }[]> {
  return page.locator('[data-testid=log-list] .log-line').evaluateAll((rows) =>
    rows.map((r) => ({ engine: r.querySelector('.log-engine')?.textContent ?? '', message: r.querySelector('.log-msg')?.textContent ?? '', at: r.querySelector('.log-ts')?.getAttribute('title') ?? '' }))
  )
}

const logCount = async (page: Page) => Number(/of ([\d,]+) lines/.exec((await page.locator('[data-testid=log-count]').textContent()) ?? '')![1].replace(/,/g, ''))

/** The venue's own 1-minute klines of what it has replayed so far: [openTime, open, high, low, close, volume]. */
async function venueKlines(): Promise<number[][]> {
  const res = await fetch(`${venue.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=100`)
  const rows = (await res.json()) as (string | number)[][]
  return rows.map((k) => k.slice(0, 6).map(Number))
}

/** Buy minus sell amounts of the rows of the fills table. */
async function netFilled(page: Page): Promise<number> {
  const rows = await page.locator('[data-testid=fills-table] .trow:not(.thead)').evaluateAll((rs) =>
    rs.map((r) => ({ side: r.querySelector('[data-col=side]')?.textContent ?? '', amount: Number((r.querySelector('[data-col=amount]')?.textContent ?? '').replace(/,/g, '')) }))
  )
  return rows.reduce((sum, r) => sum + (r.side === 'buy' ? r.amount : -r.amount), 0)
}

describe('a paper session’s views update live in the browser', () => {
  let started = 0
  let startLines = 0
  let firstBarTs = 0

  it('starts with the grid engine: an empty chart says how to start in paper mode; then the mid price is drawn on a fitted axis', async () => {
    const { page } = browser
    await page.click('[data-mode=paper]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('PAPER')
    expect(await page.locator('[data-testid=chart-empty]').textContent()).toBe(
      "No session. Start a paper session in the Paper panel on the left: the chart draws its bars (or the book's mid price) as they arrive."
    )
    expect(await page.locator('[data-testid=ticket-empty]').textContent()).toBe(
      'No session to trade in. Start a paper session in the Paper panel on the left first; manual orders go to its simulated broker.'
    )
    await page.fill('[data-testid=paper-symbol]', 'BTC/USDT')
    await page.selectOption('[data-testid=paper-engine]', 'grid')
    await page.click('[data-testid=controls-paper] summary')
    await page.fill('[data-param=levels]', '2')
    await page.fill('[data-param=spacing]', '0.0002')
    await page.fill('[data-param=amount]', '0.001')
    venue.resumeFeed()
    started = Date.now()
    await page.click('[data-testid=paper-start]')
    await expect.poll(() => page.locator('[data-testid=paper-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('running')

    // until the first trades make a 1-minute bar, the chart draws 1-second candles of the book's mid price
    await expect.poll(async () => (await chart(page)).candles, { timeout: 10_000 }).toBeGreaterThan(0)
    const first = await chart(page)
    expect(first.timeframe).toBe(first.source === 'mid' ? '1s' : '1m')
    await page.click('[data-tab=log]')
    await page.locator('[data-testid=log-list]').waitFor()
    startLines = await logCount(page)
    expect(startLines).toBeGreaterThanOrEqual(2)
    // the price axis fits the data even when it has no range yet (ECharts alone would show 30,000–100,000)
    await expect.poll(async () => Number.isFinite((await chart(page)).yMax), { timeout: 5_000 }).toBe(true)
    const early = await chart(page)
    expect(early.yMin).toBeLessThanOrEqual(early.low)
    expect(early.yMax).toBeGreaterThanOrEqual(early.high)
    expect(early.yMax - early.yMin).toBeLessThan(early.lastClose * 0.01)
    await browser.screenshot('paper-views-early')
  }, 40_000)

  it('the chart switches to 1-minute bars built from the venue’s trades and gets a new bar every minute of venue time', async () => {
    const { page } = browser
    await expect.poll(async () => (await chart(page)).source, { timeout: 15_000 }).toBe('bars')
    const one = await chart(page)
    firstBarTs = one.firstTs
    expect(one.timeframe).toBe('1m')
    expect(one.candles).toBeGreaterThanOrEqual(1)
    // two more minutes: the bar before the forming one is then a whole minute of the venue's trades
    await expect.poll(async () => (await chart(page)).candles, { timeout: 25_000 }).toBeGreaterThan(one.candles + 1)
    const two = await chart(page)
    expect(two.lastTs - one.lastTs).toBe(60_000 * (two.candles - one.candles))
    expect(await page.locator('[data-testid=chart-info]').textContent()).toContain(`BTC/USDT · 1m bars · ${two.candles} bars`)

    // the last bar is the one forming (in-progress updates); the closed one before it, after the
    // first (the session joined mid-minute), is the venue's own kline of those trades
    const bars = await page.locator('[data-testid=chart-panel]').evaluate((el) => [JSON.parse((el as HTMLElement).dataset.prevBar!), JSON.parse((el as HTMLElement).dataset.lastBar!)] as number[][])
    const [ts, open, high, low, close, volume] = bars[0]
    expect(bars[1][0]).toBe(two.lastTs)
    expect(ts).toBe(two.lastTs - 60_000)
    const k = (await venueKlines()).find((row) => row[0] === ts)
    expect(k, `the venue has a kline at ${ts}`).toBeDefined()
    expect([open, high, low, close]).toEqual(k!.slice(1, 5))
    expect(volume).toBeCloseTo(k![5], 8)
    expect(two.low).toBeLessThanOrEqual(low)
    expect(two.high).toBeGreaterThanOrEqual(high)
    expect(two.yMin).toBeLessThanOrEqual(two.low)
    expect(two.yMax).toBeGreaterThanOrEqual(two.high)
    expect(two.yMax - two.yMin).toBeLessThan(two.lastClose * 0.02)
  }, 40_000)

  it('the engine log receives lines over time: the session’s start, then the grid once its first bar closed', async () => {
    const { page } = browser
    await page.click('[data-tab=log]')
    await page.locator('[data-testid=log-list]').waitFor()
    // lines arrive in pushes; on a loaded machine the grid's may still be on its way
    await expect.poll(async () => (await logLines(page)).some((l) => l.message.startsWith('grid placed around ')), { timeout: 15_000 }).toBe(true)
    const lines = await logLines(page)
    expect(lines.slice(0, 2)).toEqual([
      { engine: 'grid', message: 'engine grid running: added', at: 'before the first event' },
      { engine: 'kernel', message: 'paper trading BTC/USDT on binance: live market data, simulated fills', at: 'before the first event' }
    ])
    // the grid logs when its first bar has closed: a later line, stamped with venue time after that bar
    const grid = lines.find((l) => l.message.startsWith('grid placed around '))
    expect(grid, JSON.stringify(lines)).toBeDefined()
    expect(grid!.engine).toBe('grid')
    const gridTs = Date.parse(grid!.at.replace(' UTC', 'Z').replace(' ', 'T'))
    expect(gridTs).toBeGreaterThanOrEqual(firstBarTs + 60_000)
    expect(lines.indexOf(grid!)).toBeGreaterThan(1)
    // the count covers the start lines and the grid's, which came later: on a loaded machine it
    // may already have been there when the first test read the count, so no comparison with that
    expect(await logCount(page)).toBeGreaterThanOrEqual(Math.max(startLines, lines.indexOf(grid!) + 1))
    expect(await page.locator('[data-testid=engine][data-engine=grid]').getAttribute('data-state')).toBe('running')
  })

  it('a ticket order fills; the positions table shows the position the fills add up to', async () => {
    const { page } = browser
    await page.click('[data-tab=fills]')
    const ask = await page.locator('[data-testid=orderbook]').evaluate((book) => Math.min(...[...book.querySelectorAll<HTMLElement>('.ladder-row[data-side=ask]')].map((r) => Number(r.dataset.price))))
    const fillsBefore = Number(await page.locator('[data-testid=fills-table]').getAttribute('data-rows'))
    await page.click('[data-testid=ticket-buy]')
    await page.selectOption('[data-testid=ticket-type]', 'limit')
    await page.fill('[data-testid=ticket-amount]', '0.01')
    await page.fill('[data-testid=ticket-price]', (Math.round(ask * 1.01 * 100) / 100).toFixed(2))
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=ticket-result]').textContent()).toMatch(/^Sent buy 0\.01 BTC\/USDT limit @ [\d.]+ — manual-/)
    const manualId = /— (manual-\S+)$/.exec((await page.locator('[data-testid=ticket-result]').textContent())!)![1]
    const manualFill = page.locator(`[data-testid=fills-table] .trow:not(.thead):has([data-col=clientOrderId]:text-is("${manualId}"))`)
    await manualFill.first().waitFor({ timeout: 10_000 })
    expect(Number(await page.locator('[data-testid=fills-table]').getAttribute('data-rows'))).toBeGreaterThan(fillsBefore)
    const manualAmount = (await manualFill.locator('[data-col=amount]').allTextContents()).reduce((s, t) => s + Number(t), 0)
    expect(manualAmount).toBeCloseTo(0.01, 12)
    expect(await manualFill.first().locator('[data-col=owner]').textContent()).toBe('manual')

    await page.click('[data-tab=positions]')
    const position = () => page.locator('[data-testid=positions-table] .trow:not(.thead):has([data-col=symbol]:text-is("BTC/USDT")) [data-col=amount]').textContent()
    await page.locator('[data-testid=positions-table] .trow:not(.thead)').first().waitFor({ timeout: 10_000 })
    // the grid's market buy (2 × 0.001) and any grid fills are in it too: it is what all fills add up to
    await page.click('[data-tab=fills]')
    const net = await netFilled(page)
    await page.click('[data-tab=positions]')
    await expect.poll(async () => Number((await position())!.replace(/,/g, '')), { timeout: 10_000 }).toBeCloseTo(net, 8)
    expect(net).toBeGreaterThanOrEqual(0.01 + 0.002 - 1e-9 - 0.001 * 4)
    expect(await page.locator('[data-tab=positions]').textContent()).toBe('Positions (1)')
    await page.waitForTimeout(300)
    await browser.screenshot('paper-views-positions')
  }, 40_000)

  it('book, chart and log are still moving when the capture nears its end; stopping the session ends it', async () => {
    const { page } = browser
    const before = await chart(page)
    const bookTs = Number(await page.locator('[data-testid=orderbook]').getAttribute('data-book-ts'))
    await page.click('[data-tab=log]')
    const lines = await logCount(page)
    await expect.poll(async () => Number(await page.locator('[data-testid=orderbook]').getAttribute('data-book-ts')), { timeout: 10_000 }).toBeGreaterThan(bookTs)
    await expect.poll(async () => (await chart(page)).candles, { timeout: 15_000 }).toBeGreaterThan(before.candles)
    await page.waitForTimeout(300)
    await browser.screenshot('paper-views-log')

    await page.click('[data-testid=paper-stop]')
    await expect.poll(() => page.locator('[data-testid=paper-status]').getAttribute('data-status'), { timeout: 10_000 }).toBe('stopped')
    // the stop is logged too
    await expect.poll(() => logCount(page)).toBeGreaterThan(lines)
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(browser.errors).toEqual([])
  }, 40_000)
})
