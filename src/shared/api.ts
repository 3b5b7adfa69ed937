import { z } from 'zod'
import { OrderTypeSchema, SideSchema, TimeInForceSchema } from './market'

/**
 * The WorkstationApi contract: every command (request → result) and every push (topic →
 * payload) with its runtime schema. The host implements `CommandHandlers`; the Electron IPC
 * and WebSocket transports carry it; the renderer calls it through `WorkstationClient`.
 * Every message that crosses a process boundary is validated against these schemas.
 */

const id = z.string().min(1).max(200)
const finite = z.number().finite()
const time = z.number().int().nonnegative()

export const ModeSchema = z.enum(['backtest', 'replay', 'paper', 'live'])
export type Mode = z.infer<typeof ModeSchema>

const ParamValueSchema = z.union([z.number().finite(), z.boolean(), z.string().max(1000)])
const ParamsSchema = z.record(z.string().max(100), ParamValueSchema)

export const BrokerSettingsSchema = z.strictObject({
  cash: finite.positive(),
  /** taker and maker fee rates (fractions of notional) and a fixed fee per fill */
  takerFee: finite.min(0).max(0.1),
  makerFee: finite.min(0).max(0.1),
  fixedFee: finite.min(0),
  slippageBps: finite.min(0).max(10_000),
  latencyMs: z.number().int().min(0).max(3_600_000),
  accountType: z.enum(['spot', 'margin']),
  leverage: finite.positive().max(100)
})
export type BrokerSettings = z.infer<typeof BrokerSettingsSchema>

export const RiskSettingsSchema = z.strictObject({
  maxOrderAmount: finite.positive().optional(),
  maxOrderNotional: finite.positive().optional(),
  maxPosition: finite.positive().optional(),
  maxOpenOrders: z.number().int().positive().optional(),
  maxOrdersPerSecond: z.number().int().positive().optional()
})

export const EngineSpecSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  params: z.record(z.string(), z.record(z.string(), z.unknown()))
})

export const DatasetSchema = z.strictObject({
  id,
  name: z.string(),
  kind: z.enum(['bars', 'trades', 'quotes', 'book']),
  symbol: z.string(),
  timeframe: z.string().nullable(),
  rows: z.number().int().nonnegative(),
  from: time.nullable(),
  to: time.nullable(),
  /** quality report counts, when known */
  quality: z.record(z.string(), z.number()).nullable(),
  source: z.enum(['sample', 'store', 'capture'])
})
export type Dataset = z.infer<typeof DatasetSchema>

const ImportPolicySchema = z.enum(['reject', 'drop', 'keep-gaps', 'forward-fill'])
const count = z.number().int().nonnegative()

/** The data-quality report of an import (core/data/quality.ts QualityReport). */
export const QualityReportSchema = z.object({
  policy: ImportPolicySchema,
  errors: count,
  warnings: count,
  counts: z.record(z.string(), count),
  rowsDropped: count,
  missingBars: count,
  syntheticBars: count,
  sessions: z.enum(['24x7', 'weekdays', 'us-equity-regular', 'us-equity-extended']).optional(),
  outlierSigma: z.number(),
  /** the first issues by line (at most 1000); `issuesTruncated` says when there were more */
  issues: z.array(z.strictObject({ line: z.number().int(), kind: z.string(), message: z.string() })),
  issuesTruncated: z.boolean()
})
export type QualityReportView = z.infer<typeof QualityReportSchema>

/** One import or append of a stored series, as the store recorded it. */
export const SeriesImportSchema = z.strictObject({
  seq: z.number().int(),
  action: z.enum(['import', 'append']),
  sourceFile: z.string().nullable(),
  at: time,
  rowsAppended: count,
  rowsIdentical: count,
  rowsConflicting: count,
  /** from the import report, when one was recorded */
  format: z.string().nullable(),
  dialect: z.string().nullable(),
  rowsRead: count.nullable(),
  rowsAccepted: count.nullable(),
  errors: count.nullable(),
  warnings: count.nullable(),
  notes: z.array(z.string())
})
export type SeriesImportView = z.infer<typeof SeriesImportSchema>

export const EngineStatusSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(['running', 'paused', 'stopped', 'faulted']),
  params: ParamsSchema,
  eventsIn: z.number(),
  ordersOut: z.number(),
  lastDecisionMs: z.number(),
  fault: z.string().nullable()
})

