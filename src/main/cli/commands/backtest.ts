import { writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import { defaultMarket, type Market } from '../../../shared/market'
import { ParamError } from '../../../shared/engine-params'
import { runBacktest, type BacktestResult } from '../../core/backtest/run-backtest'
import type { SimulatedBrokerConfig } from '../../core/broker/config'
import { Journal } from '../../core/journal/journal'
import { renderHtmlReport } from '../../core/report/html-report'
import { loadEngine } from '../../host/engine-loader'
import { defaultJournalPath, defaultStorePath } from '../../host/data-folder'
import { acquireWriterLock, WriterLockError, type WriterLock } from '../../host/writer-lock'
import { loadMarketData, loadStoredSeries, type LoadedMarketData } from '../../host/load-market-data'
import { DataQualityError } from '../../core/data/errors'
import { isLeanSource, leanLayout } from '../../core/data/lean'
import { APP_VERSION } from '../../host/app-version'
import { backtestAppender, prestartWriterThread } from '../../host/journal-writer'
import { nonNegative, numberFlag, paramFlags, parseFlags, positive, timeFlag } from '../args'
import { CliError } from '../cli-error'
import { ProgressLine } from '../progress-line'
import { formatQualityIssues } from '../quality-summary'
import { sourceStages } from '../source-stages'
import { formatSummary } from '../summary-table'
import { writeJsonFile } from '../json-file'

export const BACKTEST_HELP = `theorycraft backtest --data FILE | --series ID --engine NAME|FILE [options]

Runs an engine over bars or trades from a file or the market-data store with the simulated
broker, in virtual time.

Data
  --data FILE            CSV / JSON / .gz file of bars, trades or quotes (format detected), or
                         LEAN data: a ticker folder such as Data/equity/usa/minute/spy (every
                         day's trade zip, plus the quote zips when present) or one LEAN zip
  --series ID            a series of the market-data store instead (see "theorycraft data list");
                         its symbol, instrument, fingerprint and quality report come from the store
  --store PATH           the market-data store (default: the data folder's market-data.sqlite)
  --symbol SYM           symbol of the data (default: from the file name)
  --timeframe TF         bar timeframe (1m, 5m, 1h, 1d, 1w, 1M); with trades: build bars of it
  --format NAME          force a format (see "theorycraft import --help"; lean for LEAN zips); --data only
  --timezone TZ          zone of timestamps that have none (IANA name or +02:00; default UTC)
  --stamp open|close     whether a bar's time in the file is its open or its close (default open);
                         --data only
  --policy P             data-quality policy: reject | drop | keep-gaps | forward-fill (default
                         keep-gaps); --data only (a stored series was gated when it was imported)
  --adjust raw|adjusted  LEAN equities: prices × the factor file's price × split factor of the
                         first row dated on or after each bar (default adjusted when the factor
                         file exists, as LEAN does)
  --session regular|extended
                         LEAN usa equities: regular hours 09:30-16:00 New York only (default,
                         as LEAN does) or the whole file (pre- and post-market)
  --from T, --to T       time range (ISO date/time, UTC unless zoned, or epoch ms)
  --also TF              also hand engines bars of a higher timeframe TF, built from the data
                         (each one once it has closed; repeatable)
  --indicator SPEC       an indicator layer: name=indicator(k=v,…)[@TF], e.g. ema50=ema(period=50)@1h;
                         engines get its values as indicator events right after each bar (repeatable)
Engine
  --engine NAME|FILE     built-in engine (sma-cross, rsi-reversion, breakout, grid, buy-and-hold)
                         or a .ts/.js file
  --param k=v            engine parameter (repeatable)
Broker and account
  --cash N               initial cash in the quote currency (default 10000)
  --fee RATE             taker fee as a fraction of notional (default 0, or the stored instrument's
                         with --series), e.g. 0.001 = 0.1%
  --maker-fee RATE       maker fee (default: same as --fee, or the stored instrument's)
  --fixed-fee N          fixed fee per fill in the quote currency (default 0)
  --fee-per-unit N       fee per unit (share) filled, in the quote currency (default 0), e.g.
                         Interactive Brokers' fixed US-equity pricing: --fee-per-unit 0.005
                         --fee-min 1 --fee-max-rate 0.01
  --fee-min N            minimum of the per-unit fee per fill (default 0)
  --fee-max-rate F       cap of the per-unit fee as a fraction of the fill's value (default none)
  --slippage BPS         slippage on taker fills in basis points (default 0)
  --latency MS           order latency to the simulated venue (default 0)
  --account spot|margin  spot = long only; margin allows shorts up to --leverage (default margin)
  --leverage N           margin account leverage limit (default 1)
  --fill next-open|same-close   bar fill rule (same-close is look-ahead and flagged; default next-open)
  --partial-fills F      fill at most F × bar volume per bar (default off)
  --close-at-end none|close|open
                         at the end of the data, close open positions at the last bar's
                         close or open (fees apply, they count as trades); none keeps them
                         open, marked at the last close (default none)
  --amount-step N        smallest amount increment (default 1e-8; 1 = whole units)
  --price-step N         price tick (default 1e-8)
  --min-amount N, --min-cost N   the market's minimum order amount / notional (default 0)
  --max-order-amount N, --max-position N, --max-open-orders N, --max-orders-per-second N
                         pre-trade risk limits (default none)
  --max-loss N, --max-drawdown F
                         kill switch when equity falls N below the start, or a fraction F
                         below its peak (trading HALTED, engines paused, orders cancelled,
                         positions closed at market)
Output
  --json FILE            write the full report as JSON
  --html FILE            write a self-contained HTML report
  --journal FILE         SQLite journal to write (default: the data folder's journal.sqlite); one
                         writer at a time: refused while the app or "theorycraft serve" writes it
  --no-journal           do not write a journal (the journal hash is still computed)
  --journal-market       also journal market events
  --seed N               seed for engines' random() (default 1)
  --quiet                no summary table
`

const FLAGS = {
  data: { type: 'string' },
  series: { type: 'string' },
  store: { type: 'string' },
  symbol: { type: 'string' },
  timeframe: { type: 'string' },
  format: { type: 'string' },
  timezone: { type: 'string' },
  stamp: { type: 'string' },
  policy: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  engine: { type: 'string' },
  param: { type: 'string', multiple: true },
  cash: { type: 'string' },
  fee: { type: 'string' },
  'maker-fee': { type: 'string' },
  'fixed-fee': { type: 'string' },
  'fee-per-unit': { type: 'string' },
  'fee-min': { type: 'string' },
  'fee-max-rate': { type: 'string' },
  adjust: { type: 'string' },
  session: { type: 'string' },
  slippage: { type: 'string' },
  latency: { type: 'string' },
  account: { type: 'string' },
  leverage: { type: 'string' },
  fill: { type: 'string' },
  'partial-fills': { type: 'string' },
  'close-at-end': { type: 'string' },
  also: { type: 'string', multiple: true },
  indicator: { type: 'string', multiple: true },
  'amount-step': { type: 'string' },
  'price-step': { type: 'string' },
  'min-amount': { type: 'string' },
  'min-cost': { type: 'string' },
  'max-order-amount': { type: 'string' },
  'max-position': { type: 'string' },
  'max-open-orders': { type: 'string' },
  'max-orders-per-second': { type: 'string' },
  'max-loss': { type: 'string' },
  'max-drawdown': { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  journal: { type: 'string' },
  'no-journal': { type: 'boolean' },
  'journal-market': { type: 'boolean' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' }
} as const

export async function backtestCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('backtest', argv, FLAGS)
  if (v.help) {
    process.stdout.write(BACKTEST_HELP)
    return 0
  }
  if (positionals.length) throw new CliError(`backtest: unexpected argument "${positionals[0]}"`)
  if (!v.data && !v.series) throw new CliError('backtest: --data FILE is required (or --series ID for a series of the market-data store)\nRun "theorycraft backtest --help" for the flags.')
  if (v.data && v.series) throw new CliError('backtest: give either --data FILE or --series ID, not both')
  if (v.series) {
    for (const flag of ['format', 'stamp', 'policy', 'adjust', 'session'] as const) {
      if (v[flag] !== undefined) throw new CliError(`backtest: --${flag} applies to --data files; a stored series was gated when it was imported`)
    }
  } else if (v.store !== undefined) throw new CliError('backtest: --store applies to --series')
  if (!v.engine) throw new CliError('backtest: --engine NAME|FILE is required (built-in: sma-cross, rsi-reversion, breakout, grid, buy-and-hold)')
  const cmd = 'backtest'
  const oneOf = (name: string, raw: string | undefined, allowed: readonly string[], fallback: string) => {
    if (raw === undefined) return fallback
    if (!allowed.includes(raw)) throw new CliError(`backtest: --${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
    return raw
  }
  const fee = numberFlag(cmd, 'fee', v.fee, 0, nonNegative)
  const broker: Omit<SimulatedBrokerConfig, 'markets'> = {
    currency: '',
    initialCash: numberFlag(cmd, 'cash', v.cash, 10_000, positive),
    accountType: oneOf('account', v.account, ['spot', 'margin'], 'margin') as 'spot' | 'margin',
    leverage: numberFlag(cmd, 'leverage', v.leverage, 1, positive),
    fees: {
      taker: fee,
      maker: numberFlag(cmd, 'maker-fee', v['maker-fee'], fee, nonNegative),
      fixed: numberFlag(cmd, 'fixed-fee', v['fixed-fee'], 0, nonNegative),
      perUnit: numberFlag(cmd, 'fee-per-unit', v['fee-per-unit'], 0, nonNegative),
      min: numberFlag(cmd, 'fee-min', v['fee-min'], 0, nonNegative),
      maxRate: v['fee-max-rate'] === undefined ? null : numberFlag(cmd, 'fee-max-rate', v['fee-max-rate'], 0, (n) => (n > 0 && n <= 1 ? null : 'must be a fraction in (0, 1]'))
    },
    slippage: v.slippage === undefined ? { kind: 'none' } : { kind: 'bps', bps: numberFlag(cmd, 'slippage', v.slippage, 0, nonNegative) },
    latencyMs: numberFlag(cmd, 'latency', v.latency, 0, nonNegative),
    barFill: oneOf('fill', v.fill, ['next-open', 'same-close'], 'next-open') as 'next-open' | 'same-close',
    partialFills: v['partial-fills'] === undefined ? null : { maxVolumeFraction: numberFlag(cmd, 'partial-fills', v['partial-fills'], 1, positive) }
  }
  const risk = {
    maxOrderAmount: optional(cmd, 'max-order-amount', v['max-order-amount']),
    maxPosition: optional(cmd, 'max-position', v['max-position']),
    maxOpenOrders: optional(cmd, 'max-open-orders', v['max-open-orders']),
    maxOrdersPerSecond: optional(cmd, 'max-orders-per-second', v['max-orders-per-second']),
    maxLoss: optional(cmd, 'max-loss', v['max-loss']),
    maxDrawdown: optional(cmd, 'max-drawdown', v['max-drawdown'])
  }
  const seed = numberFlag(cmd, 'seed', v.seed, 1, (n) => (Number.isInteger(n) ? null : 'must be an integer'))
  const from = timeFlag(cmd, 'from', v.from)
  const to = timeFlag(cmd, 'to', v.to)
  const params = paramFlags(cmd, v.param)

  const definition = await loadEngine(v.engine)
  // the journal's thread boots while the data loads
  prestartWriterThread()
  let data: LoadedMarketData
  let symbol: string
  if (v.series) {
    data = loadStoredSeries(v.store ?? defaultStorePath(), v.series, { from, to, timeframe: v.timeframe, timezone: v.timezone })
    symbol = data.stored!.series.symbol
    if (v.symbol !== undefined && v.symbol !== symbol) throw new CliError(`backtest: series ${v.series} holds ${symbol}, not ${v.symbol}`)
  } else {
    symbol = v.symbol ?? defaultSymbol(v.data!, v.format)
    const progress = new ProgressLine('reading data', 'bytes')
    try {
      data = await loadMarketData(v.data!, {
        symbol,
        timeframe: v.timeframe,
        format: v.format,
        timezone: v.timezone,
        stamp: v.stamp,
        policy: v.policy,
        adjust: oneOf('adjust', v.adjust, ['raw', 'adjusted'], '') || undefined,
        session: oneOf('session', v.session, ['regular', 'extended'], '') || undefined,
        onProgress: (done, total) => progress.update(done, total)
      })
    } catch (err) {
      progress.done()
      if (err instanceof DataQualityError) {
        process.stderr.write(formatQualityIssues(err.report))
        throw new CliError(`backtest: ${v.data} rejected: ${err.report.quality.errors} row error(s) under policy reject`, 1)
      }
      throw err
    }
    progress.done()
  }
  if (!v.quiet && data.report) process.stderr.write(formatQualityIssues(data.report))
  const instrument = data.stored?.instrument
  // A stored instrument's fees apply unless the command line gives them (null: the market's own rate).
  if (instrument && v.fee === undefined) broker.fees = { ...broker.fees!, taker: null, maker: v['maker-fee'] === undefined ? null : broker.fees!.maker }
  const base = instrument ?? defaultMarket(symbol)
  const market: Market = {
    ...base,
    // The rates the broker charges, so that engines see them in ctx.market() (null: the market's own).
    taker: broker.fees!.taker ?? base.taker,
    maker: broker.fees!.maker ?? base.maker,
    precision: {
      price: numberFlag(cmd, 'price-step', v['price-step'], base.precision.price, positive),
      amount: numberFlag(cmd, 'amount-step', v['amount-step'], base.precision.amount, positive)
    },
    limits: {
      amount: { min: numberFlag(cmd, 'min-amount', v['min-amount'], base.limits.amount.min, nonNegative) },
      cost: { min: numberFlag(cmd, 'min-cost', v['min-cost'], base.limits.cost.min, nonNegative) }
    }
  }
  broker.currency = market.quote

  const closeAtEnd = oneOf('close-at-end', v['close-at-end'], ['none', 'close', 'open'], 'none') as 'none' | 'close' | 'open'
  const journalPath = v['no-journal'] ? null : (v.journal ?? defaultJournalPath())
  const lock = journalPath ? lockJournal(journalPath) : null
  let journal: Journal | null
  try {
    journal = journalPath ? Journal.open(journalPath) : null
  } catch (err) {
    lock?.release()
    throw err
  }
  const startedAt = Date.now()
  const sessionId = journal
    ? journal.createSession({
        mode: 'backtest',
        config: { ...dataSource(v.data, data), engine: v.engine, params, broker, markets: [market], risk, seed, from, to, closeAtEnd },
        engines: [{ name: definition.name, version: APP_VERSION }],
        appVersion: APP_VERSION,
        dataFingerprint: data.fingerprint,
        startedAt
      })
    : null
  const appender = backtestAppender(journal, sessionId ?? `backtest-${seed}`)
  const runProgress = new ProgressLine('backtest', 'events')
  let result: BacktestResult
  try {
    result = runBacktest({
      ...data.series,
      markets: [market],
      engines: [{ id: definition.name, definition, params }],
      broker,
      risk,
      seed,
      from,
      to,
      closeAtEnd,
      stages: [...data.stages, ...sourceStages(symbol, data.series.bars?.[0]?.timeframe ?? 'trades', v.also ?? [], v.indicator ?? [])],
      sampleBars: data.sampleBars,
      journal: appender,
      journalMarket: Boolean(v['journal-market']),
      manifest: {
        engine: definition.name,
        ...dataSource(v.data, data),
        dataFingerprint: data.fingerprint,
        dataQuality: data.quality,
        ...(data.stored && {
          dataImports: data.stored.imports.map((i) => ({
            action: i.action,
            file: i.sourceFile,
            rowsAppended: i.rowsAppended,
            rowsIdentical: i.rowsIdentical,
            rowsConflicting: i.rowsConflicting
          })),
          instrument: data.stored.instrument ?? null
        }),
        appVersion: APP_VERSION,
        sessionId,
        fillRules: 'README.md#fill-fee-and-accounting-rules'
      },
      warnings: data.warnings,
      onProgress: (done, total) => runProgress.update(done, total)
    })
    appender.close('completed', Date.now())
  } catch (err) {
    appender.close('failed', Date.now())
    if (err instanceof ParamError) throw new CliError(`backtest: engine ${definition.name}: ${err.message}`)
    throw err
  } finally {
    runProgress.done()
    journal?.close()
    lock?.release()
  }
  const { report } = result
  if (v.json) writeJsonFile(v.json, report)
  if (v.html) writeFileSync(v.html, renderHtmlReport(report))
  if (!v.quiet) process.stdout.write(formatSummary(report, result.engines))
  const faulted = result.engines.filter((e) => e.state === 'faulted')
  for (const e of faulted) process.stderr.write(`engine ${e.id} faulted: ${e.fault}\n`)
  return faulted.length > 0 ? 1 : 0
}

/** One writer per journal: a journal another program is writing (the app, `theorycraft serve`, another backtest) is refused. */
function lockJournal(journalPath: string): WriterLock {
  try {
    return acquireWriterLock(journalPath, { kind: 'cli', command: 'theorycraft backtest' })
  } catch (err) {
    if (err instanceof WriterLockError) throw new CliError(`backtest: ${err.message}\nTo run anyway, journal elsewhere (--journal FILE) or not at all (--no-journal).`, 1)
    throw err
  }
}

/** Where the data came from: the file, or the store and series. */
function dataSource(file: string | undefined, data: LoadedMarketData): Record<string, string> {
  return data.stored ? { store: data.stored.store, series: data.stored.series.id } : { data: file! }
}

/** The symbol of a data file: LEAN's ticker in capitals (SPY), else the file name without extensions. */
function defaultSymbol(data: string, format: string | undefined): string {
  if (format === 'lean' || (format === undefined && isLeanSource(data))) {
    try {
      return leanLayout(data).ticker.toUpperCase()
    } catch {
      // not LEAN after all: loading the data reports why
    }
  }
  return basename(data).replace(/(\.(csv|json|txt|gz|zip))+$/i, '')
}

function optional(cmd: string, name: string, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : numberFlag(cmd, name, raw, 0, positive)
}
