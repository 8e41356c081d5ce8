import { describe, vi } from 'vitest';
import { checkRunsOnTarget, scaleoutTarget, serverOnTarget } from './helpers/scaleout';

/**
 * The contract suites (Segment-compatible clients, Universal Site Tracking, TechStore), unchanged,
 * with the server's events in ClickHouse: the same requests must store the same rows and give the
 * same numbers as on DuckDB. Batches go straight to ClickHouse through the group-commit writer.
 */
const target = await scaleoutTarget('scaleout-collect-contracts', { database: 'tidemark_contracts' });

vi.mock('./helpers/server', (importOriginal) => serverOnTarget(importOriginal, () => target));

if (target.ok) {
  checkRunsOnTarget('runs the suites against ClickHouse', target);
  await import('./collect-segment.test');
  await import('./collect-seed.test');
} else describe.skip(`contract suites on ClickHouse (${target.reason})`, () => {});
