import { expect, it } from 'vitest';
import { describeMetaEngines } from './helpers/meta-engines';

/**
 * The metadata of meta 0020 on every metadata engine: reseller flags and limits, clients of a reseller,
 * monthly limits, sites and seats counted, and a session switched into a client naming its reseller.
 */
await describeMetaEngines('tenancy-meta', 'tenancy metadata', (h) => {
  it('resellers, their clients, limits and counts', async () => {
    const reseller = await h.meta.orgs.create('Agency');
    const other = await h.meta.orgs.create('Other agency');
    expect(await h.meta.tenancy.get(reseller.id)).toMatchObject({
      is_reseller: false,
      parent_org_id: null,
      max_sub_organizations: null,
      events_hard_limit: null,
    });
    expect(
      await h.meta.tenancy.setReseller(reseller.id, true, {
        max_sub_organizations: 2,
        max_sites_per_sub_org: 3,
        max_events_per_sub_org: 5_000_000_000,
      }),
    ).toBe(true);
    expect(await h.meta.tenancy.resolve(reseller.slug)).toBe(reseller.id);
    expect(await h.meta.tenancy.resolve(reseller.id)).toBe(reseller.id);
    expect(await h.meta.tenancy.resolve('nope')).toBeNull();
    const a = await h.meta.orgs.create('Client A');
    const b = await h.meta.orgs.create('Client B');
    const c = await h.meta.orgs.create('Client of the other');
    await h.meta.tenancy.setParent(a.id, reseller.id);
    await h.meta.tenancy.setParent(b.id, reseller.id);
    await h.meta.tenancy.setParent(c.id, other.id);
    expect((await h.meta.tenancy.clients(reseller.id)).map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
    expect(await h.meta.tenancy.countClients(reseller.id)).toBe(2);
    expect(await h.meta.tenancy.countClients(other.id)).toBe(1);
    await h.meta.tenancy.setEventLimits(a.id, { events_soft_limit: 4_000_000_000, events_hard_limit: 5_000_000_000 });
    await h.meta.tenancy.setEventLimits(a.id, { events_soft_limit: null });
    expect(await h.meta.tenancy.get(a.id)).toMatchObject({
      parent_org_id: reseller.id,
      is_reseller: false,
      events_soft_limit: null,
      events_hard_limit: 5_000_000_000,
    });
    expect(await h.meta.tenancy.get(reseller.id)).toMatchObject({
      is_reseller: true,
      max_sites_per_sub_org: 3,
      max_events_per_sub_org: 5_000_000_000,
    });

    const user = await h.meta.users.create({ email: `seat-${a.id}@example.com`, passwordHash: null });
    await h.meta.members.add(a.id, user.id, 'admin');
    await h.meta.sites.create(a.id, { name: 'S', domain: 'tenancy.example.com' });
    expect([await h.meta.tenancy.countSites(a.id), await h.meta.tenancy.countSeats(a.id)]).toEqual([1, 1]);
    expect([await h.meta.tenancy.countSites(b.id), await h.meta.tenancy.countSeats(b.id)]).toEqual([0, 0]);

    // A session switched into a client names its reseller; switching back clears it; a rotation keeps it.
    const { record } = await h.meta.sessions.create({ userId: user.id, orgId: a.id, absoluteMs: 60_000, viaOrgId: reseller.id });
    expect(record.via_org_id).toBe(reseller.id);
    await h.meta.sessions.setOrg(record.id, reseller.id);
    const token = (await h.meta.sessions.create({ userId: user.id, orgId: b.id, absoluteMs: 60_000, viaOrgId: reseller.id })).token;
    expect(await h.meta.sessions.byToken(token)).toMatchObject({ org_id: b.id, via_org_id: reseller.id });
  });
});
