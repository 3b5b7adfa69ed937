import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

/**
 * main → out/main/index.js (ESM; node_modules packages stay external, better-sqlite3 always);
 * preload → out/preload/index.cjs (CommonJS with every dependency bundled: a sandboxed preload
 * cannot load ES modules nor require anything but `electron`);
 * renderer → out/renderer (minified; also what `npm run serve` hands to the browser).
 */
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') }, external: ['better-sqlite3'] }
    }
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    resolve: { alias: { '@renderer': resolve('src/renderer/src') } },
    plugins: [react()],
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    }
  }
})
