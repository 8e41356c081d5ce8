import { systemSuite } from './system-suite';

// Embedded: DuckDB behind the group-commit writer, SQLite metadata.
systemSuite({
  engine: 'duckdb',
  overrides: () => ({}),
  writeMethod: 'write',
  dependencies: ['events', 'metadata'],
  heldAtLeast: 6,
  queueKind: 'group-commit',
});
