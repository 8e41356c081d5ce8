import { describe } from 'vitest';
import { runReplayStoreSuite } from './replay-store-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';

// The ReplayStore suite on a current ClickHouse release in-process (chdb), whose analyzer is stricter than 18.16's.
const status = loadChdb('replay-store-chdb');
if (status.ok) runReplayStoreSuite('ClickHouse, current release (chdb)', () => openChdbStore(status.chdb));
else describe.skip(`ReplayStore on a current ClickHouse (${status.reason})`, () => {});
