export { ClickHouseEventStore, type KeyedBatch } from './event-store';
export {
  ClickHouseHttp,
  ClickHouseError,
  parseClickHouseUrl,
  redactUrl,
  type ClickHouseClient,
  type ClickHouseConnection,
  type RequestOptions as ClickHouseRequestOptions,
} from './http';
export { quoteString, quoteInt, quoteFloat, quoteValue, quoteIdentifier, wellFormed } from './escape';
export { prepareStatement } from './statement';
export { MIGRATIONS as CLICKHOUSE_MIGRATIONS, SCHEMA_VERSION as CLICKHOUSE_SCHEMA_VERSION } from './schema';