const OrderViewSchema = z.looseObject({
  id: z.string(),
  clientOrderId: z.string(),
  owner: z.string(),
  symbol: z.string(),
  type: OrderTypeSchema,
  side: SideSchema,
  amount: z.number(),
  price: z.number().nullable(),
  stopPrice: z.number().nullable(),
  status: z.string(),
  filled: z.number(),
  remaining: z.number(),
  average: z.number().nullable()
})

const RunSummarySchema = z.strictObject({
  runId: id,
  engine: z.string(),
  params: ParamsSchema,
  finalEquity: z.number(),
  totalReturn: z.number(),
  maxDrawdown: z.number(),
  sharpe: z.number().nullable(),
  tradeCount: z.number()
})
export type RunSummary = z.infer<typeof RunSummarySchema>

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'must be an environment variable name (letters, digits and _)')

/** A venue connection without its secrets: the credentials stay in the environment variables it names. */
export const VenueProfileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-"'),
  name: z.string().min(1).max(100),
  /** ccxt exchange id, e.g. "binance" */
  exchange: z.string().regex(/^[a-z0-9]{2,40}$/, 'a ccxt exchange id such as "binance"'),
  /** the venue's test network instead of the real one */
  sandbox: z.boolean(),
  apiKeyEnv: envVarName.nullable(),
  secretEnv: envVarName.nullable()
})
export type VenueProfile = z.infer<typeof VenueProfileSchema>

/**
 * What live trading requires before it starts: the pre-trade limits plus the limits that fire the
 * kill switch (loss in the quote currency, drawdown as a fraction of peak equity, and the
 * dead-man: how long the venue connection may be lost before the session halts and cancels).
 */
export const LiveRiskSchema = RiskSettingsSchema.extend({
  maxLoss: finite.positive(),
  maxDrawdown: finite.gt(0).lt(1),
  deadManMs: z.number().int().min(1000).max(3_600_000),
  /** flatten positions too when a limit or the dead-man fires (cancelling orders always happens) */
  flattenOnKill: z.boolean()
})
export type LiveRisk = z.infer<typeof LiveRiskSchema>

export const ReconcileActionSchema = z.enum(['adopt', 'cancel', 'flatten', 'ignore'])

/** One difference between the journal and the venue found on start, as the reconciliation screen lists it. */
export const ReconcileItemSchema = z.strictObject({
  /** position in the report; `reconcile.resolve` refers to it */
  index: z.number().int().nonnegative(),
  kind: z.enum(['unknown-order-at-venue', 'order-missing-at-venue', 'fill-not-journaled', 'balance-mismatch', 'position-mismatch']),
  /** a symbol or a currency */
  subject: z.string(),
  /** one line for the table, e.g. "BTC/USDT buy 0.01 @ 50000 open at the venue, not in the journal" */
  summary: z.string(),
  detail: z.string(),
  /** what reconciliation proposes */
  proposed: ReconcileActionSchema,
  /** the actions that make sense for this kind */
  options: z.array(ReconcileActionSchema),
  /** the user's choice once applied, null while open */
  chosen: ReconcileActionSchema.nullable()
})
export type ReconcileItem = z.infer<typeof ReconcileItemSchema>

export const ReconciliationSchema = z.strictObject({
  sessionId: id,
  /** pending: engines stay halted until every item has a choice; resolved: trading resumed */
  status: z.enum(['pending', 'applying', 'resolved']),
  items: z.array(ReconcileItemSchema),
  /** parts of the venue state that could not be read; nothing was concluded about them */
  unchecked: z.array(z.enum(['open-orders', 'trades', 'balances', 'positions'])),
  /** errors from applying choices (a cancel the venue refused, ...), newest last */
  errors: z.array(z.string())
})
export type Reconciliation = z.infer<typeof ReconciliationSchema>

/** The version of settings.json this build reads and writes; a newer file is not read (defaults, warning, backup). */
export const SETTINGS_VERSION = 1

