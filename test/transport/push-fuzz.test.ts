import { describe, expect, it } from 'vitest'
import { PUSHES, type PushTopic } from '../../src/shared/api'
import { checkPush } from '../../src/main/transport/dispatch'
import { createGenerator, toLooseJson } from './malformed'
import { VALID_PUSHES } from './samples'

const CASES_PER_TOPIC = 5_000

describe('contract fuzz: malformed pushes are rejected', () => {
  for (const topic of Object.keys(PUSHES) as PushTopic[]) {
    it(`${topic}: the valid sample passes, ${CASES_PER_TOPIC} malformed payloads fail`, () => {
      expect(checkPush(topic, VALID_PUSHES[topic])).toEqual({ ok: true })
      const gen = createGenerator(0xb00 + Object.keys(PUSHES).indexOf(topic))
      const passed: string[] = []
      let schemaOnly = 0
      for (let i = 0; i < CASES_PER_TOPIC; i++) {
        const { value, applied } = gen.mutate(VALID_PUSHES[topic], PUSHES[topic])
        if (checkPush(topic, value).ok) passed.push(`${applied.join('+')}: ${toLooseJson(value).slice(0, 200)}`)
        // Damage the schema alone must catch (no guard involved; a NaN under an extra key of a
        // loose object is the guard's to catch): it does.
        if (applied.every((m) => ['wrong-type', 'array-for-object', 'missing-required', 'bad-enum'].includes(m))) {
          schemaOnly++
          if (PUSHES[topic].safeParse(value).success) passed.push(`schema accepted ${applied.join('+')}: ${toLooseJson(value).slice(0, 200)}`)
        }
      }
      expect(passed).toEqual([])
      expect(schemaOnly).toBeGreaterThan(100)
    })
  }

  it('an unknown topic is rejected', () => {
    expect(checkPush('nope', {})).toEqual({ ok: false, error: 'topic: unknown push topic "nope"' })
    expect(checkPush('__proto__', {}).ok).toBe(false)
  })
})
