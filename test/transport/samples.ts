import type { BrokerSettings, CommandHandlers, CommandName, CommandParams, CommandResult, PushPayload, PushTopic } from '../../src/shared/api'
import { COMMANDS } from '../../src/shared/api'

/** One valid params object per command, using every optional field at least once. */

const broker: BrokerSettings = { cash: 10_000, takerFee: 0.001, makerFee: 0.0005, fixedFee: 0, slippageBps: 1, latencyMs: 0, accountType: 'spot', leverage: 1 }

const reconciliation: CommandResult<'reconcile.get'> = {
  sessionId: 'live-1',
  status: 'pending',
  items: [
    {
      index: 0,
      kind: 'unknown-order-at-venue',
      subject: 'BTC/USDT',
      summary: 'BTC/USDT buy 0.01 @ 50000 open at the venue, not in the journal',
      detail: 'client order id manual-1-7 looks like ours',
      proposed: 'adopt',
      options: ['adopt', 'cancel', 'ignore'],
      chosen: null
    }
  ],
  unchecked: ['positions'],
  errors: []
}

export const VALID_PARAMS: { [K in CommandName]: CommandParams<K> } = {
  'app.info': {},
  'mode.set': { mode: 'live', confirmation: 'LIVE' },
  'live.start': {
    profileId: 'binance-main',
    symbol: 'BTC/USDT',
    engine: 'grid',
    params: { levels: 4 },
    risk: { maxOrderAmount: 1, maxOrderNotional: 5000, maxPosition: 2, maxOpenOrders: 10, maxOrdersPerSecond: 5, maxLoss: 500, maxDrawdown: 0.1, deadManMs: 30_000, flattenOnKill: true },
    confirmation: 'LIVE'
  },
  'session.resume': { sessionId: 'live-1' },
  'reconcile.get': { sessionId: 'live-1' },
  'reconcile.resolve': { sessionId: 'live-1', choices: [{ index: 0, action: 'cancel' }] },
  'credentials.status': { profileId: 'binance-main' },
  'credentials.set': { profileId: 'binance-main', apiKey: 'k'.repeat(16), secret: 's'.repeat(16) },
  'credentials.clear': { profileId: 'binance-main' },
  'journal.replay': { sessionId: 'paper-1' },
  'engines.list': {},
  'data.list': {},
  'data.import': { path: '/tmp/bars.csv', symbol: 'BTC/USDT', timeframe: '1m', policy: 'reject' },
  'data.show': { datasetId: 'store:BTC-USDT-1m' },
  'data.delete': { datasetId: 'store:BTC-USDT-1m' },
  'backtest.start': {
    datasetId: 'sample:BTC-USDT-1m',
    engine: 'sma-cross',
    params: { fast: 10, slow: 30, useStop: true, label: 'a' },
    broker,
    risk: { maxOrderAmount: 1, maxOrderNotional: 50_000, maxPosition: 2, maxOpenOrders: 5, maxOrdersPerSecond: 10 }
  },
  'backtest.cancel': { runId: 'run-1' },
  'backtest.report': { runId: 'run-1' },
  'backtest.runs': {},
  'sweep.start': { datasetId: 'sample:BTC-USDT-1m', engine: 'sma-cross', grid: { fast: [5, 10], slow: [20, 30], label: ['x'], flag: [true] }, params: { stop: 0.02 }, broker },
  'replay.start': { datasetId: 'capture:btcusdt', engine: 'sma-cross', params: { fast: 5 }, broker, speed: 10 },
  'paper.start': { venue: 'binance', symbol: 'BTC/USDT', engine: 'sma-cross', params: { fast: 5 }, broker },
  'replay.control': { sessionId: 's-1', action: 'seek', value: 1_723_075_200_000 },
  'engine.control': { sessionId: 's-1', engineId: 'e-1', action: 'pause' },
  'order.create': { sessionId: 's-1', symbol: 'BTC/USDT', type: 'stop-limit', side: 'buy', amount: 0.5, price: 60_000, stopPrice: 59_500, timeInForce: 'GTC' },
  'order.cancel': { sessionId: 's-1', clientOrderId: 'c-1' },
  'order.cancelAll': { sessionId: 's-1', symbol: 'BTC/USDT' },
  'killSwitch.press': { flatten: true, reason: 'test' },
  'session.list': {},
  'journal.sessions': {},
  'settings.get': {},
  'settings.set': {
    settings: {
      theme: 'high-contrast',
      layout: { splits: { main: 0.3 }, centerTab: 'report', bottomTab: 'log' },
      recentFiles: ['/tmp/bars.csv'],
      backtest: { datasetId: 'store:BTC-USDT-1m', engine: 'sma-cross', broker, risk: { maxOpenOrders: 5 } },
      venueProfiles: [{ id: 'binance-test', name: 'Binance testnet', exchange: 'binance', sandbox: true, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: 'BINANCE_SECRET' }]
    }
  },
  'log.report': { kind: 'error', message: 'x is undefined', stack: 'at f (app.js:1:2)', source: 'app.js', line: 1, column: 2 },
  'app.diagnostics': { userAgent: 'Mozilla/5.0 Chrome/156.0.8078.108' }
}