export const SettingsSchema = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  theme: z.enum(['dark', 'high-contrast']),
  layout: z.strictObject({
    /** divider positions: split id → share of the first pane */
    splits: z.record(z.string().max(50), z.number().gt(0).lt(1)),
    centerTab: z.string().max(50),
    bottomTab: z.string().max(50)
  }),
  /** data and engine files used last, newest first */
  recentFiles: z.array(z.string().min(1).max(4096)).max(20),
  /** what the backtest form starts with; `risk` applies to backtests started without limits of their own */
  backtest: z.strictObject({ datasetId: z.string().max(200).nullable(), engine: z.string().min(1).max(200), broker: BrokerSettingsSchema, risk: RiskSettingsSchema }),
  venueProfiles: z.array(VenueProfileSchema).max(50).refine((list) => new Set(list.map((v) => v.id)).size === list.length, 'venue profile ids must be unique')
})
export type Settings = z.infer<typeof SettingsSchema>
/** `settings.set` replaces whole sections; the version is the host's. */
export const SettingsPatchSchema = SettingsSchema.omit({ version: true }).partial()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

const SettingsResultSchema = z.strictObject({
  settings: SettingsSchema,
  /** what was wrong with settings.json when it was loaded (and what was done about it) */
  warnings: z.array(z.string()),
  file: z.string()
})

export const DiagnosticsSchema = z.strictObject({
  /** app, node, v8, sqlite, ccxt, better-sqlite3; electron and chromium when known */
  versions: z.record(z.string(), z.string()),
  platform: z.string(),
  dataFolder: z.strictObject({ path: z.string(), bytes: z.number(), files: z.array(z.strictObject({ name: z.string(), bytes: z.number() })) }),
  logsFolder: z.string(),
  settingsFile: z.string(),
  /** all of the above as text for a bug report, secrets removed */
  text: z.string()
})
export type Diagnostics = z.infer<typeof DiagnosticsSchema>

