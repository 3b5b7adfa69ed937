// Bundles the Node entry points (CLI, headless server, benchmarks) with esbuild, so the CLI
// starts without a TypeScript loader and loads only what a command uses.
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { basename } from 'node:path'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

/** Like `packages: 'external'`, but the named packages are bundled. */
function externalPackagesExcept(bundled) {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]
        return bundled.includes(name) ? undefined : { path: args.path, external: true }
      })
    }
  }
}

const result = await build({
  entryPoints: {
    theorycraft: 'src/main/cli/theorycraft.ts',
    bench: 'bench/run-benchmarks.ts',
    'session-worker': 'src/main/host/session-worker.ts',
    'journal-writer': 'src/main/host/journal-writer-worker.ts',
    serve: 'src/main/transport/serve-main.ts'
  },
  outdir: 'out/node',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages stay in node_modules, except zod: loading its many small ES modules took about as
  // long as the rest of the start-up of a backtest; bundled it loads in about half the time.
  plugins: [externalPackagesExcept(['zod'])],
  sourcemap: true,
  logLevel: 'warning',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  metafile: true
})

// Chunk names carry content hashes: drop the previous builds' chunks, which nothing loads any more.
const current = new Set(Object.keys(result.metafile.outputs).map((file) => basename(file)))
for (const file of readdirSync('out/node')) if (!current.has(file)) rmSync(`out/node/${file}`, { force: true })
