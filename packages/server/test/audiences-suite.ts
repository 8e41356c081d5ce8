import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceDefinition, CanonicalEvent } from '@tidemark/core';
import type { EventStore } from '../src/store';
import { StatsService, type StatsSite } from '../src/stats';
import { ScoringService } from '../src/scoring';
import { AudienceLifecycle, AudienceService } from '../src/audiences';
import { SegmentService, segmentDepsOf, siteProfileScorer } from '../src/segments';
import { openMetaStore, type MetaStore } from '../src/meta';
import { ServerKeys } from '../src/secrets';
import { personOf } from './helpers/people-oracle';
import { profileOracle, profilePayments, writePayments, type Payment } from './helpers/profiles-oracle';
import { ensureCredits, RateTable } from '../src/revenue';
import { SCORING_GOALS, SCORING_NOW, SCORING_RULES, scoringEvents } from './helpers/scoring-fixture';
import { RecordingDestinations } from './helpers/recording-destinations';
import { expectedScore } from './scoring-suite';

/**
 * Audiences (audiences/) on one engine: membership after a full pass, after an incremental pass over
 * new events (joins and leaves) and after time passes equals a plain computation here from the raw
 * events; sizes are recorded per pass; changes reach the sync targets once, in order, retried after a
 * failure; the lifecycle duties remove members.
 */
const DAY = 86_400_000;
const MIN = 60_000;

const DEFS: Record<string, AudienceDefinition> = {
  pricing_hot: { filters: [['is', 'page', ['/pricing']]], period: 'last_12_months', predicates: [{ type: 'score', op: 'gte', value: 30 }] },
  pro_users: {
    filters: [],
    period: 'last_30_days',
    predicates: [
      { type: 'identified', value: true },
      { type: 'trait', key: 'plan', value: 'pro' },
    ],
  },
  docs_recent: {
    filters: [['contains', 'page', ['/doc']]],
    period: 'last_12_months',
    predicates: [{ type: 'last_seen_within', days: 20 }],
  },
  big_spenders: { filters: [], period: 'last_30_days', predicates: [{ type: 'revenue', op: 'gte', value: 15 }] },
  cold_anonymous: {
    filters: [],
    period: 'last_30_days',
    predicates: [
      { type: 'score', op: 'lte', value: 20 },
      { type: 'identified', value: false },
    ],
  },
};

/** The definitions applied by hand to the events at `now`. */
function expectedMembers(events: CanonicalEvent[], def: AudienceDefinition, now: number, payments: Payment[]): Set<string> {
  const person = personOf(events);
  const revenue = new Map([...profileOracle(events, payments)].map(([id, p]) => [id, p.revenue]));
  const byPerson = new Map<string, CanonicalEvent[]>();
  for (const e of events) byPerson.set(person(e), [...(byPerson.get(person(e)) ?? []), e]);
  // last_12_months covers every generated event: a person matches with an event in a session that has a matching event.
  const leafMatches = (e: CanonicalEvent) =>
    def.filters.every((f) => (f[0] === 'is' ? (f[2] as string[]).includes(e.path) : (f[2] as string[]).some((v) => e.path.includes(v))));
  const sessions = new Set(events.filter(leafMatches).map((e) => `${e.session_id}|${e.visitor_id}`));
  const out = new Set<string>();
  for (const [id, list] of byPerson) {
    if (def.filters.length && !list.some((e) => sessions.has(`${e.session_id}|${e.visitor_id}`))) continue;
    const traits: Record<string, string> = {};
    for (const e of [...list].filter((x) => x.name === 'identify').sort((a, b) => a.ts - b.ts || (a.event_id < b.event_id ? -1 : 1)))
      Object.assign(traits, e.props);
    const score = expectedScore(SCORING_RULES, list, id, now).score;
    const lastSeen = Math.max(...list.map((e) => e.ts));
    const ok = def.predicates.every((p) =>
      p.type === 'score'
        ? p.op === 'gte'
          ? score >= p.value
          : score <= p.value
        : p.type === 'identified'
          ? id.startsWith('u') === p.value
          : p.type === 'trait'
            ? traits[p.key] === p.value
            : p.type === 'last_seen_within'
              ? now - lastSeen <= p.days * DAY
              : p.type === 'revenue'
                ? (p.op === 'gte' ? 1 : -1) * ((revenue.get(id) ?? 0) - p.value) >= 0
                : false,
    );
    if (ok) out.add(id);
  }
  return out;
}

