import { generateTraffic, type TrafficOptions } from '@tidemark/testkit';
import type { CanonicalEvent } from '@tidemark/core';

/** Fixed window end, so the DuckDB file can be cached and every run queries the same data. */
export const DATA_END = Date.UTC(2026, 5, 1);
export const DAYS = 90;
export const MAIN_SITE = { id: 'bench-main-site', timezone: 'Europe/Berlin', host: 'www.main-site.example' };
export const OTHER_SITES = [
  { id: 'bench-other-site-1', timezone: 'America/New_York', host: 'shop.other-one.example' },
  { id: 'bench-other-site-2', timezone: 'Asia/Tokyo', host: 'blog.other-two.example' },
  { id: 'bench-other-site-3', timezone: 'UTC', host: 'docs.other-three.example' },
  { id: 'bench-other-site-4', timezone: 'Australia/Sydney', host: 'other-four.example' },
];

/** Every site's (id, time zone), as the server's job gets them from the metadata store. */
export const SITE_ZONES = async (): Promise<Array<[string, string]>> => [MAIN_SITE, ...OTHER_SITES].map((s) => [s.id, s.timezone]);

/**
 * The benchmark's traffic: `mainEvents` for the measured site and `otherEvents` spread over four other
 * sites, merged in time order as a collector would write them (so the measured site's rows are
 * interleaved with everyone else's, not stored contiguously). Yields batches of `batchSize`.
 */
export function* benchBatches(mainEvents: number, otherEvents: number, batchSize = 50_000): Generator<CanonicalEvent[]> {
  const specs: TrafficOptions[] = [
    {
      siteId: MAIN_SITE.id,
      timezone: MAIN_SITE.timezone,
      host: MAIN_SITE.host,
      days: DAYS,
      end: DATA_END,
      seed: 'bench-main',
      totalEvents: mainEvents,
    },
  ];
  if (otherEvents > 0) {
    for (const [i, s] of OTHER_SITES.entries())
      specs.push({
        siteId: s.id,
        timezone: s.timezone,
        host: s.host,
        days: DAYS,
        end: DATA_END,
        seed: `bench-other-${i}`,
        totalEvents: Math.round(otherEvents / OTHER_SITES.length),
      });
  }
  const streams = specs.map((s) => generateTraffic(s));
  const heads: Array<CanonicalEvent | undefined> = streams.map((it) => it.next().value ?? undefined);
  let batch: CanonicalEvent[] = [];
  for (;;) {
    let k = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && (k < 0 || h.ts < heads[k]!.ts)) k = i;
    }
    if (k < 0) break;
    batch.push(heads[k]!);
    heads[k] = streams[k].next().value ?? undefined;
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