/** One entry per command: params and result schemas. */
export const COMMANDS = {
  'app.info': {
    params: z.strictObject({}),
    result: z.strictObject({
      appVersion: z.string(),
      mode: ModeSchema,
      dataFolder: z.string(),
      versions: z.record(z.string(), z.string())
    })
  },
  'mode.set': {
    /** live needs `confirmation` typed exactly as "LIVE" */
    params: z.strictObject({ mode: ModeSchema, confirmation: z.string().max(100).optional() }),
    result: z.strictObject({ mode: ModeSchema })
  },
  'engines.list': { params: z.strictObject({}), result: z.strictObject({ engines: z.array(EngineSpecSchema) }) },
  'data.list': { params: z.strictObject({}), result: z.strictObject({ datasets: z.array(DatasetSchema) }) },
  'data.import': {
    params: z.strictObject({
      path: z.string().min(1).max(4096),
      symbol: z.string().min(1).max(100),
      timeframe: z.string().max(10).optional(),
      policy: z.enum(['reject', 'drop', 'keep-gaps', 'forward-fill']).optional()
    }),
    result: z.strictObject({ importId: id })
  },
  /** a dataset with its full quality report and, for store series, every import and append */
  'data.show': {
    params: z.strictObject({ datasetId: id }),
    result: z.strictObject({ dataset: DatasetSchema, quality: QualityReportSchema.nullable(), imports: z.array(SeriesImportSchema) })
  },
  /** removes a series from the market-data store (sample files and captures cannot be deleted) */
  'data.delete': { params: z.strictObject({ datasetId: id }), result: z.strictObject({ datasetId: id, rows: count }) },
  'backtest.start': {
    params: z.strictObject({
      datasetId: id,
      engine: z.string().min(1).max(200),
      params: ParamsSchema,
      broker: BrokerSettingsSchema,
      risk: RiskSettingsSchema.optional()
    }),
    result: z.strictObject({ runId: id })
  },
  'backtest.cancel': { params: z.strictObject({ runId: id }), result: z.strictObject({ cancelled: z.boolean() }) },
  /** the full report (see core/report/types.ts BacktestReport), validated loosely: it is produced by the host */
  'backtest.report': { params: z.strictObject({ runId: id }), result: z.strictObject({ report: z.looseObject({}) }) },
  'backtest.runs': { params: z.strictObject({}), result: z.strictObject({ runs: z.array(RunSummarySchema) }) },
  'sweep.start': {
    params: z.strictObject({
      datasetId: id,
      engine: z.string().min(1).max(200),
      /** parameter name → values to try; the grid is their cartesian product (at most 400 runs) */
      grid: z.record(z.string().max(100), z.array(ParamValueSchema).min(1).max(50)),
      params: ParamsSchema,
      broker: BrokerSettingsSchema
    }),
    result: z.strictObject({ sweepId: id, runs: z.number().int() })
  },
  'replay.start': {
    params: z.strictObject({
      datasetId: id,
      engine: z.string().min(1).max(200).optional(),
      params: ParamsSchema.optional(),
      broker: BrokerSettingsSchema.optional(),
      /** events per second of data time: 1 = real time; 0 = as fast as possible */
      speed: z.number().min(0).max(1_000_000)
    }),
    result: z.strictObject({ sessionId: id })
  },
  'paper.start': {
    params: z.strictObject({
      /** the ccxt exchange whose public market data drives the session (paper needs no keys) */
      venue: z.enum(['binance']),
      /** a spot market in ccxt's unified form, e.g. BTC/USDT */
      symbol: z.string().min(3).max(100),
      engine: z.string().min(1).max(200).optional(),
      params: ParamsSchema.optional(),
      broker: BrokerSettingsSchema.optional()
    }),
    result: z.strictObject({ sessionId: id })
  },
  /** live trading on a venue profile of the settings; needs "LIVE" typed and a risk configuration */
  'live.start': {
    params: z.strictObject({
      profileId: z.string().min(1).max(64),
      symbol: z.string().min(3).max(100),
      engine: z.string().min(1).max(200).optional(),
      params: ParamsSchema.optional(),
      risk: LiveRiskSchema,
      confirmation: z.literal('LIVE')
    }),
    result: z.strictObject({ sessionId: id })
  },
  /**
   * Restarts a journaled paper or live session that did not end (a crash, a kill): it is rebuilt
   * from the journal and, for live, reconciled with the venue; engines stay halted until
   * `reconcile.resolve` has a choice for every difference.
   */
  'session.resume': {
    params: z.strictObject({ sessionId: id }),
    result: z.strictObject({ sessionId: id, reconciliation: ReconciliationSchema })
  },
  'reconcile.get': { params: z.strictObject({ sessionId: id }), result: ReconciliationSchema },
  /** applies the user's choices (at the venue where needed); trading resumes when nothing is left open */
  'reconcile.resolve': {
    params: z.strictObject({
      sessionId: id,
      choices: z.array(z.strictObject({ index: z.number().int().nonnegative(), action: ReconcileActionSchema })).min(1).max(10_000)
    }),
    result: ReconciliationSchema
  },
  /** where a venue profile's API keys come from; never the keys themselves */
  'credentials.status': {
    params: z.strictObject({ profileId: z.string().min(1).max(64) }),
    result: z.strictObject({
      profileId: z.string(),
      source: z.enum(['keychain', 'env', 'file', 'none']),
      /** e.g. "encrypted with the OS keychain (gnome-libsecret)", or what is missing */
      detail: z.string(),
      /** whether `credentials.set` can store keys here (Electron safeStorage with a real backend) */
      canStore: z.boolean()
    })
  },
  /** keys typed in the UI go to the main process once, are encrypted with the OS keychain, and never come back */
  'credentials.set': {
    params: z.strictObject({ profileId: z.string().min(1).max(64), apiKey: z.string().min(8).max(512), secret: z.string().min(8).max(512) }),
    result: z.strictObject({ profileId: z.string(), source: z.enum(['keychain', 'env', 'file', 'none']) })
  },
  'credentials.clear': { params: z.strictObject({ profileId: z.string().min(1).max(64) }), result: z.strictObject({ cleared: z.boolean() }) },
  /** replay parity of a journaled paper or live session (the CLI's `theorycraft replay` from the UI) */
  'journal.replay': {
    params: z.strictObject({ sessionId: id }),
    result: z.strictObject({
      sessionId: id,
      identical: z.boolean(),
      marketEvents: count,
      recorded: count,
      replayed: count,
      different: count,
      missing: count,
      extra: count,
      notCompared: count,
      /** the first divergence in words (seq, both orders), null when identical */
      firstDivergence: z.string().nullable()
    })
  },
  'replay.control': {
    params: z.strictObject({
      sessionId: id,
      action: z.enum(['play', 'pause', 'step', 'seek', 'speed', 'stop']),
      /** seek: data time to jump to (forward only); speed: the new speed */
      value: z.number().finite().optional()
    }),
    result: z.strictObject({ ok: z.boolean() })
  },
  'engine.control': {
    params: z.strictObject({ sessionId: id, engineId: id, action: z.enum(['pause', 'resume', 'stop']) }),
    result: z.strictObject({ state: z.string() })
  },
  'order.create': {
    params: z.strictObject({
      sessionId: id,
      symbol: z.string().min(1).max(100),
      type: OrderTypeSchema,
      side: SideSchema,
      amount: finite.positive(),
      price: finite.positive().optional(),
      stopPrice: finite.positive().optional(),
      timeInForce: TimeInForceSchema.optional()
    }),
    result: z.strictObject({ clientOrderId: z.string(), denied: z.string().nullable() })
  },
  'order.cancel': { params: z.strictObject({ sessionId: id, clientOrderId: id }), result: z.strictObject({ ok: z.boolean() }) },
  'order.cancelAll': { params: z.strictObject({ sessionId: id, symbol: z.string().max(100).optional() }), result: z.strictObject({ ok: z.boolean() }) },
  'killSwitch.press': {
    params: z.strictObject({ flatten: z.boolean(), reason: z.string().max(500) }),
    result: z.strictObject({ sessions: z.number().int(), cancelled: z.number().int() })
  },
  'session.list': {
    params: z.strictObject({}),
    result: z.strictObject({
      sessions: z.array(
        z.strictObject({ sessionId: id, mode: ModeSchema, status: z.string(), datasetId: z.string(), tradingState: z.string() })
      )
    })
  },
  'journal.sessions': {
    params: z.strictObject({}),
    result: z.strictObject({
      sessions: z.array(
        z.strictObject({
          id: z.string(),
          mode: z.string(),
          status: z.string(),
          events: z.number(),
          startedAt: z.number(),
          /** a paper or live session that never ended (crash, kill) and is not running now: `session.resume` restarts it */
          resumable: z.boolean()
        })
      )
    })
  },
  /** settings.json of the data folder, as loaded (a bad file falls back to defaults with warnings) */
  'settings.get': { params: z.strictObject({}), result: SettingsResultSchema },
  'settings.set': { params: z.strictObject({ settings: SettingsPatchSchema }), result: SettingsResultSchema },
  /** an error in the window (window.onerror, unhandledrejection, a React error boundary), for the log */
  'log.report': {
    params: z.strictObject({
      kind: z.enum(['error', 'unhandledrejection', 'render']),
      message: z.string().max(4000),
      stack: z.string().max(20_000).optional(),
      source: z.string().max(2000).optional(),
      line: z.number().int().nonnegative().optional(),
      column: z.number().int().nonnegative().optional()
    }),
    result: z.strictObject({ logged: z.boolean() })
  },
  /** versions, data folder and logs, for the About dialog; `userAgent` adds the renderer's Chromium */
  'app.diagnostics': { params: z.strictObject({ userAgent: z.string().max(1000).optional() }), result: DiagnosticsSchema }
} as const

