import { createHash, hash } from 'node:crypto'

/** Seed of every chain. It does not depend on the session, so two identical runs hash alike. */
export const GENESIS_TEXT = 'theorycraft-journal-v1'

/** hash_0 of every session's chain: sha256 of GENESIS_TEXT (hex). */
export function genesisHash(): string {
  return createHash('sha256').update(GENESIS_TEXT, 'utf8').digest('hex')
}

/** hash_n = sha256(hash_{n-1} \n seq \n ts \n type \n payloadJson), hex. */
export function chainHash(prev: string, seq: number, ts: number, type: string, payloadJson: string): string {
  // One-shot hash: no Hash object per event (the journal hashes every event it appends).
  return hash('sha256', `${prev}\n${seq}\n${ts}\n${type}\n${payloadJson}`, 'hex')
}
