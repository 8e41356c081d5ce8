import fs from 'node:fs';
import path from 'node:path';
import { runPrivacySuite } from './privacy-suite';

// Data-subject requests on the embedded engine. On disk the raw NDJSON files, the WAL and the database
// file itself are searched: an erasure rewrites the tables and overwrites the blocks it freed, so no
// deleted row's bytes stay in `events.duckdb` (docs/privacy.md).
runPrivacySuite({
  label: 'DuckDB',
  dialect: 'duckdb',
  overrides: () => ({}),
  files: (dataDir) => ['events.duckdb', 'events.duckdb.wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)),
});
