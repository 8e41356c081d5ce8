import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectLimitsSuite } from './collect-limits-suite';
import { CHROME_UA } from './helpers/collect';
import { startTestServer, tempDataDir } from './helpers/server';

// The embedded store, with the pipeline in a collector thread (the default) and in the HTTP thread.
collectLimitsSuite('DuckDB, collector thread', () => ({ collectorThread: true }), { collector: 'ThreadCollector', counters: 'memory' });
collectLimitsSuite('DuckDB, no collector thread', () => ({ collectorThread: false }), { collector: 'Collector', counters: 'memory' });

describe('the quarantine cap across a restart (counters in process memory)', () => {
  it('keeps counting the day from what the store holds, so a restart opens no new budget', async () => {
    const dataDir = tempDataDir();
    try {
      const start = () => startTestServer({ dataDir, quarantinePerSiteDay: 3 });
      const invalid = async (url: string, trackingId: string, n: number) => {
        const res = await fetch(`${url}/api/collect`, {
          method: 'POST',
          headers: { 'user-agent': CHROME_UA, 'content-type': 'text/plain' },
          body: JSON.stringify({ site_id: trackingId, events: Array.from({ length: n }, (_, i) => ({ name: i })) }),
        });
        expect(res.status).toBe(400);
      };
      let s = await start();
      const org = await s.ctx.meta.orgs.create('Restart Org');
      const site = await s.ctx.meta.sites.create(org.id, { name: 'Restart', domain: 'restart.example' });
      await invalid(s.url, site.tracking_id, 2);
      await s.stop();
      s = await start();
      try {
        await invalid(s.url, site.tracking_id, 2);
        expect(await s.ctx.events.countQuarantine(site.id, 0)).toBe(3);
        const drops = await s.ctx.events.dropCounts(site.id, '2000-01-01', '2100-01-01');
        const total = (reason: string) => drops.filter((d) => d.reason === reason).reduce((n, d) => n + d.count, 0);
        expect([total('invalid_event'), total('quarantine_full')]).toEqual([3, 1]);
      } finally {
        await s.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
