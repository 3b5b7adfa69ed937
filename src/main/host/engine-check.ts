import { extname } from 'node:path'
import { WorkstationError } from '../../shared/api'
import { resolveParams, type ParamValues } from '../../shared/engine-params'
import { BUILT_IN_ENGINES } from '../core/engines/registry'

/**
 * Checks an engine and its parameters before a worker is started, so a typo is a ValidationError
 * on the command rather than a failed run. Engine files are compiled and checked by the worker
 * that loads them. With `create`, the engine is also constructed once (it checks combinations
 * such as fast < slow).
 */
export function checkEngine(engine: string, params: Record<string, unknown>, create: boolean): ParamValues | null {
  const definition = BUILT_IN_ENGINES.get(engine)
  if (definition === undefined) {
    if (/[\\/]/.test(engine) || ['.ts', '.js', '.mjs', '.mts'].includes(extname(engine))) return null
    throw new WorkstationError('ValidationError', `unknown engine "${engine}"; built-in engines: ${[...BUILT_IN_ENGINES.keys()].join(', ')}`)
  }
  let values: ParamValues
  try {
    values = resolveParams(definition.params, params)
    if (create) definition.create(values)
  } catch (err) {
    throw new WorkstationError('ValidationError', `engine ${engine}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return values
}
