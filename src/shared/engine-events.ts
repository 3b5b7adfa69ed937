import { z } from 'zod'

const base = { seq: z.number().int().nonnegative(), ts: z.number().int().nonnegative() }
export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error'])
export type LogLevel = z.infer<typeof LogLevelSchema>

/** Outputs of engines and of the kernel itself, journaled beside market and broker events. */
export const EngineLoggedSchema = z.strictObject({
  type: z.literal('EngineLogged'),
  ...base,
  engineId: z.string(),
  level: LogLevelSchema,
  message: z.string()
})
export const MetricRecordedSchema = z.strictObject({
  type: z.literal('MetricRecorded'),
  ...base,
  engineId: z.string(),
  name: z.string(),
  value: z.number()
})
export const AlertRaisedSchema = z.strictObject({
  type: z.literal('AlertRaised'),
  ...base,
  engineId: z.string(),
  level: LogLevelSchema,
  message: z.string()
})
export const EngineFaultedSchema = z.strictObject({
  type: z.literal('EngineFaulted'),
  ...base,
  engineId: z.string(),
  /** seq of the event the engine was handling when it threw */
  cause: z.number().int().nonnegative(),
  error: z.string(),
  stack: z.string()
})
export const EngineStateChangedSchema = z.strictObject({
  type: z.literal('EngineStateChanged'),
  ...base,
  engineId: z.string(),
  state: z.enum(['running', 'paused', 'stopped', 'faulted']),
  reason: z.string()
})
export const TimerFiredSchema = z.strictObject({
  type: z.literal('TimerFired'),
  ...base,
  engineId: z.string(),
  timerId: z.string()
})
export const TradingStateChangedSchema = z.strictObject({
  type: z.literal('TradingStateChanged'),
  ...base,
  state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  /** who changed it and why: kill switch, loss limit, user */
  by: z.string(),
  reason: z.string()
})

export const KernelEventSchema = z.discriminatedUnion('type', [
  EngineLoggedSchema,
  MetricRecordedSchema,
  AlertRaisedSchema,
  EngineFaultedSchema,
  EngineStateChangedSchema,
  TimerFiredSchema,
  TradingStateChangedSchema
])
export type EngineLogged = z.infer<typeof EngineLoggedSchema>
export type MetricRecorded = z.infer<typeof MetricRecordedSchema>
export type AlertRaised = z.infer<typeof AlertRaisedSchema>
export type EngineFaulted = z.infer<typeof EngineFaultedSchema>
export type EngineStateChanged = z.infer<typeof EngineStateChangedSchema>
export type TimerFired = z.infer<typeof TimerFiredSchema>
export type TradingStateChanged = z.infer<typeof TradingStateChangedSchema>
export type TradingState = TradingStateChanged['state']
export type KernelEvent = z.infer<typeof KernelEventSchema>
