import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollectServer, type CollectServer } from './helpers/collect';

// MetricPal's workspace API over a real server: workspaces are sites, their api_key a site-scoped write key
// that MetricPal's collect contract takes as X-API-Key; listing is scoped like /api/sites.
describe('/api/v1/workspaces', () => {
  let s: CollectServer;
  let admin: string;

  beforeAll(async () => {
    s = await startCollectServer();
    admin = (
      await s.ctx.meta.apiKeys.create({
        orgId: s.site.org_id,
        siteId: null,
        name: 'admin',
        permissions: ['admin'],
        rateLimitPerMin: 100_000,
        createdBy: null,
      })
    ).rawKey;
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  const json = { 'content-type': 'application/json' };

  it('creates a workspace (site + write key) and the key collects into it', async () => {
    const created = await s.request(
      'POST',
      '/api/v1/workspaces',
      { name: 'My Website Analytics', domain: 'https://Shop.Example.net/' },
      {
        ...json,
        'x-api-key': admin,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'My Website Analytics',
      domain: 'shop.example.net',
      organization_id: s.site.org_id,
      user_id: null,
    });
    expect(created.body.api_key).toEqual(expect.any(String));
    const site = await s.ctx.meta.sites.byId(created.body.id);
    expect(site).toMatchObject({ tracking_id: created.body.tracking_id, domain: 'shop.example.net' });

    // The workspace key is MetricPal's collect key for that workspace.
    const sent = await s.request(
      'POST',
      '/api/v1/collect',
      {
        events: [
          {
            event_type: 'page_view',
            timestamp: new Date().toISOString(),
            session_id: 'session_123',
            properties: { url: 'https://shop.example.net/' },
          },
        ],
      },
      { ...json, 'x-api-key': created.body.api_key },
    );
    expect(sent.status).toBeLessThan(300);
    expect((await s.events(created.body.id)).map((e) => e.name)).toEqual(['page_view']);

    // Listed with the workspace's own key: that workspace only, and no key in lists.
    const own = await s.request('GET', '/api/v1/workspaces', undefined, { 'x-api-key': created.body.api_key });
    expect(own.status).toBe(200);
    expect(own.body).toEqual([{ ...created.body, api_key: null }]);
    // With an organization-wide key (Bearer works too): every site of the organization, none of another's.
    const all = await s.request('GET', '/api/v1/workspaces', undefined, { authorization: `Bearer ${admin}` });
    expect(all.body.map((w: { id: string }) => w.id).sort()).toEqual([s.site.id, created.body.id].sort());
    const other = await s.request('GET', '/api/v1/workspaces', undefined, { 'x-api-key': s.keys.otherOrg });
    expect(other.body.map((w: { id: string }) => w.id)).toEqual([s.otherSite.id]);
  });

  it('a name that is a host name is the domain (MetricPal sends only a name); unknown fields are ignored', async () => {
    const r = await s.request(
      'POST',
      '/api/v1/workspaces',
      { name: 'blog.example.org', description: 'x' },
      { ...json, 'x-api-key': admin },
    );
    expect(r.status).toBe(201);
    expect(r.body.domain).toBe('blog.example.org');
  });

  it('refuses what it must, with the error body', async () => {
    const anonymous = await s.request('GET', '/api/v1/workspaces');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
    expect((await s.request('GET', '/api/v1/workspaces', undefined, { 'x-api-key': 'tm_not_a_key' })).status).toBe(401);
    // A site key cannot create workspaces.
    const scoped = await s.request(
      'POST',
      '/api/v1/workspaces',
      { name: 'x', domain: 'x.example' },
      { ...json, 'x-api-key': s.keys.write },
    );
    expect(scoped.status).toBe(403);
    const noDomain = await s.request('POST', '/api/v1/workspaces', { name: 'My Website Analytics' }, { ...json, 'x-api-key': admin });
    expect(noDomain.status).toBe(400);
    expect(noDomain.body.error.code).toBe('invalid_domain');
    for (const body of [{}, { name: '' }, { name: 'a'.repeat(500) }, { name: 'ok.example', domain: 42 }, [1], 'text'])
      expect((await s.request('POST', '/api/v1/workspaces', body, { ...json, 'x-api-key': admin })).status, JSON.stringify(body)).toBe(400);
    // Keys never in URLs.
    expect((await s.request('GET', `/api/v1/workspaces?api_key=${admin}`)).status).toBe(400);
  });
});
