import type { WorkstationOptions } from '../../../src/main/host/workstation'
import { startTestWorkstation, type TestWorkstation } from '../../support/start-workstation'

export type LiveTestWorkstation = TestWorkstation

/**
 * The test workstation with what live tests need: a given data folder (to start again on a
 * crashed app's journal), live sessions pointed at the emulated venue, an OS-keychain stand-in
 * for `credentials.set`, and no capture datasets.
 */
export function startLiveWorkstation(
  options: Pick<WorkstationOptions, 'liveExchange' | 'paperExchange' | 'encryptor'> & { dataFolder?: string } = {}
): Promise<LiveTestWorkstation> {
  return startTestWorkstation({ ...options, captures: false })
}
