import { describe, vi } from 'vitest';
import { checkRunsOnTarget, scaleoutTarget, serverOnTarget } from './helpers/scaleout';

/**
 * The drop-in collectors' suite (dropins.test.ts: the real Plausible and Umami clients, retries after
 * a 503), the Plausible script-tag flow in Chromium (plausible-script-tag.test.ts) and the
 * Plausible-compatible Stats API suite (plausible-stats-api.test.ts), unchanged, with
 * the server's events in ClickHouse (Debian's 18.16 server), as scaleout-collect.test.ts runs the
 * collector's suite.
 */
const target = await scaleoutTarget('scaleout-dropins', { database: 'tidemark_dropins' });

vi.mock('./helpers/server', (importOriginal) => serverOnTarget(importOriginal, () => target));

if (target.ok) {
  checkRunsOnTarget('runs the suites against ClickHouse', target);
  await import('./dropins.test');
  await import('./plausible-stats-api.test');
  await import('./plausible-script-tag.test');
} else describe.skip(`drop-in collectors and Stats API on ClickHouse (${target.reason})`, () => {});
