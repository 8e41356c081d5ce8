import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { openSessionParts, StatsService, type DashboardDebug, type SessionPartsRollup } from '../src/stats';
import { SUITE_NOW } from './stats-suite';
import { openLocalDuckDbStore, recording } from './helpers/stats';
import { fixtureEvents, P, SITE_A, SITE_B } from './helpers/stats-fixture';

// Which table each report of the overview reads is the plan's choice (stats/optimize.ts RowSource),
// returned by `debug`; the statements run must read exactly that table, and the numbers stay those of
// raw events.

const OVERVIEW = {
  period: 'custom',
  start_date: P.start,
  end_date: P.end,
  dimensions: 'source,country,page,props:plan',
  compare: 'true',
  interval: 'day',
};

/** The tables a statement reads, among the row sources'. */
function tables(statement: string): string[] {
  return ['mark_cube_day', 'mark_cube', 'page_cube', 'session_parts', 'page_parts', 'events'].filter((t) =>
    new RegExp(`FROM ${t}\\b`).test(statement),
  );
}

describe('row sources chosen by the plan (DuckDB with the rollups)', () => {
  let store: EventStore;
  let rollup: SessionPartsRollup;

  beforeAll(async () => {
    store = await openLocalDuckDbStore();
    await store.write({ events: fixtureEvents(), raw: [], quarantine: [], drops: [] });
    const zones = async () =>
      [
        [SITE_A.id, SITE_A.timezone],
        [SITE_B.id, SITE_B.timezone],
      ] as const;
    rollup = await openSessionParts(store, { now: () => Date.now(), lagMs: 0, zones });
    await rollup.runOnce();
  });
  afterAll(async () => {
    await rollup?.close();
    await store?.close();
  });

  const services = () => {
    const { reader, statements } = recording(store);
    const fast = new StatsService(reader, { now: () => SUITE_NOW, sessionParts: rollup, sharedResultsMs: 0 });
    const plain = new StatsService(store, { now: () => SUITE_NOW, sharedResultsMs: 0 });
    return { fast, plain, statements };
  };
  const sources = (d: DashboardDebug | undefined) => {
    const p = d!.plans;
    const out: Record<string, [string, boolean]> = {
      kpis: [p.kpis.source, p.kpis.batched],
      timeseries: [p.timeseries!.source, p.timeseries!.batched],
    };
    for (const [k, v] of Object.entries(p.breakdowns)) out[k] = [v.source, v.batched];
    return out;
  };

  it('the overview: KPIs and session breakdowns from the daily cube in one statement, pages from the hourly page cube, props from events', async () => {
    const { fast, plain, statements } = services();
    const { debug, ...result } = await fast.dashboard(SITE_A, OVERVIEW, { debug: true });
    expect(sources(debug)).toEqual({
      kpis: ['marks_daily', true],
      timeseries: ['marks_daily', false],
      sources: ['marks_daily', true],
      countries: ['marks_daily', true],
      pages: ['marks_hourly', false],
      'props:plan': ['events', false],
    });
    expect(debug!.plans.kpis.compare_source).toBe('marks_daily');
    // Debug only adds the plans: the numbers are raw events'.
    expect(result).toEqual(await plain.dashboard(SITE_A, OVERVIEW));
    // One batched statement (KPIs, sources, countries), the comparison, the timeseries, pages, props.
    const read = statements.map(tables);
    expect(read.filter((t) => t.includes('mark_cube_day'))).toHaveLength(3);
    expect(read.filter((t) => t.includes('page_cube'))).toHaveLength(1);
    expect(read.filter((t) => t.includes('mark_cube'))).toHaveLength(0);
    expect(read.filter((t) => t.length === 1 && t[0] === 'events')).toHaveLength(1);
  });

  it('fragments when filters keep marks from serving; raw events for an event filter', async () => {
    const { fast, plain, statements } = services();
    const bySession = { ...OVERVIEW, dimensions: 'source', filters: JSON.stringify([['is', 'country', ['US', 'DE']]]) };
    const r = await fast.dashboard(SITE_A, bySession, { debug: true });
    expect(sources(r.debug)).toEqual({ kpis: ['fragments', true], timeseries: ['fragments', false], sources: ['fragments', true] });
    expect(statements.every((s) => !/FROM (mark_cube|mark_cube_day|page_cube)\b/.test(s))).toBe(true);
    // Lookups beside the reports: the daily cube's zone, and whether the site has imported days.
    const reports = statements.filter((s) => !s.includes('FROM mark_cube_day_state') && !s.includes('FROM imported_stats'));
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((s) => tables(s).includes('session_parts'))).toBe(true);
    const { debug: _, ...numbers } = r;
    expect(numbers).toEqual(await plain.dashboard(SITE_A, bySession));

    const byEvent = { ...OVERVIEW, dimensions: 'source', filters: JSON.stringify([['is', 'page', ['/pricing']]]) };
    const e = await fast.dashboard(SITE_A, byEvent, { debug: true });
    expect(sources(e.debug)).toEqual({ kpis: ['events', true], timeseries: ['events', false], sources: ['events', true] });
  });

  it('hourly buckets read the hourly cube; a zone off whole UTC hours reads raw events', async () => {
    const { fast, statements } = services();
    const hourly = await fast.query(
      parseQuery({ site_id: SITE_A.id, date_range: P, metrics: ['visitors', 'sessions'], interval: 'hour' }),
      SITE_A,
      { debug: true },
    );
    expect(hourly.debug?.plan).toMatchObject({ source: 'marks_hourly', compare_source: null });
    expect(tables(statements.at(-1)!)).toContain('mark_cube');
    expect(tables(statements.at(-1)!)).not.toContain('mark_cube_day');

    const kolkata = await fast.dashboard(SITE_B, OVERVIEW, { debug: true });
    expect(new Set(Object.values(sources(kolkata.debug)).map(([s]) => s))).toEqual(new Set(['events']));
  });

  it('raw events everywhere without the rollup, and no debug field unless asked', async () => {
    const { plain } = services();
    const r = await plain.dashboard(SITE_A, OVERVIEW, { debug: true });
    expect(new Set(Object.values(sources(r.debug)).map(([s]) => s))).toEqual(new Set(['events']));
    expect(await plain.dashboard(SITE_A, OVERVIEW)).not.toHaveProperty('debug');
  });

  it('goal queries read raw events (no rollup keeps goal completion); their numbers equal the plain path', async () => {
    const { fast, plain, statements } = services();
    const goals = [
      { id: 'g-pricing', name: 'Pricing', type: 'destination', match: { path: '/pricing' } },
      { id: 'g-cta', name: 'CTA', type: 'event', match: { event_name: 'cta_click' } },
      { id: 'g-long', name: 'Long', type: 'duration', match: { min_duration_s: 60 } },
      { id: 'g-deep', name: 'Deep', type: 'pages_per_session', match: { min_pages: 2 } },
    ] as const;
    const site = { ...SITE_A, goals: [...goals] };
    const byGoal = parseQuery({ site_id: SITE_A.id, date_range: P, metrics: ['conversions', 'conversion_rate'], dimensions: ['goal'] });
    const r = await fast.query(byGoal, site, { debug: true });
    expect(r.debug?.plan.source).toBe('events');
    const { debug: _, ...numbers } = r;
    expect(numbers).toEqual(await plain.query(byGoal, site));
    expect(r.rows.length).toBeGreaterThan(0);
    expect(statements.some((st) => /\bg_0\b/.test(st) && tables(st).includes('events'))).toBe(true);

    // The overview filtered to a goal: every plan reads events and none shares the batched session pass.
    const filtered = {
      ...OVERVIEW,
      dimensions: 'source,country',
      metrics: 'visitors,conversions,conversion_rate',
      filters: JSON.stringify([['is', 'goal', ['g-deep']]]),
    };
    const d = await fast.dashboard(site, filtered, { debug: true });
    expect(sources(d.debug)).toEqual({
      kpis: ['events', false],
      timeseries: ['events', false],
      sources: ['events', false],
      countries: ['events', false],
    });
    const { debug: __, ...dashNumbers } = d;
    expect(dashNumbers).toEqual(await plain.dashboard(site, filtered));
    // Without goals the same overview still reads the rollups.
    const plainOverview = await fast.dashboard(site, { ...OVERVIEW, dimensions: 'source,country' }, { debug: true });
    expect(sources(plainOverview.debug).kpis).toEqual(['marks_daily', true]);
  });
});
