import { expect, it } from 'vitest';
import type { GoalInput } from '@tidemark/core';
import { describeMetaEngines } from './helpers/meta-engines';

/** The goals repository (migration 0004_goals), unchanged on every metadata engine. */
await describeMetaEngines('goals-meta', 'goals repository', (h) => {
  it('stores each type, scoped to its site, and removes goals with their site', async () => {
    const org = await h.meta.orgs.create('Goals Inc');
    const site = await h.meta.sites.create(org.id, { name: 'Shop', domain: 'shop.example.com' });
    const other = await h.meta.sites.create(org.id, { name: 'Blog', domain: 'blog.example.com' });
    const inputs: GoalInput[] = [
      { name: 'Thanks', type: 'destination', match: { path: '/thank-you*' }, value: 12.5 },
      { name: 'Signup', type: 'event', match: { event_name: 'signup_completed', event_properties: { plan: 'pro' } } },
      { name: 'Long', type: 'duration', match: { min_duration_s: 300 } },
      { name: 'Deep', type: 'pages_per_session', match: { min_pages: 4 } },
    ];
    const made = [];
    for (const input of inputs) made.push(await h.meta.goals.create(site.id, input));
    expect(made.map((g) => ({ name: g.name, type: g.type, match: g.match, value: g.value }))).toEqual(
      inputs.map((i) => ({ name: i.name, type: i.type, match: i.match, value: i.value ?? null })),
    );
    expect((await h.meta.goals.list(site.id)).map((g) => g.id).sort()).toEqual(made.map((g) => g.id).sort());
    expect(await h.meta.goals.count(site.id)).toBe(4);
    // Another site sees none of them and cannot change them.
    expect(await h.meta.goals.list(other.id)).toEqual([]);
    expect(await h.meta.goals.get(other.id, made[0].id)).toBeNull();
    expect(await h.meta.goals.update(other.id, made[0].id, inputs[1])).toBeNull();
    expect(await h.meta.goals.delete(other.id, made[0].id)).toBe(false);

    const updated = await h.meta.goals.update(site.id, made[0].id, {
      name: 'Renamed',
      type: 'duration',
      match: { min_duration_s: 60 },
      value: null,
    });
    expect(updated).toMatchObject({ name: 'Renamed', type: 'duration', match: { min_duration_s: 60 }, value: null });
    expect(await h.meta.goals.delete(site.id, made[1].id)).toBe(true);
    expect(await h.meta.goals.count(site.id)).toBe(3);

    await h.meta.sites.delete(site.id);
    expect(await h.meta.goals.list(site.id)).toEqual([]);
  });
});
