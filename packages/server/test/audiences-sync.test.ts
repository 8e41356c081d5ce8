import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@tidemark/core';
import { UnconfiguredMailer } from '../src/auth';
import { signWebhook } from '../src/alerts';
import { AudienceLifecycle, AudienceService } from '../src/audiences';
import { createDestinations } from '../src/destinations';
import { ServerKeys } from '../src/secrets';
import { StatsService, type StatsSite } from '../src/stats';
import type { EventStore } from '../src/store';
import { makeEvent } from './helpers/events';
import { startRecorder } from './helpers/http-recorder';
import { openTestMeta, postgresAvailable, type MetaEngineHandle, type MetaEngineName } from './helpers/meta-engines';
import { HubSpotFake, KlaviyoFake } from './helpers/provider-fakes';
import { openLocalDuckDbStore } from './helpers/stats';

/**
 * An audience's changes through the real destinations (destinations/) to a local webhook receiver and
 * local HubSpot- and Klaviyo-shaped servers that check every request as the providers document it:
 * joins and leaves arrive once, a failed provider is retried by the next pass under the same key, and
 * the lists end up holding exactly the members' e-mails.
 */
const keys = ServerKeys.fromString('audiences-sync-test-secret-0123456789abcdef01');
const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const KLAVIYO_KEY = 'pk_abcdef0123456789abcdef0123456789ab';

const pgStatus = await postgresAvailable();
const engines: Array<{ engine: MetaEngineName; run: boolean }> = [
  { engine: 'sqlite', run: true },
  { engine: 'postgres', run: pgStatus.ok },
];

