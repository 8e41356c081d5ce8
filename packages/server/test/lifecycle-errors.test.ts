import { describe, expect, it } from 'vitest';
import { formatRetentionReport, Lifecycle } from '../src/lifecycle';
import { openMetaStore } from '../src/meta';
import { DuckDbEventStore } from '../src/store';

// A store that fails (here: closed) fails one site's purge at a time: the run reports it and goes on.

describe('a failing store', () => {
  it("reports each site's failure, goes on with the others, and leaves the purge pending", async () => {
    const meta = await openMetaStore({ sqlitePath: ':memory:' });
    const events = await DuckDbEventStore.open(':memory:');
    await events.init();
    try {
      const org = await meta.orgs.create('Failing');
      const a = await meta.sites.create(org.id, { name: 'A', domain: 'a.example', retention_days: 3 });
      await meta.sites.create(org.id, { name: 'B', domain: 'b.example', retention_days: 5 });
      const gone = await meta.sites.create(org.id, { name: 'Gone', domain: 'gone.example' });
      await meta.sites.delete(gone.id);
      await events.close(); // every purge now fails
      const logged: string[] = [];
      const lifecycle = new Lifecycle({ events, meta }, { log: (m) => logged.push(m) });
      const run = await lifecycle.runOnce();
      // Sites come in the metadata store's order, which is not the order of creation.
      expect(run.retention.map((r) => [r.name, r.error]).sort()).toEqual([
        ['A', 'event store is closed'],
        ['B', 'event store is closed'],
      ]);
      expect(run.purges).toEqual([{ site_id: gone.id, removed: {}, completed: false, error: 'event store is closed' }]);
      expect(logged).toHaveLength(3);
      expect(await meta.sitePurges.byId(gone.id)).toMatchObject({ passes: 0, completed_at: null });
      expect(formatRetentionReport(run)).toContain(`A (${a.id}): retention 3 d, before`);
    } finally {
      await meta.close();
    }
  });
});
