import { afterAll, describe } from 'vitest';
import { createTempPgDatabase, postgresAvailable } from './helpers/meta-engines';
import { scaleoutTarget } from './helpers/scaleout';
import { systemSuite } from './system-suite';

// Scale-out: collection through the Redis stream, a stream worker writing ClickHouse (18.16 server), metadata in
// PostgreSQL, leader-locked jobs; an api node of the same deployment reads the page too.
const target = await scaleoutTarget('system', {
  database: 'tidemark_system',
  stream: { prefix: 'tms', secret: 'system-page-test-secret-' },
});
const pg = target.ok ? await postgresAvailable() : target;
const meta = pg.ok ? await createTempPgDatabase() : null;

if (target.ok && meta) {
  afterAll(async () => {
    await target.cleanup();
    await meta.drop();
  });
  systemSuite({
    engine: 'clickhouse',
    overrides: () => ({ ...target.overrides, databaseUrl: meta.url }),
    otherRole: 'api',
    writeMethod: 'writeKeyed',
    dependencies: ['events', 'metadata', 'redis'],
    heldAtLeast: 2,
    queueKind: 'redis-stream',
  });
} else describe.skip(`System page at scale (${pg.reason})`, () => {});
