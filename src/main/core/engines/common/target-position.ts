import type { BarEvent } from '../../../../shared/events'
import type { ParamValues } from '../../../../shared/engine-params'
import type { EngineContext } from '../../engine/engine'

export type Direction = 1 | 0 | -1

/** Sizing shared by the built-in engines. */
export interface SizingParams {
  /** `equity`: spend `size` × equity at the fill; `fixed`: `size` base units */
  sizing: 'equity' | 'fixed'
  size: number
}

export const SIZING_PARAMS = {
  sizing: {
    type: 'enum',
    values: ['equity', 'fixed'],
    default: 'equity',
    description: 'equity: each entry spends `size` × the account equity at the fill (amount set at the fill price); fixed: `size` base units'
  },
  size: { type: 'number', default: 1, min: 0, description: 'fraction of equity (sizing=equity) or base amount (sizing=fixed)' }
} as const

/**
 * Moves the position in `symbol` to the target direction with market orders: first a
 * reduce-only order that closes what points the other way, then an entry order.
 */
export function goTo(ctx: EngineContext<ParamValues>, symbol: string, target: Direction, sizing: SizingParams): void {
  const held = ctx.position(symbol).amount
  const current = Math.sign(held)
  if (current === target) return
  if (held !== 0) ctx.createOrder(symbol, 'market', held > 0 ? 'sell' : 'buy', Math.abs(held), undefined, { reduceOnly: true })
  if (target === 0) return
  const side = target > 0 ? 'buy' : 'sell'
  if (sizing.sizing === 'fixed') {
    ctx.createOrder(symbol, 'market', side, sizing.size)
  } else if (sizing.size > 0) {
    // Sized at the fill, from the equity left after the closing order above has filled.
    ctx.createOrder(symbol, 'market', side, 0, undefined, { equityFraction: sizing.size })
  }
}

/**
 * Picks the bar stream an engine trades: the configured symbol and timeframe, or else the
 * first closed bar's symbol and timeframe.
 */
export class BarFilter {
  private symbol: string
  private timeframe: string

  constructor(symbol: string, timeframe: string) {
    this.symbol = symbol
    this.timeframe = timeframe
  }

  get tradedSymbol(): string {
    return this.symbol
  }

  accepts(bar: BarEvent): boolean {
    if (!bar.closed) return false
    if (this.symbol === '') this.symbol = bar.symbol
    if (this.timeframe === '') this.timeframe = bar.timeframe
    return bar.symbol === this.symbol && bar.timeframe === this.timeframe
  }
}

export const STREAM_PARAMS = {
  symbol: { type: 'string', default: '', description: 'symbol to trade (empty: the first symbol in the data)' },
  timeframe: { type: 'string', default: '', description: 'bar timeframe to trade on (empty: the first timeframe in the data)' }
} as const
