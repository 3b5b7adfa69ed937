import type { z } from 'zod'
import { createRandom } from '../../src/main/core/random'

/**
 * A seeded generator of malformed messages. Every mutation makes the value invalid by
 * construction (it does not ask the schema under test whether the result is invalid), and no
 * later mutation can repair an earlier one: replacements are themselves invalid, deletions
 * remove only required keys, insertions add only unknown or forbidden keys.
 */

type Kind = 'undefined' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'
const ALL_KINDS: readonly Kind[] = ['undefined', 'null', 'boolean', 'number', 'string', 'array', 'object']

type Schema = z.core.$ZodType
interface Def {
  type: string
  innerType?: Schema
  shape?: Record<string, Schema>
  catchall?: Schema
  valueType?: Schema
  element?: Schema
  items?: Schema[]
  options?: Schema[]
  entries?: Record<string, string>
  values?: unknown[]
}

const def = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def

export function unwrap(s: Schema): Schema {
  const d = def(s)
  return d.type === 'optional' || d.type === 'nullable' ? unwrap(d.innerType as Schema) : s
}

const kindsCache = new WeakMap<Schema, Set<Kind>>()

/** The JSON kinds a schema accepts at all (constraints aside). */
export function acceptedKinds(s: Schema): Set<Kind> {
  let kinds = kindsCache.get(s)
  if (!kinds) kindsCache.set(s, (kinds = computeKinds(s)))
  return kinds
}

function computeKinds(s: Schema): Set<Kind> {
  const d = def(s)
  switch (d.type) {
    case 'string':
    case 'enum':
      return new Set(['string'])
    case 'literal':
      return new Set((d.values ?? []).map((v) => (v === null ? 'null' : (typeof v as Kind))))
    case 'number':
      return new Set(['number'])
    case 'boolean':
      return new Set(['boolean'])
    case 'object':
    case 'record':
      return new Set(['object'])
    case 'array':
    case 'tuple':
      return new Set(['array'])
    case 'union':
      return new Set((d.options ?? []).flatMap((o) => [...acceptedKinds(o)]))
    case 'optional':
      return new Set([...acceptedKinds(d.innerType as Schema), 'undefined'])
    case 'nullable':
      return new Set([...acceptedKinds(d.innerType as Schema), 'null'])
    default:
      return new Set(ALL_KINDS)
  }
}

function childSchema(s: Schema, key: string | number): Schema | undefined {
  const u = unwrap(s)
  const d = def(u)
  if (d.type === 'object') return d.shape && Object.hasOwn(d.shape, key) ? d.shape[key as string] : isStrict(u) ? undefined : d.catchall
  if (d.type === 'record') return d.valueType
  if (d.type === 'array') return d.element
  if (d.type === 'tuple') return typeof key === 'number' ? d.items?.[key] : undefined
  return undefined
}

function isStrict(s: Schema): boolean {
  const d = def(unwrap(s))
  return d.type === 'object' && d.catchall !== undefined && def(d.catchall).type === 'never'
}

interface Node {
  /** the container holding this node (null for the root) and the key in it */
  parent: Record<string | number, unknown> | null
  key: string | number | null
  value: unknown
  schema: Schema | undefined
  /** whether the node is a property of an object schema (not a record value or an array item) */
  inShape: boolean
}

function nodes(root: { value: unknown }, schema: Schema): Node[] {
  const out: Node[] = []
  const visit = (parent: Node['parent'], key: Node['key'], value: unknown, s: Schema | undefined, inShape: boolean, depth: number) => {
    out.push({ parent, key, value, schema: s, inShape })
    if (depth > 6 || typeof value !== 'object' || value === null) return
    const container = value as Record<string | number, unknown>
    const isShape = s !== undefined && def(unwrap(s)).type === 'object'
    if (Array.isArray(value)) value.forEach((v, i) => visit(container, i, v, s && childSchema(s, i), false, depth + 1))
    else for (const k of Object.keys(value)) visit(container, k, container[k], s && childSchema(s, k), isShape, depth + 1)
  }
  visit(root as unknown as Record<string, unknown>, 'value', root.value, schema, false, 0)
  return out
}

export const HUGE_STRING = 'x'.repeat(1_100_000)

export type MutationName =
  | 'wrong-type'
  | 'array-for-object'
  | 'missing-required'
  | 'extra-field'
  | 'forbidden-key'
  | 'non-finite'
  | 'huge-string'
  | 'deep-nesting'
  | 'bad-enum'
  | 'too-long-string'

