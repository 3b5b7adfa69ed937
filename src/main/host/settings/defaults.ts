import { SETTINGS_VERSION, type Settings } from '../../../shared/api'

/** What a new data folder starts with; also the value of any section that fails validation. */
export function defaultSettings(): Settings {
  return {
    version: SETTINGS_VERSION,
    theme: 'dark',
    layout: { splits: {}, centerTab: 'chart', bottomTab: 'orders' },
    recentFiles: [],
    backtest: {
      datasetId: null,
      engine: 'sma-cross',
      broker: { cash: 10_000, takerFee: 0.001, makerFee: 0.0005, fixedFee: 0, slippageBps: 0, latencyMs: 0, accountType: 'spot', leverage: 1 },
      risk: {}
    },
    venueProfiles: []
  }
}
