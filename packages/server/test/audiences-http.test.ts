import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceMemberListSchema, audienceSchema, audienceSizesSchema, type CanonicalEvent } from '@tidemark/core';
import { AudienceService } from '../src/audiences';
import { startCollectServer, type CollectServer } from './helpers/collect';
import { makeEvent } from './helpers/events';
import { RecordingDestinations } from './helpers/recording-destinations';

/**
 * Audiences over HTTP on a real server (SQLite metadata, DuckDB events): bad input, create → refresh →
 * members, sizes and the CSV export (formula-safe), the audit trail, roles and tenancy, the public read.
 * The outgoing provider is a recording stand-in (test/helpers/recording-destinations.ts).
 */
let s: CollectServer;
const dest = new RecordingDestinations();
const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const base = () => `/api/sites/${s.site.id}/audiences`;

/** People: three who viewed /pricing (one identified with a hostile user id and e-mail), two who did not. */
function people(siteId: string): CanonicalEvent[] {
  const now = Date.now() - 3_600_000;
  const ev = (visitor: string, i: number, o: Partial<CanonicalEvent>) =>
    makeEvent({ site_id: siteId, visitor_id: visitor, session_id: `${visitor}-s`, ts: now + i * 1000, path: '/', ...o });
  return [
    ev('p1', 0, { path: '/pricing' }),
    ev('p2', 1, { path: '/pricing' }),
    ev('p3', 2, { path: '/pricing' }),
    ev('p3', 3, { name: 'identify', user_id: '=HYPERLINK("http://x")', props: { email: '@evil@example.com', plan: 'pro' } }),
    ev('n1', 4, { path: '/blog' }),
    ev('n2', 5, { path: '/about' }),
  ];
}

beforeAll(async () => {
  s = await startCollectServer();
  await s.ctx.events.write({ events: people(s.site.id), raw: [], quarantine: [], drops: [] });
  await s.ctx.events.write({ events: people(s.otherSite.id), raw: [], quarantine: [], drops: [] });
  s.ctx.audiences = new AudienceService({ meta: s.ctx.meta, stats: s.ctx.stats, keys: s.ctx.keys, destinations: dest });
});
afterAll(async () => {
  await s?.cleanup();
});

const definition = { filters: [['is', 'page', ['/pricing']]], period: 'last_7_days', predicates: [] };

