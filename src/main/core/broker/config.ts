import { z } from 'zod'
import { MarketSchema, type Market } from '../../../shared/market'

/** A simulated-broker configuration that cannot work; `field` is the config path, e.g. `markets[1].quote`. */
export class BrokerConfigError extends Error {
  readonly type = 'BrokerConfigError'
  constructor(
    readonly field: string,
    message: string
  ) {
    super(`simulated broker config: ${field}: ${message}`)
    this.name = 'BrokerConfigError'
  }
}

/** Fee rates are fractions of notional; a negative maker rate is a rebate. */
const rate = z.number().finite().min(-0.01).max(0.1)

const SlippageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** taker fills move against the taker by `bps` basis points of the price */
  z.strictObject({ kind: z.literal('bps'), bps: z.number().finite().nonnegative().max(10_000) }),
  /** taker fills move against the taker by `fraction` of the bid-ask spread (quote or book data) */
  z.strictObject({ kind: z.literal('spread'), fraction: z.number().finite().nonnegative() })
])

export const SimulatedBrokerConfigSchema = z.strictObject({
  /** account currency: the quote currency of every market */
  currency: z.string().min(1),
  initialCash: z.number().finite().nonnegative(),
  markets: z.array(MarketSchema).min(1),
  accountType: z.enum(['spot', 'margin']).default('spot'),
  /** margin only: gross exposure may reach equity × leverage */
  leverage: z.number().finite().positive().default(1),
  /** null maker/taker: each market's own rate */
  fees: z
    .strictObject({
      maker: rate.nullable().default(null),
      taker: rate.nullable().default(null),
      /** per fill, in the account currency */
      fixed: z.number().finite().nonnegative().default(0),
      /**
       * per-unit fee (Interactive Brokers' fixed equity model: 0.005 per share, min 1, max 1 %):
       * perUnit × amount per fill, raised to `min` when below it, else capped at `maxRate` × the
       * fill's value (null: no cap); 0 turns it off, `min` included
       */
      perUnit: z.number().finite().nonnegative().default(0),
      min: z.number().finite().nonnegative().default(0),
      maxRate: z.number().finite().positive().max(1).nullable().default(null)
    })
    .prefault({}),
  slippage: SlippageSchema.default({ kind: 'none' }),
  /** time from submit (or cancel) to the simulated venue */
  latencyMs: z.number().int().nonnegative().default(0),
  /** 'same-close' fills market orders at the close of the bar current at submission: look-ahead */
  barFill: z.enum(['next-open', 'same-close']).default('next-open'),
  /** null: an order fills completely whenever its price is reached */
  partialFills: z
    .strictObject({ maxVolumeFraction: z.number().finite().gt(0).max(1) })
    .nullable()
    .default(null)
})

/** What the constructor accepts (fields with defaults may be omitted). */
export type SimulatedBrokerConfig = z.input<typeof SimulatedBrokerConfigSchema>
/** The configuration after defaults. */
export type ResolvedBrokerConfig = z.output<typeof SimulatedBrokerConfigSchema>
export type SlippageModel = ResolvedBrokerConfig['slippage']

function pathOf(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`
  return out === '' ? '(root)' : out
}

/** Validates a configuration; the first problem is thrown as a BrokerConfigError naming its field. */
export function resolveBrokerConfig(input: unknown): ResolvedBrokerConfig {
  const parsed = SimulatedBrokerConfigSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new BrokerConfigError(pathOf(issue?.path ?? []), issue?.message ?? 'invalid')
  }
  const config = parsed.data
  const seen = new Set<string>()
  config.markets.forEach((m: Market, i) => {
    if (m.quote !== config.currency) {
      throw new BrokerConfigError(
        `markets[${i}].quote`,
        `market ${m.symbol} is quoted in ${m.quote}, but the account currency is ${config.currency}; one account holds one currency`
      )
    }
    if (seen.has(m.symbol)) throw new BrokerConfigError(`markets[${i}].symbol`, `market ${m.symbol} is listed twice`)
    seen.add(m.symbol)
  })
  return config
}
