import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

export const repoRoot = resolve(__dirname, '../..')

/** Runs the built `theorycraft` command the way a user does, in a temp data folder. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/theorycraft.js'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
