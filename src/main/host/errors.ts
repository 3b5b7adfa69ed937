import { WorkstationError, type ApiError } from '../../shared/api'
import { ParamError } from '../../shared/engine-params'
import { BrokerConfigError, OrderRequestError } from '../core/broker/simulated-broker'
import { DataError } from '../core/data/errors'
import { InvalidOrder } from '../core/kernel/kernel'
import { MarketStoreError } from '../core/store'
import { EngineLoadError } from './engine-loader'

/** Any thrown value as the error envelope that crosses the API boundary, typed by what went wrong. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof WorkstationError) return { type: err.type, message: err.message }
  const message = err instanceof Error ? err.message : String(err)
  if (err instanceof ParamError || err instanceof BrokerConfigError) return { type: 'ValidationError', message }
  if (err instanceof EngineLoadError) return { type: 'EngineError', message }
  if (err instanceof InvalidOrder || err instanceof OrderRequestError) return { type: 'InvalidOrder', message }
  if (err instanceof DataError || err instanceof MarketStoreError) return { type: 'DataError', message }
  return { type: 'InternalError', message }
}

export function toWorkstationError(err: unknown): WorkstationError {
  if (err instanceof WorkstationError) return err
  const e = toApiError(err)
  return new WorkstationError(e.type, e.message)
}
