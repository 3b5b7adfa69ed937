import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

/** Builds the Node bundles once per test run: the CLI tests and the session workers use them. */
export default function setup(): void {
  execFileSync(process.execPath, [resolve(__dirname, '../../scripts/build-node.mjs')], { stdio: 'inherit', cwd: resolve(__dirname, '../..') })
}
