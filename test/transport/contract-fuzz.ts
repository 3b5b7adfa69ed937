import { describe, expect, it } from 'vitest'
import { COMMANDS, WireResponseSchema, type CommandName } from '../../src/shared/api'
import { createDispatcher } from '../../src/main/transport/dispatch'
import { createGenerator, type MutationName, toLooseJson } from './malformed'
import { recordingHandlers, VALID_PARAMS, VALID_RESULTS } from './samples'

const CASES_PER_COMMAND = 10_000

/** Corruptions of the wire envelope itself; each makes the message invalid whatever the params. */
const ENVELOPE_CORRUPTIONS: ((m: Record<string, unknown>) => unknown)[] = [
  (m) => ({ ...m, kind: 'result' }),
  (m) => ({ ...m, kind: 'CALL' }),
  ({ kind: _k, ...m }) => m,
  (m) => ({ ...m, id: -1 }),
  (m) => ({ ...m, id: 1.5 }),
  (m) => ({ ...m, id: '7' }),
  (m) => ({ ...m, id: null }),
  ({ id: _i, ...m }) => m,
  (m) => ({ ...m, command: 'no.such.command' }),
  (m) => ({ ...m, command: '__proto__' }),
  (m) => ({ ...m, command: 'toString' }),
  (m) => ({ ...m, command: 'constructor' }),
  (m) => ({ ...m, command: 'hasOwnProperty' }),
  (m) => ({ ...m, command: String(m.command).toUpperCase() }),
  (m) => ({ ...m, command: 'x'.repeat(101) }),
  (m) => ({ ...m, command: 42 }),
  ({ command: _c, ...m }) => m,
  ({ params: _p, ...m }) => m,
  (m) => ({ ...m, token: 'extra' }),
  () => null,
  () => [],
  () => 'call',
  () => 42,
  () => undefined
]

const BROKEN_TEXT = ['', ' ', '{', '[1,2', '{"kind":"call"', 'null', 'true', '"call"', '{"kind":"call","id":1,"command":"app.info","params":{},}', '\u0000', 'NaN']

/** The command fuzz, registered for a share of the commands (two test files run in parallel). */
export function fuzzCommands(part: 0 | 1): void {
  const commands = (Object.keys(COMMANDS) as CommandName[]).filter((_, i) => i % 2 === part)
  describe(`contract fuzz: malformed calls never reach a handler (part ${part + 1} of 2)`, () => {
    it('covers every command across the two parts', () => {
      expect(commands.length).toBe(Math.ceil((Object.keys(COMMANDS).length - part) / 2))
    })
    fuzzEach(commands)
  })
}

function fuzzEach(commands: CommandName[]): void {
  for (const command of commands) {
    it(`${command}: ${CASES_PER_COMMAND} malformed messages → ValidationError, 0 handler calls`, async () => {
      const { handlers, calls } = recordingHandlers()
      const dispatch = createDispatcher(handlers, { validateResults: true, onInternalError: () => {} })

      // Positive control: the valid sample does reach the handler, so "0 calls" below means something.
      const ok = await dispatch({ kind: 'call', id: 1, command, params: VALID_PARAMS[command] })
      expect(ok).toEqual({ kind: 'result', id: 1, result: VALID_RESULTS[command] })
      expect(await dispatch(JSON.stringify({ kind: 'call', id: 2, command, params: VALID_PARAMS[command] }))).toMatchObject({ kind: 'result', id: 2 })
      expect(calls.map((c) => c.command)).toEqual([command, command])
      expect(calls[0].params).toEqual(VALID_PARAMS[command])
      calls.length = 0

      const gen = createGenerator(0x5eed + Object.keys(COMMANDS).indexOf(command))
      const seen = new Map<MutationName | 'envelope' | 'broken-text', number>()
      const count = (k: MutationName | 'envelope' | 'broken-text') => seen.set(k, (seen.get(k) ?? 0) + 1)
      const failures: string[] = []

      for (let i = 0; i < CASES_PER_COMMAND; i++) {
        let message: unknown
        const roll = gen.int(100)
        if (roll < 3) {
          message = gen.pick(BROKEN_TEXT)
          count('broken-text')
        } else {
          // 3–84: params damaged; 80–84: params and envelope; 85–99: envelope only.
          let params: unknown = VALID_PARAMS[command]
          let plain = true
          if (roll < 85) {
            const mutated = gen.mutate(params, COMMANDS[command].params)
            params = mutated.value
            mutated.applied.forEach(count)
            plain = !mutated.applied.some((m) => m === 'non-finite' || m === 'huge-string')
          }
          message = { kind: 'call', id: 100 + i, command, params }
          if (roll >= 80) {
            message = gen.pick(ENVELOPE_CORRUPTIONS)(message as Record<string, unknown>)
            count('envelope')
          }
          if (gen.int(2) === 0) message = toLooseJson(message, plain)
        }

        let response: unknown
        try {
          response = await dispatch(message)
        } catch (err) {
          failures.push(`case ${i}: dispatch threw ${String(err)}`)
          continue
        }
        const r = response as { kind: string; error?: { type: string; message: string } }
        if (r.kind !== 'error' || r.error?.type !== 'ValidationError' || !r.error.message || !WireResponseSchema.safeParse(response).success)
          failures.push(`case ${i}: ${JSON.stringify(response).slice(0, 300)} for ${toLooseJson(message).slice(0, 300)}`)
        if (calls.length) {
          failures.push(`case ${i}: reached the handler with ${toLooseJson(calls[0].params).slice(0, 300)}`)
          calls.length = 0
        }
        if (failures.length > 5) break
      }

      expect(failures).toEqual([])
      expect(calls).toEqual([])
      // Every kind of damage was exercised for this command (where the schema has such a place).
      const expected: (MutationName | 'envelope' | 'broken-text')[] = ['wrong-type', 'array-for-object', 'extra-field', 'forbidden-key', 'non-finite', 'huge-string', 'deep-nesting', 'envelope', 'broken-text']
      const shape: Record<string, { safeParse(v: unknown): { success: boolean } }> = COMMANDS[command].params.shape
      if (Object.values(shape).some((field) => !field.safeParse(undefined).success)) expected.push('missing-required')
      for (const kind of expected) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(50)
    })
  }
}
