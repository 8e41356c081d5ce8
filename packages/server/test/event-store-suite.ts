import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tidemark/core';
import { encodeEvents, type EventStore, type QuarantineRecord, type RawPayloadRecord } from '../src/store';
import { batchOf, makeEvent, uuidv4, uuidv7 } from './helpers/events';

/**
 * The EventStore contract (src/store/event-store.ts), engine independent: each engine's test file calls
 * this with a factory for a fresh, initialised store, so the same semantics are asserted on DuckDB and
 * ClickHouse — writes and what they return, dedupe by event_id, bound query params, quarantine paging,
 * drop counts, the raw-layer purge and the capabilities a caller may rely on. Expectations are written
 * out by hand from the inputs below.
 */

const DAY = 86_400_000;
/** 2025-04-10 00:00 UTC: a day boundary, so the purge's cutoff means the same on every engine. */
const T0 = Date.UTC(2025, 3, 10);

export function runEventStoreSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`EventStore contract on ${engine}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    const count = async (site: string, where = '1 = 1', params: unknown[] = []) =>
      (await store.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE site_id = ? AND ${where}`, [site, ...params]))[0]!.n;
    const names = async (site: string) =>
      (await store.query<{ name: string }>('SELECT name FROM events WHERE site_id = ? ORDER BY name', [site])).map((r) => r.name);

    it('writes events durably and reads them back through query, values bound, counts as numbers', async () => {
      const site = 'contract-write';
      const events = [0, 1, 2, 3].map((i) =>
        makeEvent({ site_id: site, ts: T0 + i * 60_000, name: i % 2 ? 'signup' : 'page_view', path: `/p/${i}` }),
      );
      expect(await store.write(batchOf(events))).toEqual({ inserted: 4, existingIds: [] });
      const n = await count(site);
      expect(n).toBe(4);
      expect(typeof n).toBe('number');
      expect(await count(site, 'name = ? AND path IN (?, ?)', ['signup', '/p/1', '/p/2'])).toBe(1);
      // A value is never SQL: a quote in a bound string matches nothing and breaks nothing.
      expect(await count(site, 'path = ?', ["/p/1' OR '1'='1"])).toBe(0);
      expect(await count('contract-other-site')).toBe(0);
    });

    it('stores each event_id once: the first of a batch wins, stored ids are reported and skipped, case-insensitively', async () => {
      const site = 'contract-dedupe';
      const a = makeEvent({ site_id: site, ts: T0 + 1000, name: 'first' });
      const b = makeEvent({ site_id: site, ts: T0 + 2000, name: 'b' });
      const r1 = await store.write(batchOf([a, b, { ...a, name: 'repeat' }]));
      expect(r1).toEqual({ inserted: 2, existingIds: [] });
      expect(await names(site)).toEqual(['b', 'first']);

      const c = makeEvent({ site_id: site, ts: T0 + 3000, name: 'c', event_id: uuidv4() });
      const r2 = await store.write(batchOf([{ ...a, name: 'again', ts: T0 + 60_000 }, c, { ...b, event_id: b.event_id.toUpperCase() }]));
      expect(r2.inserted).toBe(1);
      expect([...r2.existingIds].sort()).toEqual([a.event_id, b.event_id].sort());
      expect(await names(site)).toEqual(['b', 'c', 'first']);
      // A client-chosen (v4) id is deduplicated like a v7 one.
      expect((await store.write(batchOf([{ ...c, name: 'c2' }]))).inserted).toBe(0);
      expect(await count(site)).toBe(3);
    });

    it('refuses a malformed batch whole: nothing of it is stored', async () => {
      const site = 'contract-refuse';
      const good = makeEvent({ site_id: site, ts: T0 });
      const raw: RawPayloadRecord = { id: crypto.randomUUID(), site_id: site, received_at: T0, contract: 'insighthub.collect', body: '{}' };
      const bad = { ...makeEvent({ site_id: site, ts: T0 }), event_id: 'not-a-uuid' };
      await expect(store.write(batchOf([good, bad], { raw: [raw] }))).rejects.toMatchObject({ status: 400 });
      expect(await count(site)).toBe(0);
      expect((await store.query<{ n: number }>('SELECT count(*) AS n FROM raw_payloads WHERE site_id = ?', [site]))[0]!.n).toBe(0);
      // The store still takes the good part afterwards.
      expect((await store.write(batchOf([good]))).inserted).toBe(1);
    });

    it('lists a site’s quarantine newest first, pages with (before, beforeId), counts it, and keeps sites apart', async () => {
      const site = 'contract-quarantine';
      const q = (i: number, at = T0 + i * 1000, s = site): QuarantineRecord => ({
        id: crypto.randomUUID(),
        site_id: s,
        received_at: at,
        contract: 'insighthub.collect',
        reason: 'invalid_event',
        errors: `[${i}]`,
        payload: `{"i":${i}}`,
      });
      const rows = [q(1), q(2), { ...q(3), original_bytes: 4096 }, q(4, T0 + 3000), q(5, T0 + 9000, 'contract-quarantine-other')];
      await store.write(batchOf([], { quarantine: rows }));
      const all = await store.listQuarantine(site);
      expect(all.map((r) => r.payload)).toEqual(
        [rows[0]!, rows[1]!, rows[2]!, rows[3]!]
          .sort((x, y) => y.received_at - x.received_at || (y.id < x.id ? -1 : 1))
          .map((r) => r.payload),
      );
      // A whole payload reads back with original_bytes 0; a cut one with its size as received.
      expect(all.find((r) => r.payload === '{"i":2}')).toEqual({ ...rows[1], original_bytes: 0 });
      expect(all.find((r) => r.payload === '{"i":3}')?.original_bytes).toBe(4096);
      const page1 = await store.listQuarantine(site, { limit: 2 });
      expect(page1).toEqual(all.slice(0, 2));
      const last = page1[1]!;
      expect(await store.listQuarantine(site, { limit: 10, before: last.received_at, beforeId: last.id })).toEqual(all.slice(2));
      expect(await store.listQuarantine(site, { before: T0 + 2000 })).toEqual([all[3]]);
      expect((await store.listQuarantine('contract-quarantine-other')).map((r) => r.payload)).toEqual(['{"i":5}']);
      // Counted from a receipt time on (inclusive), per site.
      expect(await store.countQuarantine(site, T0 + 2000)).toBe(3);
      expect(await store.countQuarantine(site, T0 + 3001)).toBe(0);
      expect(await store.countQuarantine('contract-quarantine-other', T0)).toBe(1);
    });

    it('adds drop counts up across writes, per site, day (inclusive range) and reason, ordered by day then reason', async () => {
      const site = 'contract-drops';
      const d = (day: string, reason: string, n: number, s = site) => ({ site_id: s, day, reason, count: n });
      await store.write(
        batchOf([], {
          drops: [d('2025-04-10', 'bot', 2), d('2025-04-10', 'bot', 3), d('2025-04-11', 'dnt', 1), d('2025-04-10', 'excluded_path', 4)],
        }),
      );
      await store.write(
        batchOf([], { drops: [d('2025-04-10', 'bot', 1), d('2025-04-12', 'bot', 7), d('2025-04-10', 'bot', 100, 'contract-drops-other')] }),
      );
      expect(await store.dropCounts(site, '2025-04-01', '2025-04-30')).toEqual([
        d('2025-04-10', 'bot', 6),
        d('2025-04-10', 'excluded_path', 4),
        d('2025-04-11', 'dnt', 1),
        d('2025-04-12', 'bot', 7),
      ]);
      expect(await store.dropCounts(site, '2025-04-11', '2025-04-11')).toEqual([d('2025-04-11', 'dnt', 1)]);
      expect(await store.dropCounts(site, '2025-05-01', '2025-05-31')).toEqual([]);
    });

    it('purges raw payloads and quarantine received before the cutoff, keeps the rest and the events', async () => {
      const site = 'contract-purge';
      const raw = (at: number): RawPayloadRecord => ({
        id: crypto.randomUUID(),
        site_id: site,
        received_at: at,
        contract: 'insighthub.collect',
        body: `{"at":${at}}`,
      });
      const q = (at: number): QuarantineRecord => ({
        id: crypto.randomUUID(),
        site_id: site,
        received_at: at,
        contract: 'c',
        reason: 'r',
        errors: '[]',
        payload: `{"at":${at}}`,
      });
      const cutoff = T0 - 10 * DAY;
      const old = [cutoff - 5 * DAY, cutoff - DAY, cutoff - 2 * 3_600_000];
      const recent = [cutoff + 3_600_000, cutoff + DAY];
      const event = makeEvent({ site_id: site, ts: cutoff - 20 * DAY });
      await store.write(batchOf([event], { raw: [...old, ...recent].map(raw), quarantine: [old[0]!, recent[0]!].map(q) }));
      const bodies = async () =>
        (await store.query<{ body: string }>('SELECT body FROM raw_payloads WHERE site_id = ? ORDER BY body', [site])).map((r) => r.body);
      expect(await bodies()).toHaveLength(5);

      expect(await store.purgeRaw(cutoff)).toBe(old.length + 1);
      expect(await bodies()).toEqual(recent.map((at) => `{"at":${at}}`).sort());
      expect((await store.listQuarantine(site)).map((r) => r.received_at)).toEqual([recent[0]]);
      // Events are not the raw layer's: they stay.
      expect(await count(site)).toBe(1);
      expect(await store.purgeRaw(cutoff)).toBe(0);
    });

    it('says what it can do beyond the interface, and does it', async () => {
      const site = 'contract-encoded';
      const events: CanonicalEvent[] = [0, 1].map((i) =>
        makeEvent({ site_id: site, ts: T0 + i, name: `enc${i}`, event_id: uuidv7(T0 + i) }),
      );
      const { encoded, leftovers } = encodeEvents(events);
      expect(leftovers).toEqual([]);
      if (store.capabilities.encodedWrites) {
        const object = makeEvent({ site_id: site, ts: T0 + 5, name: 'obj' });
        // An id both encoded and as an object is one event; the object (first) wins.
        const r = await store.write(batchOf([object, { ...events[0]!, name: 'enc0-object' }], { encoded }));
        expect(r.inserted).toBe(3);
        expect(await names(site)).toEqual(['enc0-object', 'enc1', 'obj']);
      } else {
        await expect(store.write(batchOf([], { encoded }))).rejects.toMatchObject({ status: 400 });
        expect(await count(site)).toBe(0);
      }
      expect(typeof store.openJobConnection === 'function').toBe(store.capabilities.rollups);
      if (store.capabilities.rollups) {
        const job = await store.openJobConnection!();
        try {
          // A connection of its own on the same data, with transactions.
          expect(await job.all<{ n: number }>('SELECT count(*) AS n FROM events WHERE site_id = ?', ['contract-write'])).toEqual([
            { n: 4 },
          ]);
          await expect(
            job.transaction(async () => {
              await job.change('DELETE FROM events WHERE site_id = ?', ['contract-write']);
              throw new Error('rolled back');
            }),
          ).rejects.toThrow('rolled back');
          expect(await count('contract-write')).toBe(4);
        } finally {
          job.close();
        }
      }
    });
  });
}
