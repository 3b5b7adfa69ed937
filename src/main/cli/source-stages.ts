import { ResampleStage } from '../core/market/resample-stage'
import { IndicatorStage } from '../core/market/indicator-stage'
import type { SourceStage } from '../core/market/stored-source'
import { CliError } from './cli-error'

const INDICATOR_SPEC = /^([\w.-]+)=([a-z]+)(?:\(([^)]*)\))?(?:@(\w+))?$/

/**
 * MarketSource stages from `--also TF` (higher-timeframe bars built from the data) and
 * `--indicator name=ind(k=v,…)[@TF]` (indicator events right after each bar of TF).
 */
export function sourceStages(symbol: string, baseInput: string, also: string[], indicators: string[]): SourceStage[] {
  const stages: SourceStage[] = []
  for (const tf of also) {
    try {
      stages.push(new ResampleStage(symbol, baseInput, tf))
    } catch (err) {
      throw new CliError(`backtest: --also ${tf}: ${(err as Error).message}`)
    }
  }
  for (const spec of indicators) {
    const m = INDICATOR_SPEC.exec(spec.trim())
    if (!m) throw new CliError(`backtest: --indicator expects name=indicator(k=v,…)[@timeframe], e.g. ema50=ema(period=50)@1h, got "${spec}"`)
    const [, name, indicator, rawParams, tf] = m
    const params: Record<string, number> = {}
    for (const pair of (rawParams ?? '').split(',').filter((p) => p.trim() !== '')) {
      const [k, val] = pair.split('=').map((x) => x.trim())
      const n = Number(val)
      if (!k || val === undefined || val === '' || !Number.isFinite(n)) throw new CliError(`backtest: --indicator ${spec}: parameter "${pair}" must be name=number`)
      params[k] = n
    }
    const timeframe = tf ?? (baseInput === 'trades' ? '' : baseInput)
    if (timeframe === '') throw new CliError(`backtest: --indicator ${spec}: give the bar timeframe with @TF`)
    try {
      stages.push(new IndicatorStage({ name, indicator, params, symbol, timeframe }))
    } catch (err) {
      throw new CliError(`backtest: --indicator ${spec}: ${(err as Error).message}`)
    }
  }
  return stages
}
