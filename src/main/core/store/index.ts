export { CHUNK_ROWS, MarketStore, defaultSeriesId } from './market-store'
export type {
  AppendOptions,
  AppendResult,
  MarketStoreOpenOptions,
  OverlapConflict,
  SeriesImport,
  SeriesInfo,
  SeriesMeta,
  StoredSeries,
  TimeRange
} from './market-store'
export { LAYOUTS, seriesKindOf } from './columns'
export type { AnySeries, Codec, SeriesKind } from './columns'
export { MarketStoreError } from './errors'
export type { MarketStoreErrorCode } from './errors'
export { STORE_MIGRATIONS, STORE_SCHEMA_VERSION, assertStoreNotNewer, migrateStore, readStoreSchemaVersion } from './migrations'
export type { StoreMigration, StoreMigrateResult } from './migrations'
