/**
 * The renderer's Content-Security-Policy, shared by the WebSocket server (HTTP header) and the
 * Electron shell (`webRequest.onHeadersReceived` and the app:// protocol handler), so both
 * transports hold the renderer to the same rules: only the app's own scripts (no inline
 * scripts, no eval, no remote hosts), inline styles allowed (ECharts and React set `style`).
 */
export interface CspOptions {
  /** extra `connect-src` sources, e.g. `ws://127.0.0.1:PORT` for the WebSocket transport */
  connect?: readonly string[]
}

const SOURCE = /^(?:'self'|ws:\/\/127\.0\.0\.1:\d{1,5}|http:\/\/127\.0\.0\.1:\d{1,5})$/

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = options.connect ?? []
  for (const source of connect) {
    // A typo here would silently widen the policy; only loopback sources are ever needed.
    if (!SOURCE.test(source)) throw new Error(`CSP: connect-src source must be a 127.0.0.1 ws/http origin, got ${JSON.stringify(source)}`)
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...connect].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'"
  ].join('; ')
}

/** Headers sent with every renderer response besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the WebSocket token: never let it leave in a Referer header.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}
