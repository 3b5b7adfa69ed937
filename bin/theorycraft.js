#!/usr/bin/env node
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

// Commands that run backtests get node's young generation sized for them
// (src/main/host/young-generation.ts says why): node is started again with the flag.
const SEMI_SPACE_FLAG = '--max-semi-space-size=64'
const BACKTESTING = new Set(['backtest', 'replay'])

const entry = fileURLToPath(new URL('../out/node/theorycraft.js', import.meta.url))
if (!existsSync(entry)) {
  process.stderr.write('theorycraft: the command line is not built yet; run "npm run build:node" (npm install does it too)\n')
  process.exit(1)
}
const args = process.argv.slice(2)
if (BACKTESTING.has(args[0]) && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const child = spawn(process.execPath, [...process.execArgv, SEMI_SPACE_FLAG, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' })
  // a signal meant for this process is meant for the command
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('error', (err) => {
    process.stderr.write(`theorycraft: cannot start node again with ${SEMI_SPACE_FLAG}: ${err.message}\n`)
    process.exitCode = 1
  })
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    } else process.exitCode = code ?? 1
  })
} else {
  const { main } = await import(pathToFileURL(entry).href)
  process.exitCode = await main(args)
}
