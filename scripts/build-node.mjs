// Bundles the Node entry points (CLI, headless server, benchmarks) with esbuild, so the CLI
// starts without a TypeScript loader and loads only what a command uses.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

await build({
  entryPoints: {
    theorycraft: 'src/main/cli/theorycraft.ts',
    bench: 'bench/run-benchmarks.ts',
    'session-worker': 'src/main/host/session-worker.ts',
    serve: 'src/main/transport/serve-main.ts'
  },
  outdir: 'out/node',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) }
})
