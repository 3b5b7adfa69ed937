import { PUSHES } from '../../src/shared/api'
import { checkPush } from '../../src/main/transport/dispatch'
import { createGenerator } from './malformed'
import { VALID_PUSHES } from './samples'
const gen = createGenerator(1)
const times = new Map<string, number>()
for (let i = 0; i < 500; i++) {
  const t0 = performance.now()
  const { value, applied } = gen.mutate(VALID_PUSHES['mode.changed'], PUSHES['mode.changed'])
  const t1 = performance.now()
  checkPush('mode.changed', value)
  const t2 = performance.now()
  const k = applied.join('+')
  times.set('mutate:' + k, (times.get('mutate:' + k) ?? 0) + t1 - t0)
  times.set('check:' + k, (times.get('check:' + k) ?? 0) + t2 - t1)
}
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 10))
