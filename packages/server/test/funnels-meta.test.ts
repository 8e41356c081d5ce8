import { beforeAll, expect, it } from 'vitest';
import type { FunnelInput } from '@tidemark/core';
import { describeMetaEngines, twoSites } from './helpers/meta-engines';

const INPUT: FunnelInput = {
  name: 'Sign-up',
  steps: [
    { name: 'Home', type: 'pageview', match: { url_pattern: '/' } },
    { name: 'Signed up', type: 'event', match: { event_name: 'signup_completed', event_properties: { plan: 'pro' } } },
  ],
  scope: 'visitor',
  window: { value: 2, unit: 'hours' },
};

await describeMetaEngines('funnels-meta', 'funnels repository', (h) => {
  let siteA: string;
  let siteB: string;
  beforeAll(async () => {
    [siteA, siteB] = await twoSites(h.meta);
  });

  it('stores steps as JSON and reads them back, per site', async () => {
    const f = await h.meta.funnels.create(siteA, INPUT, null, 1_700_000_000_000);
    expect(f).toMatchObject({
      site_id: siteA,
      name: 'Sign-up',
      scope: 'visitor',
      window: { value: 2, unit: 'hours' },
      steps: INPUT.steps,
    });
    const other = await h.meta.funnels.create(siteB, { ...INPUT, scope: undefined, window: undefined }, null);
    expect(other).toMatchObject({ scope: 'session', window: null });
    expect((await h.meta.funnels.listBySite(siteA)).map((x) => x.id)).toEqual([f.id]);
    expect(await h.meta.funnels.byId(siteA, f.id)).toEqual(f);
    // Another site's funnel is not found through this site, nor changed, nor deleted.
    expect(await h.meta.funnels.byId(siteA, other.id)).toBeNull();
    expect(await h.meta.funnels.update(siteA, other.id, { name: 'x' })).toBeNull();
    expect(await h.meta.funnels.delete(siteA, other.id)).toBe(false);
    expect((await h.meta.funnels.byId(siteB, other.id))?.name).toBe('Sign-up');
  });

  it('updates fields independently and clears the window with null', async () => {
    const f = await h.meta.funnels.create(siteA, INPUT, null);
    const renamed = await h.meta.funnels.update(siteA, f.id, { name: 'Renamed' }, Date.now() + 1000);
    expect(renamed).toMatchObject({ name: 'Renamed', steps: INPUT.steps, window: INPUT.window });
    const cleared = await h.meta.funnels.update(siteA, f.id, { window: null, scope: 'session' });
    expect(cleared).toMatchObject({ window: null, scope: 'session', name: 'Renamed' });
    expect(await h.meta.funnels.delete(siteA, f.id)).toBe(true);
    expect(await h.meta.funnels.byId(siteA, f.id)).toBeNull();
  });

  it('goes with its site', async () => {
    expect(await h.meta.funnels.countBySite(siteB)).toBe(1);
    expect(await h.meta.sites.delete(siteB)).toBe(true);
    expect(await h.meta.funnels.countBySite(siteB)).toBe(0);
    expect(await h.meta.funnels.countBySite(siteA)).toBe(1);
  });
});
