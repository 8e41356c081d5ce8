import { describe } from 'vitest';
import { runExportSuite } from './export-suite';
import { loadChdb, openChdbStore } from './helpers/chdb';
import { clickhouseAvailable, openTempClickHouseStore } from './helpers/scaleout';

// The site export and alert values on ClickHouse: Debian's 18.16 server and a current release in-process (chdb).
const status = await clickhouseAvailable('export-clickhouse');
if (status.ok) runExportSuite('ClickHouse 18.16', () => openTempClickHouseStore('tidemark_export'));
else describe.skip(`site export on ClickHouse 18.16 (${status.reason})`, () => {});
const chdb = loadChdb('export-clickhouse');
if (chdb.ok) runExportSuite('ClickHouse, current release (chdb)', () => openChdbStore(chdb.chdb));
else describe.skip(`site export on a current ClickHouse (${chdb.reason})`, () => {});
