import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent, TriggerInput } from '@tidemark/core';
import type { MetaStore } from '../src/meta';
import type { EventStore } from '../src/store';
import { TriggerLifecycle, type TriggerService } from '../src/triggers';
import { ScoringService } from '../src/scoring';
import { SegmentService, segmentDepsOf, siteProfileScorer } from '../src/segments';
import { StatsService, type PersonFeatures, type StatsSite } from '../src/stats';
import { batchOf, makeEvent } from './helpers/events';
import { SCORING_GOALS, SCORING_NOW, SCORING_RULES, scoringEvents } from './helpers/scoring-fixture';
import { openTestMeta, type MetaEngineHandle, type MetaEngineName } from './helpers/meta-engines';
import { localParts, RecordingDestinations, TestClock, triggerService, zoned } from './helpers/trigger-fixture';

/**
 * Triggers (triggers/) on one event engine and one metadata engine: conditions matched from the events,
 * frequency caps at their edges in the site's zone, quiet hours across DST changes, consent, time-based
 * conditions, the queue (two claimers, retries, dead letters), the dry run against a computation here,
 * and the firings' lifecycle duties.
 */
const TZ = 'Europe/Berlin';
const MIN = 60_000;
const DAY = 86_400_000;
const hook = (n: string) => ({ type: 'webhook' as const, url: `https://hooks.example.com/${n}`, secret: 's3cret' });

