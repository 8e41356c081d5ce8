import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMetaStore, type MetaStore } from '../meta';
import { DuckDbEventStore } from '../store';
import { batchOf, makeEvent, tempDir } from '../../test/helpers/events';
import { UsageMeter } from './usage';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setUp(): Promise<{ meta: MetaStore; store: DuckDbEventStore; queries: () => number }> {
  const dir = tempDir('usage');
  closers.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const meta = await openMetaStore({ dataDir: dir });
  closers.push(() => meta.close());
  const store = await DuckDbEventStore.open(path.join(dir, 'events.duckdb'));
  await store.init();
  closers.push(() => store.close());
  // Counts the statements the meter sends to the store (the real store answers them).
  let n = 0;
  const query = store.query.bind(store);
  store.query = ((sql: string, params?: unknown[]) => {
    n++;
    return query(sql, params);
  }) as typeof store.query;
  return { meta, store, queries: () => n };
}

describe('UsageMeter', () => {
  it("counts this month's events from the store at most once per refresh interval, whatever the number of requests", async () => {
    const { meta, store, queries } = await setUp();
    const org = await meta.orgs.create('Metered');
    const other = await meta.orgs.create('Other');
    const s1 = await meta.sites.create(org.id, { name: 'A', domain: 'a.example.com' });
    const s2 = await meta.sites.create(org.id, { name: 'B', domain: 'b.example.com' });
    const s3 = await meta.sites.create(other.id, { name: 'C', domain: 'c.example.com' });
    let now = Date.UTC(2026, 2, 15, 12);
    const lastMonth = Date.UTC(2026, 1, 27);
    const events = [
      ...Array.from({ length: 30 }, (_, i) => makeEvent({ site_id: s1.id, ts: now - i * 60_000 })),
      ...Array.from({ length: 12 }, (_, i) => makeEvent({ site_id: s2.id, ts: Date.UTC(2026, 2, 1) + i })),
      ...Array.from({ length: 9 }, () => makeEvent({ site_id: s2.id, ts: lastMonth })),
      ...Array.from({ length: 7 }, () => makeEvent({ site_id: s3.id, ts: now })),
    ];
    await store.write(batchOf(events));
    const meter = new UsageMeter(meta, store, { refreshMs: 60_000, now: () => now });

    // No hard limit: nothing is counted at all.
    expect(await meter.remaining(org.id)).toBeNull();
    expect(queries()).toBe(0);

    await meta.tenancy.setEventLimits(org.id, { events_hard_limit: 100 });
    meter.forgetLimits(org.id);
    // This month over both sites of the organization: 30 + 12 (last month's 9 and the other's 7 are not).
    expect(await meter.remaining(org.id)).toBe(100 - 42);
    expect(queries()).toBe(1);
    for (let i = 0; i < 20; i++) {
      expect(await meter.remaining(org.id)).toBe(100 - 42 - i * 2);
      meter.record(org.id, 2);
    }
    expect(queries()).toBe(1);

    // After the interval the next request answers from memory and the store is read in the background.
    now += 61_000;
    expect(await meter.remaining(org.id)).toBe(100 - 42 - 40);
    await expect.poll(queries).toBe(2);
    // The store has the 42 events it really holds (the recorded ones were never written here).
    await expect.poll(() => meter.monthEvents(org.id)).toBe(42);
    // A new month starts from the store's count for it.
    now = Date.UTC(2026, 3, 1, 0, 0, 1);
    expect(await meter.monthEvents(org.id)).toBe(0);
    expect((await meter.usage(org.id)).month).toBe('2026-04');
  });
});