/** The fixture's people, with an identify event (a plan and an e-mail address) where a visitor id first carries a user id. */
function audienceEvents(siteId: string): CanonicalEvent[] {
  const seen = new Set<string>();
  const out: CanonicalEvent[] = [];
  let k = 0;
  for (const e of scoringEvents()) {
    out.push({ ...e, site_id: siteId });
    if (!e.user_id || seen.has(`${e.visitor_id}|${e.user_id}`)) continue;
    seen.add(`${e.visitor_id}|${e.user_id}`);
    k += 1;
    const plan = Number(e.user_id.replace(/\D/g, '')) % 3 ? 'pro' : 'free';
    out.push({
      ...e,
      site_id: siteId,
      event_id: `00000000-0000-4000-f000-${String(k).padStart(12, '0')}`,
      name: 'identify',
      ts: e.ts + 1,
      received_at: e.ts + 1,
      props: { plan, email: `${e.user_id}@example.com` },
      engaged_ms: null,
    });
  }
  return out;
}

let n = 0;
function newEvent(base: CanonicalEvent, o: Partial<CanonicalEvent>): CanonicalEvent {
  n += 1;
  return { ...base, event_id: `00000000-0000-4000-e000-${String(n).padStart(12, '0')}`, props: {}, engaged_ms: null, ...o };
}

