import { describe, vi } from 'vitest';
import { checkRunsOnTarget, scaleoutTarget, serverOnTarget } from './helpers/scaleout';

/**
 * The contract suites (Segment-compatible clients, Universal Site Tracking, TechStore) through the
 * scale-out path: batches go to the Redis stream (acknowledged once Redis has them), a stream worker
 * writes ClickHouse and dedupes by event id; sessions and counters are in Redis. A client's retry
 * after a 503 must still be stored once.
 */
const target = await scaleoutTarget('scaleout-stream-contracts', {
  database: 'tidemark_contracts_stream',
  stream: { prefix: 'tmc', secret: 'contracts-stream-test-secret-' },
});

vi.mock('./helpers/server', (importOriginal) => serverOnTarget(importOriginal, () => target));

if (target.ok) {
  checkRunsOnTarget('runs the suites through the Redis stream into ClickHouse', target);
  await import('./collect-segment.test');
  await import('./collect-seed.test');
} else describe.skip(`contract suites through Redis (${target.reason})`, () => {});
