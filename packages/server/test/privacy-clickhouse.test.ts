import { afterAll, describe } from 'vitest';
import { ClickHouseEventStore } from '../src/store';
import { runPrivacySuite } from './privacy-suite';
import { clickhouseAvailable, clickhouseDatabaseUrl, uniqueName } from './helpers/scaleout';

// Data-subject requests with the server's events in ClickHouse (Debian's 18.16 server): the same
// requests, the same searches of every table after the erasure, the same stats check.
const status = await clickhouseAvailable('privacy-clickhouse');
if (status.ok) {
  const database = uniqueName('tidemark_privacy');
  runPrivacySuite({ label: 'ClickHouse', dialect: 'clickhouse', overrides: () => ({ eventsUrl: clickhouseDatabaseUrl(database) }) });
  afterAll(async () => {
    await new ClickHouseEventStore(clickhouseDatabaseUrl(database)).dropDatabase();
  });
} else describe.skip(`data-subject requests on ClickHouse (${status.reason})`, () => {});
