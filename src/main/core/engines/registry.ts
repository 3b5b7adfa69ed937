import type { ParamValues } from '../../../shared/engine-params'
import type { EngineDefinition } from '../engine/engine'
import breakout from './breakout/breakout'
import buyAndHold from './buy-and-hold/buy-and-hold'
import grid from './grid/grid'
import rsiReversion from './rsi-reversion/rsi-reversion'
import smaCross from './sma-cross/sma-cross'

/** The engines that ship with the workstation, by name. */
export const BUILT_IN_ENGINES: ReadonlyMap<string, EngineDefinition<ParamValues>> = new Map(
  [smaCross, rsiReversion, breakout, grid, buyAndHold].map((d) => [d.name, d as unknown as EngineDefinition<ParamValues>])
)
