import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'

/** The repository / app folder: the nearest ancestor of `start` whose package.json is this app's. */
export function findAppRoot(start: string): string {
  let dir = resolve(start)
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'theorycraft-workstation') return dir
      } catch {
        // an unreadable package.json belongs to something else: keep walking up
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find the TheoryCraft Workstation folder above ${start}`)
    dir = parent
  }
}

/**
 * hftbacktest captures offered as 'capture' datasets: `THEORYCRAFT_CAPTURES` (files or folders,
 * separated by the platform's path delimiter) when set, else the spot examples in the shared
 * data folder beside the repository when it is there.
 */
export function defaultCaptureFiles(appRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.THEORYCRAFT_CAPTURES
  const places = listed
    ? listed.split(delimiter).filter(Boolean).map((p) => resolve(p))
    : [join(appRoot, '../shared/data/hftbacktest/examples/spot'), join(appRoot, '../shared/data/hftbacktest/spot')]
  const files: string[] = []
  for (const place of places) {
    if (!existsSync(place)) {
      if (listed) throw new Error(`THEORYCRAFT_CAPTURES: ${place} does not exist`)
      continue
    }
    if (statSync(place).isDirectory()) {
      for (const name of readdirSync(place).sort()) if (name.endsWith('.gz')) files.push(join(place, name))
    } else files.push(place)
  }
  return files
}
