import { describe } from 'vitest';
import { runAudiencesSuite } from './audiences-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The shared audiences suite on ClickHouse 18.16 and a current release in-process (chdb).
const status = await clickhouseAvailable('audiences-clickhouse');
if (status.ok) runAudiencesSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_audiences'));
else describe.skip(`audiences on ClickHouse 18.16 (${status.reason})`, () => {});

const current = loadChdb('audiences-clickhouse');
if (current.ok) runAudiencesSuite('ClickHouse, current release (chdb)', () => openChdbStore(current.chdb));
else describe.skip(`audiences on a current ClickHouse release (${current.reason})`, () => {});
