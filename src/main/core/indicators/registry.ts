import { Adx } from './adx'
import { Atr, TrueRange } from './atr'
import { BollingerBands } from './bbands'
import { Ema } from './ema'
import { IndicatorError } from './errors'
import { Highest, Lowest } from './highest-lowest'
import { Macd } from './macd'
import { Obv } from './obv'
import { Rsi } from './rsi'
import { Sma } from './sma'
import { StdDev } from './stddev'
import { Stochastic } from './stoch'
import { resolveConvention, type ConventionOptions, type ResolvedConvention, type StreamingIndicator } from './types'
import { Vwap } from './vwap'
import { Wma } from './wma'

/** One bar as the registry consumes it; `time` (ms, UTC) is only read by VWAP sessions. */
export interface IndicatorBar {
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  readonly time?: number
}

export type IndicatorInput = 'high' | 'low' | 'close' | 'volume' | 'time'

export interface ParamSpec {
  readonly name: string
  readonly default: number
  readonly min: number
  readonly integer: boolean
  readonly description: string
}

export interface OutputSpec {
  readonly name: string
  readonly description: string
}

/** What the UI and README need to know about an indicator, without creating one. */
export interface IndicatorDescription {
  readonly name: string
  readonly title: string
  /** Bar fields read; single-input indicators always use the close. */
  readonly inputs: readonly IndicatorInput[]
  readonly params: readonly ParamSpec[]
  readonly outputs: readonly OutputSpec[]
  /** True when `convention` changes values or warm-up; otherwise the option is ignored. */
  readonly conventionSensitive: boolean
  /**
   * Index of the first bar at which `ready` is true (= number of bars without a value),
   * for complete params and the given options.
   */
  warmup(params: Readonly<Record<string, number>>, options?: ConventionOptions): number
}

/** A registry-made indicator: one bar in, all named outputs out (NaN until warmed up). */
export interface IndicatorInstance {
  readonly name: string
  readonly outputs: readonly string[]
  readonly ready: boolean
  /** Returns a fresh record of every output for this bar. */
  update(bar: IndicatorBar): Record<string, number>
  reset(): void
}

type Params = Readonly<Record<string, number>>
type Step = (bar: IndicatorBar) => Record<string, number>

interface Entry extends IndicatorDescription {
  build(params: Params, options: ResolvedConvention): { core: StreamingIndicator; step: Step }
}

const period = (fallback: number, description = 'Bars in the window'): ParamSpec => ({
  name: 'period',
  default: fallback,
  min: 1,
  integer: true,
  description
})

const single = (name: string, description: string): readonly OutputSpec[] => [{ name, description }]

