import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Which compiled better-sqlite3 addon to load (the `nativeBinding` option of `new Database`).
 *
 * Node and Electron have different native ABIs: the addon npm builds in node_modules matches
 * Node (ABI 115 on Node 20), Electron 45 needs ABI 150. The scheme (../shared/TOOLCHAIN.md §2):
 * - under Electron, `resources/native/electron-abi<ABI>/better_sqlite3.node` when that file
 *   exists (built on a machine that can fetch Electron's headers, e.g. with @electron/rebuild
 *   without `nodedir` set — a build made with `nodedir=/usr` is a Node-ABI build in disguise);
 * - otherwise undefined, which lets better-sqlite3 find its node_modules build as usual (plain
 *   Node: CLI, `npm run serve`, tests; or an Electron install whose node_modules was rebuilt).
 * Every `new Database(file, options)` in the host process must pass `nativeBinding` through.
 */
export function sqliteNativeBinding(appRoot: string, versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  if (!versions.electron) return undefined
  const file = join(appRoot, 'resources', 'native', `electron-abi${versions.modules}`, 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}
