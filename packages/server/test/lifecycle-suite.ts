import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, PASSIVE_EVENT_NAMES, type CanonicalEvent, type QueryInput } from '@tidemark/core';
import { generateTraffic } from '@tidemark/testkit';
import type { DropCount, EventStore, ImportedAggregate, QuarantineRecord, RawPayloadRecord, SideRow } from '../src/store';
import { StatsService, type StatsServiceOptions } from '../src/stats';
import { Lifecycle, total } from '../src/lifecycle';
import { Vault } from '../src/vault';
import type { MetaStore, SiteRecord } from '../src/meta';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import { openReplayStore, type ReplayStore } from '../src/replay';
import { tempDir } from './helpers/events';
import { answerCounts, pathCounts, visitorPaths } from './helpers/paths-oracle';
import { cohortOracle } from './helpers/cohorts-oracle';
import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * The data lifecycle duties (DESIGN §8) every store answers, on one fixture, for any engine: retention,
 * deletion of a site (also across a restart, also of events that land after the purge), and one data
 * subject's export and erasure. After every purge the stats engine's numbers over the store must equal
 * an independent computation (plain JS, below) over the fixture events that should remain. Each engine's
 * test file calls `runLifecycleSuite` with a way to open (and reopen) its store; an engine with derived
 * data (DuckDB's rollup) builds it in `derive` so the purges are checked against it too.
 */

export interface LifecycleEngine {
  /** Opens the engine's store `name`; the same name opens the same data again (a restart). */
  open(name: string): Promise<EventStore>;
  /** Builds or refreshes derived data (rollups) over what is stored; returns what the stats service needs to read it. */
  derive?(store: EventStore): Promise<Partial<StatsServiceOptions>>;
  /** Rows of the site in the engine's derived tables, by table (all must be 0 once the site is purged). */
  derivedRows?(store: EventStore, siteId: string): Promise<Record<string, number>>;
  /** Closes what `derive` opened (before the store closes). */
  release?(): Promise<void>;
  /** Removes the store's data for good (after the suite). */
  destroy?(name: string): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2025, 5, 1); // data spans [END - 20 d, END)
const NOW = END + 6 * HOUR;
const RETENTION_DAYS = 7;
const CUTOFF = END - RETENTION_DAYS * DAY; // Lifecycle.retentionCutoff(7, NOW)
const LOOKAROUND = DAY;
const PASSIVE = new Set<string>(PASSIVE_EVENT_NAMES);

// Imported aggregates hold no person (daily counts per value): retention and site purges apply, subjects do not.
const IMPORT_ID = 'a1'.repeat(16);
const IMPORTED_ROWS_PER_DAY = 3;
function importedRows(days: number): ImportedAggregate[] {
  return Array.from({ length: days }, (_, i) => dayOf(END - (days - i) * DAY)).flatMap((day) =>
    ['', 'source:Google', 'source:'].map((d) => {
      const [dimension = '', value = ''] = d.split(':');
      return { day, dimension, value, visitors: 3, pageviews: 5, events: 5, visits: 4, bounces: 1, visit_duration: 60 };
    }),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => iso(ms).slice(0, 10);

// --- the independent computation ------------------------------------------------------------------

interface Totals {
  visitors: number;
  pageviews: number;
  events: number;
  sessions: number;
  bounce_rate: number;
  avg_duration: number;
  views_per_visit: number;
}

/** The README's definitions over plain rows (site in UTC): period [start, end), sessions read ±24 h. */
export function referenceTotals(events: CanonicalEvent[], start: number, end: number): Totals {
  const inPeriod = events.filter((e) => e.ts >= start && e.ts < end);
  const sessions = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    if (e.ts < start - LOOKAROUND || e.ts >= end + LOOKAROUND) continue;
    const key = `${e.session_id}\u0000${e.visitor_id}`;
    const list = sessions.get(key);
    if (list) list.push(e);
    else sessions.set(key, [e]);
  }
  let n = 0;
  let bounces = 0;
  let durationMs = 0;
  let pv = 0;
  for (const list of sessions.values()) {
    const first = Math.min(...list.map((e) => e.ts));
    if (first < start || first >= end) continue;
    n++;
    const views = list.filter((e) => e.name === 'page_view').length;
    if (views === 1 && list.every((e) => PASSIVE.has(e.name))) bounces++;
    durationMs += Math.max(...list.map((e) => e.ts)) - first;
    pv += views;
  }
  return {
    visitors: new Set(inPeriod.map((e) => e.visitor_id)).size,
    pageviews: inPeriod.filter((e) => e.name === 'page_view').length,
    events: inPeriod.length,
    sessions: n,
    bounce_rate: n ? Math.round((1000 * bounces) / n) / 10 : 0,
    avg_duration: n ? Math.round(durationMs / n / 1000) : 0,
    views_per_visit: n ? Math.round((100 * pv) / n) / 100 : 0,
  };
}

/** Visitors and pageviews per group of the events in the period, sorted by key. */
function referenceBy(
  events: CanonicalEvent[],
  start: number,
  end: number,
  key: (e: CanonicalEvent) => string,
): Array<[string, number, number]> {
  const groups = new Map<string, { v: Set<string>; pv: number }>();
  for (const e of events) {
    if (e.ts < start || e.ts >= end) continue;
    const k = key(e);
    let g = groups.get(k);
    if (!g) {
      g = { v: new Set(), pv: 0 };
      groups.set(k, g);
    }
    g.v.add(e.visitor_id);
    if (e.name === 'page_view') g.pv++;
  }
  return [...groups]
    .map(([k, g]) => [k, g.v.size, g.pv] as [string, number, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const ALL: QueryInput['metrics'] = ['visitors', 'pageviews', 'events', 'sessions', 'bounce_rate', 'avg_duration', 'views_per_visit'];
const PERIODS: Array<[string, string]> = [
  ['2025-05-12', '2025-05-31'], // everything
  ['2025-05-20', '2025-05-28'], // across the retention cutoff
  ['2025-05-25', '2025-05-31'], // after it
];

/** Asserts the stats engine over `store` agrees with the reference over `expected` for one site. */
async function expectStatsEqual(stats: StatsService, site: { id: string; timezone: string }, expected: CanonicalEvent[]): Promise<void> {
  const mine = expected.filter((e) => e.site_id === site.id);
  for (const [start, end] of PERIODS) {
    const from = Date.parse(`${start}T00:00:00Z`);
    const to = Date.parse(`${end}T00:00:00Z`) + DAY;
    const run = (input: Partial<QueryInput>) => stats.query(parseQuery({ site_id: site.id, date_range: { start, end }, ...input }), site);
    const [kpis] = (await run({ metrics: ALL })).rows;
    expect(kpis, `KPIs ${start}..${end}`).toEqual(referenceTotals(mine, from, to));
    const days = (await run({ metrics: ['visitors', 'pageviews'], interval: 'day' })).rows
      .filter((r) => Number(r.visitors) || Number(r.pageviews))
      .map((r) => [String(r.date), r.visitors, r.pageviews]);
    expect(days, `days ${start}..${end}`).toEqual(referenceBy(mine, from, to, (e) => dayOf(e.ts)));
    const pages = (await run({ metrics: ['visitors', 'pageviews'], dimensions: ['page'], limit: 1000 })).rows
      .map((r) => [String(r.page), r.visitors, r.pageviews] as [string, unknown, unknown])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(pages, `pages ${start}..${end}`).toEqual(referenceBy(mine, from, to, (e) => e.path ?? ''));
    // Paths from the entry page (DuckDB: its path-sessions rollup): every step and every named node.
    const got = answerCounts(await stats.paths(site, { period: 'custom', start_date: start, end_date: end, nodes_per_step: '25' }));
    const want = pathCounts(
      visitorPaths(mine, { range: { startMs: from, endMs: to }, anchor: { position: 'start', label: null }, events: false, depth: 5 }),
      5,
    );
    const sum = (m?: Map<string, number>) => [...(m ?? new Map<string, number>()).values()].reduce((a, b) => a + b, 0);
    expect(
      [...got.nodes.keys()].map((k) => sum(got.nodes.get(k))),
      `path steps ${start}..${end}`,
    ).toEqual([...want.nodes.keys()].map((k) => sum(want.nodes.get(k))));
    expect(got.dropOff, `path drop-offs ${start}..${end}`).toEqual(want.dropOff);
    for (const [k, nodes] of got.nodes)
      for (const [label, n] of nodes) if (label !== 'o(other)') expect(n, `path node ${k} ${label}`).toBe(want.nodes.get(k)?.get(label));
    // Daily cohorts of people by first visit (DuckDB: its visitor-hours rollup), over what the site keeps.
    const cohorts = await stats.cohorts(site, {
      period: 'custom',
      start_date: start,
      end_date: end,
      interval: 'day',
      periods: '10',
      unit: 'people',
    });
    const readEnd = Math.min(NOW, to + 10 * DAY);
    const wantCohorts = cohortOracle(
      mine.filter((e) => e.ts >= from - 180 * DAY && e.ts < readEnd),
      {
        timezone: site.timezone,
        interval: 'day',
        periods: 10,
        by: 'first_visit',
        people: true,
        goal: null,
        startMs: from,
        endMs: to,
        nowMs: NOW,
      },
    );
    expect(
      cohorts.cohorts.map((c) => ({ cohort: c.cohort, size: c.size, active: c.cells.map((x) => x.active) })),
      `cohorts ${start}..${end}`,
    ).toEqual(
      wantCohorts.map((c) => ({ cohort: c.cohort, size: c.size, active: c.active })).sort((a, b) => (a.cohort < b.cohort ? -1 : 1)),
    );
  }
}

// --- the fixture ----------------------------------------------------------------------------------

/**
 * A session of `like`'s site across the retention cutoff (/a, /b before it; /b, /c after): retention
 * cuts it, so what remains of it (/b → /c) must be what paths and sessions see.
 */
function straddlingVisit(like: CanonicalEvent): CanonicalEvent[] {
  const steps: Array<[number, string]> = [
    [-20, '/a'],
    [-10, '/b'],
    [10, '/b'],
    [20, '/c'],
  ];
  return steps.map(([minutes, path], i) => ({
    ...like,
    event_id: `0000000a-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    visitor_id: 'straddler',
    session_id: 'straddling-session',
    user_id: '',
    ts: CUTOFF + minutes * 60_000,
    received_at: CUTOFF + minutes * 60_000,
    name: 'page_view',
    path,
    url: `https://a.example${path}`,
  }));
}

function sideRecords(siteId: string, serial: number): { raw: RawPayloadRecord[]; quarantine: QuarantineRecord[]; drops: DropCount[] } {
  const raw: RawPayloadRecord[] = [];
  const quarantine: QuarantineRecord[] = [];
  const drops: DropCount[] = [];
  for (let d = 20; d >= 1; d--) {
    const at = END - d * DAY + 5 * HOUR + serial;
    const id = (n: number) => `00000000-0000-4000-8000-${String(serial * 1000 + d * 10 + n).padStart(12, '0')}`;
    raw.push({ id: id(1), site_id: siteId, received_at: at, contract: 'insighthub.collect', body: `{"site":"${siteId}","d":${d}}` });
    quarantine.push({
      id: id(2),
      site_id: siteId,
      received_at: at,
      contract: 'insighthub.collect',
      reason: 'invalid_event',
      errors: '[]',
      payload: '{}',
    });
    drops.push({ site_id: siteId, day: dayOf(at), reason: 'bot', count: d });
  }
  return { raw, quarantine, drops };
}

const count = async (
  store: EventStore,
  table:
    | 'events'
    | 'raw_payloads'
    | 'imported_stats'
    | 'transactions'
    | 'revenue_facts'
    | 'revenue_credits'
    | 'heatmap_cells'
    | 'person_labels',
  siteId: string,
) => Number((await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`, [siteId]))[0]?.n ?? 0);

/** A transaction (and the fact it came from) of one of the fixture's visitors, at that visitor's event time. */
function transactionOf(e: CanonicalEvent, n: number): { txn: SideRow; fact: SideRow; credit: SideRow } {
  const person = { visitor_id: e.visitor_id, session_id: e.session_id, email_hash: `hash-${n}` };
  return {
    txn: {
      site_id: e.site_id,
      txn_key: `pi_${n}`,
      kind: 'payment',
      status: 'counted',
      ts: e.ts,
      amount: 1000 + n,
      currency: 'USD',
      email_mask: 'x***@example.com',
      customer_id: `cus_${n}`,
      version: 1,
      ...person,
    },
    // Its credit to the visitor's session (revenue/credits.ts), with that session's attributes.
    credit: {
      site_id: e.site_id,
      credit_id: `last_touch|pi_${n}|0`,
      model: 'last_touch',
      txn_key: `pi_${n}`,
      kind: 'payment',
      ts: e.ts,
      payer: e.visitor_id,
      session_id: e.session_id,
      visitor_id: e.visitor_id,
      credit: 1000 + n,
      scale: 100,
      source: e.source,
      version: 1,
    },
    fact: {
      site_id: e.site_id,
      fact_id: `evt_${n}`,
      kind: 'payment',
      txn_key: `pi_${n}`,
      created: e.ts,
      data: '{}',
      version: 1,
      ...person,
    },
  };
}

/** Every transaction row of the site: key, amount and the columns naming a person. */
const transactionsOf = (store: EventStore, siteId: string) =>
  store.query<{ txn_key: string; amount: number; visitor_id: string; email_hash: string; ts: number }>(
    'SELECT txn_key, amount, visitor_id, email_hash, ts FROM transactions WHERE site_id = ? ORDER BY txn_key',
    [siteId],
  );

export function runLifecycleSuite(engineName: string, engine: LifecycleEngine): void {
  describe(`data lifecycle on ${engineName}`, () => {
    const name = `lifecycle_${process.pid}_${Date.now().toString(36)}`;
    let metaHandle: MetaEngineHandle;
    let meta: MetaStore;
    let store: EventStore;
    let lifecycle: Lifecycle;
    /** The Data Vault over the store: a derived store every duty must cover too. */
    let vault: Vault;
    let statsOptions: Partial<StatsServiceOptions> = {};
    let siteA: SiteRecord; // retention 7 days
    let siteB: SiteRecord; // deleted, purge across a restart
    let siteC: SiteRecord; // untouched neighbour
    /** What the store should hold: the fixture minus everything purged so far. */
    let expected: CanonicalEvent[];
    /** Session replay chunks beside the events (replay/): another store every duty covers. */
    let replay: ReplayStore;
    const replayDir = tempDir('lifecycle-replay');
    /** The recordings the replay store should hold: every 25th session and site A's recent identified ones, two chunks each. */
    let recordings: Array<{ site_id: string; rid: string; visitor: string; start: number; end: number }> = [];
    const allRecordings = { from: 0, to: 4e12, limit: 100_000, offset: 0 };
    const expectReplayEqual = async (siteId: string) => {
      const got = (await replay.list(siteId, allRecordings)).recordings.map((r) => r.recording_id).sort();
      expect(got, 'replay recordings').toEqual(
        recordings
          .filter((r) => r.site_id === siteId)
          .map((r) => r.rid)
          .sort(),
      );
    };
    async function seedRecordings(): Promise<void> {
      const sessions = new Map<string, CanonicalEvent[]>();
      for (const e of expected) {
        const k = `${e.site_id}\u0000${e.session_id}\u0000${e.visitor_id}`;
        sessions.set(k, [...(sessions.get(k) ?? []), e]);
      }
      let n = 0;
      for (const list of sessions.values()) {
        const first = list[0]!;
        const start = Math.min(...list.map((e) => e.ts));
        // Site A's identified sessions within its retention always (the erasure test's user subject has
        // recordings), others sparsely: each chunk is an insert, a part on ClickHouse.
        const identified = first.site_id === siteA.id && start >= CUTOFF && list.some((e) => e.user_id);
        if (n++ % 25 && !identified) continue;
        const end = Math.max(...list.map((e) => e.ts));
        const rid = n.toString(16).padStart(32, '0');
        for (const [seq, ts] of [start, end].entries())
          await replay.append({
            site_id: first.site_id,
            recording_id: rid,
            seq,
            visitor_id: first.visitor_id,
            session_id: first.session_id,
            received_at: ts,
            ts_start: ts,
            ts_end: ts,
            event_count: 1,
            paths: [first.path],
            clicks: 0,
            rage_clicks: 0,
            errors: 0,
            country: first.country,
            device: first.device_type,
            browser: first.browser,
            gzip: zlib.gzipSync(JSON.stringify([{ type: 4, timestamp: ts, data: { href: first.url } }])),
          });
        recordings.push({ site_id: first.site_id, rid, visitor: first.visitor_id, start, end });
      }
      // One part per chunk on ClickHouse: merged now, as the server would in the background over time.
      if (store.dialect === 'clickhouse') {
        const d = await store.openDerivedTables();
        await d.run('OPTIMIZE TABLE replay_chunks FINAL');
        await d.close();
      }
    }

    const stats = () => new StatsService(store, { ...statsOptions, now: () => NOW, sharedResultsMs: 0 });
    const refresh = async () => {
      statsOptions = (await engine.derive?.(store)) ?? {};
      for (const site of [siteA, siteB, siteC]) await vault.load(site.id);
    };
    const newLifecycle = () =>
      new Lifecycle({ events: store, meta, derived: [vault.lifecycle, replay] }, { now: () => NOW, settleMs: 0, log: () => undefined });
    const final = () => (store.dialect === 'clickhouse' ? ' FINAL' : '');
    const vaultCount = async (sql: string, params: unknown[]) =>
      Number(Object.values((await store.query(sql.replace(/\{final\}/g, final()), params))[0] ?? { n: 0 })[0]);
    /** The vault holds exactly what the remaining events make: events, sessions, visitors, pageviews. */
    const expectVaultEqual = async (siteId: string) => {
      const left = expected.filter((e) => e.site_id === siteId);
      expect(await vaultCount('SELECT count(*) AS n FROM vault_hub_event{final} WHERE site_id = ?', [siteId]), 'vault events').toBe(
        left.length,
      );
      expect(await vaultCount('SELECT count(*) AS n FROM vault_sat_event_details{final} WHERE site_id = ?', [siteId])).toBe(left.length);
      expect(
        await vaultCount('SELECT count(*) AS n FROM vault_current_session_details WHERE site_id = ?', [siteId]),
        'vault sessions',
      ).toBe(new Set(left.map((e) => `${e.session_id}\u0000${e.visitor_id}`)).size);
      expect(await vaultCount('SELECT sum(total_page_views) AS n FROM vault_current_session_details WHERE site_id = ?', [siteId])).toBe(
        left.filter((e) => e.name === 'page_view').length,
      );
      expect(
        await vaultCount('SELECT count(*) AS n FROM vault_current_visitor_details WHERE site_id = ?', [siteId]),
        'vault visitors',
      ).toBe(new Set(left.map((e) => e.visitor_id)).size);
      expect(await vaultCount('SELECT count(*) AS n FROM vault_hub_visitor{final} WHERE site_id = ?', [siteId])).toBe(
        new Set(left.map((e) => e.visitor_id)).size,
      );
      // Every satellite row describes remaining events only (no history from before a purge).
      const first = Math.min(...left.map((e) => e.ts));
      expect(
        await vaultCount('SELECT count(*) AS n FROM vault_sat_session_details{final} WHERE site_id = ? AND session_start_time < ?', [
          siteId,
          first,
        ]),
      ).toBe(0);
      expect(
        await vaultCount('SELECT count(*) AS n FROM vault_sat_visitor_details{final} WHERE site_id = ? AND first_visit_date < ?', [
          siteId,
          first,
        ]),
      ).toBe(0);
    };

    beforeAll(async () => {
      metaHandle = await openTestMeta('sqlite');
      meta = metaHandle.meta;
      const org = await meta.orgs.create('Lifecycle');
      siteA = await meta.sites.create(org.id, { name: 'A', domain: 'a.example', retention_days: RETENTION_DAYS });
      siteB = await meta.sites.create(org.id, { name: 'B', domain: 'b.example', retention_days: 0 });
      siteC = await meta.sites.create(org.id, { name: 'C', domain: 'c.example' });
      const traffic = (site: SiteRecord, seed: string, totalEvents: number) => [
        ...generateTraffic({ siteId: site.id, days: 20, end: END, seed, totalEvents, returningShare: 0.4 }),
      ];
      expected = [...traffic(siteA, 'lifecycle-a', 6000), ...traffic(siteB, 'lifecycle-b', 2000), ...traffic(siteC, 'lifecycle-c', 2000)];
      expected.push(...straddlingVisit(expected.find((e) => e.site_id === siteA.id && e.name === 'page_view')!));
      store = await engine.open(name);
      vault = await Vault.open(store, { lagMs: 0 });
      const side = [sideRecords(siteA.id, 1), sideRecords(siteB.id, 2), sideRecords(siteC.id, 3)];
      // Records of B alone in their hour, day and month: a store may drop such files or partitions whole.
      const alone = sideRecords(siteB.id, 5);
      side.push({
        raw: alone.raw.slice(0, 1).map((r) => ({ ...r, received_at: END - 40 * DAY })),
        quarantine: alone.quarantine.slice(0, 1).map((q) => ({ ...q, received_at: END - 40 * DAY })),
        drops: [],
      });
      await store.write({
        events: expected,
        raw: side.flatMap((s) => s.raw),
        quarantine: side.flatMap((s) => s.quarantine),
        drops: side.flatMap((s) => s.drops),
      });
      // Transactions: one a day per site (side tables, store/side-tables.ts), each of one of the fixture's visitors.
      for (const site of [siteA, siteB, siteC]) {
        const mine = expected.filter((e) => e.site_id === site.id);
        const rows = Array.from({ length: 20 }, (_, n) => transactionOf(mine[Math.floor(((n + 0.5) * mine.length) / 20)]!, n));
        await store.upsertSideRows(
          'revenue_facts',
          rows.map((r) => r.fact),
        );
        await store.upsertSideRows(
          'transactions',
          rows.map((r) => r.txn),
        );
        await store.upsertSideRows(
          'revenue_credits',
          rows.map((r) => r.credit),
        );
      }
      // Heatmap grid cells (behaviour/): one per day and site, counts only (nothing names a person).
      for (const site of [siteA, siteB, siteC])
        await store.upsertSideRows(
          'heatmap_cells',
          Array.from({ length: 20 }, (_, n) => ({
            site_id: site.id,
            cell_key: `cell-${n}`,
            day: END - (20 - n) * DAY,
            path: '/pricing',
            viewport: 'desktop',
            kind: 'click',
            cx: 10,
            cy: n,
            n: 3,
            version: 1,
          })),
        );
      // Person labels (segments/): one row per visitor id, labelled on one of the 20 days.
      for (const site of [siteA, siteB, siteC]) {
        const vids = [...new Set(expected.filter((e) => e.site_id === site.id).map((e) => e.visitor_id))].slice(0, 20);
        expect(vids.length).toBe(20);
        await store.upsertSideRows(
          'person_labels',
          vids.map((visitor_id, n) => ({
            site_id: site.id,
            visitor_id,
            profile_id: `v${visitor_id}`,
            score: n * 5,
            segment_id: `s${n % 3}`,
            computed_at: END - (20 - n) * DAY,
            version: 1,
          })),
        );
      }
      // Imported aggregates (imports/) on each of the 20 days: a store of site data like any other.
      for (const site of [siteA, siteB, siteC]) await store.replaceImported(site.id, IMPORT_ID, importedRows(20));
      replay = await openReplayStore(store, replayDir);
      await seedRecordings();
      await refresh();
      lifecycle = newLifecycle();
    }, 180_000);

    afterAll(async () => {
      await lifecycle?.idle();
      await engine.release?.();
      await vault?.close();
      await replay?.close();
      await store?.close();
      await engine.destroy?.(name);
      fs.rmSync(replayDir, { recursive: true, force: true });
      await metaHandle?.cleanup();
    });

    it('starts out agreeing with the reference (the comparison itself holds)', async () => {
      expect(expected.some((e) => e.site_id === siteA.id && e.ts < CUTOFF && e.user_id)).toBe(true);
      await expectStatsEqual(stats(), siteA, expected);
      await expectVaultEqual(siteA.id);
      expect(recordings.filter((r) => r.site_id === siteA.id && r.end < CUTOFF).length).toBeGreaterThan(0);
      for (const site of [siteA, siteB, siteC]) await expectReplayEqual(site.id);
    }, 60_000);

    it("retention deletes the site's events, quarantine, raw payloads and drop counts before the cutoff, nothing else", async () => {
      expect(Lifecycle.retentionCutoff(RETENTION_DAYS, NOW)).toBe(CUTOFF);
      const before = { a: await count(store, 'events', siteA.id), c: await count(store, 'events', siteC.id) };
      const old = expected.filter((e) => e.site_id === siteA.id && e.ts < CUTOFF).length;
      const txnsBefore = await transactionsOf(store, siteA.id);
      const reports = await lifecycle.runRetention();
      expect(reports.map((r) => r.site_id)).toEqual([siteA.id]);
      const oldTxns = txnsBefore.filter((r) => Number(r.ts) < CUTOFF);
      expect(oldTxns.length).toBeGreaterThan(0);
      expect(reports[0]!.removed.transactions).toBe(oldTxns.length);
      expect(reports[0]!.removed.revenue_facts).toBe(oldTxns.length);
      expect(reports[0]!.removed.revenue_credits).toBe(oldTxns.length);
      expect(await count(store, 'revenue_credits', siteA.id)).toBe(txnsBefore.length - oldTxns.length);
      expect((await transactionsOf(store, siteA.id)).map((r) => r.txn_key)).toEqual(
        txnsBefore.filter((r) => Number(r.ts) >= CUTOFF).map((r) => r.txn_key),
      );
      expect(await count(store, 'transactions', siteC.id)).toBe(20);
      expect(reports[0]!.cutoff).toBe(CUTOFF);
      expect(reports[0]!.removed.events).toBe(old);
      expect(reports[0]!.removed.quarantine).toBe(13); // received on the 13 days before the cutoff
      expect(reports[0]!.removed.raw).toBe(13);
      expect(reports[0]!.removed.drops).toBe(13);
      expect(reports[0]!.removed.imported).toBe(13 * IMPORTED_ROWS_PER_DAY); // imported days before the cutoff's date
      expect(reports[0]!.removed.heatmap_cells).toBe(13); // grid days before the cutoff
      expect(await count(store, 'heatmap_cells', siteA.id)).toBe(7);
      expect(await count(store, 'heatmap_cells', siteC.id)).toBe(20);
      expect(reports[0]!.removed.person_labels).toBe(13); // labels computed before the cutoff
      expect(await count(store, 'person_labels', siteA.id)).toBe(7);
      expect(await count(store, 'person_labels', siteC.id)).toBe(20);
      // Replay: whole recordings that ended before the cutoff (two chunks each); one straddling it stays.
      const oldRecordings = recordings.filter((r) => r.site_id === siteA.id && r.end < CUTOFF);
      expect(reports[0]!.removed.replay_chunks).toBe(oldRecordings.length * 2);
      recordings = recordings.filter((r) => !oldRecordings.includes(r));
      await expectReplayEqual(siteA.id);
      await expectReplayEqual(siteC.id);
      expected = expected.filter((e) => !(e.site_id === siteA.id && e.ts < CUTOFF));
      expect(await count(store, 'events', siteA.id)).toBe(before.a - old);
      expect(await count(store, 'events', siteC.id)).toBe(before.c);
      const olderThan = store.dialect === 'duckdb' ? 'ts < epoch_ms(CAST(? AS BIGINT))' : 'ts < ?';
      const [{ n: stale } = { n: 0 }] = await store.query<{ n: number }>(
        `SELECT count(*) AS n FROM events WHERE site_id = ? AND ${olderThan}`,
        [siteA.id, CUTOFF],
      );
      expect(Number(stale)).toBe(0);
      const quarantined = await store.listQuarantine(siteA.id, { limit: 1000 });
      expect(quarantined).toHaveLength(7);
      expect(quarantined.every((q) => q.received_at >= CUTOFF)).toBe(true);
      expect(await count(store, 'raw_payloads', siteA.id)).toBe(7);
      const drops = await store.dropCounts(siteA.id, '2000-01-01', '2100-01-01');
      expect(drops.map((d) => d.day)).toEqual(Array.from({ length: 7 }, (_, i) => dayOf(CUTOFF + i * DAY)));
      const importedDays = await store.query<{ day: string }>('SELECT DISTINCT day FROM imported_stats WHERE site_id = ? ORDER BY day', [
        siteA.id,
      ]);
      expect(importedDays.map((r) => r.day)).toEqual(Array.from({ length: 7 }, (_, i) => dayOf(CUTOFF + i * DAY)));
      // The neighbours keep everything.
      expect(await count(store, 'imported_stats', siteC.id)).toBe(20 * IMPORTED_ROWS_PER_DAY);
      expect(await store.listQuarantine(siteC.id, { limit: 1000 })).toHaveLength(20);
      expect(await count(store, 'raw_payloads', siteC.id)).toBe(20);
      expect(await store.dropCounts(siteC.id, '2000-01-01', '2100-01-01')).toHaveLength(20);
    }, 120_000);

    it('stats after retention equal stats computed from the remaining events (rollups included, before and after they are refreshed)', async () => {
      await expectStatsEqual(stats(), siteA, expected);
      await expectStatsEqual(stats(), siteC, expected);
      // The vault followed the retention itself (before any reload): older rows gone, straddling ones recomputed.
      await expectVaultEqual(siteA.id);
      await expectVaultEqual(siteC.id);
      await refresh();
      await expectStatsEqual(stats(), siteA, expected);
      await expectStatsEqual(stats(), siteC, expected);
      await expectVaultEqual(siteA.id);
    }, 120_000);

    it('a second retention run finds nothing left to delete', async () => {
      const [report] = await lifecycle.runRetention();
      expect(total(report!.removed)).toBe(0);
    }, 60_000);

    it("exports a visitor's events and a user's events with their anonymous ones, then erases them", async () => {
      const a = expected.filter((e) => e.site_id === siteA.id);
      const visitor = a[Math.floor(a.length / 2)]!.visitor_id;
      const ids = (rows: Array<Record<string, unknown>>) => rows.map((r) => String(r.event_id)).sort();
      const mine = a.filter((e) => e.visitor_id === visitor);
      const exported = await lifecycle.exportSubject(siteA.id, { visitorId: visitor });
      expect(ids(exported)).toEqual(mine.map((e) => e.event_id).sort());
      expect(Number(exported[0]!.ts)).toBe(Math.min(...mine.map((e) => e.ts)));
      // Another site never answers for this site's subject.
      expect(await lifecycle.exportSubject(siteC.id, { visitorId: visitor })).toEqual([]);

      const user = a.find((e) => e.user_id && e.visitor_id !== visitor)!.user_id!;
      const userVisitors = new Set(a.filter((e) => e.user_id === user).map((e) => e.visitor_id));
      const theirs = a.filter((e) => userVisitors.has(e.visitor_id));
      expect(theirs.some((e) => !e.user_id)).toBe(true); // events from before the sign-up are theirs too
      expect(ids(await lifecycle.exportSubject(siteA.id, { userId: user }))).toEqual(theirs.map((e) => e.event_id).sort());

      // A transaction of each subject: exported with them, then kept for the books with the person unlinked.
      const paid = [transactionOf(mine[0]!, 100), transactionOf(theirs[0]!, 101)];
      // An identify fact links the visitor to an e-mail hash; its id is made of both (revenue/).
      const identity = (e: CanonicalEvent) => ({
        site_id: e.site_id,
        fact_id: `id:hash-id:${e.visitor_id}`,
        kind: 'identity',
        txn_key: 'email:hash-id',
        created: e.ts,
        visitor_id: e.visitor_id,
        data: '{"source":"identify"}',
        version: 1,
      });
      await store.upsertSideRows('revenue_facts', [...paid.map((p) => p.fact), identity(mine[0]!)]);
      await store.upsertSideRows(
        'transactions',
        paid.map((p) => p.txn),
      );
      await store.upsertSideRows(
        'revenue_credits',
        paid.map((p) => p.credit),
      );
      // The subjects' person labels (segments/): their score and segment per visitor id.
      await store.upsertSideRows('person_labels', [
        { site_id: siteA.id, visitor_id: visitor, profile_id: `v${visitor}`, score: 40, segment_id: 's1', computed_at: END, version: 2 },
        ...[...userVisitors].map((v) => ({
          site_id: siteA.id,
          visitor_id: v,
          profile_id: `u${user}`,
          score: 70,
          segment_id: 's2',
          computed_at: END,
          version: 2,
        })),
      ]);
      const side = await store.exportSubjectSideRows(siteA.id, { visitorId: visitor });
      expect(side.revenue_credits!.map((r) => r.credit_id)).toEqual(['last_touch|pi_100|0']);
      expect(side.transactions!.map((r) => r.txn_key)).toEqual(['pi_100']);
      expect(side.revenue_facts!.map((r) => r.fact_id).sort()).toEqual(['evt_100', `id:hash-id:${visitor}`]);
      // The heatmap grid holds counts only: nothing in it is the subject's (their raw samples are events).
      expect(side).not.toHaveProperty('heatmap_cells');
      expect(side.person_labels!.map((r) => [r.visitor_id, r.segment_id])).toEqual([[visitor, 's1']]);
      expect((await store.exportSubjectSideRows(siteA.id, { userId: user })).person_labels!.map((r) => r.visitor_id).sort()).toEqual(
        [...userVisitors].sort(),
      );
      expect((await store.exportSubjectSideRows(siteA.id, { userId: user })).transactions!.map((r) => r.txn_key)).toContain('pi_101');
      expect((await store.exportSubjectSideRows(siteC.id, { visitorId: visitor })).transactions).toEqual([]);
      const booksBefore = await transactionsOf(store, siteA.id);

      // The vault's rows about the subject: the visitor's details, its sessions' and its events'.
      const derived = await lifecycle.exportSubjectDerived(siteA.id, { visitorId: visitor });
      expect(derived.filter((r) => r.vault_table === 'vault_sat_event_details')).toHaveLength(mine.length);
      expect(derived.filter((r) => r.vault_table === 'vault_sat_visitor_details').length).toBeGreaterThanOrEqual(1);
      expect(derived.filter((r) => r.vault_table === 'vault_sat_session_details').length).toBeGreaterThanOrEqual(
        new Set(mine.map((e) => e.session_id)).size,
      );
      expect(await lifecycle.exportSubjectDerived(siteC.id, { visitorId: visitor })).toEqual([]);
      const userRows = await lifecycle.exportSubjectDerived(siteA.id, { userId: user });
      expect(userRows.filter((r) => r.vault_table === 'vault_sat_event_details')).toHaveLength(theirs.length);

      // Replay recordings of the subject are exported (metadata) and erased with it.
      const recordedBy = (vs: Set<string>) => recordings.filter((r) => r.site_id === siteA.id && vs.has(r.visitor));
      const replayRows = (rows: Array<Record<string, unknown>>) =>
        rows.filter((r) => r.replay_recording).map((r) => String(r.replay_recording));
      expect(replayRows(derived).sort()).toEqual(
        recordedBy(new Set([visitor]))
          .map((r) => r.rid)
          .sort(),
      );
      expect(replayRows(userRows).sort()).toEqual(
        recordedBy(userVisitors)
          .map((r) => r.rid)
          .sort(),
      );
      const replayChunksOf = (vs: Set<string>) => recordedBy(vs).length * 2;
      expect(replayChunksOf(new Set([visitor, ...userVisitors])), 'the subjects have recordings').toBeGreaterThan(0);

      const erased = await lifecycle.eraseSubject(siteA.id, { visitorId: visitor });
      expect(erased.replay_chunks ?? 0).toBe(replayChunksOf(new Set([visitor])));
      expect(erased.events).toBe(mine.length);
      expect(erased.vault_hub_event).toBe(mine.length);
      const erasedUser = await lifecycle.eraseSubject(siteA.id, { userId: user });
      expect(erasedUser.events).toBe(theirs.length);
      expect(erasedUser.vault_hub_visitor).toBe(userVisitors.size);
      expect(erasedUser.replay_chunks ?? 0).toBe(replayChunksOf(userVisitors));
      recordings = recordings.filter((r) => !(r.site_id === siteA.id && (r.visitor === visitor || userVisitors.has(r.visitor))));
      await expectReplayEqual(siteA.id);
      expected = expected.filter((e) => !(e.site_id === siteA.id && (e.visitor_id === visitor || userVisitors.has(e.visitor_id))));
      expect(await lifecycle.exportSubject(siteA.id, { visitorId: visitor })).toEqual([]);
      expect(await lifecycle.exportSubject(siteA.id, { userId: user })).toEqual([]);
      expect(await lifecycle.exportSubjectDerived(siteA.id, { visitorId: visitor })).toEqual([]);
      expect(await lifecycle.exportSubjectDerived(siteA.id, { userId: user })).toEqual([]);
      const books = await transactionsOf(store, siteA.id);
      expect(books.map((r) => [r.txn_key, Number(r.amount)])).toEqual(booksBefore.map((r) => [r.txn_key, Number(r.amount)]));
      const unlinked = new Set([visitor, ...userVisitors]);
      for (const r of books) {
        const was = booksBefore.find((b) => b.txn_key === r.txn_key)!;
        if (unlinked.has(was.visitor_id)) expect([r.visitor_id, r.email_hash], r.txn_key).toEqual(['', '']);
        else expect(r.visitor_id, r.txn_key).toBe(was.visitor_id);
      }
      expect((await store.exportSubjectSideRows(siteA.id, { visitorId: visitor })).transactions).toEqual([]);
      // The identify fact only linked the person: it is gone (its id named the visitor); payment facts stay.
      const facts = await store.query<{ fact_id: string; kind: string }>(
        'SELECT fact_id, kind FROM revenue_facts WHERE site_id = ? ORDER BY fact_id',
        [siteA.id],
      );
      const factIds = facts.map((f) => f.fact_id);
      expect(factIds).toEqual(expect.arrayContaining(['evt_100', 'evt_101']));
      expect(factIds).not.toContain(`id:hash-id:${visitor}`);
      expect(erased.revenue_facts_deleted).toBe(1);
      // Person labels only linked the person to a score and segment: deleted, nobody else's touched.
      expect(erased.person_labels_deleted).toBe(1);
      expect(erasedUser.person_labels_deleted).toBe(userVisitors.size);
      const labelled = await store.query<{ visitor_id: string }>('SELECT visitor_id FROM person_labels WHERE site_id = ?', [siteA.id]);
      expect(labelled.map((r) => r.visitor_id).filter((v) => unlinked.has(v))).toEqual([]);
      expect(labelled.length).toBeGreaterThan(0);
      // Credits keep their amounts and session attributes; the ids naming the person are blanked.
      const credits = await store.query<{ txn_key: string; payer: string; visitor_id: string; session_id: string; credit: number }>(
        'SELECT txn_key, payer, visitor_id, session_id, credit FROM revenue_credits WHERE site_id = ? ORDER BY txn_key',
        [siteA.id],
      );
      expect(credits.map((r) => [r.txn_key, Number(r.credit)])).toEqual(booksBefore.map((r) => [r.txn_key, Number(r.amount)]));
      for (const r of credits) {
        const was = booksBefore.find((b) => b.txn_key === r.txn_key)!;
        if (unlinked.has(was.visitor_id)) expect([r.payer, r.visitor_id, r.session_id], r.txn_key).toEqual(['', '', '']);
        else expect(r.visitor_id, r.txn_key).toBe(was.visitor_id);
      }
      await expectVaultEqual(siteA.id);
      await expectStatsEqual(stats(), siteA, expected);
      await refresh();
      await expectStatsEqual(stats(), siteA, expected);
    }, 120_000);

    it('deleting a site purges all of its data in the background and keeps the purge pending until a settled pass finds nothing', async () => {
      expect(await lifecycle.deleteSite(siteB)).toBe(true);
      expect(await meta.sites.byTrackingId(siteB.tracking_id)).toBeNull();
      await lifecycle.idle();
      const record = await meta.sitePurges.byId(siteB.id);
      expect(record).toMatchObject({ passes: 1, completed_at: null });
      await expectSiteGone(siteB.id);
      expected = expected.filter((e) => e.site_id !== siteB.id);
      await expectStatsEqual(stats(), siteC, expected);
    }, 120_000);

    it('a restart mid-purge finishes it at start, including events that landed after the first pass', async () => {
      // A batch accepted before the deletion commits after the first pass (group commit, Redis stream).
      const late = [...generateTraffic({ siteId: siteB.id, days: 1, end: END, seed: 'lifecycle-late', totalEvents: 200 })];
      await store.write({ events: late, raw: sideRecords(siteB.id, 4).raw.slice(0, 2), quarantine: [], drops: [] });
      expect(await count(store, 'events', siteB.id)).toBe(late.length);
      // The process stops before the job's next pass.
      await lifecycle.idle();
      await engine.release?.();
      await vault.close();
      await replay.close();
      await store.close();
      store = await engine.open(name);
      vault = await Vault.open(store, { lagMs: 0 });
      replay = await openReplayStore(store, replayDir);
      meta = await metaHandle.reopen();
      await refresh();
      lifecycle = newLifecycle();
      // With several jobs processes only the leader runs: a follower's schedule does nothing.
      const follower = lifecycle.schedule({ firstRunMs: 0, everyMs: 20, isLeader: () => false });
      await new Promise((r) => setTimeout(r, 200));
      follower();
      expect(await meta.sitePurges.byId(siteB.id)).toMatchObject({ passes: 1 });
      expect(await count(store, 'events', siteB.id)).toBe(late.length);
      const stop = lifecycle.schedule({ firstRunMs: 0, everyMs: 3_600_000, isLeader: () => true });
      try {
        await waitFor(async () => ((await meta.sitePurges.byId(siteB.id))?.passes ?? 0) >= 2);
        await lifecycle.idle();
      } finally {
        stop();
      }
      await expectSiteGone(siteB.id);
      // Nothing was left for that pass to find? It removed the late events; the next settled pass completes.
      const [pass] = await lifecycle.processPurges();
      expect(pass).toEqual({ site_id: siteB.id, removed: expect.any(Object), completed: true });
      expect(total(pass!.removed)).toBe(0);
      expect((await meta.sitePurges.pending()).map((p) => p.site_id)).not.toContain(siteB.id);
      expect(await meta.sitePurges.isDeletedTrackingId(siteB.tracking_id)).toBe(true);
      // A straggler held up longer than the settling time (a stream backlog) is swept by later runs.
      const straggler = late.slice(0, 5).map((e) => ({ ...e, event_id: e.event_id.replace(/^.{8}/, 'ffffffff') }));
      await store.write({ events: straggler, raw: [], quarantine: [], drops: [] });
      const swept = await lifecycle.processPurges();
      expect(swept).toEqual([{ site_id: siteB.id, removed: expect.objectContaining({ events: 5 }), completed: true }]);
      expect(await count(store, 'events', siteB.id)).toBe(0);
      // The other sites came through the restart and the purge unchanged.
      await expectReplayEqual(siteA.id);
      await expectReplayEqual(siteC.id);
      await expectStatsEqual(stats(), siteA, expected);
      await expectStatsEqual(stats(), siteC, expected);
    }, 180_000);

    async function expectSiteGone(siteId: string): Promise<void> {
      expect(await count(store, 'events', siteId)).toBe(0);
      expect(await count(store, 'raw_payloads', siteId)).toBe(0);
      expect(await count(store, 'transactions', siteId)).toBe(0);
      expect(await count(store, 'revenue_facts', siteId)).toBe(0);
      expect(await count(store, 'heatmap_cells', siteId)).toBe(0);
      expect(await count(store, 'revenue_credits', siteId)).toBe(0);
      expect(await count(store, 'person_labels', siteId)).toBe(0);
      expect(await store.listQuarantine(siteId, { limit: 1000 })).toEqual([]);
      expect(await store.dropCounts(siteId, '2000-01-01', '2100-01-01')).toEqual([]);
      expect(await count(store, 'imported_stats', siteId)).toBe(0);
      const derived = (await engine.derivedRows?.(store, siteId)) ?? {};
      for (const [table, n] of Object.entries(derived)) expect(n, table).toBe(0);
      for (const [table, n] of Object.entries(await vault.counts(siteId))) expect(n, table).toBe(0);
      expect((await replay.list(siteId, allRecordings)).total, 'replay recordings').toBe(0);
      expect(fs.existsSync(`${replayDir}/${siteId}`), 'replay files').toBe(false);
      const none = await stats().query(
        parseQuery({
          site_id: siteId,
          date_range: { start: '2025-05-01', end: '2025-06-01' },
          metrics: ['visitors', 'events', 'sessions'],
        }),
        { id: siteId, timezone: 'UTC' },
      );
      expect(none.rows[0]).toEqual({ visitors: 0, events: 0, sessions: 0 });
    }
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