export interface Generator {
  /** a malformed copy of `valid`, and the mutations applied */
  mutate(valid: unknown, schema: Schema): { value: unknown; applied: MutationName[] }
  int(n: number): number
  pick<T>(items: readonly T[]): T
  randomJson(depth?: number): unknown
  nonFinite(): number
}

export function createGenerator(seed: number): Generator {
  const rnd = createRandom(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]
  const word = () => pick(['a', 'x', 'zz', 'value', 'id', 'mode', '0', '', ' ', '日本', 'key-1', 'π'])

  function randomJson(depth = 2): unknown {
    switch (int(depth > 0 ? 7 : 5)) {
      case 0:
        return null
      case 1:
        return rnd() < 0.5
      case 2:
        return pick([0, -1, 1.5, 1e308, -1e-300, 42, Number.MAX_SAFE_INTEGER + 2])
      case 3:
        return word()
      case 4:
        return pick([true, 'true', '1', 0])
      case 5:
        return Array.from({ length: int(4) }, () => randomJson(depth - 1))
      default:
        return Object.fromEntries(Array.from({ length: int(4) }, () => [word() || 'k', randomJson(depth - 1)]))
    }
  }

  function ofKind(kind: Kind): unknown {
    switch (kind) {
      case 'undefined':
        return undefined
      case 'null':
        return null
      case 'boolean':
        return rnd() < 0.5
      case 'number':
        return pick([0, -1, 3.25, 1e21, -0, 2 ** 53])
      case 'string':
        return pick(['', 'x', '1', 'null', '{}', '[]', 'true', 'BTC/USDT'])
      case 'array':
        return Array.from({ length: int(3) }, () => randomJson(1))
      case 'object':
        return Object.fromEntries(Array.from({ length: int(3) }, () => [`k${int(100)}`, randomJson(1)]))
    }
  }

  function deep(depth: number): unknown {
    let v: unknown = rnd() < 0.5 ? 1 : 'leaf'
    const asArray = rnd() < 0.5
    for (let i = 0; i < depth; i++) v = asArray ? [v] : { d: v }
    return v
  }

  const nonFinite = () => pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])

  function set(node: Node, value: unknown): void {
    if (node.parent) node.parent[node.key as string] = value
  }

  function defineOwn(target: object, key: string, value: unknown): void {
    // A plain assignment of `__proto__` would set the prototype; attackers send it as an own key.
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
  }

  /** Applies one mutation; false when it does not apply to this value. */
  function apply(name: MutationName, holder: { value: unknown }, schema: Schema): boolean {
    const all = nodes(holder, schema)
    const typed = all.filter((n) => n.schema !== undefined)
    const objects = all.filter((n) => typeof n.value === 'object' && n.value !== null && !Array.isArray(n.value))
    // nodes() is cheap for these samples (a few dozen nodes); the lists are rebuilt per mutation
    // because an earlier mutation may have replaced whole subtrees.
    switch (name) {
      case 'wrong-type': {
        const candidates = typed.flatMap((n) => {
          // undefined only where it means "required key missing": in a record or an array it
          // would vanish from JSON text or turn into null.
          const wrong = ALL_KINDS.filter((k) => !acceptedKinds(n.schema as Schema).has(k) && (k !== 'undefined' || n.inShape))
          return wrong.length ? [{ n, wrong }] : []
        })
        if (!candidates.length) return false
        const { n, wrong } = pick(candidates)
        set(n, ofKind(pick(wrong)))
        return true
      }
      case 'array-for-object': {
        const candidates = typed.filter((n) => !acceptedKinds(n.schema as Schema).has('array') && acceptedKinds(n.schema as Schema).has('object'))
        if (!candidates.length) return false
        const n = pick(candidates)
        const v = n.value
        set(n, typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.values(v) : [randomJson(1)])
        return true
      }
      case 'missing-required': {
        const candidates = typed.flatMap((n) => {
          const u = unwrap(n.schema as Schema)
          if (def(u).type !== 'object' || typeof n.value !== 'object' || n.value === null || Array.isArray(n.value)) return []
          const required = Object.entries(def(u).shape ?? {})
            .filter(([k, s]) => !acceptedKinds(s).has('undefined') && Object.hasOwn(n.value as object, k))
            .map(([k]) => k)
          return required.map((k) => ({ n, k }))
        })
        if (!candidates.length) return false
        const { n, k } = pick(candidates)
        delete (n.value as Record<string, unknown>)[k]
        return true
      }
      case 'extra-field': {
        const candidates = typed.filter((n) => isStrict(n.schema as Schema) && objects.includes(n))
        if (!candidates.length) return false
        const n = pick(candidates)
        const shape = def(unwrap(n.schema as Schema)).shape ?? {}
        let key = `extra${int(1000)}`
        while (Object.hasOwn(shape, key)) key += '_'
        defineOwn(n.value as object, key, randomJson())
        return true
      }
      case 'forbidden-key': {
        if (!objects.length) return false
        defineOwn(pick(objects).value as object, pick(['__proto__', 'constructor', 'prototype']), pick([{ polluted: true }, null, 'x', 1]))
        return true
      }
      case 'non-finite': {
        const n = pick(all)
        if (rnd() < 0.3 && typeof n.value === 'object' && n.value !== null) {
          if (Array.isArray(n.value)) n.value.push(nonFinite())
          else defineOwn(n.value, `n${int(100)}`, nonFinite())
        } else if (n.parent) set(n, nonFinite())
        else return false
        return true
      }
      case 'huge-string': {
        const n = pick(all)
        if (!n.parent) return false
        set(n, HUGE_STRING)
        return true
      }
      case 'deep-nesting': {
        const n = pick(all)
        if (!n.parent) return false
        set(n, deep(40 + int(120)))
        return true
      }
      case 'bad-enum': {
        const candidates = typed.filter((n) => def(unwrap(n.schema as Schema)).type === 'enum')
        if (!candidates.length) return false
        const n = pick(candidates)
        const entries = Object.values(def(unwrap(n.schema as Schema)).entries ?? {})
        let bad = pick(['', 'LIVE', 'Buy', 'market ', 'unknown', 'BACKTEST', 'GTD'])
        while (entries.includes(bad)) bad += '?'
        set(n, bad)
        return true
      }
      case 'too-long-string': {
        const candidates = typed.filter((n) => {
          const u = unwrap(n.schema as Schema) as { maxLength?: number | null }
          return def(u as Schema).type === 'string' && typeof u.maxLength === 'number'
        })
        if (!candidates.length) return false
        const n = pick(candidates)
        const max = (unwrap(n.schema as Schema) as unknown as { maxLength: number }).maxLength
        set(n, 'y'.repeat(max + 1 + int(5000)))
        return true
      }
    }
  }

  const MUTATIONS: readonly MutationName[] = [
    'wrong-type',
    'array-for-object',
    'missing-required',
    'extra-field',
    'forbidden-key',
    'non-finite',
    'huge-string',
    'deep-nesting',
    'bad-enum',
    'too-long-string'
  ]

  return {
    int,
    pick,
    randomJson,
    nonFinite,
    mutate(valid, schema) {
      const holder = { value: structuredClone(valid) }
      const applied: MutationName[] = []
      const wanted = 1 + int(3)
      for (let attempts = 0; applied.length < wanted && attempts < 20; attempts++) {
        const name = pick(MUTATIONS)
        if (apply(name, holder, schema)) applied.push(name)
      }
      if (!applied.length) throw new Error('no mutation applies to this value')
      return { value: holder.value, applied }
    }
  }
}

/**
 * JSON text that keeps non-finite numbers as the (invalid) literals NaN / Infinity. The huge
 * string is spliced in by concatenation (a cheap rope) instead of being serialised each time.
 * `plain`: the caller knows the value holds neither, so the slow replacer is skipped.
 */
export function toLooseJson(value: unknown, plain = false): string {
  if (plain) return JSON.stringify(value) ?? 'undefined'
  const marks = new Map<string, string>()
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if ((typeof v === 'number' && !Number.isFinite(v)) || v === HUGE_STRING) {
      const mark = `\u0000mark${marks.size}\u0000`
      marks.set(JSON.stringify(mark), v === HUGE_STRING ? `"${HUGE_STRING}"` : String(v))
      return mark
    }
    return v
  })
  let out = text ?? 'undefined'
  for (const [mark, literal] of marks) {
    const at = out.indexOf(mark)
    out = out.slice(0, at) + literal + out.slice(at + mark.length)
  }
  return out
}
