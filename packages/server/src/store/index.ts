export type {
  EventStore,
  WriteBatch,
  WriteResult,
  RawPayloadRecord,
  QuarantineRecord,
  QuarantineQuery,
  DropCount,
  SqlDialectName,
  StoreCapabilities,
  JobConnection,
  EncodedEvents,
  LifecycleStore,
  SubjectRef,
  RawMatches,
  PurgeCounts,
  DerivedTables,
} from './event-store';
export { SESSION_COLUMN_DIMENSIONS } from './session-columns';
export {
  SIDE_TABLES,
  SIDE_TABLE_NAMES,
  CREDIT_DIMENSIONS,
  heatmapCellKeySql,
  type SideRow,
  type SideTableName,
  type SideTableSpec,
} from './side-tables';
export {
  importVisitorPrefix,
  checkImportedRows,
  IMPORTED_COUNT_COLUMNS,
  type ImportedAggregate,
} from './imported';
export { DuckDbClient } from './duckdb/client';
export { DuckDbEventStore, DEFAULT_DUCKDB_SETTINGS, type DuckDbEventStoreOptions } from './duckdb/event-store';
export { openEventStore } from './open';
export { VAULT_TABLES, vaultColumns, type VaultTable } from './vault-schema';
export { MARKS_OPEN_SPAN_MS } from './duckdb/schema';
export { GroupCommitWriter, type GroupCommitOptions, type WriterStats } from './writer';
export { scheduleRawRetention } from './retention';
export { isUuidV7, uuidV7Time, checkBatch, assertNotEncoded } from './event-rows';
export { engineInputError, type EngineInputError } from './engine-errors';
export { encodeEvents } from './duckdb/event-pack';
export {
  ClickHouseEventStore,
  ClickHouseHttp,
  ClickHouseError,
  parseClickHouseUrl,
  redactUrl,
  quoteString,
  quoteInt,
  quoteFloat,
  quoteValue,
  quoteIdentifier,
  prepareStatement,
  CLICKHOUSE_MIGRATIONS,
  CLICKHOUSE_SCHEMA_VERSION,
  type KeyedBatch,
  type ClickHouseConnection,
  type ClickHouseClient,
  type ClickHouseRequestOptions,
} from './clickhouse';
export { REPLAY_CHUNK_COLUMNS, REPLAY_COLUMN_NAMES, type ReplayChunkColumn } from './replay-schema';
