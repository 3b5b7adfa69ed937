export { Adx } from './adx'
export { Atr, TrueRange, trueRange } from './atr'
export { BollingerBands } from './bbands'
export { Ema, type EmaOptions } from './ema'
export { IndicatorError, type IndicatorErrorKind } from './errors'
export { Highest, Lowest } from './highest-lowest'
export { Macd } from './macd'
export { Obv } from './obv'
export {
  INDICATORS,
  createIndicator,
  describeIndicator,
  type IndicatorBar,
  type IndicatorDescription,
  type IndicatorInput,
  type IndicatorInstance,
  type OutputSpec,
  type ParamSpec
} from './registry'
export { Rsi } from './rsi'
export { Sma } from './sma'
export { StdDev } from './stddev'
export { Stochastic } from './stoch'
export type { Convention, ConventionOptions, StreamingIndicator } from './types'
export { Vwap, type VwapOptions } from './vwap'
export { Wma } from './wma'
