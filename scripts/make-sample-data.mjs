// Generates the built-in SYNTHETIC sample data in resources/sample/ (not real market data).
// Prices follow a seeded random walk with slowly changing drift and volatility regimes, so the
// built-in engines find trends, ranges and breakouts to trade. Run: node scripts/make-sample-data.mjs
import { writeFileSync } from 'node:fs'

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function gaussian(rand) {
  const u = Math.max(rand(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

function series({ seed, start, stepMs, count, price, vol, tick, volumeScale }) {
  const rand = mulberry32(seed)
  const rows = ['timestamp,open,high,low,close,volume']
  let close = price
  let drift = 0
  let sigma = vol
  const round = (x) => (Math.round(x / tick) * tick).toFixed(Math.max(0, -Math.floor(Math.log10(tick))))
  for (let i = 0; i < count; i++) {
    if (rand() < 0.01) drift = (rand() - 0.5) * vol * 0.12
    if (rand() < 0.01) sigma = vol * (0.5 + rand() * 1.5)
    const open = close * (1 + gaussian(rand) * sigma * 0.1)
    const path = [open]
    let p = open
    for (let k = 0; k < 4; k++) {
      p *= 1 + drift / 4 + (gaussian(rand) * sigma) / 2
      path.push(p)
    }
    close = p
    const high = Math.max(...path) * (1 + rand() * sigma * 0.3)
    const low = Math.min(...path) * (1 - rand() * sigma * 0.3)
    const volume = volumeScale * (0.2 + rand()) * (1 + Math.abs(close / open - 1) / sigma)
    const ts = new Date(start + i * stepMs).toISOString().replace('.000Z', 'Z')
    rows.push(`${ts},${round(open)},${round(high)},${round(low)},${round(close)},${volume.toFixed(4)}`)
  }
  return `${rows.join('\n')}\n`
}

writeFileSync(
  new URL('../resources/sample/BTC-USDT-1m-synthetic.csv', import.meta.url),
  series({ seed: 20240101, start: Date.UTC(2024, 0, 1), stepMs: 60_000, count: 10_080, price: 42_000, vol: 0.0012, tick: 0.01, volumeScale: 12 })
)
writeFileSync(
  new URL('../resources/sample/ETH-USDT-1d-synthetic.csv', import.meta.url),
  series({ seed: 20210101, start: Date.UTC(2021, 0, 1), stepMs: 86_400_000, count: 1_095, price: 1_800, vol: 0.03, tick: 0.01, volumeScale: 250_000 })
)