for (const { engine, run } of engines)
  describe.skipIf(!run)(`audience syncs to a webhook, HubSpot and Klaviyo (${engine} metadata${run ? '' : `: ${pgStatus.reason}`})`, () => {
    let h: MetaEngineHandle;
    let store: EventStore;
    let service: AudienceService;
    let site: StatsSite;
    let audienceId: string;
    let secret: string;
    const hubspot = new HubSpotFake(HUBSPOT_TOKEN, ['777']);
    const klaviyo = new KlaviyoFake(KLAVIYO_KEY, ['KlPro1']);
    let hs: Awaited<ReturnType<typeof startRecorder>>;
    let kl: Awaited<ReturnType<typeof startRecorder>>;
    let hook: Awaited<ReturnType<typeof startRecorder>>;
    let failHook = 0;

    const identify = (user: string, plan: string): CanonicalEvent => {
      const ts = Date.now() - 60_000;
      return makeEvent({
        site_id: site.id,
        visitor_id: `vis-${user}`,
        session_id: `s-${user}-${plan}`,
        ts,
        received_at: ts,
        name: 'identify',
        user_id: user,
        props: { plan, email: `${user}@example.com` },
      });
    };
    const write = (events: CanonicalEvent[]) => store.write({ events, raw: [], quarantine: [], drops: [] });
    /** What the three receivers hold: the members as e-mails. */
    const lists = () => ({ hubspot: hubspot.members('777'), klaviyo: klaviyo.members('KlPro1') });
    const hookBodies = () => hook.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

    beforeAll(async () => {
      h = await openTestMeta(engine);
      store = await openLocalDuckDbStore();
      const org = await h.meta.orgs.create('Sync Inc');
      const rec = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
      site = { id: rec.id, timezone: rec.timezone, goals: [] };
      hs = await startRecorder(hubspot.handle);
      kl = await startRecorder(klaviyo.handle);
      hook = await startRecorder(() => (failHook-- > 0 ? { status: 503 } : { status: 200, body: { ok: true } }));
      const destinations = createDestinations({
        meta: h.meta,
        keys,
        mailer: new UnconfiguredMailer(() => {}),
        outbound: { allowPrivate: true },
      });
      await destinations.connections.put(site.id, 'hubspot', { token: HUBSPOT_TOKEN, base_url: hs.url });
      await destinations.connections.put(site.id, 'klaviyo', { token: KLAVIYO_KEY, base_url: kl.url });
      service = new AudienceService({ meta: h.meta, stats: new StatsService(store, { sharedResultsMs: 0 }), keys, destinations });
      const a = await service.create(site.id, {
        name: 'Pro users',
        definition: { predicates: [{ type: 'trait', key: 'plan', value: 'pro' }] },
        targets: { webhook: { url: `${hook.url}/audiences` }, hubspot_list_id: '777', klaviyo_list_id: 'KlPro1' },
      });
      audienceId = a.id;
      secret = a.targets.webhook!.secret!;
    });
    afterAll(async () => {
      await Promise.all([hs?.close(), kl?.close(), hook?.close()]);
      await store?.close();
      await h?.cleanup();
    });

    it('sends the first members to every target; a failing provider waits and is retried by the next pass', async () => {
      await write([identify('ann', 'pro'), identify('bob', 'pro'), identify('cy', 'pro'), identify('dee', 'free')]);
      hubspot.failNext({ status: 500, body: { status: 'error', message: 'internal', category: 'INTERNAL' } });
      expect(await service.refresh(site, audienceId)).toEqual({ joined: 3, left: 0, size: 3, synced: false });
      const want = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
      expect(lists()).toEqual({ hubspot: [], klaviyo: want });
      const shown = await service.get(site.id, audienceId);
      expect(shown.sync.find((s) => s.target === 'hubspot')).toMatchObject({
        pending_changes: 1,
        last_error: expect.stringMatching(/500/),
      });
      // The webhook: one signed POST with the change, keyed by audience and sequence.
      expect(hook.requests).toHaveLength(1);
      const req = hook.requests[0]!;
      const t = Number(req.headers['x-tidemark-timestamp']);
      expect(req.headers['x-tidemark-signature']).toBe(signWebhook(secret, req.body, t));
      expect(req.headers['idempotency-key']).toBe(`audience:${audienceId}:1`);
      const body = hookBodies()[0]!;
      expect(body).toMatchObject({ audience: { id: audienceId, name: 'Pro users' }, seq: 1, removed: [] });
      expect((body.added as Array<{ email: string }>).map((p) => p.email).sort()).toEqual(want);

      // Nothing changed, but HubSpot's change is still owed: the next pass delivers it.
      expect(await service.refresh(site, audienceId)).toEqual({ joined: 0, left: 0, size: 3, synced: true });
      expect(lists()).toEqual({ hubspot: want, klaviyo: want });
      expect(hook.requests).toHaveLength(1);
      expect(hubspot.problems).toEqual([]);
      expect(klaviyo.problems).toEqual([]);
    });

    it('mirrors joins and leaves once, in order, with the webhook retried after a 503', async () => {
      await write([identify('bob', 'free'), identify('dee', 'pro')]);
      failHook = 1;
      expect(await service.refresh(site, audienceId)).toEqual({ joined: 1, left: 1, size: 3, synced: false });
      const want = ['ann@example.com', 'cy@example.com', 'dee@example.com'];
      expect(lists()).toEqual({ hubspot: want, klaviyo: want });
      expect((await service.get(site.id, audienceId)).sync.find((s) => s.target === 'webhook')).toMatchObject({ pending_changes: 1 });
      await service.refresh(site, audienceId);
      const bodies = hookBodies();
      expect(bodies.map((b) => b.seq)).toEqual([1, 2, 2]);
      expect(hook.requests.slice(1).map((r) => r.headers['idempotency-key'])).toEqual([
        `audience:${audienceId}:2`,
        `audience:${audienceId}:2`,
      ]);
      expect((bodies[2]!.added as Array<{ profile_id: string }>).map((p) => p.profile_id)).toEqual(['udee']);
      expect((bodies[2]!.removed as Array<{ profile_id: string }>).map((p) => p.profile_id)).toEqual(['ubob']);
      const shown = await service.get(site.id, audienceId);
      expect(shown.sync.every((s) => s.pending_changes === 0 && s.last_error === null && s.last_ok_at !== null)).toBe(true);
      // A further pass without change sends nothing anywhere.
      const sent = [hs.requests.length, kl.requests.length, hook.requests.length];
      await service.refresh(site, audienceId);
      expect([hs.requests.length, kl.requests.length, hook.requests.length]).toEqual(sent);
      expect(lists()).toEqual({ hubspot: want, klaviyo: want });
    });

    it('keeps the lifecycle duties on this metadata engine: a subject erased, a site purged', async () => {
      const life = new AudienceLifecycle(service.store, new StatsService(store, { sharedResultsMs: 0 }));
      expect((await life.exportSubject(site.id, { userId: 'ann' })).map((r) => r.profile_id)).toEqual(['uann']);
      expect(await life.eraseSubject(site.id, { userId: 'ann' })).toEqual({ audience_members: 1 });
      expect((await service.store.members(site.id, audienceId)).map((m) => m.profile_id)).toEqual(['ucy', 'udee']);
      expect((await service.get(site.id, audienceId)).size).toBe(2);
      await life.purgeSite(site.id);
      expect(await service.list(site.id)).toEqual([]);
      expect(await service.store.members(site.id, audienceId)).toEqual([]);
    });
  });
