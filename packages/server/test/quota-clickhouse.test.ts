import { afterAll, describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runQuotaSuite } from './quota-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// Monthly event quotas with the events in ClickHouse (Debian's 18.16 server): the count the quota starts
// from is read from ClickHouse.
const status = await clickhouseAvailable('quota-clickhouse');
if (status.ok) {
  const database = uniqueName('tidemark_quota');
  runQuotaSuite({ label: 'ClickHouse', overrides: () => ({ eventsUrl: clickhouseDatabaseUrl(database) }) });
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
  });
} else describe.skip(`monthly event quota on ClickHouse (${status.reason})`, () => {});
