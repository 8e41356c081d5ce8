import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, type CanonicalEvent, type QueryInput } from '@tidemark/core';
import { generateTraffic, Prng } from '@tidemark/testkit';
import type { DuckDbEventStore, EventStore } from '../src/store';
import { compilePartsBuild, duckdbDialect, openSessionParts, SessionPartsRollup, StatsService } from '../src/stats';
import { openLocalDuckDbStore, recording } from './helpers/stats';

// Counting from the rollup's marks (stats/rollups/session-marks.ts) must give exactly what raw events give, for
// generated traffic with returning visitors, a watermark in the middle of the data, sessions longer
// than the look-around, late events with old timestamps and fragments of the same hour built twice.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2025, 2, 31); // the data spans Berlin's switch to summer time (2025-03-30)
const SITE = { id: 'marks-site', timezone: 'Europe/Berlin' };
const OTHER = { id: 'marks-other', timezone: 'UTC' };
const DIMS = 'channel,source,page,entry_page,exit_page,country,browser,os,device,screen,city,language';

function traffic(): CanonicalEvent[] {
  const main = [
    ...generateTraffic({
      siteId: SITE.id,
      timezone: SITE.timezone,
      days: 21,
      end: END,
      seed: 'marks',
      totalEvents: 24_000,
      returningShare: 0.5,
    }),
  ];
  const other = [...generateTraffic({ siteId: OTHER.id, days: 21, end: END, seed: 'marks-other', totalEvents: 4_000 })];
  return [...main, ...other].sort((a, b) => a.received_at - b.received_at);
}

let lateSerial = 0;

/** Extra events received at `at`: late arrivals into old sessions, and a session kept open for days. */
function hostile(events: CanonicalEvent[], at: number, seed: string, n: number): CanonicalEvent[] {
  const rng = new Prng(seed);
  const site = events.filter((e) => e.site_id === SITE.id);
  const out: CanonicalEvent[] = [];
  for (let i = 0; i < n; i++) {
    const base = site[rng.u32() % site.length]!;
    // Same session: hours (or days) later, or a little earlier than any of its events.
    const shift = [-20 * 60_000, 45 * 60_000, 3 * HOUR, 30 * HOUR, 3 * DAY][rng.u32() % 5]!;
    const name = rng.u32() % 2 ? 'page_view' : 'click';
    out.push({
      ...base,
      event_id: `0190bbbb-0000-7000-8000-${String(100000000000 + rng.u32()).slice(0, 12)}`,
      // Distinct milliseconds: two first events of a session at the same instant with different
      // values leave "the session's first event" undefined, and paths may then pick differently.
      ts: Math.min(base.ts + shift, END - 1) - ++lateSerial,
      received_at: at + i,
      name,
      path: rng.u32() % 3 ? base.path : `/late/${i % 4}`,
      source: i % 5 === 0 ? 'LateSource' : base.source,
    });
  }
  return out;
}

/** The sites' zones as the metadata store would give them to the job (SITE's may change in a test). */
const siteZones = new Map([
  [SITE.id, SITE.timezone],
  [OTHER.id, OTHER.timezone],
]);
const zones = async () => [...siteZones];

