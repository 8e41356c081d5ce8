import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbEventStore } from '../src/store';
import { ImportService } from '../src/imports';
import { openSessionParts, StatsService, type SessionPartsRollup } from '../src/stats';
import { runImportsSuite } from './imports-suite';
import { openTestMeta } from './helpers/meta-engines';

// The shared imports suite on the embedded engine.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-imports-'));

runImportsSuite('DuckDB', {
  async open() {
    const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
    await store.init();
    return store;
  },
});

// Imported events on the embedded engine's rollup: rolled up like any events (their received_at is the
// import's time), and a delete leaves the rollup equal to what remains.
describe('imported events and the DuckDB rollup', () => {
  it('are rolled up, and deleting the import removes their fragments', async () => {
    const store = await DuckDbEventStore.open(path.join(dir, 'rollup.duckdb'));
    await store.init();
    const metaHandle = await openTestMeta('sqlite');
    let rollup: SessionPartsRollup | null = null;
    try {
      const org = await metaHandle.meta.orgs.create('Rollup');
      const site = await metaHandle.meta.sites.create(org.id, { name: 'R', domain: 'r.example' });
      // Received two hours ago: the rollup's watermark advances in whole hours behind the clock.
      const imports = new ImportService(store, metaHandle.meta, { log: () => {}, now: () => Date.now() - 2 * 3_600_000 });
      const rows = ['timestamp,url,visitor_id'];
      for (let i = 0; i < 30; i++) rows.push(`2025-01-0${1 + (i % 3)}T1${i % 10}:00:00Z,https://r.example/p${i % 4},v${i % 6}`);
      const job = await imports.start({
        siteId: site.id,
        source: 'csv',
        fileName: 'e.csv',
        bytes: Buffer.from(rows.join('\n')),
        userId: null,
      });
      await imports.idle();
      rollup = await openSessionParts(store, { lagMs: 0, zones: async () => [[site.id, 'UTC'] as const] });
      await rollup.runOnce();
      const params = {
        period: 'custom',
        start_date: '2025-01-01',
        end_date: '2025-01-03',
        metrics: 'visitors,pageviews,sessions,bounce_rate',
      };
      const stats = (sessionParts?: SessionPartsRollup) =>
        new StatsService(store, { now: () => Date.UTC(2025, 1, 1), sharedResultsMs: 0, ...(sessionParts ? { sessionParts } : {}) });
      const raw = await stats().dashboard({ id: site.id, timezone: 'UTC' }, params);
      const rolled = await stats(rollup).dashboard({ id: site.id, timezone: 'UTC' }, params, { debug: true });
      expect(raw.metrics.pageviews!.value).toBe(30);
      expect(rolled.metrics).toEqual(raw.metrics);
      expect(rolled.debug!.plans.kpis.source).not.toBe('events');
      const parts = async () =>
        Number((await store.query<{ n: number }>('SELECT count(*) AS n FROM session_parts WHERE site_id = ?', [site.id]))[0]!.n);
      expect(await parts()).toBeGreaterThan(0);
      await imports.delete(site.id, job.id);
      expect(await parts()).toBe(0);
      await rollup.runOnce();
      const after = await stats(rollup).dashboard({ id: site.id, timezone: 'UTC' }, params);
      expect(after.metrics.visitors!.value).toBe(0);
      expect(after.metrics.sessions!.value).toBe(0);
    } finally {
      await rollup?.close();
      await store.close();
      await metaHandle.cleanup();
    }
  }, 60_000);
});
