import { describe, vi } from 'vitest';
import { checkRunsOnTarget, scaleoutTarget, serverOnTarget } from './helpers/scaleout';

/**
 * The drop-in collectors' suite (dropins.test.ts) through the scale-out path: batches go to the Redis
 * stream (acknowledged once Redis has them), a stream worker writes ClickHouse and dedupes by event id
 * (the ids Plausible and Umami events get from their content), sessions and counters are in Redis.
 */
const target = await scaleoutTarget('scaleout-stream-dropins', {
  database: 'tidemark_dropins_stream',
  stream: { prefix: 'tmd', secret: 'dropins-stream-test-secret-' },
});

vi.mock('./helpers/server', (importOriginal) => serverOnTarget(importOriginal, () => target));

if (target.ok) {
  checkRunsOnTarget('runs the suite through the Redis stream into ClickHouse', target);
  await import('./dropins.test');
} else describe.skip(`drop-in collectors through Redis (${target.reason})`, () => {});