const summary = { runId: 'run-1', engine: 'sma-cross', params: { fast: 10 }, finalEquity: 10_500, totalReturn: 0.05, maxDrawdown: 0.02, sharpe: 1.2, tradeCount: 4 }

export const VALID_RESULTS: { [K in CommandName]: CommandResult<K> } = {
  'app.info': { appVersion: '0.1.0', mode: 'backtest', dataFolder: '/tmp/data', versions: { node: '20' } },
  'mode.set': { mode: 'live' },
  'engines.list': { engines: [{ name: 'sma-cross', description: 'two moving averages', params: { fast: { type: 'int', default: 10 } } }] },
  'data.list': {
    datasets: [{ id: 'd', name: 'd', kind: 'bars', symbol: 'BTC/USDT', timeframe: '1m', rows: 10, from: 0, to: 540_000, quality: { gaps: 0 }, source: 'sample' }]
  },
  'data.import': { importId: 'imp-1' },
  'data.show': {
    dataset: { id: 'store:BTC-USDT-1m', name: 'BTC/USDT 1m', kind: 'bars', symbol: 'BTC/USDT', timeframe: '1m', rows: 10, from: 0, to: 600_000, quality: { errors: 0, gap: 1 }, source: 'store' },
    quality: {
      policy: 'keep-gaps',
      errors: 0,
      warnings: 1,
      counts: { gap: 1 },
      rowsDropped: 0,
      missingBars: 1,
      syntheticBars: 0,
      sessions: '24x7',
      outlierSigma: 10,
      issues: [{ line: 5, kind: 'gap', message: '1 missing 1m bar(s)' }],
      issuesTruncated: false
    },
    imports: [
      {
        seq: 1,
        action: 'import',
        sourceFile: '/tmp/bars.csv',
        at: 1_723_075_200_000,
        rowsAppended: 10,
        rowsIdentical: 0,
        rowsConflicting: 0,
        format: 'csv-bars',
        dialect: 'generic',
        rowsRead: 10,
        rowsAccepted: 10,
        errors: 0,
        warnings: 1,
        notes: ['range …']
      }
    ]
  },
  'data.delete': { datasetId: 'store:BTC-USDT-1m', rows: 10 },
  'backtest.start': { runId: 'run-1' },
  'backtest.cancel': { cancelled: true },
  'backtest.report': { report: { anything: 1 } },
  'backtest.runs': { runs: [summary] },
  'sweep.start': { sweepId: 'sw-1', runs: 4 },
  'replay.start': { sessionId: 's-1' },
  'paper.start': { sessionId: 's-2' },
  'replay.control': { ok: true },
  'engine.control': { state: 'paused' },
  'order.create': { clientOrderId: 'c-1', denied: null },
  'order.cancel': { ok: true },
  'order.cancelAll': { ok: true },
  'killSwitch.press': { sessions: 1, cancelled: 2 },
  'session.list': { sessions: [{ sessionId: 's-1', mode: 'replay', status: 'running', datasetId: 'd', tradingState: 'ACTIVE' }] },
  'journal.sessions': { sessions: [{ id: 's-1', mode: 'paper', status: 'running', events: 3, startedAt: 0, resumable: true }] },
  'live.start': { sessionId: 'live-1' },
  'session.resume': { sessionId: 'live-1', reconciliation },
  'reconcile.get': reconciliation,
  'reconcile.resolve': { ...reconciliation, status: 'resolved', items: reconciliation.items.map((i) => ({ ...i, chosen: 'cancel' as const })) },
  'credentials.status': { profileId: 'binance-main', source: 'keychain', detail: 'encrypted with the OS keychain (gnome-libsecret)', canStore: true },
  'credentials.set': { profileId: 'binance-main', source: 'keychain' },
  'credentials.clear': { cleared: true },
  'journal.replay': {
    sessionId: 'paper-1',
    identical: false,
    marketEvents: 1200,
    recorded: 4,
    replayed: 4,
    different: 1,
    missing: 0,
    extra: 0,
    notCompared: 1,
    firstDivergence: 'seq 120: different (price)'
  },
  'settings.get': { settings: defaultSettingsSample(), warnings: ['settings.json is empty'], file: '/tmp/data/settings.json' },
  'settings.set': { settings: defaultSettingsSample(), warnings: [], file: '/tmp/data/settings.json' },
  'log.report': { logged: true },
  'app.diagnostics': {
    versions: { app: '0.1.0', node: '20.20.2', sqlite: '3.53.2', ccxt: '4.5.84' },
    platform: 'linux 6.1 x64',
    dataFolder: { path: '/tmp/data', bytes: 1024, files: [{ name: 'journal.sqlite', bytes: 1024 }] },
    logsFolder: '/tmp/data/logs',
    settingsFile: '/tmp/data/settings.json',
    text: 'TheoryCraft Workstation 0.1.0'
  }
}

