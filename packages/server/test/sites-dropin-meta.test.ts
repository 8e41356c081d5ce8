import { expect, it } from 'vitest';
import { metaMigrations } from '../src/meta/migrations';
import { describeMetaEngines } from './helpers/meta-engines';

/**
 * Sites and the drop-in collectors (meta migration 0006) on both metadata engines: every site gets an
 * Umami website id — existing ones when the migration runs, new ones when created — and the lookups
 * the collectors use (website id, domain) find the right site.
 */
const MIGRATION = '0006_sites_umami_website_id';

await describeMetaEngines('sites-dropin-meta', 'site lookups for drop-in collectors', (h) => {
  it('gives sites that existed before the migration a unique website id, and new sites one of their own', async () => {
    const org = await h.meta.orgs.create('Before');
    await metaMigrations[MIGRATION]!.down!(h.meta.db);
    for (const [i, domain] of ['a.example', 'b.example', 'c.example'].entries()) {
      await h.meta.db
        .insertInto('sites')
        .values({
          id: crypto.randomUUID(),
          org_id: org.id,
          tracking_id: `OLD${i}xxxxxxxx`,
          name: domain,
          domain,
          created_at: Date.now(),
          updated_at: Date.now(),
        } as never)
        .execute();
    }
    await metaMigrations[MIGRATION]!.up(h.meta.db);
    const sites = await h.meta.sites.listByOrg(org.id);
    const ids = sites.map((s) => s.umami_website_id);
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    const created = await h.meta.sites.create(org.id, { name: 'New', domain: 'new.example' });
    expect(created.umami_website_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids).not.toContain(created.umami_website_id);
    expect((await h.meta.sites.byUmamiWebsiteId(created.umami_website_id))?.id).toBe(created.id);
    expect(await h.meta.sites.byUmamiWebsiteId(crypto.randomUUID())).toBeNull();
  });

  it('finds a site by domain ("www." either side), the earliest when several share it', async () => {
    const one = await h.meta.orgs.create('One');
    const two = await h.meta.orgs.create('Two');
    const first = await h.meta.sites.create(one.id, { name: 'First', domain: 'shared.example' });
    await new Promise((r) => setTimeout(r, 5));
    await h.meta.sites.create(two.id, { name: 'Second', domain: 'www.shared.example' });
    expect((await h.meta.sites.byDomain('shared.example'))?.id).toBe(first.id);
    expect((await h.meta.sites.byDomain('www.shared.example'))?.id).toBe(first.id);
    expect(await h.meta.sites.byDomain('nobody.example')).toBeNull();
    // Deleting the first hands the domain to the next one (caches are evicted by the write).
    await h.meta.sites.delete(first.id);
    expect((await h.meta.sites.byDomain('shared.example'))?.name).toBe('Second');
  });
});