describe('session marks: the same numbers as raw events', () => {
  let store: EventStore;
  let rollup: SessionPartsRollup;
  let clock = END - 5 * DAY + 17 * HOUR;
  let events: CanonicalEvent[];

  beforeAll(async () => {
    events = traffic();
    store = await openLocalDuckDbStore();
    await store.write({ events, raw: [], quarantine: [], drops: [] });
    rollup = await openSessionParts(store as DuckDbEventStore, { now: () => clock, lagMs: 0, chunkMs: 3 * DAY, zones });
    await rollup.runOnce();
  }, 120_000);
  afterAll(async () => {
    await rollup?.close();
    await store?.close();
  });

  const now = END - 1;
  const periods = [
    { period: 'last_7_days' },
    { period: 'last_30_days' },
    { period: 'today' },
    { period: 'custom', start_date: '2025-03-20', end_date: '2025-03-22' },
    { period: 'custom', start_date: '2025-03-29', end_date: '2025-03-30' },
    { period: 'custom', start_date: '2025-03-12', end_date: '2025-03-12' },
  ];
  const queries: Array<Partial<QueryInput>> = [
    { metrics: ['visitors', 'pageviews', 'events', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit'], interval: 'hour' },
    { metrics: ['visitors', 'events'], interval: 'week' },
    { metrics: ['sessions', 'bounce_rate'], dimensions: ['page'] },
    { metrics: ['sessions', 'avg_duration'], dimensions: ['source'] },
    { metrics: ['visitors', 'pageviews'], dimensions: ['page'], limit: 5, offset: 2 },
    { metrics: ['visitors'], dimensions: ['region'] },
    { metrics: ['visitors', 'sessions'], dimensions: ['country', 'device'] },
    { metrics: ['visitors', 'sessions'], dimensions: ['source'], filters: [['is', 'country', ['DE', 'FR']]] },
  ];

  async function agree(site: { id: string; timezone: string } = SITE): Promise<void> {
    const { reader, statements } = recording(store);
    const marks = new StatsService(reader, { now: () => now, sessionParts: rollup, sharedResultsMs: 0 });
    const merge = new StatsService(store, { now: () => now, sessionParts: rollup, sessionMarks: false, sharedResultsMs: 0 });
    const plain = new StatsService(store, { now: () => now, sharedResultsMs: 0 });
    for (const p of periods) {
      const params = {
        ...p,
        metrics: 'visitors,pageviews,sessions,bounce_rate,avg_duration,views_per_visit,events',
        dimensions: DIMS,
        compare: 'true',
        interval: 'day',
        limit: '50',
      };
      const expected = await plain.dashboard(site, params);
      expect(await marks.dashboard(site, params), JSON.stringify(p)).toEqual(expected);
      expect(await merge.dashboard(site, params), JSON.stringify(p)).toEqual(expected);
      const kpis = { ...p, compare: 'true', interval: 'day' };
      expect(await marks.dashboard(OTHER, kpis)).toEqual(await plain.dashboard(OTHER, kpis));
      for (const q of queries) {
        const input = {
          site_id: site.id,
          date_range: p.period === 'custom' ? { start: p.start_date!, end: p.end_date! } : p.period,
          ...q,
        } as QueryInput;
        const parsed = parseQuery(input);
        expect(await marks.query(parsed, site), JSON.stringify(input)).toEqual(await plain.query(parsed, site));
      }
    }
    expect(statements.some((s) => s.includes('m_all') && s.includes('FROM session_parts'))).toBe(true);
    expect(statements.some((s) => s.includes('m_path') && s.includes('FROM page_parts'))).toBe(true);
    expect(statements.some((s) => s.includes('FROM mark_cube_day'))).toBe(true);
  }

  it('agrees with a watermark days before the end of the data', async () => {
    expect(rollup.watermark()).toBe(clock);
    await agree();
  }, 120_000);

  it('agrees with late events and long sessions, before and after they are rolled up', async () => {
    await store.write({ events: hostile(events, clock + 60_000, 'late-1', 300), raw: [], quarantine: [], drops: [] });
    await agree();
    clock = END + 2 * HOUR;
    await rollup.runOnce();
    await agree();
    // More of the same into hours that already have fragments, rolled up again.
    await store.write({ events: hostile(events, clock + 60_000, 'late-2', 300), raw: [], quarantine: [], drops: [] });
    clock += 2 * HOUR;
    await rollup.runOnce();
    await agree();
    await expectOpenFragments();
  }, 240_000);

  it('agrees between a chunk and the marks pass (fragments appended, not yet marked)', async () => {
    await store.write({ events: hostile(events, clock + 60_000, 'late-3', 300), raw: [], quarantine: [], drops: [] });
    clock += 2 * HOUR;
    // A job that only appends fragments: what queries see when a process stops before its marks pass.
    const chunksOnly = new SessionPartsRollup(await (store as DuckDbEventStore).fork(), {
      buildSql: (from, to) => compilePartsBuild(duckdbDialect, from, to),
      now: () => clock,
      lagMs: 0,
    });
    await chunksOnly.runOnce();
    await chunksOnly.close();
    const [row] = await store.query<{ n: number }>('SELECT count(*) AS n FROM session_parts WHERE s_lo IS NULL', []);
    expect(Number(row!.n)).toBeGreaterThan(0);
    await expectOpenFragments();
    await agree();
    // The next process's job marks them (a new job starts with the marks pass pending).
    const next = await openSessionParts(store as DuckDbEventStore, { now: () => clock, lagMs: 0, zones });
    await next.runOnce();
    await next.close();
    await expectOpenFragments();
    await agree();
  }, 240_000);

  it('keeps the daily cube exact when a site changes its time zone', async () => {
    const moved = { id: SITE.id, timezone: 'America/New_York' };
    siteZones.set(SITE.id, moved.timezone);
    // Until the job has rebuilt the site in its new zone, reports in that zone read the hourly cube.
    await agree(moved).catch((err) => {
      if (!String(err).includes('FROM mark_cube_day')) throw err;
    });
    await rollup.runOnce();
    const [state] = await store.query<{ tz: string }>('SELECT tz FROM mark_cube_day_state WHERE site_id = ?', [SITE.id]);
    expect(state!.tz).toBe(moved.timezone);
    await agree(moved);
    await expectDailyCube();
    // The next pass drops the rows of the zone left behind.
    await store.write({ events: hostile(events, clock + 60_000, 'late-4', 50), raw: [], quarantine: [], drops: [] });
    clock += 2 * HOUR;
    await rollup.runOnce();
    const [left] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM mark_cube_day WHERE site_id = ? AND tz = ?`, [
      SITE.id,
      SITE.timezone,
    ]);
    expect(Number(left!.n)).toBe(0);
    await agree(moved);
    await expectDailyCube();
    siteZones.set(SITE.id, SITE.timezone);
    await rollup.runOnce();
    await agree();
  }, 240_000);

  /** Per site, the daily cube of its current zone adds up to the hourly cube (and has rows). */
  async function expectDailyCube(): Promise<void> {
    const [row] = await store.query<Record<string, number>>(
      `SELECT (SELECT sum(n) FROM mark_cube WHERE site_id = ?) AS hn, (SELECT sum(heads) FROM mark_cube WHERE site_id = ?) AS hh, (SELECT sum(events) FROM mark_cube WHERE site_id = ?) AS he,
        (SELECT sum(n) FROM mark_cube_day WHERE site_id = ? AND tz = ?) AS dn, (SELECT sum(heads) FROM mark_cube_day WHERE site_id = ? AND tz = ?) AS dh, (SELECT sum(events) FROM mark_cube_day WHERE site_id = ? AND tz = ?) AS de`,
      [SITE.id, SITE.id, SITE.id, SITE.id, siteZones.get(SITE.id), SITE.id, siteZones.get(SITE.id), SITE.id, siteZones.get(SITE.id)],
    );
    expect(Number(row!.dn)).toBe(Number(row!.hn));
    expect(Number(row!.dh)).toBe(Number(row!.hh));
    expect(Number(row!.de)).toBe(Number(row!.he));
    expect(Number(row!.dn)).toBeGreaterThan(0);
  }

  /** `marks_open` holds exactly the unmarked fragments and those of sessions spanning a day or more. */
  async function expectOpenFragments(): Promise<void> {
    const key = `site_id, hour, CAST(vk AS VARCHAR) AS vk, s_lo, s_hi`;
    const expected = await store.query(
      `SELECT ${key} FROM session_parts WHERE s_lo IS NULL OR s_hi - s_lo >= INTERVAL 24 HOUR ORDER BY ALL`,
      [],
    );
    const open = await store.query(`SELECT ${key} FROM marks_open ORDER BY ALL`, []);
    expect(open).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  }

  it('keeps one s_head per session and marks on every fragment', async () => {
    const [row] = await store.query<{ heads: number; sessions: number; unmarked: number; pages: number }>(
      `SELECT count(*) FILTER (WHERE s_head) AS heads, count(DISTINCT sk) AS sessions, count(*) FILTER (WHERE s_lo IS NULL OR sv_source IS NULL) AS unmarked,
        (SELECT count(*) FROM page_parts WHERE sp_head IS NULL) AS pages FROM session_parts`,
      [],
    );
    expect(Number(row!.heads)).toBe(Number(row!.sessions));
    expect(Number(row!.unmarked)).toBe(0);
    expect(Number(row!.pages)).toBe(0);
    // The cubes add up to the marked fragments, whatever deltas they went through.
    const [cube] = await store.query<Record<string, number>>(
      `SELECT (SELECT sum(n) FROM mark_cube WHERE dim = 'all') AS all_n, (SELECT sum(n) FROM mark_cube WHERE dim = 'channel') AS channel_n,
        (SELECT sum(heads) FROM mark_cube WHERE dim = 'city') AS city_heads, (SELECT count(*) FROM session_parts) AS fragments,
        (SELECT sum(n) FROM page_cube) AS page_n, (SELECT count(*) FROM page_parts) AS page_fragments`,
      [],
    );
    expect(Number(cube!.all_n)).toBe(Number(cube!.fragments));
    expect(Number(cube!.channel_n)).toBe(Number(cube!.fragments));
    expect(Number(cube!.city_heads)).toBe(Number(row!.sessions));
    expect(Number(cube!.page_n)).toBe(Number(cube!.page_fragments));
  });
});
