import { afterAll, describe } from 'vitest';
import { runQuotaSuite } from './quota-suite';
import { createTempPgDatabase, postgresAvailable } from './helpers/meta-engines';
import { scaleoutTarget } from './helpers/scaleout';

/**
 * Monthly event quotas at scale: collection through the Redis stream into ClickHouse (Debian's 18.16
 * server), metadata in PostgreSQL. A 202 means queued here, so the suite waits until every event is
 * stored or dropped before it counts.
 */
const target = await scaleoutTarget('quota-scaleout', {
  database: 'tidemark_quota_stream',
  stream: { prefix: 'tmq', secret: 'quota-scaleout-secret-' },
});
const pgStatus = target.ok ? await postgresAvailable() : target;

if (target.ok && pgStatus.ok) {
  const pg = await createTempPgDatabase();
  runQuotaSuite({
    label: 'ClickHouse through the Redis stream, PostgreSQL',
    overrides: () => ({ ...target.overrides, databaseUrl: pg.url }),
  });
  afterAll(async () => {
    await target.cleanup();
    await pg.drop();
  });
} else describe.skip(`monthly event quota through the Redis stream (${pgStatus.reason})`, () => {});