export type CommandName = keyof typeof COMMANDS
export type CommandParams<K extends CommandName> = z.input<(typeof COMMANDS)[K]['params']>
export type CommandResult<K extends CommandName> = z.output<(typeof COMMANDS)[K]['result']>

const levelSchema = z.tuple([finite, finite])
const sessionRef = { sessionId: id }

/** One entry per push topic. Books, positions, orders and engines are latest-state-wins; logs and fills are never dropped. */
export const PUSHES = {
  /** the app's mode after any change (menu, command); the shell shows it in the title and frame */
  'mode.changed': z.strictObject({ mode: ModeSchema }),
  'backtest.progress': z.strictObject({ runId: id, done: z.number(), total: z.number(), eventsPerSecond: z.number(), etaMs: z.number() }),
  'backtest.finished': z.strictObject({ runId: id, summary: RunSummarySchema.nullable(), error: z.string().nullable() }),
  'sweep.progress': z.strictObject({ sweepId: id, done: z.number(), total: z.number(), results: z.array(RunSummarySchema) }),
  /** the finished push carries the import's quality report: of the new series, or of the file `reject` refused */
  'import.progress': z.strictObject({
    importId: id,
    done: z.number(),
    total: z.number(),
    finished: z.boolean(),
    error: z.string().nullable(),
    datasetId: z.string().nullable(),
    quality: QualityReportSchema.nullable().optional()
  }),
  'session.state': z.strictObject({
    ...sessionRef,
    mode: ModeSchema,
    status: z.enum(['running', 'paused', 'finished', 'stopped']),
    clock: z.number(),
    speed: z.number(),
    tradingState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
    progress: z.number().min(0).max(1)
  }),
  /** a session's reconciliation after `session.resume`, on every change; never dropped */
  reconciliation: ReconciliationSchema,
  book: z.strictObject({ ...sessionRef, symbol: z.string(), ts: z.number(), bids: z.array(levelSchema), asks: z.array(levelSchema), stale: z.boolean() }),
  bars: z.strictObject({
    ...sessionRef,
    symbol: z.string(),
    timeframe: z.string(),
    /** [openTime, open, high, low, close, volume] appended since the last push */
    bars: z.array(z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]))
  }),
  orders: z.strictObject({ ...sessionRef, orders: z.array(OrderViewSchema) }),
  fills: z.strictObject({
    ...sessionRef,
    fills: z.array(z.strictObject({ ts: z.number(), symbol: z.string(), side: SideSchema, price: z.number(), amount: z.number(), fee: z.number(), clientOrderId: z.string(), owner: z.string() }))
  }),
  account: z.strictObject({
    ...sessionRef,
    equity: z.number(),
    positions: z.array(z.strictObject({ symbol: z.string(), amount: z.number(), entryPrice: z.number(), realizedPnl: z.number(), unrealizedPnl: z.number(), markPrice: z.number() })),
    balances: z.array(z.strictObject({ currency: z.string(), free: z.number(), used: z.number(), total: z.number() }))
  }),
  engines: z.strictObject({ ...sessionRef, engines: z.array(EngineStatusSchema) }),
  logs: z.strictObject({
    ...sessionRef,
    lines: z.array(z.strictObject({ seq: z.number(), ts: z.number(), engineId: z.string(), kind: z.enum(['log', 'alert', 'metric', 'fault', 'system']), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }))
  })
} as const

