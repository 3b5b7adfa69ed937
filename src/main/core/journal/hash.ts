import { createHash } from 'node:crypto'

/** hash_0 of a session's chain: sha256 of the session id (hex). */
export function genesisHash(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex')
}

/** hash_n = sha256(hash_{n-1} \n seq \n ts \n type \n payloadJson), hex. */
export function chainHash(prev: string, seq: number, ts: number, type: string, payloadJson: string): string {
  return createHash('sha256')
    .update(`${prev}\n${seq}\n${ts}\n${type}\n${payloadJson}`, 'utf8')
    .digest('hex')
}