describe('audiences API', () => {
  it('refuses bad input with coded 4xx answers', async () => {
    for (const body of [
      { name: '', definition },
      { name: 'x', definition: { ...definition, filters: [['is', 'nope', ['a']]] } },
      { name: 'x', definition: { ...definition, filters: [['matches', 'page', ['(?=a)b']]] } },
      { name: 'x', definition: { ...definition, predicates: [{ type: 'score', op: 'gte', value: 101 }] } },
      { name: 'x', definition: { ...definition, predicates: [{ type: 'mood', value: 'happy' }] } },
      { name: 'x', definition, targets: { webhook: { url: 'ftp://example.com' } } },
      { name: 'x', definition, targets: { hubspot_list_id: 'a b' } },
      { name: 'x', definition, extra: 1 },
    ]) {
      const r = await s.request('POST', base(), body, auth(s.keys.write));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await s.request('POST', base(), '{', auth(s.keys.write))).status).toBe(400);
    expect((await s.request('GET', `${base()}/nope/members?limit=0`, undefined, bearer(s.keys.read))).status).toBe(404);
  });

  it('creates, refreshes and lists members, sizes and a formula-safe CSV; every change audited', async () => {
    const created = await s.request(
      'POST',
      base(),
      { name: 'Pricing readers', definition, targets: { webhook: { url: 'https://hooks.example.com/a' }, hubspot_list_id: '42' } },
      auth(s.keys.write),
    );
    expect(created.status, created.text).toBe(201);
    const a = audienceSchema.parse(created.body);
    expect(a.targets.webhook?.secret).toMatch(/.{16,}/);
    const url = `${base()}/${a.id}`;
    expect((await s.request('GET', url, undefined, bearer(s.keys.read))).body.targets.webhook.secret).toBeUndefined();
    const refreshed = await s.request('POST', `${url}/refresh`, undefined, bearer(s.keys.write));
    expect(refreshed.body).toEqual({ joined: 3, left: 0, size: 3, synced: true });
    const members = audienceMemberListSchema.parse((await s.request('GET', `${url}/members?limit=2`, undefined, bearer(s.keys.read))).body);
    expect(members.total).toBe(3);
    expect(members.members).toHaveLength(2);
    const all = audienceMemberListSchema.parse(
      (await s.request('GET', `/v1/sites/${s.site.id}/audiences/${a.id}/members`, undefined, bearer(s.keys.read))).body,
    );
    expect(all.members.map((m) => m.profile_id).sort()).toEqual(['u=HYPERLINK("http://x")', 'vp1', 'vp2']);
    expect((await s.request('GET', `${url}/members?limit=501`, undefined, bearer(s.keys.read))).status).toBe(400);
    expect((await s.request('GET', `${url}/members?sort=x`, undefined, bearer(s.keys.read))).status).toBe(400);
    const sizes = audienceSizesSchema.parse((await s.request('GET', `${url}/sizes`, undefined, bearer(s.keys.read))).body);
    expect(sizes.points.map((p) => p.size)).toEqual([3]);

    const csv = await fetch(`${s.url}/v1/sites/${s.site.id}/audiences/${a.id}/members.csv`, { headers: bearer(s.keys.read) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('profile_id,user_id,email,since,last_seen,score,revenue');
    const byPid = new Map(all.members.map((m) => [m.profile_id, m]));
    const tail = (pid: string) => {
      const m = byPid.get(pid)!;
      return `${new Date(m.since).toISOString()},${new Date(m.last_seen).toISOString()},${m.score},0`;
    };
    // Worked by hand: a cell starting with = + - @ gets an apostrophe; one with a quote is quoted, quotes doubled.
    const hostile = 'u=HYPERLINK("http://x")';
    expect(lines.slice(1)).toEqual([
      `"u=HYPERLINK(""http://x"")","'=HYPERLINK(""http://x"")",'@evil@example.com,${tail(hostile)}`,
      `vp1,,,${tail('vp1')}`,
      `vp2,,,${tail('vp2')}`,
    ]);

    // Syncs: the webhook and the HubSpot list got the three joins once, under the same key.
    expect(dest.delivered('hubspot').map((d) => [d.key, d.change!.add.length])).toEqual([[`audience:${a.id}:1`, 3]]);
    expect(dest.delivered('deliver').map((d) => d.key)).toEqual([`audience:${a.id}:1`]);

    // A list added later gets the current members as its first change, at the next pass; the webhook keeps its secret.
    const patched = await s.request('PATCH', url, { name: 'Pricing', targets: { klaviyo_list_id: 'K1' } }, auth(s.keys.write));
    expect(patched.body.name).toBe('Pricing');
    expect(patched.body.targets.webhook.secret).toBeUndefined();
    expect((await s.request('POST', `${url}/refresh`, undefined, bearer(s.keys.write))).body).toEqual({
      joined: 0,
      left: 0,
      size: 3,
      synced: true,
    });
    const kl = dest.delivered('klaviyo');
    expect(kl.map((d) => [d.key, d.change!.list_id, d.change!.add.length, d.change!.remove.length])).toEqual([
      [`audience:${a.id}:2`, 'K1', 3, 0],
    ]);
    expect(dest.delivered('hubspot')).toHaveLength(1);
    expect(dest.delivered('deliver')).toHaveLength(1);
    expect((await s.request('DELETE', url, undefined, bearer(s.keys.write))).status).toBe(204);
    expect((await s.request('GET', url, undefined, bearer(s.keys.read))).status).toBe(404);
    const entries = await s.ctx.meta.auditLog.list(s.site.org_id, { action: 'audience', limit: 50 });
    expect(new Set(entries.map((e) => e.action))).toEqual(
      new Set(['audience.created', 'audience.refreshed', 'audience.exported', 'audience.updated', 'audience.deleted']),
    );
  });

  it('lets read keys read (also through /v1) but not write; other organizations see nothing', async () => {
    const a = (await s.request('POST', base(), { name: 'All', definition: { predicates: [] } }, auth(s.keys.write))).body;
    expect(
      (await s.request('GET', `/v1/sites/${s.site.id}/audiences`, undefined, bearer(s.keys.read))).body.audiences.map(
        (x: { id: string }) => x.id,
      ),
    ).toContain(a.id);
    expect((await s.request('POST', `${base()}/${a.id}/refresh`, undefined, bearer(s.keys.read))).status).toBe(403);
    expect((await s.request('POST', base(), { name: 'x', definition }, auth(s.keys.read))).status).toBe(403);
    expect((await s.request('GET', `${base()}/${a.id}`, undefined, bearer(s.keys.otherOrg))).status).toBe(404);
    expect(
      (await s.request('GET', `/api/sites/${s.otherSite.id}/audiences/${a.id}/members`, undefined, bearer(s.keys.otherOrg))).status,
    ).toBe(404);
    expect(
      (await s.request('GET', `/api/sites/${s.otherSite.id}/audiences/${a.id}/members.csv`, undefined, bearer(s.keys.otherOrg))).status,
    ).toBe(404);
    expect(
      (await s.request('POST', `/api/sites/${s.otherSite.id}/audiences/${a.id}/refresh`, undefined, bearer(s.keys.otherOrg))).status,
    ).toBe(404);
    // With no filters every person of the site, none of the other site's.
    const r = await s.request('POST', `${base()}/${a.id}/refresh`, undefined, bearer(s.keys.write));
    expect(r.body.size).toBe(5);
    // The app's lifecycle has the audiences among its derived targets: an erased subject leaves every audience.
    const removed = await s.ctx.lifecycle.eraseSubject(s.site.id, { visitorId: 'n1' });
    expect(removed.audience_members).toBe(1);
    const left = (await s.request('GET', `${base()}/${a.id}/members`, undefined, bearer(s.keys.read))).body.members;
    expect(left.map((m: { profile_id: string }) => m.profile_id)).not.toContain('vn1');
    expect(left).toHaveLength(4);
  });
});
