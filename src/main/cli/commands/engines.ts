import { BUILT_IN_ENGINES } from '../../core/engines/registry'

export async function enginesCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('theorycraft engines [--json]\n\nLists the built-in engines and their parameters.\n')
    return 0
  }
  const list = [...BUILT_IN_ENGINES.values()].map((d) => ({ name: d.name, description: d.description, params: d.params }))
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
    return 0
  }
  for (const e of list) {
    process.stdout.write(`${e.name}\n  ${e.description}\n`)
    for (const [k, p] of Object.entries(e.params)) process.stdout.write(`  --param ${k}=${String(p.default).padEnd(10)} ${p.type}${'values' in p ? ` (${p.values.join('|')})` : ''}: ${p.description}\n`)
  }
  return 0
}
