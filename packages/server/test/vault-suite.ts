import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery, PASSIVE_EVENT_NAMES, type CanonicalEvent } from '@tidemark/core';
import { generateTraffic } from '@tidemark/testkit';
import type { EventStore } from '../src/store';
import { StatsService } from '../src/stats';
import { hashKey, Vault } from '../src/vault';
import { batchOf } from './helpers/events';

/**
 * The Data Vault layer on one engine (run by vault-duckdb, vault-clickhouse and vault-chdb): loaded from a
 * generated fixture, its counts equal an independent computation over the fixture (plain TypeScript below)
 * and the stats engine's; loading again adds nothing; a rebuild gives the same keys; a late event gives
 * its session and visitor a new satellite row and end-dates the old one; the read views answer.
 */

const END = Date.UTC(2025, 2, 1);
const DAY = 86_400_000;
const PASSIVE = new Set<string>(PASSIVE_EVENT_NAMES);

interface Reference {
  events: number;
  pageviews: number;
  visitors: number;
  sessions: number;
  bounces: number;
  pages: number;
}

function reference(events: CanonicalEvent[]): Reference {
  const sessions = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    const k = `${e.session_id}\u0000${e.visitor_id}`;
    sessions.set(k, [...(sessions.get(k) ?? []), e]);
  }
  let bounces = 0;
  for (const list of sessions.values())
    if (list.filter((e) => e.name === 'page_view').length === 1 && list.every((e) => PASSIVE.has(e.name))) bounces++;
  return {
    events: events.length,
    pageviews: events.filter((e) => e.name === 'page_view').length,
    visitors: new Set(events.map((e) => e.visitor_id)).size,
    sessions: sessions.size,
    bounces,
    pages: new Set(events.map((e) => e.host + e.path)).size,
  };
}

