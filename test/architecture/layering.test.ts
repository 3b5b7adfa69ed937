import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|tsx)$/.test(name)) out.push(path)
  }
  return out
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] ?? m[2])
  return found
}

/** Strips comments and string literals so that words inside them do not count. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, '""')
}

function clockViolations(text: string): string[] {
  const stripped = code(text)
  const found: string[] = []
  if (/\bDate\.now\s*\(/.test(stripped)) found.push('Date.now()')
  if (/\bnew Date\s*\(\s*\)/.test(stripped)) found.push('new Date()')
  if (/\bMath\.random\s*\(/.test(stripped)) found.push('Math.random()')
  if (/\bperformance\.now\s*\(/.test(stripped)) found.push('performance.now()')
  return found
}

const core = sourceFiles(join(root, 'src/main/core'))

describe('layering (written down here, checked here)', () => {
  it('finds the core sources', () => {
    expect(core.length).toBeGreaterThan(20)
  })

  it('core imports nothing from host, transport, cli, preload, renderer, electron or react', () => {
    const bad: string[] = []
    for (const file of core) {
      for (const spec of imports(file)) {
        const target = spec.startsWith('.') ? relative(root, resolve(file, '..', spec)) : spec
        if (/^(electron|react|react-dom|ccxt)(\/|$)/.test(spec) || /^src\/(main\/(host|transport|cli)|preload|renderer)\b/.test(target))
          bad.push(`${relative(root, file)} imports ${spec}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('core never reads the wall clock or unseeded randomness', () => {
    const bad: string[] = []
    for (const file of core) for (const v of clockViolations(readFileSync(file, 'utf8'))) bad.push(`${relative(root, file)}: ${v}`)
    expect(bad).toEqual([])
  })

  it('the clock check catches planted violations and ignores comments and strings', () => {
    expect(clockViolations('const t = Date.now(); const d = new Date(); const r = Math.random()')).toEqual(['Date.now()', 'new Date()', 'Math.random()'])
    expect(clockViolations('// Date.now() here is prose\nconst s = "Math.random()"; const d = new Date(ts)')).toEqual([])
  })

  it('shared (the contract) imports only zod and itself', () => {
    const bad: string[] = []
    for (const file of sourceFiles(join(root, 'src/shared'))) {
      for (const spec of imports(file)) if (!spec.startsWith('./') && spec !== 'zod') bad.push(`${relative(root, file)} imports ${spec}`)
    }
    expect(bad).toEqual([])
  })
})
