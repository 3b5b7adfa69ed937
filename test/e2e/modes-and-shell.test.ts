import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appReady, recordSentFrames, sentParams } from './support/browser'
import { frameColour, MODE_COLOURS, openWorkstation, type Harness } from './support/harness'

let h: Harness

beforeAll(async () => {
  h = await openWorkstation()
  // record every frame the page sends, to check what leaves it
  await recordSentFrames(h.page)
})

afterAll(async () => {
  await h?.close()
})

const modeSetFrames = () => sentParams(h.page, 'mode.set')

describe('mode switch', () => {
  it('starts in backtest: blue badge and frame', async () => {
    const { page } = h
    expect(await page.locator('[data-testid=mode-badge]').textContent()).toBe('BACKTEST')
    expect(await page.locator('[data-testid=mode-badge]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(MODE_COLOURS.backtest)
    expect(await frameColour(page)).toBe(MODE_COLOURS.backtest)
  })

  it('paper: green badge and frame, the paper controls, then back to backtest', async () => {
    const { page } = h
    await page.click('[data-mode=paper]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('PAPER')
    expect(await frameColour(page)).toBe(MODE_COLOURS.paper)
    await page.locator('[data-testid=paper-panel]').waitFor()
    expect(await page.locator('[data-testid=mode-unavailable]').count()).toBe(0)
    await page.click('[data-mode=backtest]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('BACKTEST')
    expect(await frameColour(page)).toBe(MODE_COLOURS.backtest)
  })

  it('live: nothing is sent until LIVE is typed exactly', async () => {
    const { page } = h
    const before = (await modeSetFrames()).length
    await page.click('[data-mode=live]')
    const dialog = page.locator('[data-testid=live-confirm]')
    await dialog.waitFor()
    const submit = page.locator('[data-testid=live-confirm-submit]')
    expect(await submit.isDisabled()).toBe(true)
    await page.fill('[data-testid=live-confirm-input]', 'live')
    expect(await submit.isDisabled()).toBe(true)
    await page.fill('[data-testid=live-confirm-input]', 'LIVE ')
    expect(await submit.isDisabled()).toBe(true)
    // Escape backs out: no request
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect((await modeSetFrames()).length).toBe(before)

    await page.click('[data-mode=live]')
    await page.fill('[data-testid=live-confirm-input]', 'LIVE')
    await h.browser.screenshot('mode-live-confirm')
    expect(await submit.isDisabled()).toBe(false)
    await submit.click()
    await dialog.waitFor({ state: 'detached' })
    const frames = await modeSetFrames()
    expect(frames.slice(before)).toEqual([{ mode: 'live', confirmation: 'LIVE' }])
    // the host armed live mode: red badge and frame, the arming panel (nothing trades before "Start live")
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('LIVE')
    expect(await frameColour(page)).toBe(MODE_COLOURS.live)
    await page.locator('[data-testid=live-panel]').waitFor()
    expect(await page.locator('[data-testid=mode-unavailable]').count()).toBe(0)
  })

  it('replay: purple badge and frame, replay controls', async () => {
    const { page } = h
    await page.click('[data-mode=replay]')
    await expect.poll(() => page.locator('[data-testid=mode-badge]').textContent()).toBe('REPLAY')
    expect(await frameColour(page)).toBe(MODE_COLOURS.replay)
    expect(await page.locator('[data-testid=mode-badge]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(MODE_COLOURS.replay)
    await page.locator('[data-testid=replay-panel]').waitFor()
    expect(await page.locator('[data-testid=mode-unavailable]').count()).toBe(0)
  })
})

describe('kill switch shortcut', () => {
  it('Ctrl+Shift+K presses it at once, with no question, and shows the result', async () => {
    const { page } = h
    await page.locator('[data-testid=mode-badge]').click()
    await page.keyboard.press('Control+Shift+K')
    await expect.poll(() => page.locator('[data-testid=kill-result]').textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} UTC · Kill switch: trading halted in 0 sessions, 0 orders cancelled$/)
    const frames = await sentParams(page, 'killSwitch.press')
    expect(frames.length).toBe(1)
    expect(await page.locator('[role=dialog]').count()).toBe(0)
  })
})

describe('engine log at scale', () => {
  it('holds 100,000 lines with only the visible rows in the page; search, follow', async () => {
    const { page } = h
    await page.click('[data-tab=log]')
    await page.evaluate(() => {
      type W = { __workstation: { logs: { append(s: string, l: unknown[]): void }; store: { set(f: (s: { logVersion: number }) => unknown): void } } }
      const ws = (window as unknown as W).__workstation
      const lines = []
      for (let i = 0; i < 100_000; i++) {
        lines.push({ seq: i, ts: 1_704_067_200_000 + i * 1000, engineId: i % 3 ? 'alpha' : 'beta', kind: i % 1000 ? 'log' : 'alert', level: i % 500 ? 'info' : 'warn', message: `line ${i}` })
      }
      ws.logs.append('synthetic', lines)
      ws.store.set((s) => ({ logVersion: s.logVersion + 1 }))
    })
    await expect.poll(() => page.locator('[data-testid=log-count]').textContent()).toBe('100,000 of 100,000 lines')
    const list = page.locator('[data-testid=log-list]')
    // follow mode: the newest line is in view
    await expect.poll(() => list.locator('.log-msg').last().textContent()).toBe('line 99999')
    expect(await list.locator('.log-line').count()).toBeLessThan(80)

    // scroll from top to bottom in 50 jumps, one frame each; the page renders a window of rows each time
    const timing = await list.evaluate(async (el) => {
      const frames: number[] = []
      let maxRows = 0
      el.scrollTop = 0
      for (let i = 0; i <= 50; i++) {
        el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / 50)
        const t0 = performance.now()
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
        frames.push(performance.now() - t0)
        maxRows = Math.max(maxRows, el.querySelectorAll('.log-line').length)
      }
      frames.sort((a, b) => a - b)
      return { median: frames[25], maxRows }
    })
    expect(timing.maxRows).toBeLessThan(80)
    expect(timing.median).toBeLessThan(100)

    // the middle of the list shows the middle lines
    await list.evaluate((el) => (el.scrollTop = 50_000 * 18))
    await expect.poll(() => list.locator('.log-msg').allTextContents()).toContain('line 50000')
    // scrolling up left follow mode
    await expect.poll(() => page.locator('[data-testid=log-follow]').isChecked()).toBe(false)
    await h.browser.screenshot('log-100k')

    await page.fill('[data-testid=log-search]', 'line 99999')
    await expect.poll(() => page.locator('[data-testid=log-count]').textContent()).toBe('1 of 100,000 lines')
    await page.fill('[data-testid=log-search]', '')
    await page.selectOption('[data-testid=log-level]', 'warn')
    await expect.poll(() => page.locator('[data-testid=log-count]').textContent()).toBe('200 of 100,000 lines')
    await page.selectOption('[data-testid=log-engine]', 'beta')
    // warn lines are i % 500 == 0, all multiples of 3 among them go to beta: 0, 1500, 3000, …
    await expect.poll(() => page.locator('[data-testid=log-count]').textContent()).toBe('67 of 100,000 lines')
    await page.selectOption('[data-testid=log-level]', 'debug')
    await page.selectOption('[data-testid=log-engine]', '')
  })
})

describe('layout', () => {
  it('remembers a dragged divider across a reload', async () => {
    const { page } = h
    const left = page.locator('[data-split=main] > .split-pane').first()
    const before = (await left.boundingBox())!.width
    const divider = (await page.locator('[data-split=main] > .split-divider').boundingBox())!
    await page.mouse.move(divider.x + divider.width / 2, divider.y + 200)
    await page.mouse.down()
    await page.mouse.move(divider.x + 120, divider.y + 200, { steps: 5 })
    await page.mouse.up()
    const dragged = (await left.boundingBox())!.width
    expect(dragged).toBeGreaterThan(before + 100)
    await page.reload()
    await appReady(page, 30_000)
    expect(Math.abs((await left.boundingBox())!.width - dragged)).toBeLessThan(2)
  })
})

describe('connection', () => {
  it('drops a push that breaks the contract and says so', async () => {
    const { page } = h
    // hand the WebSocket client a frame as if it came off the socket
    await page.evaluate(() => {
      type C = { onMessage(data: string): void }
      const client = (window as unknown as { __workstation: { client: C } }).__workstation.client
      client.onMessage(JSON.stringify({ kind: 'push', topic: 'book', payload: { sessionId: 'forged', symbol: 'BTC/USDT', ts: 1, bids: 'none', asks: [], stale: false } }))
    })
    await expect.poll(() => page.locator('.toast-error').allTextContents()).toContainEqual(expect.stringMatching(/^Ignored a malformed update from the host — invalid book push dropped: bids: /))
    expect(await page.locator('[data-testid=session-picker] option[value=forged]').count()).toBe(0)
  })

  it('says so when the page address has no token, or a wrong one', async () => {
    const page = await h.browser.context.newPage()
    try {
      await page.goto(`${h.server.origin}/`)
      await expect.poll(() => page.locator('[data-testid=connection-banner]').textContent()).toMatch(/^No access token\. The page address has no \?token=…/)
      await page.goto(`${h.server.origin}/?token=wrong`)
      await expect.poll(() => page.locator('[data-testid=connection-banner]').textContent(), { timeout: 10_000 }).toMatch(/^Not connected\. Could not connect to the workstation\. The token may be wrong or the server stopped/)
    } finally {
      await page.close()
    }
  })

  it('shows a banner when the server goes away, and commands fail with a readable message', async () => {
    const { page } = h
    expect(await page.locator('[data-testid=connection-banner]').count()).toBe(0)
    await h.server.close()
    await expect.poll(() => page.locator('[data-testid=connection-banner]').textContent(), { timeout: 10_000 }).toMatch(/^Not connected\. Connection to the workstation lost/)
    await page.click('[data-mode=backtest]')
    await expect
      .poll(() => page.locator('.toast-error').allTextContents())
      .toContainEqual(expect.stringMatching(/^mode\.set failed — Connection error: (not connected to the workstation|the connection closed)/))
    // a refused connection is not a refused mode: the mode panel is not replaced
    expect(await page.locator('[data-testid=mode-unavailable]').count()).toBe(0)
    await h.browser.screenshot('connection-lost')
  })
})
