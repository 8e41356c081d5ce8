import { afterAll, describe } from 'vitest';
import { scaleoutTarget } from './helpers/scaleout';
import { systemSuite } from './system-suite';

// Scale-out: collection through the Redis stream, a stream worker writing ClickHouse (18.16 server), leader-locked jobs.
const target = await scaleoutTarget('system', {
  database: 'tidemark_system',
  stream: { prefix: 'tms', secret: 'system-page-test-secret-' },
});

if (target.ok) {
  afterAll(() => target.cleanup());
  systemSuite({
    engine: 'clickhouse',
    overrides: () => target.overrides,
    writeMethod: 'writeKeyed',
    dependencies: ['events', 'metadata', 'redis'],
    heldAtLeast: 2,
    queueKind: 'redis-stream',
  });
} else describe.skip(`System page at scale (${target.reason})`, () => {});
