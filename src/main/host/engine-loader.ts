import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ParamValues } from '../../shared/engine-params'
import type { EngineDefinition } from '../core/engine/engine'
import { BUILT_IN_ENGINES } from '../core/engines/registry'

export class EngineLoadError extends Error {
  readonly type = 'EngineLoadError'
}

/** A built-in engine by name, or a user engine from a `.ts`/`.js`/`.mjs` file compiled on the fly. */
export async function loadEngine(nameOrPath: string): Promise<EngineDefinition<ParamValues>> {
  const builtIn = BUILT_IN_ENGINES.get(nameOrPath)
  if (builtIn) return builtIn
  const looksLikePath = /[\\/]/.test(nameOrPath) || ['.ts', '.js', '.mjs', '.mts'].includes(extname(nameOrPath))
  if (!looksLikePath)
    throw new EngineLoadError(`unknown engine "${nameOrPath}"; built-in engines: ${[...BUILT_IN_ENGINES.keys()].join(', ')}; or give a path to a .ts/.js engine file`)
  const file = resolve(nameOrPath)
  if (!existsSync(file)) throw new EngineLoadError(`engine file not found: ${file}`)
  const { build } = await import('esbuild')
  let code: string
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      alias: { theorycraft: sdkPath() }
    })
    code = out.outputFiles[0].text
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors ?? []
    const detail = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text)).join('\n')
    throw new EngineLoadError(`could not compile engine ${file}:\n${detail || String(err)}`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'theorycraft-engine-'))
  const compiled = join(dir, 'engine.mjs')
  writeFileSync(compiled, code)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(compiled).href)
  } catch (err) {
    throw new EngineLoadError(`engine ${file} failed while loading: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return validateDefinition(mod.default, file)
}

/** The engine SDK source, found from the repository root (this module runs bundled or from source). */
function sdkPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'src/main/core/engine/sdk.ts')
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new EngineLoadError('cannot find the engine SDK (src/main/core/engine/sdk.ts) next to the application')
    dir = parent
  }
}

function validateDefinition(value: unknown, file: string): EngineDefinition<ParamValues> {
  const d = value as Partial<EngineDefinition<ParamValues>> | undefined
  const problems: string[] = []
  if (typeof d !== 'object' || d === null) throw new EngineLoadError(`${file}: the default export must be an engine definition object (see README, "Writing an engine")`)
  if (typeof d.name !== 'string' || d.name === '') problems.push('`name` must be a non-empty string')
  if (typeof d.create !== 'function') problems.push('`create(params)` must be a function')
  if (d.params !== undefined && (typeof d.params !== 'object' || d.params === null)) problems.push('`params` must be an object of parameter specs')
  if (problems.length) throw new EngineLoadError(`${file}: ${problems.join('; ')}`)
  return { description: '', params: {}, ...d } as EngineDefinition<ParamValues>
}
