import { it } from 'vitest'
import { SimulatedBroker } from '../../../src/main/core/broker/simulated-broker'
import { bar, market, order } from './harness'
function runit(resting: number) {
  const b = new SimulatedBroker({ currency: 'USDT', initialCash: 1e9, markets: [market()], accountType: 'margin' })
  const t0 = performance.now()
  let seq = 0
  for (let i = 0; i < 100_000; i++) {
    const e = bar(i, 100, 101, 99, 100); e.seq = ++seq
    b.onMarket(e)
    const now = (i + 1) * 60_000
    if (i % 2 === 0) b.submit(order({ side: i % 4 === 0 ? 'buy' : 'sell' }), now, seq)
    if (i % 10 === 0 && i < resting * 10) b.submit(order({ type: 'limit', price: 50 }), now, seq)
    while (b.nextWakeTs() <= now) b.wake(b.nextWakeTs(), seq)
    b.outbox.length = 0
  }
  console.log('resting', resting, 'ms', performance.now() - t0)
}
it('bench', () => { runit(0); runit(200); runit(2000) }, 600_000)
