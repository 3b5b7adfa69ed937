/**
 * Declarative engine parameters: the CLI validates `--param k=v` against them and the UI
 * renders a form from them.
 */
export type ParamSpec =
  | { type: 'integer' | 'number'; default: number; min?: number; max?: number; description: string }
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'string'; default: string; description: string }
  | { type: 'enum'; default: string; values: readonly string[]; description: string }

export type ParamSpecs = Record<string, ParamSpec>
export type ParamValue = number | boolean | string
export type ParamValues = Record<string, ParamValue>

export class ParamError extends Error {
  readonly type = 'ParamError'
}

/** Parses one raw value (from a CLI flag or a form field) against its spec. */
export function parseParam(name: string, spec: ParamSpec, raw: unknown): ParamValue {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN
      if (!Number.isFinite(n)) throw new ParamError(`parameter ${name}: expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`)
      if (spec.type === 'integer' && !Number.isInteger(n)) throw new ParamError(`parameter ${name}: expected an integer, got ${raw}`)
      if (spec.min !== undefined && n < spec.min) throw new ParamError(`parameter ${name}: ${n} is below the minimum ${spec.min}`)
      if (spec.max !== undefined && n > spec.max) throw new ParamError(`parameter ${name}: ${n} is above the maximum ${spec.max}`)
      return n
    }
    case 'boolean':
      if (raw === true || raw === 'true' || raw === '1' || raw === 'yes') return true
      if (raw === false || raw === 'false' || raw === '0' || raw === 'no') return false
      throw new ParamError(`parameter ${name}: expected true or false, got ${JSON.stringify(raw)}`)
    case 'string':
      if (typeof raw !== 'string') throw new ParamError(`parameter ${name}: expected a string`)
      return raw
    case 'enum':
      if (typeof raw !== 'string' || !spec.values.includes(raw))
        throw new ParamError(`parameter ${name}: expected one of ${spec.values.join(', ')}, got ${JSON.stringify(raw)}`)
      return raw
  }
}

/** Fills defaults, parses given values, and rejects unknown names. */
export function resolveParams(specs: ParamSpecs, given: Record<string, unknown>): ParamValues {
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs)
      throw new ParamError(`unknown parameter ${name}; known: ${known.length ? known.join(', ') : '(none)'}`)
    }
  }
  const out: ParamValues = {}
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = Object.hasOwn(given, name) ? parseParam(name, spec, given[name]) : spec.default
  }
  return out
}