export function runVaultSuite(engineName: string, open: () => Promise<EventStore>): void {
  describe(`Data Vault on ${engineName}`, () => {
    let store: EventStore;
    let vault: Vault;
    let now = END + DAY;
    const A = 'vault-site-a';
    const B = 'vault-site-b';
    let fixture: CanonicalEvent[];
    const mine = (site: string) => fixture.filter((e) => e.site_id === site);
    const final = () => (store.dialect === 'clickhouse' ? ' FINAL' : '');
    const one = async (sql: string, params: unknown[] = []) => Number(Object.values((await store.query(sql, params))[0] ?? { n: 0 })[0]);
    const openVault = () => Vault.open(store, { lagMs: 0, now: () => now });

    beforeAll(async () => {
      store = await open();
      fixture = [
        ...generateTraffic({ siteId: A, days: 10, end: END, seed: 'vault-a', totalEvents: 3000, returningShare: 0.4 }),
        ...generateTraffic({ siteId: B, days: 10, end: END, seed: 'vault-b', totalEvents: 800 }),
      ];
      await store.write(batchOf(fixture));
      vault = await openVault();
    }, 120_000);

    afterAll(async () => {
      await vault?.close();
      await store?.close();
    });

    async function vaultTotals(site: string): Promise<Reference & { pageviewsBySession: number }> {
      const q = (sql: string) => one(sql, [site]);
      return {
        events: await q(`SELECT count(*) AS n FROM vault_hub_event${final()} WHERE site_id = ?`),
        pageviews: await q(`SELECT count(*) AS n FROM vault_current_event_details WHERE site_id = ? AND event_type = 'page_view'`),
        visitors: await q(`SELECT count(*) AS n FROM vault_current_visitor_details WHERE site_id = ?`),
        sessions: await q(`SELECT count(*) AS n FROM vault_current_session_details WHERE site_id = ?`),
        bounces: await q(`SELECT count(*) AS n FROM vault_current_session_details WHERE site_id = ? AND is_bounce = 1`),
        pages: await q(`SELECT count(*) AS n FROM vault_hub_page${final()} WHERE site_id = ?`),
        pageviewsBySession: await q(`SELECT sum(total_page_views) AS n FROM vault_current_session_details WHERE site_id = ?`),
      };
    }

    it('loads every event, session, visitor and page of each site; counts equal the fixture and the stats engine', async () => {
      const ra = await vault.load(A);
      await vault.load(B);
      expect(ra.added.vault_hub_event).toBe(mine(A).length);
      for (const site of [A, B]) {
        const ref = reference(mine(site));
        const got = await vaultTotals(site);
        expect(got, site).toEqual({ ...ref, pageviewsBySession: ref.pageviews });
        // Links: one per event and one per session.
        expect(await one(`SELECT count(*) AS n FROM vault_link_event_session${final()} WHERE site_id = ?`, [site])).toBe(ref.events);
        expect(await one(`SELECT count(*) AS n FROM vault_link_event_page${final()} WHERE site_id = ?`, [site])).toBe(ref.events);
        expect(await one(`SELECT count(*) AS n FROM vault_link_session_visitor${final()} WHERE site_id = ?`, [site])).toBe(ref.sessions);
      }
      const stats = new StatsService(store, { now: () => now, sharedResultsMs: 0 });
      const start = new Date(END - 12 * DAY).toISOString().slice(0, 10);
      const end = new Date(END + DAY).toISOString().slice(0, 10);
      const [kpi] = (
        await stats.query(
          parseQuery({ site_id: A, date_range: { start, end }, metrics: ['visitors', 'sessions', 'events', 'pageviews', 'bounce_rate'] }),
          {
            id: A,
            timezone: 'UTC',
          },
        )
      ).rows;
      const got = await vaultTotals(A);
      expect(kpi).toMatchObject({ visitors: got.visitors, sessions: got.sessions, events: got.events, pageviews: got.pageviews });
      expect(Number(kpi!.bounce_rate)).toBeCloseTo(Math.round((1000 * got.bounces) / got.sessions) / 10, 5);
    }, 180_000);

    it('hash keys are MD5 of the business keys, the same as computed outside the engine', async () => {
      const e = mine(A)[7]!;
      const sessions = await store.query<{ session_hk: string; session_id: string }>(
        `SELECT session_hk, session_id FROM vault_hub_session${final()} WHERE site_id = ? AND session_id = ? AND visitor_id = ?`,
        [A, e.session_id, e.visitor_id],
      );
      expect(sessions).toEqual([{ session_hk: hashKey(A, e.session_id, e.visitor_id), session_id: e.session_id }]);
      const links = await store.query<{ visitor_hk: string }>(
        `SELECT visitor_hk FROM vault_link_session_visitor${final()} WHERE site_id = ? AND session_hk = ?`,
        [A, sessions[0]!.session_hk],
      );
      expect(links).toEqual([{ visitor_hk: hashKey(A, e.visitor_id) }]);
      const [ev] = await store.query<{ k: string }>(
        `SELECT event_hk AS k FROM vault_hub_event${final()} WHERE site_id = ? AND event_id = ?`,
        [A, e.event_id],
      );
      expect(ev?.k).toBe(hashKey(A, e.event_id));
    }, 60_000);

    it('loading again adds nothing', async () => {
      now += 60_000;
      const again = await vault.load(A);
      expect(Object.values(again.added).every((n) => n === 0)).toBe(true);
      expect(await vaultTotals(A)).toEqual({ ...reference(mine(A)), pageviewsBySession: reference(mine(A)).pageviews });
    }, 60_000);

    it('a late event gives its session and visitor a new satellite row and end-dates the old one', async () => {
      const target = mine(A).find((e) => e.name === 'page_view' && mine(A).filter((x) => x.session_id === e.session_id).length >= 2)!;
      const session = mine(A).filter((x) => x.session_id === target.session_id && x.visitor_id === target.visitor_id);
      const lastTs = Math.max(...session.map((x) => x.ts));
      now += 60_000;
      const late: CanonicalEvent = { ...target, event_id: crypto.randomUUID(), name: 'signup', ts: lastTs + 1000, received_at: now - 1000 };
      await store.write(batchOf([late]));
      fixture.push(late);
      const rowsBefore = await one(`SELECT count(*) AS n FROM vault_sat_session_details${final()} WHERE site_id = ?`, [A]);
      now += 1;
      const report = await vault.load(A);
      expect(report.added).toMatchObject({
        vault_hub_event: 1,
        vault_sat_event_details: 1,
        vault_sat_session_details: 1,
        vault_sat_visitor_details: 1,
      });
      expect(report.added.vault_hub_session).toBe(0);
      const hk = hashKey(A, target.session_id, target.visitor_id);
      const history = await store.query<{ load_date: number; load_end_date: number | null; total_events: number; is_bounce: number }>(
        `SELECT load_date, load_end_date, total_events, is_bounce FROM vault_sat_session_details${final()} WHERE site_id = ? AND session_hk = ? ORDER BY load_date`,
        [A, hk],
      );
      expect(history).toHaveLength(2);
      expect(Number(history[0]!.load_end_date)).toBe(Number(history[1]!.load_date));
      expect(history[1]!.load_end_date).toBeNull();
      expect(Number(history[1]!.load_date)).toBe(report.load_date);
      expect(Number(history[1]!.total_events)).toBe(session.length + 1);
      expect(Number(history[0]!.total_events)).toBe(session.length);
      expect(Number(history[1]!.is_bounce)).toBe(0);
      // Only that session changed.
      expect(await one(`SELECT count(*) AS n FROM vault_sat_session_details${final()} WHERE site_id = ?`, [A])).toBe(rowsBefore + 1);
      const [current] = await store.query<{ total_events: number; session_id: string }>(
        'SELECT total_events, session_id FROM vault_current_session_details WHERE site_id = ? AND session_hk = ?',
        [A, hk],
      );
      expect({ ...current, total_events: Number(current!.total_events) }).toEqual({
        total_events: session.length + 1,
        session_id: target.session_id,
      });
      const visitorRows = await store.query<{ load_end_date: number | null; total_events: number }>(
        `SELECT load_end_date, total_events FROM vault_sat_visitor_details${final()} WHERE site_id = ? AND visitor_hk = ? ORDER BY load_date`,
        [A, hashKey(A, target.visitor_id)],
      );
      expect(visitorRows.map((r) => r.load_end_date === null)).toEqual([false, true]);
      expect(Number(visitorRows[1]!.total_events)).toBe(mine(A).filter((x) => x.visitor_id === target.visitor_id).length);
      // The vault still agrees with the fixture.
      expect(await vaultTotals(A)).toEqual({ ...reference(mine(A)), pageviewsBySession: reference(mine(A)).pageviews });
    }, 60_000);

    it('a rebuild gives the same keys and the same current details, one row each', async () => {
      const keys = async () => {
        const out: string[] = [];
        for (const [t, k] of [
          ['vault_hub_event', 'event_hk'],
          ['vault_hub_session', 'session_hk'],
          ['vault_hub_visitor', 'visitor_hk'],
          ['vault_hub_page', 'page_hk'],
          ['vault_link_event_page', 'link_event_page_hk'],
        ] as const)
          for (const r of await store.query<Record<string, string>>(`SELECT ${k} AS k FROM ${t}${final()} WHERE site_id = ?`, [A]))
            out.push(`${t}:${r.k}`);
        return out.sort();
      };
      const diffs = async () =>
        (
          await store.query<{ k: string; h: string }>(
            'SELECT session_hk AS k, hash_diff AS h FROM vault_current_session_details WHERE site_id = ?',
            [A],
          )
        )
          .map((r) => `${r.k}:${r.h}`)
          .sort();
      const before = await keys();
      const diffsBefore = await diffs();
      const bBefore = await vault.counts(B);
      now += 60_000;
      await vault.rebuild(A);
      expect(await keys()).toEqual(before);
      expect(await diffs()).toEqual(diffsBefore);
      // History starts again: one satellite row per session.
      expect(await one(`SELECT count(*) AS n FROM vault_sat_session_details${final()} WHERE site_id = ?`, [A])).toBe(
        reference(mine(A)).sessions,
      );
      // The other site is untouched.
      expect(await vault.counts(B)).toEqual(bBefore);
    }, 120_000);

    it('the scheduled job loads on the leader only', async () => {
      now += 60_000;
      const fresh: CanonicalEvent = {
        ...mine(A)[0]!,
        event_id: crypto.randomUUID(),
        name: 'scheduled_check',
        ts: END + 1000,
        received_at: now - 500,
      };
      await store.write(batchOf([fresh]));
      fixture.push(fresh);
      const events = () => one(`SELECT count(*) AS n FROM vault_hub_event${final()} WHERE site_id = ?`, [A]);
      const before = await events();
      const follower = vault.schedule({ sites: async () => [A], firstRunMs: 0, everyMs: 3_600_000, isLeader: () => false });
      await new Promise((r) => setTimeout(r, 300));
      follower();
      expect(await events()).toBe(before);
      let failed: unknown;
      const leader = vault.schedule({ sites: async () => [A], firstRunMs: 0, everyMs: 3_600_000, onError: (err) => (failed = err) });
      try {
        const deadline = Date.now() + 30_000;
        while ((await events()) === before && Date.now() < deadline && !failed) await new Promise((r) => setTimeout(r, 50));
      } finally {
        leader();
      }
      expect(failed).toBeUndefined();
      expect(await events()).toBe(before + 1);
    }, 60_000);

    it('a vault opened again continues from the stored watermark', async () => {
      await vault.close();
      vault = await openVault();
      now += 60_000;
      const report = await vault.load(A);
      expect(report.from).toBeGreaterThan(END);
      expect(Object.values(report.added).every((n) => n === 0)).toBe(true);
    }, 60_000);
  });
}
