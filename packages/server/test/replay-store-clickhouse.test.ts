import { describe } from 'vitest';
import { runReplayStoreSuite } from './replay-store-suite';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The ReplayStore suite on ClickHouse 18.16 (the scale-out server): chunk bytes in the replay_chunks table.
const status = await clickhouseAvailable('replay-store-clickhouse');
if (status.ok) runReplayStoreSuite('ClickHouse', () => openTempClickHouseStore('tidemark_replay'));
else describe.skip(`ReplayStore on ClickHouse (${status.reason})`, () => {});
