import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnconfiguredMailer } from '../src/auth';
import { createDestinations, type ActionPerson, type DeliveryContext, type Destinations } from '../src/destinations';
import { ServerKeys } from '../src/secrets';
import { startRecorder } from './helpers/http-recorder';
import { openTestMeta, type MetaEngineHandle } from './helpers/meta-engines';
import { HubSpotFake, KlaviyoFake } from './helpers/provider-fakes';

const keys = ServerKeys.fromString('destinations-providers-test-secret-0123456789abcdef');
const HUBSPOT_TOKEN = 'pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const KLAVIYO_KEY = 'pk_0123456789abcdef0123456789abcdef01';

const ctx: DeliveryContext = {
  idempotency_key: 'aud_7:2024-05-29T16:00',
  reason: "audience 'Trial users' changed",
  event: { name: 'signup', ts: Date.parse('2024-05-29T16:00:00Z'), path: '/signup', props: { plan: 'trial' } },
  data: { audience: { id: 'aud_7', name: 'Trial users' } },
};

describe('destinations: HubSpot and Klaviyo through their public APIs', () => {
  let h: MetaEngineHandle;
  let siteId: string;
  let otherSiteId: string;
  let d: Destinations;
  const hubspot = new HubSpotFake(HUBSPOT_TOKEN, ['1234', '5678']);
  const klaviyo = new KlaviyoFake(KLAVIYO_KEY, ['Xy12Ab']);
  let hs: Awaited<ReturnType<typeof startRecorder>>;
  let kl: Awaited<ReturnType<typeof startRecorder>>;

  const person = (i: number, over: Partial<ActionPerson> = {}): ActionPerson => ({
    site_id: siteId,
    profile_id: `u${i}`,
    user_id: String(i),
    email: `person${i}@example.com`,
    traits: { first_name: `P${i}`, last_name: 'Doe', company: 'Acme', plan: 'trial', seats: i, vip: i % 2 === 0, note: null },
    ...over,
  });

  beforeAll(async () => {
    h = await openTestMeta('sqlite');
    const org = await h.meta.orgs.create('Providers Inc');
    siteId = (await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' })).id;
    otherSiteId = (await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' })).id;
    hs = await startRecorder(hubspot.handle);
    kl = await startRecorder(klaviyo.handle);
    d = createDestinations({ meta: h.meta, keys, mailer: new UnconfiguredMailer(() => {}), outbound: { allowPrivate: true } });
    await d.connections.put(siteId, 'hubspot', { token: HUBSPOT_TOKEN, base_url: hs.url });
    await d.connections.put(siteId, 'klaviyo', { token: KLAVIYO_KEY, base_url: `${kl.url}/` });
  });
  afterAll(async () => {
    await hs?.close();
    await kl?.close();
    await h?.cleanup();
  });

  it('creates or updates a HubSpot contact by e-mail with the mapped traits', async () => {
    const before = hs.requests.length;
    expect(await d.deliver({ type: 'hubspot_contact' }, person(1), ctx)).toEqual({ ok: true, status: 200 });
    expect(hubspot.contacts.get('person1@example.com')!.properties).toEqual({
      email: 'person1@example.com',
      firstname: 'P1',
      lastname: 'Doe',
      company: 'Acme',
    });
    // A map of its own: trait → property; values as strings; again the same contact.
    expect(
      await d.deliver({ type: 'hubspot_contact', properties: { plan: 'tidemark_plan', seats: 'numemployees' } }, person(1), ctx),
    ).toMatchObject({
      ok: true,
    });
    expect(hubspot.contacts.size).toBe(1);
    expect(hubspot.contacts.get('person1@example.com')!.properties).toMatchObject({ tidemark_plan: 'trial', numemployees: '1' });
    const req = hs.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/crm/v3/objects/contacts/batch/upsert');
    expect(JSON.parse(req.body)).toEqual({
      inputs: [
        {
          idProperty: 'email',
          id: 'person1@example.com',
          properties: { email: 'person1@example.com', firstname: 'P1', lastname: 'Doe', company: 'Acme' },
        },
      ],
    });
    // No e-mail: nothing sent, not retryable.
    const sent = hs.requests.length;
    expect(await d.deliver({ type: 'hubspot_contact' }, person(2, { email: null }), ctx)).toMatchObject({ ok: false, retryable: false });
    expect(hs.requests.length).toBe(sent);
    expect(hubspot.problems).toEqual([]);
  });

  it("mirrors a list's changes to HubSpot in batches of 100 and ends with exactly the expected members", async () => {
    const add = Array.from({ length: 250 }, (_, i) => person(100 + i, i % 10 === 0 ? { email: null } : {}));
    const first = hs.requests.length;
    expect(await d.syncList(siteId, 'hubspot', { list_id: '1234', add, remove: [] }, ctx)).toEqual({ ok: true });
    // Removed: 120 people, 20 of whom HubSpot never heard of (207 on the read), plus one without e-mail.
    const remove = [...add.slice(0, 100), ...Array.from({ length: 20 }, (_, i) => person(900 + i)), person(999, { email: null })];
    expect(await d.syncList(siteId, 'hubspot', { list_id: '1234', add: [], remove }, ctx)).toEqual({ ok: true });
    const expected = new Set(add.filter((p) => p.email).map((p) => p.email!));
    for (const p of remove) if (p.email) expected.delete(p.email);
    expect(hubspot.members('1234')).toEqual([...expected].sort());
    expect(hubspot.members('5678')).toEqual([]);
    const sent = hs.requests.slice(first);
    const upserts = sent.filter((r) => r.url.endsWith('/batch/upsert')).map((r) => JSON.parse(r.body).inputs.length);
    expect(upserts).toEqual([100, 100, 25]);
    const reads = sent.filter((r) => r.url.endsWith('/batch/read')).map((r) => JSON.parse(r.body).inputs.length);
    // 90 of the first 100 added have an e-mail, plus the 20 unknown ones.
    expect(reads).toEqual([100, 10]);
    expect(sent.filter((r) => r.method === 'PUT').every((r) => r.url === '/crm/v3/lists/1234/memberships/add-and-remove')).toBe(true);
    expect(hubspot.problems).toEqual([]);
  });

  it('classifies HubSpot errors: 429 and 5xx retryable, a bad token or a missing list not, with the provider message', async () => {
    hubspot.failNext({
      status: 429,
      body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', category: 'RATE_LIMITS' },
    });
    const limited = await d.deliver({ type: 'hubspot_contact' }, person(3), ctx);
    expect(limited).toMatchObject({ ok: false, retryable: true, status: 429 });
    expect((limited as { error: string }).error).toContain('ten_secondly_rolling');
    hubspot.failNext({ status: 502, body: 'Bad gateway' });
    expect(await d.deliver({ type: 'hubspot_contact' }, person(3), ctx)).toMatchObject({ ok: false, retryable: true, status: 502 });
    const missing = await d.syncList(siteId, 'hubspot', { list_id: '404404', add: [person(3)], remove: [] }, ctx);
    expect(missing).toMatchObject({ ok: false, retryable: false, status: 404, error: 'HTTP 404: List not found' });

    await d.connections.put(otherSiteId, 'hubspot', { token: 'pat-na1-wrong-token', base_url: hs.url });
    const wrong = await d.deliver({ type: 'hubspot_contact' }, person(3, { site_id: otherSiteId }), ctx);
    expect(wrong).toMatchObject({ ok: false, retryable: false, status: 401, error: 'HTTP 401: Authentication credentials not found.' });
    expect(await d.testConnection(otherSiteId, 'hubspot')).toEqual({
      ok: false,
      status: 401,
      error: 'HTTP 401: Authentication credentials not found.',
    });
    expect(await d.testConnection(siteId, 'hubspot')).toEqual({ ok: true, status: 200, error: null });
    expect(hs.requests.at(-1)).toMatchObject({ method: 'GET', url: '/crm/v3/objects/contacts?limit=1' });
    await d.connections.remove(otherSiteId, 'hubspot');
    expect(await d.deliver({ type: 'hubspot_contact' }, person(3, { site_id: otherSiteId }), ctx)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/no HubSpot connection/),
    });
  });

  it('upserts Klaviyo profiles and records events once per idempotency key', async () => {
    const before = kl.requests.length;
    expect(await d.deliver({ type: 'klaviyo_profile' }, person(1), ctx)).toEqual({ ok: true, status: 201 });
    expect(await d.deliver({ type: 'klaviyo_profile' }, person(1), ctx)).toEqual({ ok: true, status: 200 });
    const req = kl.requests[before]!;
    expect(req).toMatchObject({ method: 'POST', url: '/api/profile-import' });
    expect(req.headers.revision).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.parse(req.body)).toEqual({
      data: {
        type: 'profile',
        attributes: {
          email: 'person1@example.com',
          external_id: '1',
          first_name: 'P1',
          last_name: 'Doe',
          organization: 'Acme',
          properties: { tidemark_profile_id: 'u1', plan: 'trial', seats: 1, vip: false },
        },
      },
    });
    // An anonymous visitor has no identifier Klaviyo accepts.
    expect(await d.deliver({ type: 'klaviyo_profile' }, person(5, { email: null, user_id: null }), ctx)).toMatchObject({
      ok: false,
      retryable: false,
    });

    const ev = { type: 'klaviyo_event' as const, metric: 'Viewed pricing' };
    expect(await d.deliver(ev, person(1), ctx)).toEqual({ ok: true, status: 202 });
    expect(await d.deliver(ev, person(1), ctx)).toEqual({ ok: true, status: 202 });
    expect(await d.deliver(ev, person(1), { ...ctx, idempotency_key: 'another' })).toMatchObject({ ok: true });
    expect(klaviyo.events.map((e) => e.unique_id)).toEqual([ctx.idempotency_key, 'another']);
    expect(klaviyo.events[0]).toEqual({
      metric: 'Viewed pricing',
      unique_id: ctx.idempotency_key,
      profile: { email: 'person1@example.com', external_id: '1' },
      properties: { plan: 'trial', audience: { id: 'aud_7', name: 'Trial users' }, reason: ctx.reason, event: 'signup', path: '/signup' },
      time: '2024-05-29T16:00:00.000Z',
    });
    expect(klaviyo.problems).toEqual([]);
  });

  it("mirrors a list's changes to Klaviyo: bulk import jobs of at most 10,000, removals by profile id in pages of 100", async () => {
    const add = Array.from({ length: 10_050 }, (_, i) => person(20_000 + i, i % 1000 === 0 ? { email: null } : {}));
    const first = kl.requests.length;
    expect(await d.syncList(siteId, 'klaviyo', { list_id: 'Xy12Ab', add, remove: [] }, ctx)).toEqual({ ok: true });
    expect(klaviyo.jobs).toEqual([10_000, 39]);
    const remove = [...add.slice(1, 151), person(99_999)];
    expect(await d.syncList(siteId, 'klaviyo', { list_id: 'Xy12Ab', add: [], remove }, ctx)).toEqual({ ok: true });
    const expected = new Set(add.filter((p) => p.email).map((p) => p.email!));
    for (const p of remove) expected.delete(p.email!);
    expect(klaviyo.members('Xy12Ab')).toEqual([...expected].sort());
    const sent = kl.requests.slice(first);
    const lookups = sent.filter((r) => r.method === 'GET');
    expect(
      lookups.map((r) => JSON.parse(/any\(email,(\[.*\])\)/.exec(new URL(r.url, 'http://x').searchParams.get('filter')!)![1]!).length),
    ).toEqual([100, 51]);
    const deletes = sent.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.url)).toEqual(['/api/lists/Xy12Ab/relationships/profiles', '/api/lists/Xy12Ab/relationships/profiles']);
    expect(deletes.map((r) => JSON.parse(r.body).data.length)).toEqual([100, 50]);
    expect(klaviyo.problems).toEqual([]);
  });

  it('keeps bulk import jobs under 5 MB and names each e-mail once per batch', async () => {
    const before = klaviyo.jobs.length;
    // 3,000 people with 2 KB of traits each: about 6 MB, so two jobs.
    const bulky = Array.from({ length: 3000 }, (_, i) => person(40_000 + i, { traits: { first_name: `B${i}`, notes: 'x'.repeat(2000) } }));
    expect(await d.syncList(siteId, 'klaviyo', { list_id: 'Xy12Ab', add: bulky, remove: [] }, ctx)).toEqual({ ok: true });
    const jobs = klaviyo.jobs.slice(before);
    expect(jobs.length).toBe(2);
    expect(jobs.reduce((a, b) => a + b, 0)).toBe(3000);
    const bodies = kl.requests.filter((r) => r.url === '/api/profile-bulk-import-jobs').slice(-2);
    for (const b of bodies) expect(Buffer.byteLength(b.body)).toBeLessThan(5_000_000);

    // The same address twice (in other case) and a visitor and a user profile sharing it: one upsert input.
    const upsertsBefore = hs.requests.length;
    const twins = [
      person(60),
      person(61, { email: 'PERSON60@example.com' }),
      person(62, { email: 'person60@example.com', profile_id: 'vabc' }),
    ];
    expect(await d.syncList(siteId, 'hubspot', { list_id: '5678', add: twins, remove: [] }, ctx)).toEqual({ ok: true });
    const upsert = hs.requests.slice(upsertsBefore).find((r) => r.url.endsWith('/batch/upsert'))!;
    expect(JSON.parse(upsert.body).inputs.map((x: { id: string }) => x.id)).toEqual(['person60@example.com']);
    expect(hubspot.members('5678')).toEqual(['person60@example.com']);
  });

  it('keeps other sites’ people out of a sync, and classifies Klaviyo errors', async () => {
    const before = klaviyo.jobs.length;
    const stranger = person(77, { site_id: otherSiteId, email: 'stranger@example.com' });
    expect(await d.syncList(siteId, 'klaviyo', { list_id: 'Xy12Ab', add: [stranger, person(78)], remove: [] }, ctx)).toEqual({ ok: true });
    expect(klaviyo.jobs.slice(before)).toEqual([1]);
    expect(klaviyo.members('Xy12Ab')).not.toContain('stranger@example.com');

    klaviyo.failNext({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { errors: [{ status: 429, code: 'throttled', detail: 'Request was throttled. Expected available in 3 seconds.' }] },
    });
    expect(await d.deliver({ type: 'klaviyo_profile' }, person(1), ctx)).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
      error: 'HTTP 429: Request was throttled. Expected available in 3 seconds.',
      retry_after_ms: 3000,
    });
    klaviyo.failNext({ status: 503, body: '' });
    expect(await d.deliver({ type: 'klaviyo_event', metric: 'X' }, person(1), ctx)).toMatchObject({
      ok: false,
      retryable: true,
      status: 503,
    });
    expect(await d.syncList(siteId, 'klaviyo', { list_id: 'nope', add: [person(1)], remove: [] }, ctx)).toMatchObject({
      ok: false,
      retryable: false,
      status: 404,
    });
    expect(await d.testConnection(siteId, 'klaviyo')).toEqual({ ok: true, status: 200, error: null });
    await d.connections.put(otherSiteId, 'klaviyo', { token: 'pk_wrong_key_123', base_url: kl.url });
    expect(await d.testConnection(otherSiteId, 'klaviyo')).toEqual({
      ok: false,
      status: 401,
      error: 'HTTP 401: Missing or invalid private key.',
    });
  });

  it('refuses provider base URLs on private addresses unless the admin allowed them', async () => {
    const guarded = createDestinations({ meta: h.meta, keys, mailer: new UnconfiguredMailer(() => {}), outbound: {} });
    const before = hs.requests.length + kl.requests.length;
    for (const r of [
      await guarded.deliver({ type: 'hubspot_contact' }, person(1), ctx),
      await guarded.syncList(siteId, 'klaviyo', { list_id: 'Xy12Ab', add: [person(1)], remove: [] }, ctx),
    ])
      expect(r).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/private, loopback or link-local/) });
    expect(await guarded.testConnection(siteId, 'hubspot')).toMatchObject({ ok: false, status: null });
    expect(hs.requests.length + kl.requests.length).toBe(before);
  });
});
