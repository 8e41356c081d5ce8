import { expect, it } from 'vitest';
import { describeMetaEngines } from './helpers/meta-engines';

// The pending-purge records of deleted sites (meta/repos/site-purges.ts) on both metadata engines.
await describeMetaEngines('lifecycle-meta', 'site purge records', (h) => {
  it('deleting a site records its purge in the same transaction; another process sees the record', async () => {
    const org = await h.meta.orgs.create('Purges');
    const site = await h.meta.sites.create(org.id, { name: 'Gone', domain: 'gone.example' });
    const other = await h.meta.sites.create(org.id, { name: 'Stays', domain: 'stays.example' });
    expect(await h.meta.sites.delete(site.id, 1000)).toBe(true);
    expect(await h.meta.sites.delete(site.id, 2000)).toBe(false); // already gone: no second record
    expect(await h.meta.sites.byId(site.id)).toBeNull();
    expect(await h.meta.sites.byId(other.id)).not.toBeNull();
    const elsewhere = await h.reopen();
    expect(await elsewhere.sitePurges.pending()).toEqual([
      {
        site_id: site.id,
        org_id: org.id,
        tracking_id: site.tracking_id,
        requested_at: 1000,
        passes: 0,
        last_pass_at: null,
        completed_at: null,
      },
    ]);
    expect(await elsewhere.sitePurges.isDeletedTrackingId(site.tracking_id)).toBe(true);
    expect(await elsewhere.sitePurges.isDeletedTrackingId(other.tracking_id)).toBe(false);
  });

  it('counts passes and keeps the completed record as a tombstone', async () => {
    const [p] = await h.meta.sitePurges.pending();
    await h.meta.sitePurges.recordPass(p!.site_id, 5000, false);
    expect(await h.meta.sitePurges.byId(p!.site_id)).toMatchObject({ passes: 1, last_pass_at: 5000, completed_at: null });
    await h.meta.sitePurges.recordPass(p!.site_id, 6000, true);
    expect(await h.meta.sitePurges.byId(p!.site_id)).toMatchObject({ passes: 2, last_pass_at: 6000, completed_at: 6000 });
    expect(await h.meta.sitePurges.pending()).toEqual([]);
    expect(await h.meta.sitePurges.isDeletedTrackingId(p!.tracking_id)).toBe(true);
  });
});
