import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canvasPixels, frameColour, MODE_COLOURS, openWorkstation, type Harness } from './support/harness'

let h: Harness

beforeAll(async () => {
  h = await openWorkstation()
})

afterAll(async () => {
  await h?.close()
})

interface LadderRow {
  side: string
  price: number
  size: number
  text: string
}

/** The ladder as the user sees it, top row first (asks above the spread, bids below). */
async function readLadder(page: Page): Promise<{ rows: LadderRow[]; spread: number; bookTs: number; spreadText: string }> {
  return page.locator('[data-testid=orderbook]').evaluate((book) => ({
    rows: [...book.querySelectorAll<HTMLElement>('.ladder-row[data-side]')].map((r) => ({
      side: r.dataset.side!,
      price: Number(r.dataset.price),
      size: Number(r.dataset.size),
      text: r.querySelector('.price')!.textContent!
    })),
    spread: Number(book.querySelector<HTMLElement>('[data-testid=spread]')!.dataset.spread),
    spreadText: book.querySelector('[data-testid=spread]')!.textContent!,
    bookTs: Number((book as HTMLElement).dataset.bookTs)
  }))
}

describe('replay of the Binance spot order-book capture', () => {
  it('shows a ladder and depth chart that update, never crossed, with a positive spread', async () => {
    const { page } = h
    await page.click('[data-mode=replay]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('REPLAY')
    expect(await frameColour(page)).toBe(MODE_COLOURS.replay)

    const datasets = (await h.api.call('data.list', {})).datasets
    const capture = datasets.find((d) => d.source === 'capture' && d.id.includes('spot'))!
    expect(capture).toBeDefined()
    await page.selectOption('[data-testid=replay-dataset]', capture.id)
    await page.selectOption('[data-testid=replay-engine]', '')
    await page.click('[data-testid=replay-speed] [data-speed="10"]')
    await page.click('[data-testid=replay-start]')
    await page.locator('[data-testid=orderbook] .ladder-row[data-side]').first().waitFor({ timeout: 20_000 })

    const times = new Set<number>()
    for (let sample = 0; sample < 8; sample++) {
      const { rows, spread, bookTs, spreadText } = await readLadder(page)
      times.add(bookTs)
      const asks = rows.filter((r) => r.side === 'ask')
      const bids = rows.filter((r) => r.side === 'bid')
      expect(asks.length).toBe(10)
      expect(bids.length).toBe(10)
      // asks sit above bids: the whole ladder falls strictly from top to bottom
      for (let i = 1; i < rows.length; i++) expect(rows[i].price).toBeLessThan(rows[i - 1].price)
      expect(rows.slice(0, asks.length).every((r) => r.side === 'ask')).toBe(true)
      const bestAsk = Math.min(...asks.map((r) => r.price))
      const bestBid = Math.max(...bids.map((r) => r.price))
      expect(bestAsk).toBeGreaterThan(bestBid)
      expect(spread).toBeGreaterThan(0)
      expect(spread).toBeCloseTo(bestAsk - bestBid, 8)
      expect(spreadText).toMatch(/^spread [\d.,]+ · [\d.,]+ bps · mid [\d.,]+$/)
      for (const r of rows) expect(r.size).toBeGreaterThan(0)
      // BTC/USDT around 61,8xx on 2024-08-08, shown with the tick's two decimals
      expect(rows[0].text).toMatch(/^6\d,\d{3}\.\d{2}$/)
      expect(await page.locator('[data-testid=book-stale]').count()).toBe(0)
      await page.waitForTimeout(350)
    }
    // the book moved while we watched
    expect(times.size).toBeGreaterThan(3)
    // the depth chart drew both sides: bids in green, asks in red
    expect(await canvasPixels(page, 'depth-chart', [38, 166, 154])).toBeGreaterThan(300)
    expect(await canvasPixels(page, 'depth-chart', [239, 83, 80])).toBeGreaterThan(300)
    await h.browser.screenshot('replay-orderbook')
    expect(h.browser.errors).toEqual([])
  })

  it('places a manual limit order far below the market, lists it, and cancels it', async () => {
    const { page } = h
    const { rows } = await readLadder(page)
    const bestBid = Math.max(...rows.filter((r) => r.side === 'bid').map((r) => r.price))
    const price = Math.floor(bestBid * 0.8)
    await page.click('[data-tab=orders]')
    await page.click('[data-testid=ticket-buy]')
    await page.selectOption('[data-testid=ticket-type]', 'limit')
    await page.fill('[data-testid=ticket-amount]', '0.01')
    await page.fill('[data-testid=ticket-price]', String(price))
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=ticket-result]').textContent()).toMatch(new RegExp(`^Sent buy 0.01 BTC/USDT limit @ ${price} — `))
    const clientOrderId = (await page.locator('[data-testid=ticket-result]').textContent())!.split(' — ')[1]

    const row = page.locator(`[data-testid=orders-table] [role=row][data-key="${clientOrderId}"]`)
    await row.waitFor()
    expect(await row.locator('[data-col=side]').textContent()).toBe('buy')
    expect(await row.locator('[data-col=price]').textContent()).toBe(price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }))
    expect(await row.locator('[data-col=owner]').textContent()).toBe('manual')
    expect(await page.locator('[data-testid=open-order-count]').textContent()).toBe('1 open')
    // far from the market it is off the ladder, and the ladder says so
    await expect.poll(() => page.locator('[data-testid=own-off-ladder]').textContent()).toContain(`buy 0.01 @ ${price.toLocaleString('en-US')}`)
    await h.browser.screenshot('replay-open-order')

    await row.locator('[data-testid=cancel-order]').click()
    await row.waitFor({ state: 'detached' })
    expect(await page.locator('[data-testid=open-order-count]').textContent()).toBe('0 open')
    expect(await page.locator('[data-testid=own-off-ladder]').count()).toBe(0)
  })

  it('says why an order is not sent, and shows the venue’s rejection in the engine log', async () => {
    const { page } = h
    await page.selectOption('[data-testid=ticket-type]', 'limit')
    await page.fill('[data-testid=ticket-amount]', '0.01')
    await page.fill('[data-testid=ticket-price]', '')
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=ticket-result]').textContent()).toBe('Not sent: limit price must be a number above 0')
    // a symbol the session does not trade is accepted by the risk gate, then rejected by the simulated venue
    await page.fill('[data-testid=ticket-symbol]', 'NOPE/USDT')
    await page.fill('[data-testid=ticket-price]', '100')
    await page.click('[data-testid=ticket-submit]')
    await expect.poll(() => page.locator('[data-testid=ticket-result]').textContent()).toMatch(/^Sent buy 0.01 NOPE\/USDT limit @ 100 — /)
    const clientOrderId = (await page.locator('[data-testid=ticket-result]').textContent())!.split(' — ')[1]
    await page.fill('[data-testid=ticket-symbol]', '')
    await page.click('[data-tab=log]')
    await page.fill('[data-testid=log-search]', clientOrderId)
    const line = page.locator('[data-testid=log-list] .log-line.lvl-warn')
    await expect.poll(() => line.first().textContent()).toMatch(new RegExp(`order ${clientOrderId} rejected: .+`))
    await h.browser.screenshot('replay-log-rejection')
    await page.fill('[data-testid=log-search]', '')

    await page.click('[data-testid=replay-stop]')
    await expect.poll(() => page.locator('[data-testid=replay-status]').getAttribute('data-status')).toBe('stopped')
  })
})
