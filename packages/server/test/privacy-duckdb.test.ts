import fs from 'node:fs';
import path from 'node:path';
import { runPrivacySuite } from './privacy-suite';

// Data-subject requests on the embedded engine. On disk the raw NDJSON files and the WAL are searched;
// the database file itself is not: DuckDB leaves a deleted row's bytes in freed blocks until it reuses
// them (measured: deleting and checkpointing keeps them), so scrubbing it needs the file rewritten
// (docs/privacy.md, "What is not erased yet").
runPrivacySuite({
  label: 'DuckDB',
  dialect: 'duckdb',
  overrides: () => ({}),
  files: (dataDir) => [path.join(dataDir, 'events.duckdb.wal')].filter((f) => fs.existsSync(f)),
});
