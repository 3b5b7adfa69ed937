import { fmt, parseDec, type Dec } from './decimal'

/** One spot market as the venue lists it in exchangeInfo and checks orders against. */
export interface VenueMarket {
  /** unified, e.g. BTC/USDT */
  symbol: string
  /** Binance id, e.g. BTCUSDT */
  id: string
  base: string
  quote: string
  tickSize: Dec
  minPrice: Dec
  maxPrice: Dec
  stepSize: Dec
  minQty: Dec
  maxQty: Dec
  minNotional: Dec
}

/** Filters as Binance published them for these pairs in 2024; other pairs get BTC/USDT-like ones. */
const KNOWN: Record<string, { tick: string; step: string; minQty: string; maxQty: string; minNotional: string }> = {
  'BTC/USDT': { tick: '0.01', step: '0.00001', minQty: '0.00001', maxQty: '9000', minNotional: '5' },
  'ETH/USDT': { tick: '0.01', step: '0.0001', minQty: '0.0001', maxQty: '9000', minNotional: '5' },
  'BNB/USDT': { tick: '0.01', step: '0.001', minQty: '0.001', maxQty: '9000', minNotional: '5' },
  'ETH/BTC': { tick: '0.00001', step: '0.0001', minQty: '0.0001', maxQty: '100000', minNotional: '0.0001' }
}

export function venueMarket(symbol: string): VenueMarket {
  const parts = symbol.split('/')
  if (parts.length !== 2 || !/^[A-Z0-9]+$/.test(parts[0]) || !/^[A-Z0-9]+$/.test(parts[1])) {
    throw new Error(`emulated venue: symbol must look like BASE/QUOTE, got ${JSON.stringify(symbol)}`)
  }
  const f = KNOWN[symbol] ?? KNOWN['BTC/USDT']
  const d = (s: string): Dec => parseDec(s) as Dec
  return {
    symbol,
    id: parts[0] + parts[1],
    base: parts[0],
    quote: parts[1],
    tickSize: d(f.tick),
    minPrice: d(f.tick),
    maxPrice: d('1000000'),
    stepSize: d(f.step),
    minQty: d(f.minQty),
    maxQty: d(f.maxQty),
    minNotional: d(f.minNotional)
  }
}

const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT']

/** GET /api/v3/exchangeInfo, with the fields ccxt's binance parser reads. */
export function exchangeInfoJson(markets: VenueMarket[], serverTime: number): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 }
    ],
    exchangeFilters: [],
    symbols: markets.map((m) => ({
      symbol: m.id,
      status: 'TRADING',
      baseAsset: m.base,
      baseAssetPrecision: 8,
      quoteAsset: m.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ORDER_TYPES,
      icebergAllowed: true,
      ocoAllowed: true,
      otoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: fmt(m.minPrice), maxPrice: fmt(m.maxPrice), tickSize: fmt(m.tickSize) },
        { filterType: 'LOT_SIZE', minQty: fmt(m.minQty), maxQty: fmt(m.maxQty), stepSize: fmt(m.stepSize) },
        { filterType: 'ICEBERG_PARTS', limit: 10 },
        { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: fmt(m.maxQty), stepSize: '0.00000000' },
        {
          filterType: 'NOTIONAL',
          minNotional: fmt(m.minNotional),
          applyMinToMarket: true,
          maxNotional: '9000000.00000000',
          applyMaxToMarket: false,
          avgPriceMins: 5
        },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 }
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH']
    }))
  }
}
