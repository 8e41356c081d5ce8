import { expect, it } from 'vitest';
import { SiteConnectionStore } from '../src/destinations';
import { ServerKeys } from '../src/secrets';
import { describeMetaEngines } from './helpers/meta-engines';

const keys = ServerKeys.fromString('destinations-meta-test-secret-0123456789abcdef');

/** Site connections (migration 0029_site_connections) and their sealed tokens, on every metadata engine. */
await describeMetaEngines('destinations-meta', 'site connections', (h) => {
  it('keeps one sealed token per site and provider, shows only whether one is stored, and goes with the site', async () => {
    const org = await h.meta.orgs.create('Connections Inc');
    const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    let clock = 1_700_000_000_000;
    const store = new SiteConnectionStore(h.meta, keys, () => clock);

    expect(await store.list(site.id)).toEqual([
      { provider: 'hubspot', has_token: false, base_url: 'https://api.hubapi.com', updated_at: null },
      { provider: 'klaviyo', has_token: false, base_url: 'https://a.klaviyo.com', updated_at: null },
    ]);
    expect(await store.open(site.id, 'hubspot')).toBeNull();

    const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
    const saved = await store.put(site.id, 'hubspot', { token, base_url: 'https://crm.example.net/' });
    expect(saved).toEqual({ provider: 'hubspot', has_token: true, base_url: 'https://crm.example.net', updated_at: clock });
    // Stored sealed: the row never holds the token in the clear.
    const row = await h.meta.siteConnections.get(site.id, 'hubspot');
    expect(row!.token_sealed).not.toContain(token);
    expect(row!.token_sealed.length).toBeGreaterThan(token.length);
    expect(await store.open(site.id, 'hubspot')).toEqual({ base_url: 'https://crm.example.net', token });

    // A row copied to another site does not open there (the seal is bound to site and provider).
    await h.meta.siteConnections.put({ ...row!, site_id: other.id });
    expect(await store.open(other.id, 'hubspot')).toBeNull();
    await h.meta.siteConnections.put({ ...row!, provider: 'klaviyo' });
    expect(await store.open(site.id, 'klaviyo')).toBeNull();
    expect(await h.meta.siteConnections.delete(site.id, 'klaviyo')).toBe(true);

    // Saving again replaces token and base URL (back to the default when none is given).
    clock += 1000;
    await store.put(site.id, 'hubspot', { token: 'pat-na1-second-token' });
    expect(await store.open(site.id, 'hubspot')).toEqual({ base_url: 'https://api.hubapi.com', token: 'pat-na1-second-token' });
    await store.put(site.id, 'klaviyo', { token: 'pk_abcdefabcdef' });
    const listed = await store.list(site.id);
    expect(listed.map((c) => [c.provider, c.has_token, c.updated_at])).toEqual([
      ['hubspot', true, clock],
      ['klaviyo', true, clock],
    ]);
    expect(JSON.stringify(listed)).not.toContain('pk_abcdefabcdef');

    // Bad input is refused before anything is stored.
    await expect(store.put(site.id, 'klaviyo', { token: 'short' })).rejects.toMatchObject({ status: 400 });
    await expect(store.put(site.id, 'klaviyo', { token: 'pk_abcdefabcdef', base_url: 'ftp://x.example' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(store.put(site.id, 'klaviyo', { token: 'pk_abcdefabcdef', base_url: 'https://user:pw@x.example' })).rejects.toMatchObject({
      status: 400,
    });
    expect(await store.open(site.id, 'klaviyo')).toEqual({ base_url: 'https://a.klaviyo.com', token: 'pk_abcdefabcdef' });

    expect(await store.remove(site.id, 'klaviyo')).toBe(true);
    expect(await store.remove(site.id, 'klaviyo')).toBe(false);

    // Deleting the site removes its connections (foreign key), the other site's rows stay.
    await h.meta.db.deleteFrom('sites').where('id', '=', site.id).execute();
    expect(await h.meta.siteConnections.list(site.id)).toEqual([]);
    expect((await h.meta.siteConnections.list(other.id)).length).toBe(1);
  });
});
