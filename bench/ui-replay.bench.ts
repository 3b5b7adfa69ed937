/**
 * UI replay benchmark (run by hand, not a test): `npx tsx bench/ui-replay.bench.ts [--speed 0|1|10|100] [--runs N]`.
 * Starts the real host and WebSocket server, opens the built renderer in headless Chromium,
 * starts a replay of the Binance spot order-book capture from the UI at the chosen speed
 * (default: max) and reports, per run:
 * - pushes/s delivered to the page (WebSocket push frames counted in the page), by topic;
 * - book latency: host emits a `book` push → the page's client has it (validated), and →
 *   the ladder in the DOM shows it; median and p99. Both clocks are this machine's wall clock
 *   (performance.timeOrigin + now), so the figures include serialisation, the socket, JSON
 *   parsing, contract validation and (for the DOM) React's render. They start after the host's
 *   view batcher, which holds a change for up to one batch interval (≤ 50 ms at 20 pushes/s).
 * - frame rate: requestAnimationFrame callbacks per second while the replay runs.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createWorkstation } from '../src/main/host/workstation'
import { defaultCaptureFiles } from '../src/main/transport/app-paths'
import { startServer } from '../src/main/transport/ws-server'
import { launchBrowser } from '../test/e2e/support/browser'
import { ensureRendererBuilt } from '../test/e2e/support/renderer-build'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The real host and WebSocket server over a temp data folder, as `npm run serve` runs them. */
async function startHost() {
  const workerScript = join(ROOT, 'out/node/session-worker.js')
  if (!existsSync(workerScript)) execFileSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], { cwd: ROOT, stdio: 'inherit' })
  const dataFolder = mkdtempSync(join(tmpdir(), 'theorycraft-bench-'))
  const workstation = createWorkstation({ dataFolder, sampleDir: join(ROOT, 'resources/sample'), captureFiles: defaultCaptureFiles(ROOT, {}), workerScript })
  const server = await startServer({ workstation, host: '127.0.0.1', port: 0, rendererDir: join(ROOT, 'out/renderer') })
  return {
    url: server.url,
    workstation,
    async close() {
      await server.close()
      await workstation.close()
      rmSync(dataFolder, { recursive: true, force: true })
    }
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0`)
  return v
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

interface PageStats {
  frames: Record<string, number>
  received: [number, number][]
  rendered: [number, number][]
  rafCount: number
  elapsedMs: number
}

async function main(): Promise<void> {
  const speed = arg('speed', 0)
  const runs = arg('runs', 3)
  ensureRendererBuilt()
  const server = await startHost()
  const browser = await launchBrowser()
  const { page } = browser
  // host side: when each book push left the host, keyed by session and book time
  const emitted = new Map<string, number>()
  const off = server.workstation.onPush((topic, payload) => {
    if (topic === 'book') {
      const p = payload as { sessionId: string; ts: number }
      emitted.set(`${p.sessionId}/${p.ts}`, performance.timeOrigin + performance.now())
    }
  })
  try {
    // tsx compiles this file with esbuild's keepNames, whose __name() helper ends up inside the
    // functions handed to the page; give the page a no-op one
    await page.addInitScript('globalThis.__name = (f) => f')
    // count push frames by topic as they arrive, before the app sees them
    await page.addInitScript(() => {
      const w = window as unknown as { __frames: Record<string, number> }
      w.__frames = {}
      const Native = window.WebSocket
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols)
          this.addEventListener('message', (ev) => {
            const m = /^\{"kind":"push","topic":"([^"]+)"/.exec(String(ev.data))
            if (m) w.__frames[m[1]] = (w.__frames[m[1]] ?? 0) + 1
          })
        }
      }
    })
    await page.goto(server.url)
    await page.locator('[data-testid=mode-badge]:not(:text("…"))').waitFor()
    await page.click('[data-mode=replay]')
    await page.locator('[data-testid=replay-dataset] option[value^="capture:"]').first().waitFor({ state: 'attached' })
    const capture = (await page.locator('[data-testid=replay-dataset] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v.startsWith('capture:') && v.includes('spot'))
    if (!capture) throw new Error('no spot capture among the datasets; is ../shared/data/hftbacktest there?')
    await page.selectOption('[data-testid=replay-dataset]', capture)
    await page.selectOption('[data-testid=replay-engine]', '')
    const label = speed === 0 ? 'max' : String(speed)
    await page.click(`[data-testid=replay-speed] [data-speed="${speed}"]`)
    console.log(`UI replay benchmark: ${capture} at speed ${label === 'max' ? 'max' : `${label}×`}, ${runs} run(s), Chromium ${browser.context.browser()?.version() ?? ''}`)
    console.log('run  seconds  pushes/s (book, other)        recv median/p99 ms   DOM median/p99 ms   fps')

    for (let run = 1; run <= runs; run++) {
      emitted.clear()
      await page.evaluate(() => {
        type W = {
          __frames: Record<string, number>
          __bench: { received: [number, number][]; rendered: [number, number][]; raf: number; stop: boolean; t0: number; offs: (() => void)[] }
          __workstation: { client: { subscribe(t: string, l: (p: { sessionId: string; ts: number }) => void): () => void } }
        }
        const w = window as unknown as W
        for (const k of Object.keys(w.__frames)) delete w.__frames[k]
        const b: W['__bench'] = { received: [], rendered: [], raf: 0, stop: false, t0: performance.now(), offs: [] }
        w.__bench = b
        const now = () => performance.timeOrigin + performance.now()
        b.offs.push(w.__workstation.client.subscribe('book', (p) => void b.received.push([p.ts, now()])))
        const tick = () => {
          b.raf++
          if (!b.stop) requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
        // the ladder's book time changes when React has rendered a new book
        const seen = new Set<string>()
        const mo = new MutationObserver(() => {
          const el = document.querySelector<HTMLElement>('[data-testid=orderbook]')
          const ts = el?.dataset.bookTs
          if (ts && !seen.has(ts)) {
            seen.add(ts)
            b.rendered.push([Number(ts), now()])
          }
        })
        mo.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-book-ts'], childList: true })
        b.offs.push(() => mo.disconnect())
      })
      await page.click('[data-testid=replay-start]')
      const sessionId = await page.locator('[data-testid=session-picker]').evaluate(async (el) => {
        const start = (el as HTMLSelectElement).value
        for (let i = 0; i < 200 && (el as HTMLSelectElement).value === start; i++) await new Promise((r) => setTimeout(r, 25))
        return (el as HTMLSelectElement).value
      })
      await page.locator(`[data-testid=replay-status][data-status=finished]`).waitFor({ timeout: 600_000 })
      const stats: PageStats = await page.evaluate(() => {
        type W = { __frames: Record<string, number>; __bench: { received: [number, number][]; rendered: [number, number][]; raf: number; stop: boolean; t0: number; offs: (() => void)[] } }
        const w = window as unknown as W
        w.__bench.stop = true
        for (const off of w.__bench.offs) off()
        return { frames: { ...w.__frames }, received: w.__bench.received, rendered: w.__bench.rendered, rafCount: w.__bench.raf, elapsedMs: performance.now() - w.__bench.t0 }
      })
      const latency = (pairs: [number, number][]) =>
        pairs
          .map(([ts, at]) => at - (emitted.get(`${sessionId}/${ts}`) ?? NaN))
          .filter((d) => Number.isFinite(d))
          .sort((a, b) => a - b)
      const recv = latency(stats.received)
      const dom = latency(stats.rendered)
      const secs = stats.elapsedMs / 1000
      const book = stats.frames.book ?? 0
      const total = Object.values(stats.frames).reduce((a, b) => a + b, 0)
      const cols = [
        String(run).padEnd(4),
        secs.toFixed(2).padStart(7),
        `${(total / secs).toFixed(1)} (${(book / secs).toFixed(1)}, ${((total - book) / secs).toFixed(1)})`.padEnd(29),
        `${quantile(recv, 0.5).toFixed(1)} / ${quantile(recv, 0.99).toFixed(1)} (n=${recv.length})`.padEnd(20),
        `${quantile(dom, 0.5).toFixed(1)} / ${quantile(dom, 0.99).toFixed(1)} (n=${dom.length})`.padEnd(19),
        (stats.rafCount / secs).toFixed(1)
      ]
      console.log(cols.join(' '))
      console.log(`     frames by topic: ${Object.entries(stats.frames).map(([t, n]) => `${t} ${n}`).join(', ')}`)
    }
    if (browser.errors.length) console.log(`page errors: ${browser.errors.join(' | ')}`)
  } finally {
    off()
    await browser.close()
    await server.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