export type PushTopic = keyof typeof PUSHES
export type PushPayload<T extends PushTopic> = z.output<(typeof PUSHES)[T]>

/** Errors cross every boundary as this envelope. */
export const ApiErrorSchema = z.strictObject({
  type: z.enum(['ValidationError', 'NotFound', 'Unavailable', 'InvalidOrder', 'DataError', 'EngineError', 'InternalError', 'Unauthorized']),
  message: z.string()
})
export type ApiError = z.infer<typeof ApiErrorSchema>

export class WorkstationError extends Error {
  constructor(
    readonly type: ApiError['type'],
    message: string
  ) {
    super(message)
    this.name = 'WorkstationError'
  }
}

/** What the host implements. */
export type CommandHandlers = { [K in CommandName]: (params: z.output<(typeof COMMANDS)[K]['params']>) => Promise<CommandResult<K>> | CommandResult<K> }

/** What the renderer uses, whatever the transport. */
export interface WorkstationClient {
  call<K extends CommandName>(command: K, params: CommandParams<K>): Promise<CommandResult<K>>
  /** returns an unsubscribe function */
  subscribe<T extends PushTopic>(topic: T, listener: (payload: PushPayload<T>) => void): () => void
}

/** Wire messages of the WebSocket transport (Electron IPC carries the same shapes). */
export const WireRequestSchema = z.strictObject({ kind: z.literal('call'), id: z.number().int().nonnegative(), command: z.string().max(100), params: z.unknown() })
export const WireResponseSchema = z.union([
  z.strictObject({ kind: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.strictObject({ kind: z.literal('error'), id: z.number().int(), error: ApiErrorSchema })
])
export const WirePushSchema = z.strictObject({ kind: z.literal('push'), topic: z.string(), payload: z.unknown() })

/** Electron IPC channel names (main ↔ preload); the messages are the wire shapes above. */
export const IPC_CHANNELS = { call: 'workstation:call', push: 'workstation:push' } as const
