#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const entry = fileURLToPath(new URL('../out/node/theorycraft.js', import.meta.url))
if (!existsSync(entry)) {
  process.stderr.write('theorycraft: the command line is not built yet; run "npm run build:node" (npm install does it too)\n')
  process.exit(1)
}
const { main } = await import(pathToFileURL(entry).href)
process.exitCode = await main(process.argv.slice(2))