function defaultSettingsSample(): CommandResult<'settings.get'>['settings'] {
  return {
    version: 1,
    theme: 'dark',
    layout: { splits: {}, centerTab: 'chart', bottomTab: 'orders' },
    recentFiles: [],
    backtest: { datasetId: null, engine: 'sma-cross', broker, risk: {} },
    venueProfiles: []
  }
}

const sessionId = 's-1'

/** One valid payload per push topic. */
export const VALID_PUSHES: { [T in PushTopic]: PushPayload<T> } = {
  'mode.changed': { mode: 'paper' },
  'backtest.progress': { runId: 'run-1', done: 5, total: 10, eventsPerSecond: 1e6, etaMs: 20 },
  'backtest.finished': { runId: 'run-1', summary, error: null },
  'sweep.progress': { sweepId: 'sw-1', done: 1, total: 4, results: [summary] },
  'import.progress': { importId: 'imp-1', done: 10, total: 10, finished: true, error: null, datasetId: 'd' },
  'session.state': { sessionId, mode: 'replay', status: 'running', clock: 1_723_075_200_000, speed: 1, tradingState: 'ACTIVE', progress: 0.5 },
  reconciliation,
  book: { sessionId, symbol: 'BTC/USDT', ts: 1, bids: [[60_000, 1.5], [59_999, 2]], asks: [[60_001, 0.5]], stale: false },
  bars: { sessionId, symbol: 'BTC/USDT', timeframe: '1m', bars: [[0, 1, 2, 0.5, 1.5, 100]] },
  orders: {
    sessionId,
    orders: [{ id: 'o1', clientOrderId: 'c1', owner: 'e1', symbol: 'BTC/USDT', type: 'limit', side: 'sell', amount: 1, price: 61_000, stopPrice: null, status: 'open', filled: 0, remaining: 1, average: null }]
  },
  fills: { sessionId, fills: [{ ts: 1, symbol: 'BTC/USDT', side: 'buy', price: 60_000, amount: 0.1, fee: 0.06, clientOrderId: 'c1', owner: 'e1' }] },
  account: {
    sessionId,
    equity: 10_000,
    positions: [{ symbol: 'BTC/USDT', amount: 0.1, entryPrice: 60_000, realizedPnl: 0, unrealizedPnl: 5, markPrice: 60_050 }],
    balances: [{ currency: 'USDT', free: 4_000, used: 0, total: 4_000 }]
  },
  engines: { sessionId, engines: [{ id: 'e1', name: 'sma-cross', state: 'running', params: { fast: 5 }, eventsIn: 10, ordersOut: 1, lastDecisionMs: 0.01, fault: null }] },
  logs: { sessionId, lines: [{ seq: 1, ts: 1, engineId: 'e1', kind: 'log', level: 'info', message: 'hello' }] }
}

export interface RecordingHandlers {
  handlers: CommandHandlers
  calls: { command: CommandName; params: unknown }[]
}

/** Handlers that record every call and answer with the sample result. */
export function recordingHandlers(): RecordingHandlers {
  const calls: RecordingHandlers['calls'] = []
  const handlers = Object.fromEntries(
    (Object.keys(COMMANDS) as CommandName[]).map((command) => [
      command,
      (params: unknown) => {
        calls.push({ command, params })
        return structuredClone(VALID_RESULTS[command])
      }
    ])
  ) as unknown as CommandHandlers
  return { handlers, calls }
}