export function runAudiencesSuite(engine: string, makeStore: () => Promise<EventStore>): void {
  describe(`audiences on ${engine}`, () => {
    let store: EventStore;
    let meta: MetaStore;
    let dir: string;
    let service: AudienceService;
    let stats: StatsService;
    let site: StatsSite;
    let events: CanonicalEvent[];
    let payments: Payment[];
    const ids: Record<string, string> = {};
    const dest = new RecordingDestinations();
    /** docs_recent's expected size at each pass. */
    const docsSizes: Array<{ time: number; size: number }> = [];
    let clock = SCORING_NOW;
    const members = async (name: string) => new Set((await service.store.members(site.id, ids[name]!)).map((m) => m.profile_id));
    const passAll = async () => {
      const out: Record<string, { joined: number; left: number; size: number }> = {};
      for (const name of Object.keys(DEFS)) out[name] = await service.refresh(site, ids[name]!);
      docsSizes.push({ time: clock, size: expectedMembers(events, DEFS.docs_recent!, clock, payments).size });
      return out;
    };

    beforeAll(async () => {
      store = await makeStore();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-audiences-'));
      meta = await openMetaStore({ dataDir: dir });
      const org = await meta.orgs.create('Audiences Inc');
      const rec = await meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com', timezone: 'America/New_York' });
      site = { id: rec.id, timezone: rec.timezone, goals: SCORING_GOALS };
      events = audienceEvents(site.id);
      await store.write({ events, raw: [], quarantine: [], drops: [] });
      payments = profilePayments(events, site.id);
      await writePayments(store, payments);
      // Credits in the reporting currency (EUR, no conversion), brought up to date before passes read them.
      const credits = { currency: 'EUR', rates: new RateTable([]), ratesFingerprint: 'none', now: SCORING_NOW };
      stats = new StatsService(store, { sharedResultsMs: 0, now: () => clock, revenueCredits: (id) => ensureCredits(store, id, credits) });
      await new ScoringService(meta).update(site.id, SCORING_RULES);
      service = new AudienceService({ meta, stats, keys: new ServerKeys(crypto.randomBytes(32)), destinations: dest, now: () => clock });
      const targets: Record<string, unknown> = {
        pricing_hot: { webhook: { url: 'https://hooks.example.com/audiences' } },
        pro_users: { hubspot_list_id: 'hs-101', klaviyo_list_id: 'KlList1' },
      };
      for (const [name, definition] of Object.entries(DEFS))
        ids[name] = (await service.create(site.id, { name, definition, targets: targets[name] ?? {} })).id;
    });
    afterAll(async () => {
      await store?.close();
      await meta?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('computes every audience as the definitions say over the generated people, and syncs the first members', async () => {
      dest.failNext('klaviyo');
      const res = await passAll();
      for (const [name, def] of Object.entries(DEFS)) {
        const want = expectedMembers(events, def, clock, payments);
        expect([...(await members(name))].sort(), name).toEqual([...want].sort());
        expect(res[name]).toMatchObject({ joined: want.size, left: 0, size: want.size });
        // Each audience has members and leaves people out, or this would prove little.
        expect(want.size, name).toBeGreaterThan(2);
        expect(want.size, name).toBeLessThan(new Set(events.map(personOf(events))).size);
      }
      // Each member's summary is the person's as the plain computation has it: revenue, last seen, score.
      const oracle = profileOracle(events, payments);
      for (const m of await service.store.members(site.id, ids.big_spenders!)) {
        const list = oracle.get(m.profile_id)!;
        expect([m.revenue, m.last_seen, m.score]).toEqual([
          list.revenue,
          list.last_seen,
          expectedScore(SCORING_RULES, list.list, m.profile_id, clock).score,
        ]);
      }
      const hub = dest.delivered('hubspot');
      expect(hub).toHaveLength(1);
      expect(hub[0]!.key).toBe(`audience:${ids.pro_users}:1`);
      expect(hub[0]!.change!.list_id).toBe('hs-101');
      expect(hub[0]!.change!.add.map((p) => p.profile_id).sort()).toEqual([...(await members('pro_users'))].sort());
      expect(hub[0]!.change!.add.every((p) => p.email === `${p.user_id}@example.com`)).toBe(true);
      const hook = dest.delivered('deliver');
      expect(hook).toHaveLength(1);
      expect(hook[0]!.action).toMatchObject({ type: 'webhook', url: 'https://hooks.example.com/audiences' });
      expect((hook[0]!.action as { secret: string }).secret.length).toBeGreaterThan(15);
      // Klaviyo failed: its change waits, with the error shown.
      expect(dest.delivered('klaviyo')).toHaveLength(0);
      const pro = await service.get(site.id, ids.pro_users!);
      expect(pro.sync.find((s) => s.target === 'klaviyo')).toMatchObject({ pending_changes: 1, last_error: 'HTTP 503 from the provider' });
      expect(pro.sync.find((s) => s.target === 'hubspot')).toMatchObject({ pending_changes: 0, last_error: null });
    });

    it('updates incrementally after new events: joins and leaves, synced once and in order', async () => {
      const before = Object.fromEntries(await Promise.all(Object.keys(DEFS).map(async (k) => [k, await members(k)] as const)));
      clock += 15 * MIN;
      const at = clock - 5 * MIN;
      const template = events[0]!;
      const fresh = (o: Partial<CanonicalEvent>) => newEvent(template, { ts: at, received_at: at, user_id: '', ...o });
      // A new anonymous visitor who reads pricing, contact and docs pages: joins pricing_hot and docs_recent.
      const added: CanonicalEvent[] = ['/', '/pricing', '/contact/sales', '/docs/start'].map((p, i) =>
        fresh({ visitor_id: 'vis-new-1', session_id: 'sess-new-1', name: 'page_view', path: p, ts: at + i }),
      );
      // A pro user becomes free: leaves pro_users.
      const leaver = [...before.pro_users!].sort()[0]!.slice(1);
      const leaverVid = events.find((e) => e.user_id === leaver)!.visitor_id;
      added.push(fresh({ visitor_id: leaverVid, session_id: 'sess-new-2', name: 'identify', user_id: leaver, props: { plan: 'free' } }));
      // A cold anonymous visitor identifies as a new pro user: the anonymous profile leaves, the user joins.
      const cold = [...before.cold_anonymous!].sort()[0]!;
      added.push(
        fresh({
          visitor_id: cold.slice(1),
          session_id: 'sess-new-3',
          name: 'identify',
          user_id: 'fresh-pro',
          props: { plan: 'pro', email: 'f@example.com' },
        }),
      );
      await store.write({ events: added, raw: [], quarantine: [], drops: [] });
      events = [...events, ...added];
      const res = await passAll();
      for (const [name, def] of Object.entries(DEFS)) {
        const want = expectedMembers(events, def, clock, payments);
        const got = await members(name);
        expect([...got].sort(), name).toEqual([...want].sort());
        expect(res[name], name).toEqual({
          joined: [...want].filter((p) => !before[name]!.has(p)).length,
          left: [...before[name]!].filter((p) => !want.has(p)).length,
          size: want.size,
          synced: true,
        });
      }
      expect(await members('pricing_hot')).toContain('vvis-new-1');
      expect(await members('pro_users')).not.toContain(`u${leaver}`);
      expect(await members('pro_users')).toContain('ufresh-pro');
      expect(await members('cold_anonymous')).not.toContain(cold);
      // Klaviyo got change 1 (retried) then 2; HubSpot change 2; each key succeeded once per provider.
      const kl = dest.delivered('klaviyo');
      expect(kl.map((d) => d.key)).toEqual([`audience:${ids.pro_users}:1`, `audience:${ids.pro_users}:2`]);
      const hub = dest.delivered('hubspot');
      expect(hub.map((d) => d.key)).toEqual([`audience:${ids.pro_users}:1`, `audience:${ids.pro_users}:2`]);
      expect(hub[1]!.change!.remove.map((p) => p.profile_id)).toEqual([`u${leaver}`]);
      expect(hub[1]!.change!.remove[0]!.email).toBe(`${leaver}@example.com`);
      expect(hub[1]!.change!.add.map((p) => p.profile_id)).toEqual(['ufresh-pro']);
      const pro = await service.get(site.id, ids.pro_users!);
      expect(pro.sync.every((s) => s.pending_changes === 0 && s.last_error === null)).toBe(true);
      // A pass without change sends nothing.
      const sent = dest.sent.length;
      await service.refresh(site, ids.pro_users!);
      expect(dest.sent.length).toBe(sent);
    });

    it('lets people go as time passes, and keeps the size of every pass', async () => {
      clock += 30 * DAY;
      await passAll();
      for (const [name, def] of Object.entries(DEFS))
        expect([...(await members(name))].sort(), name).toEqual([...expectedMembers(events, def, clock, payments)].sort());
      expect((await members('docs_recent')).size).toBeLessThan(5);
      const sizes = await service.sizes(site.id, ids.docs_recent!, { days: '3650' });
      expect(sizes.points.map((p) => p.time)).toEqual([SCORING_NOW, SCORING_NOW + 15 * MIN, clock]);
      expect(sizes.points).toEqual(docsSizes);
      expect(new Set(docsSizes.map((p) => p.size)).size).toBeGreaterThan(1);
    });

    it('keeps the people of a segment, as their profiles name it', async () => {
      const segments = new SegmentService({ ...segmentDepsOf({ meta, stats, events: store }), now: () => clock });
      await segments.train(site);
      const scorer = siteProfileScorer({ meta, stats, events: store, now: () => clock });
      // What the People page shows: every profile with its segment.
      const bySegment = new Map<string, string[]>();
      for (let offset = 0; ; offset += 200) {
        const page = await stats.profiles(site, { limit: '200', offset: String(offset) }, await scorer(site));
        for (const p of page.profiles) if (p.segment) bySegment.set(p.segment.id, [...(bySegment.get(p.segment.id) ?? []), p.id]);
        if (offset + 200 >= page.total) break;
      }
      const [segmentId, people] = [...bySegment].sort((a, b) => b[1].length - a[1].length)[0]!;
      expect(bySegment.size).toBeGreaterThan(1);
      const withSegments = new AudienceService({
        meta,
        stats,
        keys: new ServerKeys(crypto.randomBytes(32)),
        destinations: dest,
        scorer,
        now: () => clock,
      });
      const a = await withSegments.create(site.id, {
        name: 'Largest segment',
        definition: { predicates: [{ type: 'segment', value: segmentId }] },
      });
      expect(await withSegments.refresh(site, a.id)).toMatchObject({ joined: people.length, size: people.length });
      expect((await withSegments.store.members(site.id, a.id)).map((m) => m.profile_id).sort()).toEqual([...people].sort());
    });

    it('removes the members whose people have no events left, and a data subject everywhere', async () => {
      const life = new AudienceLifecycle(service.store, stats);
      const pro = await members('pro_users');
      const subject = [...pro].find((p) => p !== 'ufresh-pro')!;
      const exported = await life.exportSubject(site.id, { userId: subject.slice(1) });
      expect(exported.filter((r) => r.audience_table === 'audience_members').map((r) => r.audience_id)).toContain(ids.pro_users);
      const removed = await life.eraseSubject(site.id, { userId: subject.slice(1) });
      expect(removed.audience_members).toBeGreaterThanOrEqual(1);
      expect(await members('pro_users')).not.toContain(subject);
      expect(await life.exportSubject(site.id, { userId: subject.slice(1) })).toEqual([]);
      // Retention: the events before the cutoff go; members with no event left follow, the others stay.
      const cutoff = Date.parse('2024-03-01T00:00:00Z');
      await store.purgeSiteBefore(site.id, cutoff);
      const kept = events.filter((e) => e.ts >= cutoff);
      const alive = new Set(kept.map(personOf(kept)));
      const beforeRetention = await members('pricing_hot');
      await life.purgeSiteBefore(site.id, cutoff);
      const after = await members('pricing_hot');
      expect([...after].sort()).toEqual([...beforeRetention].filter((p) => alive.has(p)).sort());
      expect(after.size).toBeLessThan(beforeRetention.size);
      expect((await service.get(site.id, ids.pricing_hot!)).size).toBe(after.size);
      // Site purge: nothing of the site's audiences is left.
      await life.purgeSite(site.id);
      expect(await service.list(site.id)).toEqual([]);
      const left = await service.store.db.selectFrom('audience_members').select('profile_id').where('site_id', '=', site.id).execute();
      expect(left).toEqual([]);
    });
  });
}
