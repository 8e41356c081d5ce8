import { describe } from 'vitest';
import { runFunnelSuite } from './funnel-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared funnel suite on ClickHouse: Debian's 18.16 server (no window functions: sorted arrays),
// and a current release in-process (chdb), whose analyzer is stricter about the same SQL.
const status = await clickhouseAvailable('funnels-clickhouse');
if (status.ok) runFunnelSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_funnels'));
else describe.skip(`funnels on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('funnels-clickhouse');
if (current.ok) runFunnelSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`funnels on a current ClickHouse release (${current.reason})`, () => {});
