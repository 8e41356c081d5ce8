import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tidemark/core';
import { Prng } from '@tidemark/testkit';
import type { EventStore } from '../src/store';
import { statsTraffic, TrafficCache } from '../src/revenue';
import { resolvePeriod, StatsService } from '../src/stats';
import { makeEvent, uuidv7 } from './helpers/events';

/**
 * The revenue page's visitors per source and medium kept between requests (revenue/traffic.ts
 * TrafficCache): after every kind of change (another site's events, this site's events, an erasure) the
 * rows equal a plain count over the events written here, and the grouping is only asked again when this
 * site's events changed.
 */

export interface TrafficEngine {
  open(): Promise<EventStore>;
  destroy?(store: EventStore): Promise<void>;
}

const DAY = 86_400_000;
const START = Date.UTC(2025, 4, 1);
const END = Date.UTC(2025, 5, 1);
const PAIRS = [
  ['', ''],
  ['google', ''],
  ['google', 'cpc'],
  ['newsletter', 'email'],
  ['twitter', 'social'],
  ['twitter', 'paid'],
] as const;

export function runTrafficCacheSuite(engineName: string, engine: TrafficEngine): void {
  describe(`revenue page visitors per source kept while events are unchanged on ${engineName}`, () => {
    let store: EventStore;
    let stats: StatsService;
    const written: CanonicalEvent[] = [];
    const rng = new Prng(`traffic-cache-${engineName}`);
    let received = Date.UTC(2025, 5, 2);
    const site = { id: 'site-traffic-a', timezone: 'UTC' };
    const other = { id: 'site-traffic-b', timezone: 'UTC' };
    const range = resolvePeriod({ start: '2025-05-01', end: '2025-05-31' }, 'UTC', END + DAY);

    /** Visitors with 1–3 sessions inside the period (a day apart, so none is cut by its edges). */
    const visits = (siteId: string, prefix: string, n: number): CanonicalEvent[] => {
      const out: CanonicalEvent[] = [];
      for (let v = 0; v < n; v++) {
        for (let k = rng.int(1, 3); k > 0; k--) {
          const start = START + DAY + rng.int(0, 25) * DAY + k * 3_600_000;
          const [source, medium] = rng.pick(PAIRS);
          for (let i = 0; i < rng.int(1, 3); i++)
            out.push(
              makeEvent({
                site_id: siteId,
                event_id: uuidv7(start + i * 60_000),
                ts: start + i * 60_000,
                received_at: received++,
                visitor_id: `${prefix}-v${v}`,
                session_id: `${prefix}-v${v}-s${k}`,
                source,
                utm_source: medium ? source : '',
                utm_medium: medium,
              }),
            );
        }
      }
      return out;
    };
    const write = async (events: CanonicalEvent[]) => {
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      written.push(...events);
    };
    /** The oracle: distinct visitors per the session's first event's source and medium, this site, the period. */
    const expected = () => {
      const first = new Map<string, CanonicalEvent>();
      for (const e of written)
        if (e.site_id === site.id && e.ts >= range.startMs && e.ts < range.endMs) {
          const f = first.get(e.session_id);
          if (!f || e.ts < f.ts) first.set(e.session_id, e);
        }
      const sets = new Map<string, Set<string>>();
      for (const e of first.values()) {
        const key = `${e.source}\u0000${e.utm_medium}`;
        sets.set(key, (sets.get(key) ?? new Set()).add(e.visitor_id));
      }
      return Object.fromEntries([...sets].map(([k, s]) => [k, s.size]));
    };
    // Counts the by-source groupings the cache asks the stats engine for.
    let groupings = 0;
    let cache: TrafficCache;
    const read = async () => Object.fromEntries((await cache.traffic(site, range)).bySource);

    beforeAll(async () => {
      store = await engine.open();
      stats = new StatsService(store, { sharedResultsMs: 0 });
      const counting = {
        query: (q: Parameters<StatsService['query']>[0], s: Parameters<StatsService['query']>[1]) => {
          if (q.dimensions.length === 2) groupings++;
          return stats.query(q, s);
        },
      } as unknown as StatsService;
      cache = new TrafficCache(counting, store);
      await write([...visits(site.id, 'a', 40), ...visits(other.id, 'b', 20)]);
    });
    afterAll(async () => {
      await engine.destroy?.(store);
      await store.close();
    });

    it('gives the plain count, and the same as asking the stats engine each time', async () => {
      const rows = await read();
      expect(rows).toEqual(expected());
      expect(Object.keys(rows).length).toBeGreaterThan(3);
      expect(rows).toEqual(Object.fromEntries((await statsTraffic(stats, site, range)).bySource));
      const before = groupings;
      expect(await read()).toEqual(expected());
      expect(groupings).toBe(before);
    });

    it("another site's new events change nothing and are not recounted for", async () => {
      await read();
      const before = groupings;
      await write(visits(other.id, 'b2', 10));
      expect(await read()).toEqual(expected());
      expect(groupings).toBe(before);
    });

    it("this site's new events are counted", async () => {
      const was = await read();
      const before = groupings;
      await write(visits(site.id, 'a2', 15));
      const rows = await read();
      expect(rows).toEqual(expected());
      expect(rows).not.toEqual(was);
      expect(groupings).toBe(before + 1);
    });

    it('an erasure (a deletion anywhere) is counted, also with as many new events elsewhere', async () => {
      await read();
      const gone = written.filter((e) => e.visitor_id === 'a-v0');
      expect(gone.length).toBeGreaterThan(0);
      await store.eraseSubject(site.id, { visitorId: 'a-v0' });
      written.splice(0, written.length, ...written.filter((e) => e.visitor_id !== 'a-v0'));
      // As many events of the other site: the store's count is back where it was.
      const filler = visits(other.id, 'b3', 30).slice(0, gone.length);
      expect(filler.length).toBe(gone.length);
      await write(filler);
      const before = groupings;
      expect(await read()).toEqual(expected());
      expect(groupings).toBe(before + 1);
    });
  });
}
