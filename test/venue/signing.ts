import { createHmac, timingSafeEqual } from 'node:crypto'
import { E } from './venue-error'

/** HMAC-SHA256 of `payload` under `secret`, hex, as Binance signs requests. */
export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase())
  const y = Buffer.from(b.toLowerCase())
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * REST: Binance signs `totalParams`, the raw query string followed by the raw body, exactly as
 * sent (percent-encoding included), without the signature parameter.
 */
export function checkRestSignature(secret: string, rawQuery: string, rawBody: string): void {
  let signature: string | undefined
  const strip = (raw: string): string => {
    if (raw === '') return raw
    const kept: string[] = []
    for (const part of raw.split('&')) {
      if (part.startsWith('signature=')) signature = decodeURIComponent(part.slice('signature='.length))
      else kept.push(part)
    }
    return kept.join('&')
  }
  const payload = strip(rawQuery) + strip(rawBody)
  if (signature === undefined || signature === '') throw E.mandatory('signature')
  if (!sameHex(signature, hmacHex(secret, payload))) throw E.badSignature()
}

/** WebSocket API: the params other than `signature`, sorted by name, as `k=v&…`. */
export function checkWsApiSignature(secret: string, params: Record<string, unknown>): void {
  const signature = params.signature
  if (typeof signature !== 'string' || signature === '') throw E.mandatory('signature')
  const payload = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&')
  if (!sameHex(signature, hmacHex(secret, payload))) throw E.badSignature()
}

/** `timestamp` within `recvWindow` of the venue clock, and not more than 1 s ahead of it. */
export function checkTimestamp(timestamp: unknown, recvWindow: unknown, serverTime: number): void {
  const ts = typeof timestamp === 'number' ? timestamp : typeof timestamp === 'string' && /^\d+$/.test(timestamp) ? Number(timestamp) : NaN
  if (!Number.isFinite(ts)) throw E.mandatory('timestamp')
  let window = 5000
  if (recvWindow !== undefined && recvWindow !== '') {
    window = Number(recvWindow)
    if (!Number.isFinite(window) || window <= 0) throw E.illegalChars('recvWindow')
    if (window > 60000) throw E.recvWindowTooLarge()
  }
  if (ts >= serverTime + 1000) throw E.aheadOfServer()
  if (serverTime - ts > window) throw E.outsideRecvWindow()
}
