// Streaming indicator throughput: updates per second over 1,000,000 values each.
// Run: npx tsx bench/indicators.bench.ts
import {
  Adx,
  Atr,
  BollingerBands,
  Ema,
  Highest,
  Lowest,
  Macd,
  Obv,
  Rsi,
  Sma,
  StdDev,
  Stochastic,
  TrueRange,
  Vwap,
  Wma,
  createIndicator
} from '../src/main/core/indicators'
import { createRandom } from '../src/main/core/random'

const N = 1_000_000
const REPEATS = 3

// A seeded random walk with plausible bars (high >= open/close >= low, positive volume).
const random = createRandom(42)
const open = new Float64Array(N)
const high = new Float64Array(N)
const low = new Float64Array(N)
const close = new Float64Array(N)
const volume = new Float64Array(N)
let price = 100
for (let i = 0; i < N; i++) {
  open[i] = price
  price = Math.max(1, price + (random() - 0.5))
  close[i] = price
  high[i] = Math.max(open[i], close[i]) + random() * 0.3
  low[i] = Math.min(open[i], close[i]) - random() * 0.3
  volume[i] = 1000 + Math.floor(random() * 9000)
}

type Case = [name: string, run: () => number]

// Each run returns a checksum so the work cannot be optimised away.
const closeCase = (name: string, make: () => { update(x: number): number }): Case => [
  name,
  () => {
    const ind = make()
    let s = 0
    for (let i = 0; i < N; i++) s += ind.update(close[i]) || 0
    return s
  }
]
const hlcCase = (name: string, make: () => { update(h: number, l: number, c: number): number }): Case => [
  name,
  () => {
    const ind = make()
    let s = 0
    for (let i = 0; i < N; i++) s += ind.update(high[i], low[i], close[i]) || 0
    return s
  }
]
const registryCase = (name: string, params: Record<string, number>): Case => [
  `registry ${name}`,
  () => {
    const ind = createIndicator(name, params)
    const first = ind.outputs[0]
    let s = 0
    for (let i = 0; i < N; i++) {
      s += ind.update({ open: open[i], high: high[i], low: low[i], close: close[i], volume: volume[i], time: i * 60_000 })[first] || 0
    }
    return s
  }
]

const CASES: Case[] = [
  [
    'baseline (sum of closes)',
    () => {
      let s = 0
      for (let i = 0; i < N; i++) s += close[i]
      return s
    }
  ],
  closeCase('sma(20)', () => new Sma(20)),
  closeCase('ema(20) talib', () => new Ema(20)),
  closeCase('ema(20) tulip', () => new Ema(20, { convention: 'tulip' })),
  closeCase('wma(20)', () => new Wma(20)),
  closeCase('stddev(20)', () => new StdDev(20)),
  closeCase('bbands(20, 2)', () => new BollingerBands(20, 2)),
  closeCase('rsi(14)', () => new Rsi(14)),
  closeCase('macd(12, 26, 9)', () => new Macd(12, 26, 9)),
  closeCase('highest(20)', () => new Highest(20)),
  closeCase('lowest(20)', () => new Lowest(20)),
  closeCase('highest(500)', () => new Highest(500)),
  hlcCase('tr', () => new TrueRange()),
  hlcCase('atr(14)', () => new Atr(14)),
  hlcCase('stoch(5, 3, 3)', () => new Stochastic(5, 3, 3)),
  hlcCase('adx(14)', () => new Adx(14)),
  [
    'obv',
    () => {
      const ind = new Obv()
      let s = 0
      for (let i = 0; i < N; i++) s += ind.update(close[i], volume[i])
      return s
    }
  ],
  [
    'vwap (daily sessions)',
    () => {
      const ind = new Vwap({ sessionMs: 86_400_000 })
      let s = 0
      for (let i = 0; i < N; i++) s += ind.update(high[i], low[i], close[i], volume[i], i * 60_000)
      return s
    }
  ],
  registryCase('ema', { period: 20 }),
  registryCase('adx', { period: 14 })
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(`indicator updates/s over ${N.toLocaleString('en-US')} values, median of ${REPEATS} (node ${process.version})`)
let checksum = 0
for (const [name, run] of CASES) {
  checksum += run() // warm-up pass for the JIT
  const rates: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now()
    checksum += run()
    rates.push(N / ((performance.now() - t0) / 1000))
  }
  console.log(`${name.padEnd(26)} ${Math.round(median(rates)).toLocaleString('en-US').padStart(14)} updates/s`)
}
console.log(`(checksum ${checksum.toExponential(3)})`)
