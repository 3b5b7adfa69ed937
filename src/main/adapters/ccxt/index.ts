/** Paper and live trading through ccxt: host-side adapters; the core never imports this folder. */
export { Backoff, RequestGate, parseRetryAfter, realSleep } from './backoff'
export type { BackoffOptions, Sleep } from './backoff'
export { ExchangeOpenError, loadMarkets, marketsFromCcxt, openExchange } from './exchange'
export type { OpenExchangeOptions } from './exchange'
export { FeedHealth } from './feed-health'
export type { FeedStatus, FeedStatusChange } from './feed-health'
export { LiveAccount } from './live-account'
export { LiveMarketSource, LiveSourceConfigError } from './live-market-source'
export type { LiveMarketSourceOptions, LiveSourceCounters } from './live-market-source'
export { fetchVenueSnapshot, journalSnapshot, reconcile } from './reconcile'
export type {
  Difference,
  DifferenceKind,
  FetchVenueSnapshotOptions,
  JournalSnapshot,
  PositionAmount,
  ReconcileAction,
  ReconcilePolicy,
  ReconcileReport,
  VenueOrderSummary,
  VenueSnapshot
} from './reconcile'
export {
  ApiCredentials,
  ENV_API_KEY,
  ENV_API_SECRET,
  SecretsError,
  VenueError,
  createRedactor,
  describeError,
  loadCredentials,
  redactingLogger
} from './secrets'
export type { LoadCredentialsOptions, Redactor } from './secrets'
export { classifyError, instrumentExchange } from './venue-api'
export type { ClassifiedError, TradeApi, VenueBalance, VenueBook, VenueErrorKind, VenueOrder, VenueTicker, VenueTrade, WatchApi } from './venue-api'
export { VenueBroker, parseBalances } from './venue-broker'
export type { VenueBrokerCounters, VenueBrokerOptions } from './venue-broker'