const ENTRIES: readonly Entry[] = [
  {
    name: 'sma',
    title: 'Simple moving average',
    inputs: ['close'],
    params: [period(20)],
    outputs: single('sma', 'Mean of the last `period` closes'),
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new Sma(p.period)
      return { core, step: (b) => ({ sma: core.update(b.close) }) }
    }
  },
  {
    name: 'ema',
    title: 'Exponential moving average',
    inputs: ['close'],
    params: [period(20)],
    outputs: single('ema', 'EMA with factor 2 / (period + 1)'),
    conventionSensitive: true,
    warmup: (p, o) => (conv(o).convention === 'talib' ? p.period - 1 : 0) + conv(o).unstablePeriod,
    build(p, o) {
      const core = new Ema(p.period, o)
      return { core, step: (b) => ({ ema: core.update(b.close) }) }
    }
  },
  {
    name: 'wma',
    title: 'Weighted moving average',
    inputs: ['close'],
    params: [period(20)],
    outputs: single('wma', 'Linearly weighted mean, newest close weighs `period`'),
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new Wma(p.period)
      return { core, step: (b) => ({ wma: core.update(b.close) }) }
    }
  },
  {
    name: 'rsi',
    title: 'Relative strength index',
    inputs: ['close'],
    params: [period(14, 'Wilder smoothing period')],
    outputs: single('rsi', 'RSI, 0..100'),
    conventionSensitive: false,
    warmup: (p, o) => p.period + conv(o).unstablePeriod,
    build(p, o) {
      const core = new Rsi(p.period, o)
      return { core, step: (b) => ({ rsi: core.update(b.close) }) }
    }
  },
  {
    name: 'tr',
    title: 'True range',
    inputs: ['high', 'low', 'close'],
    params: [],
    outputs: single('tr', 'max(high - low, |high - prev close|, |low - prev close|)'),
    conventionSensitive: true,
    warmup: (_p, o) => (conv(o).convention === 'talib' ? 1 : 0) + conv(o).unstablePeriod,
    build(_p, o) {
      const core = new TrueRange(o)
      return { core, step: (b) => ({ tr: core.update(b.high, b.low, b.close) }) }
    }
  },
  {
    name: 'atr',
    title: 'Average true range',
    inputs: ['high', 'low', 'close'],
    params: [period(14, 'Wilder smoothing period')],
    outputs: single('atr', 'Wilder-smoothed true range'),
    conventionSensitive: true,
    warmup: (p, o) => (conv(o).convention === 'talib' ? p.period : p.period - 1) + conv(o).unstablePeriod,
    build(p, o) {
      const core = new Atr(p.period, o)
      return { core, step: (b) => ({ atr: core.update(b.high, b.low, b.close) }) }
    }
  },
  {
    name: 'stddev',
    title: 'Standard deviation',
    inputs: ['close'],
    params: [period(20)],
    outputs: single('stddev', 'Population standard deviation of the last `period` closes'),
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new StdDev(p.period)
      return { core, step: (b) => ({ stddev: core.update(b.close) }) }
    }
  },
  {
    name: 'bbands',
    title: 'Bollinger Bands',
    inputs: ['close'],
    params: [
      period(20),
      { name: 'multiplier', default: 2, min: 0, integer: false, description: 'Standard deviations from the middle band' }
    ],
    outputs: [
      { name: 'middle', description: 'SMA of the closes' },
      { name: 'upper', description: 'middle + multiplier × stddev' },
      { name: 'lower', description: 'middle - multiplier × stddev' }
    ],
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new BollingerBands(p.period, p.multiplier)
      return {
        core,
        step: (b) => {
          core.update(b.close)
          return { middle: core.middle, upper: core.upper, lower: core.lower }
        }
      }
    }
  },
  {
    name: 'macd',
    title: 'MACD',
    inputs: ['close'],
    params: [
      { name: 'fast', default: 12, min: 1, integer: true, description: 'Fast EMA period' },
      { name: 'slow', default: 26, min: 1, integer: true, description: 'Slow EMA period' },
      { name: 'signal', default: 9, min: 1, integer: true, description: 'Signal EMA period' }
    ],
    outputs: [
      { name: 'macd', description: 'EMA(fast) - EMA(slow)' },
      { name: 'signal', description: 'EMA(signal) of macd' },
      { name: 'histogram', description: 'macd - signal' }
    ],
    conventionSensitive: true,
    warmup(p, o) {
      const slow = Math.max(p.fast, p.slow)
      const c = conv(o)
      return c.convention === 'talib' ? slow + p.signal - 2 + 2 * c.unstablePeriod : slow - 1 + c.unstablePeriod
    },
    build(p, o) {
      const core = new Macd(p.fast, p.slow, p.signal, o)
      return {
        core,
        step: (b) => {
          core.update(b.close)
          return { macd: core.macd, signal: core.signal, histogram: core.histogram }
        }
      }
    }
  },
  {
    name: 'stoch',
    title: 'Stochastic (slow)',
    inputs: ['high', 'low', 'close'],
    params: [
      { name: 'fastK', default: 5, min: 1, integer: true, description: 'Bars for the highest high / lowest low' },
      { name: 'slowK', default: 3, min: 1, integer: true, description: 'SMA period smoothing fast %K into %K' },
      { name: 'slowD', default: 3, min: 1, integer: true, description: 'SMA period smoothing %K into %D' }
    ],
    outputs: [
      { name: 'k', description: 'Slow %K, 0..100' },
      { name: 'd', description: 'Slow %D, 0..100' }
    ],
    conventionSensitive: false,
    warmup: (p) => p.fastK + p.slowK + p.slowD - 3,
    build(p) {
      const core = new Stochastic(p.fastK, p.slowK, p.slowD)
      return {
        core,
        step: (b) => {
          core.update(b.high, b.low, b.close)
          return { k: core.k, d: core.d }
        }
      }
    }
  },
  {
    name: 'adx',
    title: 'Average directional index',
    inputs: ['high', 'low', 'close'],
    params: [period(14, 'Wilder smoothing period')],
    outputs: [
      { name: 'adx', description: 'Average directional index, 0..100' },
      { name: 'adxr', description: 'ADX rating: mean of ADX and ADX period - 1 bars ago (later than adx)' },
      { name: 'plusDI', description: '+DI, 0..100' },
      { name: 'minusDI', description: '-DI, 0..100' },
      { name: 'dx', description: 'Directional movement index, 0..100' },
      { name: 'plusDM', description: 'Wilder-smoothed +DM (sum form)' },
      { name: 'minusDM', description: 'Wilder-smoothed -DM (sum form)' }
    ],
    conventionSensitive: true,
    warmup(p, o) {
      const c = conv(o)
      const diStart = c.convention === 'talib' ? p.period : Math.max(p.period - 1, 1)
      return diStart + p.period - 1 + c.unstablePeriod
    },
    build(p, o) {
      const core = new Adx(p.period, o)
      return {
        core,
        step: (b) => {
          core.update(b.high, b.low, b.close)
          return {
            adx: core.adx,
            adxr: core.adxr,
            plusDI: core.plusDI,
            minusDI: core.minusDI,
            dx: core.dx,
            plusDM: core.plusDM,
            minusDM: core.minusDM
          }
        }
      }
    }
  },
  {
    name: 'obv',
    title: 'On-balance volume',
    inputs: ['close', 'volume'],
    params: [],
    outputs: single('obv', 'Running volume signed by the close-to-close direction'),
    conventionSensitive: true,
    warmup: (_p, o) => conv(o).unstablePeriod,
    build(_p, o) {
      const core = new Obv(o)
      return { core, step: (b) => ({ obv: core.update(b.close, b.volume) }) }
    }
  },
  {
    name: 'vwap',
    title: 'Volume-weighted average price',
    inputs: ['high', 'low', 'close', 'volume', 'time'],
    params: [
      { name: 'sessionMs', default: 0, min: 0, integer: true, description: 'Session length in ms (0 = never reset; 86400000 = UTC days)' },
      { name: 'sessionOffsetMs', default: 0, min: -Infinity, integer: false, description: 'Session start offset from the epoch-aligned boundary, ms' }
    ],
    outputs: single('vwap', 'Cumulative VWAP of the typical price since the session start'),
    conventionSensitive: false,
    warmup: () => 0,
    build(p) {
      const core = new Vwap({ sessionMs: p.sessionMs, sessionOffsetMs: p.sessionOffsetMs })
      return { core, step: (b) => ({ vwap: core.update(b.high, b.low, b.close, b.volume, b.time) }) }
    }
  },
  {
    name: 'highest',
    title: 'Rolling highest high',
    inputs: ['high'],
    params: [period(20)],
    outputs: single('highest', 'Highest high of the last `period` bars'),
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new Highest(p.period)
      return { core, step: (b) => ({ highest: core.update(b.high) }) }
    }
  },
  {
    name: 'lowest',
    title: 'Rolling lowest low',
    inputs: ['low'],
    params: [period(20)],
    outputs: single('lowest', 'Lowest low of the last `period` bars'),
    conventionSensitive: false,
    warmup: (p) => p.period - 1,
    build(p) {
      const core = new Lowest(p.period)
      return { core, step: (b) => ({ lowest: core.update(b.low) }) }
    }
  }
]

