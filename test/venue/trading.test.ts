import { AuthenticationError, BadRequest, InsufficientFunds, InvalidNonce, InvalidOrder, OrderImmediatelyFillable, OrderNotFound } from 'ccxt'
import { createHmac } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { binanceAgainst, type ProBinance } from './ccxt-loopback'
import { reference, SPOT_CAPTURE, tradesAfterSnapshot } from './capture-reference'
import { startVenue, type EmulatedVenue, type VenueOptions } from './emulated-venue'

const KEY = 'test-key-3f9a'
const SECRET = 'test-secret-77c1'

let venue: EmulatedVenue | undefined
const clients: ProBinance[] = []

/** A paused venue: the book is the capture snapshot until the test replays further. */
async function open(options: Partial<VenueOptions> = {}): Promise<{ venue: EmulatedVenue; ex: ProBinance }> {
  venue = await startVenue({ apiKey: KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 1 }, capture: SPOT_CAPTURE, paused: true, ...options })
  return { venue, ex: await client(venue) }
}

async function client(v: EmulatedVenue, creds = { apiKey: KEY, secret: SECRET }): Promise<ProBinance> {
  const ex = await binanceAgainst(v, creds)
  clients.push(ex)
  return ex
}

afterEach(async () => {
  for (const ex of clients.splice(0)) await ex.close()
  await venue?.close()
  venue = undefined
})

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/**
 * The venue has confirmed the user data subscription; a moment more lets ccxt register what it
 * awaits after the confirmation (events that come before that would resolve nothing).
 */
async function userStreamReady(v: EmulatedVenue): Promise<void> {
  await waitFor(() => v.requests().some((r) => r.method === 'userDataStream.subscribe.signature' && r.status === 200))
  await new Promise((r) => setTimeout(r, 30))
}