export function runTriggersSuite(engine: string, makeStore: () => Promise<EventStore>, metaEngine: MetaEngineName = 'sqlite'): void {
  describe(`triggers on ${engine} with ${metaEngine} metadata`, () => {
    let store: EventStore;
    let handle: MetaEngineHandle;
    let meta: MetaStore;
    let orgId: string;
    const ev = (siteId: string, local: string, over: Partial<CanonicalEvent>): CanonicalEvent => {
      const ts = zoned(local, TZ);
      return makeEvent({ site_id: siteId, ts, received_at: ts, session_id: 's1', user_id: '', props: {}, ...over });
    };
    const newSite = async (name: string) => (await meta.sites.create(orgId, { name, domain: `${name}.example`, timezone: TZ })).id;
    const setup = async (siteId: string, at: string, defs: TriggerInput[], rec = new RecordingDestinations()) => {
      const clock = new TestClock(zoned(at, TZ));
      const svc = triggerService(meta, store, rec, clock);
      const ids = [];
      for (const d of defs) ids.push((await svc.create(siteId, d)).id);
      return { clock, svc, rec, ids };
    };
    const outcomes = async (svc: TriggerService, siteId: string, tid: string) =>
      (await svc.firings(siteId, tid, { limit: '200' })).firings
        .sort((a, b) => a.occurred_at - b.occurred_at)
        .map((f) => [f.profile_id, f.outcome]);

    beforeAll(async () => {
      store = await makeStore();
      handle = await openTestMeta(metaEngine);
      meta = handle.meta;
      orgId = (await meta.orgs.create('Triggers')).id;
    }, 60_000);
    afterAll(async () => {
      await store?.close();
      await handle?.cleanup();
    });

    it('holds caps at their edges (N per local day, 1 per session, once) and sends each queued action once with two claimers', async () => {
      const site = await newSite('caps');
      const { clock, svc, rec, ids } = await setup(site, '2026-01-14T12:00', [
        {
          name: 'Pro pricing',
          condition: { type: 'event', event: { name: 'signup_click', path: '/pricing*', props: { plan: 'pro' } } },
          actions: [hook('day')],
          max_frequency: { count: 1, per: 'day' },
        },
        {
          name: 'Docs',
          condition: { type: 'event', event: { name: 'page_view', path: '/docs' } },
          actions: [hook('session')],
          max_frequency: '1_per_session',
        },
        { name: 'Buyer', condition: { type: 'event', event: { name: 'purchase' } }, actions: [hook('once')], max_frequency: 'once' },
      ]);
      const [dayId, sessionId, onceId] = ids as [string, string, string];
      await store.write(
        batchOf([
          // 23:58 and 23:59 Berlin are one local day (22:58Z, 22:59Z); 00:01 the next, though still 14 January in UTC.
          ev(site, '2026-01-14T23:58', { visitor_id: 'va', name: 'signup_click', path: '/pricing/team', props: { plan: 'pro' } }),
          ev(site, '2026-01-14T23:59', { visitor_id: 'va', name: 'signup_click', path: '/pricing', props: { plan: 'pro' } }),
          ev(site, '2026-01-15T00:01', { visitor_id: 'va', name: 'signup_click', path: '/pricing', props: { plan: 'pro' } }),
          ev(site, '2026-01-15T00:02', { visitor_id: 'va', name: 'signup_click', path: '/pricing', props: { plan: 'free' } }),
          ev(site, '2026-01-15T00:03', { visitor_id: 'va', name: 'signup_click', path: '/about', props: { plan: 'pro' } }),
          // va identifies later: every firing of va is the person's (u-profile).
          ev(site, '2026-01-15T09:00', { visitor_id: 'va', name: 'identify', path: '/account', user_id: 'alice' }),
          ev(site, '2026-01-14T13:00', { visitor_id: 'vb', name: 'page_view', path: '/docs', session_id: 'b1' }),
          ev(site, '2026-01-14T13:05', { visitor_id: 'vb', name: 'page_view', path: '/docs', session_id: 'b1' }),
          ev(site, '2026-01-14T15:00', { visitor_id: 'vb', name: 'page_view', path: '/docs', session_id: 'b2' }),
          ev(site, '2026-01-14T14:00', { visitor_id: 'vc', name: 'purchase', path: '/checkout' }),
          ev(site, '2026-01-15T14:00', { visitor_id: 'vc', name: 'purchase', path: '/checkout' }),
        ]),
      );
      clock.ms = zoned('2026-01-16T12:00', TZ);
      const pass = await svc.evaluate(site);
      expect(pass).toEqual({ occurrences: 8, queued: 5, skipped: 0 });
      expect(await outcomes(svc, site, dayId)).toEqual([
        ['ualice', 'queued'],
        ['ualice', 'capped'],
        ['ualice', 'queued'],
      ]);
      expect(await outcomes(svc, site, sessionId)).toEqual([
        ['vvb', 'queued'],
        ['vvb', 'capped'],
        ['vvb', 'queued'],
      ]);
      expect(await outcomes(svc, site, onceId)).toEqual([
        ['vvc', 'queued'],
        ['vvc', 'capped'],
      ]);
      // A pass that re-reads the same events (here: allowing three days of lateness) decides nothing twice.
      clock.ms += MIN;
      expect(await triggerService(meta, store, rec, clock, { lateMs: 3 * DAY }).evaluate(site)).toEqual({
        occurrences: 8,
        queued: 0,
        skipped: 8,
      });

      // Two processes claim the same due actions at once: each is sent exactly once.
      const other = triggerService(await handle.reopen(), store, rec, clock);
      rec.delayMs = 20;
      const [a, b] = await Promise.all([svc.deliverDue(), other.deliverDue()]);
      expect(a.sent + b.sent).toBe(5);
      expect(rec.sent.length).toBe(5);
      expect(new Set(rec.sent.map((s) => s.ctx.idempotency_key)).size).toBe(5);
      expect(rec.sent.find((s) => s.person.profile_id === 'ualice')?.action).toEqual(hook('day'));
      clock.ms += DAY;
      expect((await svc.deliverDue()).claimed).toBe(0);
      expect(rec.sent.length).toBe(5);

      // The lifecycle duties: the subject's rows are exported and erased, the rest stays; then retention and the site.
      const life = new TriggerLifecycle(meta, store);
      const exported = await life.exportSubject(site, { userId: 'alice' });
      expect(exported.filter((r) => r.trigger_table === 'trigger_firings').length).toBe(3);
      expect(exported.filter((r) => r.trigger_table === 'trigger_actions').length).toBe(2);
      expect(await life.eraseSubject(site, { userId: 'alice' })).toEqual({ trigger_firings: 3, trigger_actions: 2 });
      expect(await life.exportSubject(site, { userId: 'alice' })).toEqual([]);
      expect((await life.exportSubject(site, { visitorId: 'vb' })).length).toBe(3 + 2);
      const cut = await life.purgeSiteBefore(site, zoned('2026-01-15T00:00', TZ));
      expect(cut.trigger_firings).toBe(4); // vb's three and vc's first
      expect(await life.purgeSite(site)).toEqual({ trigger_firings: 1, trigger_actions: 0 });
    });

    it('moves actions due in quiet hours to their end across both DST changes', async () => {
      const site = await newSite('quiet');
      const def: TriggerInput = {
        name: 'Night owls',
        condition: { type: 'event', event: { name: 'page_view', path: '/late' } },
        actions: [hook('quiet')],
        delay_minutes: 15,
        quiet_hours: { start: '22:00', end: '07:00' },
      };
      for (const [created, at, evaluate] of [
        ['2026-03-28T12:00', '2026-03-28T23:30', '2026-03-29T12:00'], // spring forward at 02:00 on the 29th
        ['2026-10-24T12:00', '2026-10-24T23:30', '2026-10-25T12:00'], // fall back at 03:00 on the 25th
      ] as const) {
        const { clock, svc, rec, ids } = await setup(site, created, [def]);
        const e = ev(site, at, { visitor_id: `q-${at}`, path: '/late' });
        await store.write(batchOf([e, ev(site, `${at.slice(0, 11)}20:00`, { visitor_id: `d-${at}`, path: '/late' })]));
        clock.ms = zoned(evaluate, TZ);
        await svc.evaluate(site);
        const firings = (await svc.firings(site, ids[0], {})).firings.sort((a, b) => a.occurred_at - b.occurred_at);
        // Independently: the first minute after the delay whose Berlin clock reads 07:00.
        let due = e.ts + 15 * MIN;
        while (localParts(due, TZ).minutes !== 7 * 60) due += MIN;
        expect(firings.map((f) => [f.due_at, f.quiet_hours])).toEqual([
          [zoned(`${at.slice(0, 11)}20:00`, TZ) + 15 * MIN, false],
          [due, true],
        ]);
        // The hours of that night differ from 9 by the DST change.
        expect((due - zoned(`${at.slice(0, 11)}22:00`, TZ)) / 3_600_000).toBe(at.startsWith('2026-03') ? 8 : 10);
        clock.ms = due - MIN;
        await svc.deliverDue();
        expect(rec.sent.map((s) => s.person.profile_id)).toEqual([`vd-${at}`]);
        clock.ms = due;
        await svc.deliverDue();
        expect(rec.sent.map((s) => s.person.profile_id)).toEqual([`vd-${at}`, `vq-${at}`]);
        await svc.remove(site, ids[0]);
      }
    });

    it('sends nothing to people without marketing consent on a consent-managed site', async () => {
      const site = await newSite('consent');
      await meta.sites.setConsentMode(site, 'required');
      const { clock, svc, ids } = await setup(site, '2026-02-01T10:00', [
        { name: 'Offer', condition: { type: 'event', event: { name: 'page_view', path: '/offer' } }, actions: [hook('offer')] },
      ]);
      await store.write(
        batchOf([
          ev(site, '2026-02-01T11:00', { visitor_id: 'yes', path: '/offer', props: { tm_marketing: 'granted' } }),
          ev(site, '2026-02-01T11:00', { visitor_id: 'no', path: '/offer', props: { tm_marketing: 'declined' } }),
          ev(site, '2026-02-01T11:00', { visitor_id: 'unknown', path: '/offer' }),
          // Granted first, declined later: the latest decision counts.
          ev(site, '2026-02-01T11:00', { visitor_id: 'changed', path: '/offer', props: { tm_marketing: 'granted' } }),
          ev(site, '2026-02-01T11:30', { visitor_id: 'changed', path: '/home', props: { tm_marketing: 'declined' } }),
        ]),
      );
      clock.ms = zoned('2026-02-01T12:00', TZ);
      await svc.evaluate(site);
      const got = Object.fromEntries((await svc.firings(site, ids[0], {})).firings.map((f) => [f.profile_id, f.outcome]));
      expect(got).toEqual({ vyes: 'queued', vno: 'no_consent', vunknown: 'no_consent', vchanged: 'no_consent' });
      expect(await svc.deliverDue()).toMatchObject({ claimed: 1, sent: 1 });
    });

    it('fires for a goal not completed within the time after an event, and for people inactive N days', async () => {
      const site = await newSite('time');
      const goal = await meta.goals.create(site, { name: 'Booked', type: 'event', match: { event_name: 'booking_done' } });
      const { clock, svc, ids } = await setup(site, '2026-01-14T12:00', [
        {
          name: 'Abandoned',
          condition: { type: 'goal_not_completed', after: { name: 'booking_start' }, goal_id: goal.id, within_minutes: 30 },
          actions: [hook('abandoned')],
        },
        { name: 'Dormant', condition: { type: 'inactive', days: 3 }, actions: [hook('dormant')] },
      ]);
      await store.write(
        batchOf([
          ev(site, '2026-01-14T13:00', { visitor_id: 'done', name: 'booking_start', path: '/book' }),
          ev(site, '2026-01-14T13:10', { visitor_id: 'done', name: 'booking_done', path: '/book' }),
          ev(site, '2026-01-14T13:00', { visitor_id: 'left', name: 'booking_start', path: '/book' }),
          ev(site, '2026-01-14T13:00', { visitor_id: 'late', name: 'booking_start', path: '/book' }),
          ev(site, '2026-01-14T13:40', { visitor_id: 'late', name: 'booking_done', path: '/book' }),
          ev(site, '2026-01-12T13:00', { visitor_id: 'gone', path: '/' }),
          ev(site, '2026-01-12T13:00', { visitor_id: 'back', path: '/' }),
          ev(site, '2026-01-15T08:00', { visitor_id: 'back', path: '/' }),
        ]),
      );
      clock.ms = zoned('2026-01-16T12:00', TZ);
      await svc.evaluate(site);
      const abandoned = (await svc.firings(site, ids[0], {})).firings.map((f) => [f.profile_id, f.occurred_at]).sort();
      expect(abandoned).toEqual([
        ['vlate', zoned('2026-01-14T13:30', TZ)],
        ['vleft', zoned('2026-01-14T13:30', TZ)],
      ]);
      const dormant = (await svc.firings(site, ids[1], {})).firings.map((f) => [f.profile_id, f.occurred_at]);
      // gone: last seen the 12th 13:00 → inactive 3 days on the 15th 13:00 (done/left/late: the 17th, after this pass).
      expect(dormant).toEqual([['vgone', zoned('2026-01-15T13:00', TZ)]]);
      expect(await svc.deliverDue()).toMatchObject({ claimed: 3, sent: 3 });
    });

    it('fires for profile predicates: score at least X, segment is Y', async () => {
      const site = await newSite('profiles');
      const clock = new TestClock(zoned('2026-03-02T14:00', TZ));
      const rules = new ScoringService(meta, clock.now);
      // The segment stands in for a trained model's (segments/): people with 3+ page views are in s1.
      const scorer = async (s: StatsSite) => {
        const base = await rules.scorer(s);
        return {
          ...base,
          score: (f: PersonFeatures) => ({ ...base.score(f), segment: f.pageviews >= 3 ? { id: 's1', name: 'Readers' } : null }),
        };
      };
      const events: CanonicalEvent[] = [];
      // busy: three sessions, six page views; once: one view.
      for (let i = 0; i < 6; i++)
        events.push(
          ev(site, `2026-03-02T13:${String(10 + i).padStart(2, '0')}`, { visitor_id: 'busy', session_id: `b${i % 3}`, path: `/p${i}` }),
        );
      events.push(ev(site, '2026-03-02T13:30', { visitor_id: 'once', path: '/' }));
      await store.write(batchOf(events));
      // Independently of the triggers: the profiles' scores as the profile read model gives them; the threshold between them.
      const stats = new StatsService(store, { sharedResultsMs: 0 });
      const statsSite = { id: site, timezone: TZ, goals: [] };
      const score = async (pid: string) => (await stats.profile(statsSite, pid, await rules.scorer(statsSite))).score;
      const [busy, once] = [await score('vbusy'), await score('vonce')];
      expect(busy).toBeGreaterThan(once + 1);
      const threshold = Math.ceil((busy + once) / 2);

      clock.ms = zoned('2026-03-02T12:00', TZ);
      const rec = new RecordingDestinations();
      const svc = triggerService(meta, store, rec, clock, {}, scorer);
      const high = (
        await svc.create(site, { name: 'Hot', condition: { type: 'score_at_least', score: threshold }, actions: [hook('hot')] })
      ).id;
      const seg = (await svc.create(site, { name: 'Readers', condition: { type: 'segment_is', segment_id: 's1' }, actions: [hook('seg')] }))
        .id;
      clock.ms = zoned('2026-03-02T14:00', TZ);
      await svc.evaluate(site);
      const who = async (tid: string) => (await svc.firings(site, tid, {})).firings.map((f) => f.profile_id).sort();
      expect(await who(high)).toEqual(['vbusy']);
      expect(await who(seg)).toEqual(['vbusy']);
      // One firing per person and local day: a second pass the same day adds none.
      clock.ms += 30 * MIN;
      await store.write(batchOf([ev(site, '2026-03-02T14:10', { visitor_id: 'busy', path: '/again' })]));
      expect((await svc.evaluate(site)).queued).toBe(0);
      expect(await svc.deliverDue()).toMatchObject({ sent: 2 });
    });

    it("reads many people's score and segment in one batch, each as the person's own profile read gives them", async () => {
      const site = await newSite('batch-scores');
      // Generated people: identification mid-session, second devices, re-identification; key pages, goals, engaged time.
      await store.write(batchOf(scoringEvents().map((e) => ({ ...e, site_id: site }))));
      await new ScoringService(meta).update(site, SCORING_RULES);
      const stats = new StatsService(store, { sharedResultsMs: 0 });
      const statsSite: StatsSite = { id: site, timezone: TZ, goals: SCORING_GOALS };
      const now = () => SCORING_NOW;
      // A trained segment model, so the scorer names real segments (segments/).
      await new SegmentService({ ...segmentDepsOf({ meta, stats, events: store }), now }).train(statsSite);
      const scorer = await siteProfileScorer({ meta, stats, events: store, now })(statsSite);
      const listed = [];
      for (let offset = 0; ; offset += 200) {
        const page = await stats.profiles(statsSite, { limit: '200', offset: String(offset) }, scorer);
        listed.push(...page.profiles);
        if (offset + 200 >= page.total) break;
      }
      expect(listed.some((p) => p.visitor_ids > 1)).toBe(true);
      const pids = listed.map((p) => p.id);
      const batched = await stats.profileScores(statsSite, [...pids, 'vnobody', pids[0]!], scorer);
      const one = new Map<string, { score: number; segment: string | null }>();
      for (const pid of pids) {
        const p = await stats.profile(statsSite, pid, scorer);
        one.set(pid, { score: p.score, segment: p.segment?.id ?? null });
      }
      expect(new Map([...batched].sort())).toEqual(new Map([...one].sort()));
      expect(new Set([...one.values()].map((p) => p.segment)).size).toBeGreaterThan(1);
      expect(new Set([...one.values()].map((p) => p.score)).size).toBeGreaterThan(10);
    });

    it('retries with backoff, keeps dead letters after the last attempt, and sends a retried one', async () => {
      const site = await newSite('dead');
      const { clock, svc, rec } = await setup(site, '2026-01-14T12:00', [
        { name: 'Flaky', condition: { type: 'event', event: { name: 'page_view', path: '/flaky' } }, actions: [hook('flaky')] },
      ]);
      await store.write(batchOf([ev(site, '2026-01-14T13:00', { visitor_id: 'f1', path: '/flaky' })]));
      clock.ms = zoned('2026-01-14T14:00', TZ);
      await svc.evaluate(site);
      rec.failWith = { ok: false, retryable: true, status: 503, error: 'HTTP 503' };
      expect(await svc.deliverDue()).toMatchObject({ claimed: 1, retried: 1 });
      // The first retry waits 1 s (the test's base), the second 2 s: not before.
      clock.ms += 999;
      expect((await svc.deliverDue()).claimed).toBe(0);
      clock.ms += 1;
      expect(await svc.deliverDue()).toMatchObject({ claimed: 1, retried: 1 });
      clock.ms += 1999;
      expect((await svc.deliverDue()).claimed).toBe(0);
      clock.ms += 1;
      expect(await svc.deliverDue()).toMatchObject({ claimed: 1, dead: 1 });
      const dead = (await svc.deadLetters(site)).dead_letters;
      expect(dead.map((d) => [d.profile_id, d.action_type, d.attempts, d.last_error])).toEqual([['vf1', 'webhook', 3, 'HTTP 503']]);
      rec.failWith = null;
      await svc.retryDead(site, dead[0]!.id);
      expect(await svc.deliverDue()).toMatchObject({ claimed: 1, sent: 1 });
      expect((await svc.deadLetters(site)).dead_letters).toEqual([]);
      expect(rec.sent.length).toBe(1);
    });

    it('dry-runs a definition over 7 days with the numbers a plain computation gives', async () => {
      const site = await newSite('dry');
      const clock = new TestClock(zoned('2026-02-20T12:00', TZ));
      const rec = new RecordingDestinations();
      const svc = triggerService(meta, store, rec, clock);
      await svc.setSettings(site, { global_cap: { count: 3, per: 'week' } });
      // A seeded generator: 40 visitors, clicks spread over 9 days (two before the window).
      let seed = 7;
      const rnd = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const events: CanonicalEvent[] = [];
      for (let v = 0; v < 40; v++)
        for (let k = 0, n = 1 + Math.floor(rnd() * 8); k < n; k++) {
          const ts = clock.ms - Math.floor(rnd() * 9 * DAY);
          events.push(
            makeEvent({
              site_id: site,
              ts,
              received_at: ts,
              visitor_id: `p${v}`,
              session_id: `s${k}`,
              user_id: '',
              name: 'signup_click',
              path: '/pricing',
              props: {},
            }),
          );
        }
      await store.write(batchOf(events));
      const def = {
        name: 'Dry',
        condition: { type: 'event', event: { name: 'signup_click' } },
        actions: [hook('a'), hook('b')],
        delay_minutes: 30,
        max_frequency: { count: 2, per: 'day' },
        quiet_hours: { start: '22:00', end: '07:00' },
      };
      const got = await svc.dryRun(site, def);

      // The plain computation: in time order, per person at most 2 per Berlin day and 3 per Berlin week (from Monday).
      const inWindow = events
        .filter((e) => e.ts >= clock.ms - 7 * DAY && e.ts < clock.ms)
        .sort((a, b) => a.ts - b.ts || (a.event_id < b.event_id ? -1 : 1));
      const weekOf = (date: string) => {
        const d = new Date(`${date}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
        return d.toISOString().slice(0, 10);
      };
      const perDay = new Map<string, number>();
      const perWeek = new Map<string, number>();
      const want = {
        matched: inWindow.length,
        people: new Set(inWindow.map((e) => e.visitor_id)).size,
        allowed: 0,
        capped: 0,
        global_capped: 0,
        no_consent: 0,
        quiet_hours: 0,
      };
      for (const e of inWindow) {
        const { date } = localParts(e.ts, TZ);
        const dk = `${e.visitor_id}|${date}`;
        const wk = `${e.visitor_id}|${weekOf(date)}`;
        if ((perDay.get(dk) ?? 0) >= 2) want.capped++;
        else if ((perWeek.get(wk) ?? 0) >= 3) want.global_capped++;
        else {
          perDay.set(dk, (perDay.get(dk) ?? 0) + 1);
          perWeek.set(wk, (perWeek.get(wk) ?? 0) + 1);
          want.allowed += 2;
          const due = localParts(e.ts + 30 * MIN, TZ).minutes;
          if (due >= 22 * 60 || due < 7 * 60) want.quiet_hours++;
        }
      }
      expect(got).toMatchObject(want);
      // The data reaches every cap, or the comparison would prove little.
      expect(want.capped).toBeGreaterThan(0);
      expect(want.global_capped).toBeGreaterThan(0);
      expect(want.quiet_hours).toBeGreaterThan(0);
      // Nothing was stored or sent.
      expect(rec.sent).toEqual([]);
      expect(await svc.list(site)).toEqual([]);
    });
  });
}