function conv(options: ConventionOptions | undefined): ResolvedConvention {
  return resolveConvention('indicator', options)
}

const BY_NAME = new Map<string, Entry>(ENTRIES.map((e) => [e.name, e]))

/** The description table, in display order. */
export const INDICATORS: readonly IndicatorDescription[] = ENTRIES

export function describeIndicator(name: string): IndicatorDescription {
  return lookup(name)
}

/**
 * Create an indicator by name. `params` may omit any parameter (its default is used);
 * unknown names and out-of-range values throw an IndicatorError. `options.convention` and
 * `options.unstablePeriod` apply where the description says `conventionSensitive`
 * (unstablePeriod also for rsi) and are ignored elsewhere.
 */
export function createIndicator(
  name: string,
  params: Readonly<Record<string, number>> = {},
  options: ConventionOptions = {}
): IndicatorInstance {
  const entry = lookup(name)
  const resolved = resolveParams(entry, params)
  const { core, step } = entry.build(resolved, resolveConvention(name, options))
  const needed = entry.inputs.filter((f): f is 'high' | 'low' | 'close' | 'volume' => f !== 'time')
  const outputs = entry.outputs.map((o) => o.name)
  return {
    name,
    outputs,
    get ready() {
      return core.ready
    },
    update(bar) {
      for (const field of needed) {
        const v = bar[field]
        if (typeof v !== 'number' || !Number.isFinite(v) || (field === 'volume' && v < 0)) {
          const want = field === 'volume' ? 'a finite number >= 0' : 'a finite number'
          throw new IndicatorError('bad-input', name, field, `bar.${field} must be ${want}, got ${String(v)}`)
        }
      }
      return step(bar)
    },
    reset() {
      core.reset()
    }
  }
}

function lookup(name: string): Entry {
  const entry = BY_NAME.get(name)
  if (entry === undefined) {
    throw new IndicatorError('unknown-indicator', name, undefined, `unknown indicator; known: ${ENTRIES.map((e) => e.name).join(', ')}`)
  }
  return entry
}

function resolveParams(entry: Entry, params: Readonly<Record<string, number>>): Params {
  const known = new Set(entry.params.map((p) => p.name))
  for (const key of Object.keys(params)) {
    if (!known.has(key)) {
      const accepted = entry.params.length === 0 ? 'none' : [...known].join(', ')
      throw new IndicatorError('bad-param', entry.name, key, `unknown parameter; accepted: ${accepted}`)
    }
  }
  const out: Record<string, number> = {}
  for (const spec of entry.params) {
    const v = params[spec.name] ?? spec.default
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= spec.min && (!spec.integer || Number.isInteger(v))
    if (!ok) {
      const kind = spec.integer ? 'an integer' : 'a finite number'
      const bound = spec.min === -Infinity ? '' : ` >= ${spec.min}`
      throw new IndicatorError('bad-param', entry.name, spec.name, `${spec.name} must be ${kind}${bound}, got ${String(v)}`)
    }
    out[spec.name] = v
  }
  return out
}
