import { describe, vi } from 'vitest';
import { checkRunsOnTarget, scaleoutTarget, serverOnTarget } from './helpers/scaleout';

/**
 * The collector's HTTP suite (collect.test.ts), unchanged, with the server's events in ClickHouse:
 * the same requests must store the same rows and answer the same as on DuckDB. Batches go straight
 * to ClickHouse through the group-commit writer here (no Redis), so a 202 means stored, as the
 * suite expects; the Redis stream path is covered by scaleout-queue and scaleout-cluster.
 */
const target = await scaleoutTarget('scaleout-collect', { database: 'tidemark_collect' });

vi.mock('./helpers/server', (importOriginal) => serverOnTarget(importOriginal, () => target));

if (target.ok) {
  checkRunsOnTarget('runs the suite against ClickHouse', target);
  await import('./collect.test');
} else describe.skip(`collector suite on ClickHouse (${target.reason})`, () => {});
