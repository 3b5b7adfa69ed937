import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

/**
 * Maps a request path onto a file inside the built renderer folder, for the WebSocket server's
 * HTTP side and the Electron app:// protocol. Anything that would leave the folder (`..`,
 * encoded or not, absolute paths, NUL bytes, backslashes, symlinks pointing out) is refused.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm'
}

export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type Resolved = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string }

/** `pathname` is the raw (still percent-encoded) path of the request URL, e.g. `/assets/index-x.js`. */
export async function resolveStaticFile(root: string, pathname: string): Promise<Resolved> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in path' }
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'malformed path' }
  if (decoded.split('/').some((segment) => segment === '..')) return { ok: false, status: 403, reason: 'path leaves the renderer folder' }
  const wanted = decoded.endsWith('/') ? `${decoded}index.html` : decoded
  const base = resolve(root)
  const candidate = resolve(base, `.${wanted}`)
  if (!inside(base, candidate)) return { ok: false, status: 403, reason: 'path leaves the renderer folder' }
  try {
    // realpath follows symlinks, so a link inside the folder cannot point outside it.
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(candidate)])
    if (!inside(realBase, realFile)) return { ok: false, status: 403, reason: 'path leaves the renderer folder' }
    if (!(await stat(realFile)).isFile()) return { ok: false, status: 404, reason: 'not a file' }
    return { ok: true, file: realFile, contentType: contentType(realFile) }
  } catch {
    return { ok: false, status: 404, reason: 'not found' }
  }
}

function inside(base: string, file: string): boolean {
  const rel = relative(base, file)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)
}
