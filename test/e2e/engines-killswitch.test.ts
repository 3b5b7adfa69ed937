import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canvasPixels, openWorkstation, type Harness } from './support/harness'

let h: Harness

beforeAll(async () => {
  h = await openWorkstation()
})

afterAll(async () => {
  await h?.close()
})

const engine = (page: Page) => page.locator('[data-testid=engine][data-engine=sma-cross]')

describe('a bar replay with an engine: chart, engine control, orders and the kill switch', () => {
  it('replays bars with sma-cross: candles, SMA overlays and fills on the chart, timeframe switch', async () => {
    const { page } = h
    await page.click('[data-mode=replay]')
    await page.selectOption('[data-testid=replay-dataset]', 'sample:BTC-USDT-1m-synthetic.csv')
    await page.selectOption('[data-testid=replay-engine]', 'sma-cross')
    await page.click('[data-testid=replay-speed] [data-speed="100"]')
    await page.click('[data-testid=replay-start]')
    await expect.poll(() => engine(page).getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    // jump ahead half a day of data: the engine trades on the way
    await page.fill('[data-testid=replay-seek-input]', '2024-01-01 12:00:00')
    await page.press('[data-testid=replay-seek-input]', 'Enter')
    await expect.poll(() => page.locator('[data-testid=chart-info]').textContent(), { timeout: 20_000 }).toMatch(/1m bars · (7[2-9]\d|[89]\d\d|\d,\d{3}) bars/)
    await expect.poll(async () => Number((await page.locator('[data-tab=fills]').textContent())!.match(/\((\d+)\)/)![1])).toBeGreaterThan(4)
    await page.waitForTimeout(600)
    // candles in both colours, the two SMAs (amber, purple), buy markers (bright green)
    expect(await canvasPixels(page, 'price-chart', [38, 166, 154], 20)).toBeGreaterThan(300)
    expect(await canvasPixels(page, 'price-chart', [239, 83, 80], 20)).toBeGreaterThan(300)
    expect(await canvasPixels(page, 'price-chart', [240, 180, 41], 30)).toBeGreaterThan(100)
    expect(await canvasPixels(page, 'price-chart', [181, 123, 255], 30)).toBeGreaterThan(100)
    expect(await canvasPixels(page, 'price-chart', [0, 230, 118], 30)).toBeGreaterThan(20)
    await h.browser.screenshot('replay-chart')

    await page.click('[data-testid=chart-timeframe] [data-tf="1h"]')
    const info = (await page.locator('[data-testid=chart-info]').textContent())!
    const bars = Number(info.match(/· ([\d,]+) bars/)![1].replace(/,/g, ''))
    const candles = Number(info.match(/→ ([\d,]+) candles of 1h/)![1].replace(/,/g, ''))
    // 1-minute bars from 00:00 UTC: one hourly candle per started hour
    expect(candles).toBe(Math.ceil(bars / 60))
    await page.click('[data-testid=chart-timeframe] [data-tf="1m"]')
  })

  it('pauses the replay, steps one bar at a time, and plays on', async () => {
    const { page } = h
    const status = page.locator('[data-testid=replay-status]')
    await page.click('[data-testid=replay-pause]')
    await expect.poll(() => status.getAttribute('data-status')).toBe('paused')
    const clock = () => page.locator('[data-testid=session-clock]').evaluate((el) => Date.parse(`${el.firstChild!.textContent!.replace(' ', 'T')}Z`))
    const t0 = await clock()
    await page.waitForTimeout(700)
    expect(await clock()).toBe(t0)
    await page.click('[data-testid=replay-step]')
    // one step is one event; on 1-minute bars the data clock moves by at most a minute
    await expect.poll(clock).toBeGreaterThan(t0)
    expect((await clock()) - t0).toBeLessThanOrEqual(60_000)
    await page.click('[data-testid=replay-play]')
    await expect.poll(() => status.getAttribute('data-status')).toBe('running')
  })

  it('pauses and resumes the engine, and shows its counters', async () => {
    const { page } = h
    await engine(page).locator('[data-testid=engine-pause]').click()
    await expect.poll(() => engine(page).getAttribute('data-state')).toBe('paused')
    expect(await engine(page).locator('[data-testid=engine-state]').textContent()).toBe('paused')
    await engine(page).locator('[data-testid=engine-resume]').click()
    await expect.poll(() => engine(page).getAttribute('data-state')).toBe('running')
    expect(await engine(page).locator('.engine-counters').textContent()).toMatch(/in [\d.]+ k? ?events · out \d+ orders/)
  })

  it('kill switch: halts trading, cancels the open order, and later orders are denied with a reason', async () => {
    const { page } = h
    const last = Number((await page.locator('[data-testid=ticket-price]').getAttribute('placeholder'))!.replace(/,/g, ''))
    const price = Math.floor(last * 0.5)
    await page.click('[data-tab=orders]')
    await page.selectOption('[data-testid=ticket-type]', 'limit')
    await page.fill('[data-testid=ticket-amount]', '0.01')
    await page.fill('[data-testid=ticket-price]', String(price))
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=open-order-count]').textContent()).toBe('1 open')
    // the engine's long position may also be open; the manual order is the one resting
    await page.locator('[data-testid=orders-table] [data-col=owner]:text("manual")').waitFor()

    await page.click('[data-testid=kill-switch]')
    await expect.poll(() => page.locator('[data-testid=kill-result]').textContent()).toMatch(/ UTC · Kill switch: trading halted in 1 session, 1 order cancelled$/)
    await expect.poll(() => page.locator('[data-testid=trading-state]').textContent()).toBe('HALTED')
    await expect.poll(() => page.locator('[data-testid=open-order-count]').textContent()).toBe('0 open')
    await expect.poll(() => engine(page).getAttribute('data-state')).not.toBe('running')
    await h.browser.screenshot('kill-switch')

    await page.fill('[data-testid=ticket-price]', String(price))
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=ticket-result][role=alert]').textContent()).toMatch(/^Denied by the risk gate: .*HALTED/i)
  })

  it('sorts the fills table by a column, both ways', async () => {
    const { page } = h
    await page.click('[data-tab=fills]')
    const prices = () => page.locator('[data-testid=fills-table] [data-col=price]:not([role=columnheader])').evaluateAll((cells) => cells.map((c) => Number(c.textContent!.replace(/,/g, ''))))
    const header = page.locator('[data-testid=fills-table] [role=columnheader]:text-matches("^Price")')
    await header.click()
    expect(await header.getAttribute('aria-sort')).toBe('descending')
    const desc = await prices()
    expect(desc.length).toBeGreaterThan(4)
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
    await header.click()
    expect(await header.getAttribute('aria-sort')).toBe('ascending')
    expect(await prices()).toEqual([...desc].sort((a, b) => a - b))
  })

  it('stops the engine; the log shows what happened', async () => {
    const { page } = h
    await engine(page).locator('[data-testid=engine-stop]').click()
    await expect.poll(() => engine(page).getAttribute('data-state')).toBe('stopped')
    expect(await engine(page).locator('[data-testid=engine-stop]').isDisabled()).toBe(true)
    await page.click('[data-tab=log]')
    await page.selectOption('[data-testid=log-level]', 'info')
    const messages = await page.locator('[data-testid=log-list] .log-msg').allTextContents()
    expect(messages.some((m) => /trading HALTED/.test(m))).toBe(true)
    expect(messages.some((m) => /engine sma-cross stopped/.test(m))).toBe(true)
    await h.browser.screenshot('engine-log')
    expect(h.browser.errors).toEqual([])
  })
})
