import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDbEventStore } from '../src/store';
import { runImportsSuite } from './imports-suite';

// The shared imports suite on the embedded engine.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-imports-'));

runImportsSuite('DuckDB', {
  async open() {
    const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
    await store.init();
    return store;
  },
  async destroy() {
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
