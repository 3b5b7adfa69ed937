import type { BrokerSettings } from '../../shared/api'
import type { Market } from '../../shared/market'
import type { SimulatedBrokerConfig } from '../core/broker/config'

/** What a replay gets when the user gives no broker settings. */
export const DEFAULT_BROKER_SETTINGS: BrokerSettings = {
  cash: 10_000,
  takerFee: 0,
  makerFee: 0,
  fixedFee: 0,
  slippageBps: 0,
  latencyMs: 0,
  accountType: 'spot',
  leverage: 1
}

/** The API's broker settings as the simulated broker's configuration (the account currency is the market's quote). */
export function brokerConfig(settings: BrokerSettings, market: Market): Omit<SimulatedBrokerConfig, 'markets'> {
  return {
    currency: market.quote,
    initialCash: settings.cash,
    accountType: settings.accountType,
    leverage: settings.leverage,
    fees: { taker: settings.takerFee, maker: settings.makerFee, fixed: settings.fixedFee },
    slippage: settings.slippageBps > 0 ? { kind: 'bps', bps: settings.slippageBps } : { kind: 'none' },
    latencyMs: settings.latencyMs
  }
}
