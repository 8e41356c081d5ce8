import { encodeEvents } from '../src/store';
import { runHostileInputSuite } from './hostile-input-suite';

// The hostile-input suite on the embedded engine. A row "from before the guard" is written as the
// collector thread encodes events: past the store's checks, its text as it is.
runHostileInputSuite('DuckDB', async () => ({
  overrides: {},
  writeUnguarded: async (store, event) => {
    await store.write({ events: [], encoded: encodeEvents([event]).encoded, raw: [], quarantine: [], drops: [] });
  },
}));