describe('emulated venue: orders, balances and fills through the real ccxt binance client', () => {
  it('a market buy walks the snapshot asks, charges the 0.1% taker fee in BTC and debits USDT', async () => {
    const { venue, ex } = await open({ balances: { USDT: 100_000, BTC: 1 } })
    const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 1.556)
    // snapshot asks: 1.54698 @ 61837.64, 0.00843 @ 61837.65, 0.00016 @ 61837.68, then 0.00043 of 0.00086 @ 61838.13
    expect(order.status).toBe('closed')
    expect(order.filled).toBe(1.556)
    expect(order.cost).toBeCloseTo(96219.3681414, 7)
    expect(order.trades.map((t) => [t.price, t.amount])).toEqual([
      [61837.64, 1.54698],
      [61837.65, 0.00843],
      [61837.68, 0.00016],
      [61838.13, 0.00043]
    ])
    const balance = await ex.fetchBalance()
    expect(balance.USDT.free).toBeCloseTo(100_000 - 96219.3681414, 7)
    expect(balance.BTC.free).toBeCloseTo(1 + 1.556 - 0.001556, 8)
    const ledger = venue.ledger()
    expect(ledger.fills.map((f) => f.commission)).toEqual([0.00154698, 0.00000843, 0.00000016, 0.00000043])
    expect(ledger.balances.BTC).toEqual({ free: 2.554444, locked: 0 })
  })

  it('a second market buy does not reuse liquidity the first one took', async () => {
    const { ex } = await open({ balances: { USDT: 200_000, BTC: 0 } })
    await ex.createOrder('BTC/USDT', 'market', 'buy', 1.54698)
    const second = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.00843)
    expect(second.trades.map((t) => [t.price, t.amount])).toEqual([[61837.65, 0.00843]])
  })

  it('a market buy by cost (quoteOrderQty) buys what the amount affords at the best ask', async () => {
    const { venue, ex } = await open()
    const order = await ex.createMarketBuyOrderWithCost('BTC/USDT', 1000)
    // 1000 / 61837.64 = 0.016171…, floored to the 0.00001 step
    expect(order.status).toBe('closed')
    expect(order.filled).toBe(0.01617)
    expect(order.cost).toBeCloseTo(999.9146388, 7)
    expect(venue.requests().find((r) => r.method === 'POST')?.params.quoteOrderQty).toBe('1000')
  })

  it('a marketable limit fills what crosses as taker and rests the remainder with its funds locked', async () => {
    const { venue, ex } = await open({ balances: { USDT: 200_000, BTC: 0 } })
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 2, 61837.65)
    const id = order.id as string
    expect(order.status).toBe('open')
    expect(order.filled).toBeCloseTo(1.55541, 8)
    expect(order.remaining).toBeCloseTo(0.44459, 8)
    const open_ = await ex.fetchOpenOrders('BTC/USDT')
    expect(open_.map((o) => o.id)).toEqual([id])
    const balance = await ex.fetchBalance()
    expect(balance.USDT.used).toBeCloseTo(0.44459 * 61837.65, 6)
    await ex.cancelOrder(id, 'BTC/USDT')
    const after = await ex.fetchBalance()
    expect(after.USDT.used).toBe(0)
    expect(after.USDT.free).toBeCloseTo(200_000 - (1.54698 * 61837.64 + 0.00843 * 61837.65), 6)
    expect(venue.ledger().orders[0].status).toBe('CANCELED')
  })

  it('limit orders rest, list, fetch by client id, cancel and cancel-all; fetchOrders lists them all', async () => {
    const { venue, ex } = await open()
    const a = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'mine-a' })
    const b = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.02, 63_000, { clientOrderId: 'mine-b' })
    expect(a.clientOrderId).toBe('mine-a')
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['mine-a', 'mine-b'])
    const byClientId = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'mine-b' })
    expect(byClientId.id).toBe(b.id)
    expect(byClientId.status).toBe('open')
    const balance = await ex.fetchBalance()
    expect(balance.USDT.used).toBe(600)
    expect(balance.BTC.used).toBe(0.02)
    const cancelled = await ex.cancelOrder(a.id as string, 'BTC/USDT')
    expect(cancelled.status).toBe('canceled')
    // Binance's cancel response carries the cancel's own client id; the order's is origClientOrderId
    expect(cancelled.info.origClientOrderId).toBe('mine-a')
    await ex.cancelAllOrders('BTC/USDT')
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([])
    const all = await ex.fetchOrders('BTC/USDT')
    expect(all.map((o) => [o.clientOrderId, o.status])).toEqual([
      ['mine-a', 'canceled'],
      ['mine-b', 'canceled']
    ])
    expect((await rejection(ex.cancelOrder(a.id as string, 'BTC/USDT'))).constructor).toBe(OrderNotFound)
    expect((await rejection(ex.fetchOrder('123', 'BTC/USDT'))).constructor).toBe(OrderNotFound)
    expect(venue.ledger().balances).toEqual({ BTC: { free: 1, locked: 0 }, USDT: { free: 10_000, locked: 0 } })
  })

  it('a duplicate client order id is refused like Binance (-2010) while the first order is open, and accepted after it closed', async () => {
    const { venue, ex } = await open()
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'dup-1' })
    const err = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'dup-1' }))
    expect(err).toBeInstanceOf(InvalidOrder)
    expect(err.message).toContain('{"code":-2010,"msg":"Duplicate order sent."}')
    expect(venue.ledger().orders).toHaveLength(1)
    await ex.cancelAllOrders('BTC/USDT')
    const again = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'dup-1' })
    expect(again.status).toBe('open')
    expect(venue.ledger().orders.map((o) => o.clientOrderId)).toEqual(['dup-1', 'dup-1'])
  })

  it('refuses what Binance refuses: insufficient balance, a post-only order that would take, a notional under 5 USDT', async () => {
    const { ex } = await open()
    const poor = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, 60_000))
    expect(poor).toBeInstanceOf(InsufficientFunds)
    const taker = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 61_837.64, { postOnly: true }))
    expect(taker).toBeInstanceOf(OrderImmediatelyFillable)
    const tiny = await rejection(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, 60_000))
    expect(tiny).toBeInstanceOf(BadRequest)
    expect(tiny.message).toContain('Filter failure: NOTIONAL')
  })

  it('fetchMyTrades agrees with the venue ledger', async () => {
    const { venue, ex } = await open({ balances: { USDT: 100_000, BTC: 1 } })
    await ex.createOrder('BTC/USDT', 'market', 'buy', 1.55)
    await ex.createOrder('BTC/USDT', 'market', 'sell', 0.5)
    const mine = await ex.fetchMyTrades('BTC/USDT')
    const fills = venue.ledger().fills
    expect(mine).toHaveLength(fills.length)
    expect(mine.map((t) => [t.id, t.order, t.side, t.price, t.amount, t.fee?.cost, t.fee?.currency, t.takerOrMaker])).toEqual(
      fills.map((f) => [String(f.tradeId), String(f.orderId), f.side.toLowerCase(), f.price, f.qty, f.commission, f.commissionAsset, f.isMaker ? 'maker' : 'taker'])
    )
    // the sell hit the snapshot's best bid, 3.78826 @ 61837.63; the fee is 0.1% of the USDT received
    expect(fills[fills.length - 1]).toMatchObject({ side: 'SELL', price: 61837.63, qty: 0.5, commissionAsset: 'USDT', commission: 30.918815 })
  })

  it('a resting bid fills as maker when the replay prints a sell through it (capture line 58)', async () => {
    const { venue, ex } = await open()
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 61_837.63)
    expect(order.status).toBe('open')
    let steps = 0
    while (venue.ledger().fills.length === 0 && steps < 500) steps += venue.advanceFeed(1)
    // line 58: trade 3735683260, 0.048 @ 61837.63, buyer is maker (a seller took the bids)
    expect(venue.feedState().captureLine).toBe(58)
    expect(venue.ledger().fills).toEqual([expect.objectContaining({ orderId: Number(order.id), price: 61837.63, qty: 0.01, isMaker: true, commission: 0.00001, commissionAsset: 'BTC' })])
    const fetched = await ex.fetchOrder(order.id as string, 'BTC/USDT')
    expect(fetched.status).toBe('closed')
  })

  it('watchOrders, watchMyTrades and watchBalance receive executionReports and account updates over the WS-API', async () => {
    const { venue, ex } = await open()
    const firstOrders = ex.watchOrders('BTC/USDT')
    await userStreamReady(venue)
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 61_837.63, { clientOrderId: 'ws-1' })
    const news = await firstOrders
    expect(news.map((o) => [o.id, o.clientOrderId, o.status, o.filled])).toEqual([[placed.id, 'ws-1', 'open', 0]])
    const trades = ex.watchMyTrades('BTC/USDT')
    const orders = ex.watchOrders('BTC/USDT')
    const balance = ex.watchBalance()
    while (venue.ledger().fills.length === 0) venue.advanceFeed(1)
    const filled = await orders
    expect(filled[filled.length - 1]).toMatchObject({ id: placed.id, clientOrderId: 'ws-1', status: 'closed', filled: 0.01, price: 61837.63 })
    const myTrades = await trades
    expect(myTrades.map((t) => [t.id, t.order, t.price, t.amount, t.takerOrMaker, t.fee?.cost, t.fee?.currency])).toEqual([
      [String(venue.ledger().fills[0].tradeId), placed.id, 61837.63, 0.01, 'maker', 0.00001, 'BTC']
    ])
    const b = await balance
    // outboundAccountPosition after the fill: USDT lock released, BTC credited net of the fee
    expect(b.BTC).toMatchObject({ free: 1.00999, used: 0 })
    expect(b.USDT).toMatchObject({ free: 10_000 - 618.3763, used: 0 })
    const events = venue.requests().filter((r) => r.transport === 'ws-api').map((r) => r.method)
    expect(events).toEqual(['userDataStream.subscribe.signature'])
  })

  it('an order placed outside the API shows in open orders and on the user stream; setBalance shows on watchBalance', async () => {
    const { venue, ex } = await open()
    const orders = ex.watchOrders()
    await userStreamReady(venue)
    const external = venue.placeExternalOrder({ symbol: 'BTC/USDT', side: 'sell', type: 'limit', amount: 0.1, price: 65_000, clientOrderId: 'web_1' })
    expect(external).toMatchObject({ status: 'NEW', source: 'external', clientOrderId: 'web_1', price: 65_000 })
    const seen = await orders
    expect(seen.map((o) => [o.id, o.clientOrderId, o.side, o.status])).toEqual([[String(external.orderId), 'web_1', 'sell', 'open']])
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['web_1'])
    const balance = ex.watchBalance()
    venue.setBalance('USDT', 25_000)
    const b = await balance
    expect(b.USDT.free).toBe(25_000)
    expect((await ex.fetchBalance()).USDT.free).toBe(25_000)
  })

  it('the WebSocket API places, queries and cancels orders (createOrderWs, fetchOpenOrdersWs, fetchOrderWs, cancelOrderWs)', async () => {
    const { venue, ex } = await open()
    const placed = await ex.createOrderWs('BTC/USDT', 'limit', 'buy', 0.01, 60_000, { clientOrderId: 'wsapi-1' })
    expect(placed).toMatchObject({ clientOrderId: 'wsapi-1', status: 'open', price: 60_000, amount: 0.01 })
    expect((await ex.fetchOpenOrdersWs('BTC/USDT')).map((o) => o.id)).toEqual([placed.id])
    expect((await ex.fetchOrderWs(placed.id as string, 'BTC/USDT')).status).toBe('open')
    expect((await ex.cancelOrderWs(placed.id as string, 'BTC/USDT')).status).toBe('canceled')
    expect(venue.ledger().orders).toEqual([expect.objectContaining({ clientOrderId: 'wsapi-1', status: 'CANCELED', source: 'ws-api' })])
    expect(venue.requests().map((r) => `${r.transport} ${r.method}`)).toEqual([
      'rest GET',
      'ws-api order.place',
      'ws-api openOrders.status',
      'ws-api order.status',
      'ws-api order.cancel'
    ])
  })

  it('the WS-API refuses a user data subscription with a bad signature (-1022) and accepts a good one', async () => {
    // a raw client: ccxt 4.5.84 leaves an unhandled rejection behind when this subscription fails
    const { venue } = await open()
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/ws-api/v3`)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const replies: Array<Record<string, unknown>> = []
    ws.on('message', (data) => replies.push(JSON.parse(String(data)) as Record<string, unknown>))
    const subscribe = (id: string, secret: string): void => {
      const params: Record<string, string | number> = { apiKey: KEY, recvWindow: 10_000, timestamp: Date.now() }
      const payload = Object.keys(params)
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('&')
      ws.send(JSON.stringify({ id, method: 'userDataStream.subscribe.signature', params: { ...params, signature: createHmac('sha256', secret).update(payload).digest('hex') } }))
    }
    subscribe('bad', 'not-the-secret')
    subscribe('good', SECRET)
    await waitFor(() => replies.length === 2)
    ws.close()
    expect(replies).toEqual([
      { id: 'bad', status: 400, error: { code: -1022, msg: 'Signature for this request is not valid.' } },
      { id: 'good', status: 200, result: { subscriptionId: 0 } }
    ])
  })

  it('a stop-loss-limit sell waits, not working, until a replayed trade prints at or below its stop price, then executes', async () => {
    const ref = await reference()
    const { venue, ex } = await open()
    const stop = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 61_800, { stopLossPrice: 61_830 })
    expect(venue.requests().at(-1)?.params).toMatchObject({ type: 'STOP_LOSS_LIMIT', stopPrice: '61830', price: '61800' })
    expect(stop.status).toBe('open')
    expect((await ex.fetchBalance()).BTC.used).toBe(0.01)
    let steps = 0
    while (venue.ledger().fills.length === 0 && steps < 5000) steps += venue.advanceFeed(1)
    const trigger = tradesAfterSnapshot(ref).find((t) => t.price <= 61_830)
    expect(venue.feedState().lastTradeId).toBe(Number(trigger?.id))
    const order = venue.ledger().orders[0]
    expect(order).toMatchObject({ type: 'STOP_LOSS_LIMIT', status: 'FILLED', executedQty: 0.01 })
    expect(venue.ledger().fills[0].price).toBeGreaterThanOrEqual(61_800)
  })

  it('rejects a wrong signature (-1022), an unknown API key (-2015) and timestamps outside recvWindow (-1021); ccxt recovers by measuring the offset', async () => {
    const { venue, ex } = await open()
    const wrongSecret = await client(venue, { apiKey: KEY, secret: 'not-the-secret' })
    const badSig = await rejection(wrongSecret.fetchBalance())
    expect(badSig).toBeInstanceOf(AuthenticationError)
    expect(badSig.message).toContain('"code":-1022')
    const wrongKey = await client(venue, { apiKey: 'someone-else', secret: SECRET })
    const badKey = await rejection(wrongKey.fetchBalance())
    expect(badKey).toBeInstanceOf(AuthenticationError)
    expect(badKey.message).toContain('"code":-2015')
    // the venue clock runs 20 s ahead: ccxt's timestamps are older than its recvWindow (10 s)
    venue.setClockSkew(20_000)
    const stale = await rejection(ex.fetchBalance())
    expect(stale).toBeInstanceOf(InvalidNonce)
    expect(stale.message).toContain('outside of the recvWindow')
    // and 5 s behind: ccxt's timestamps are ahead of the server
    venue.setClockSkew(-5_000)
    const ahead = await rejection(ex.fetchBalance())
    expect(ahead).toBeInstanceOf(InvalidNonce)
    expect(ahead.message).toContain('ahead of the server')
    ex.options.adjustForTimeDifference = true
    await ex.loadTimeDifference()
    expect((await ex.fetchBalance()).USDT.free).toBe(10_000)
    const codes = venue.requests().filter((r) => r.errorCode !== undefined).map((r) => r.errorCode)
    expect(codes).toEqual([-1022, -2015, -1021, -1021])
  })
})
