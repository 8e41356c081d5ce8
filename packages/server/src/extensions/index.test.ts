import { describe, expect, it } from 'vitest';
import type { SiteRecord } from '../meta';
import { sampled, TrackerExtensions } from './index';

const site = { id: 's1' } as SiteRecord;
const session = { visitor_id: 'v', session_id: 'sess-1' };

describe('tracker extensions', () => {
  it('names the scripts whose rules want the session, in registration order', async () => {
    const x = new TrackerExtensions();
    x.register({ name: 'replay', wants: async () => true });
    x.register({ name: 'heatmap', wants: () => false });
    x.register({ name: 'vitals', wants: (s) => s.id === 's1' });
    expect(await x.forSession(site, session)).toEqual(['replay', 'vitals']);
    expect(await x.forSession(site, undefined)).toEqual([]);
  });

  it('refuses names that are not a plain file stem, and duplicates', () => {
    const x = new TrackerExtensions();
    expect(() => x.register({ name: '../x', wants: () => true })).toThrow();
    x.register({ name: 'heatmap', wants: () => true });
    expect(() => x.register({ name: 'heatmap', wants: () => true })).toThrow();
  });

  it('samples a stable share of sessions, independently per salt', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `session-${i}`);
    const a = ids.filter((id) => sampled('heatmap', id, 0.25));
    const b = ids.filter((id) => sampled('replay', id, 0.25));
    // Binomial(20000, 0.25): sd ≈ 61; 5 sd either side.
    expect(Math.abs(a.length - 5000)).toBeLessThan(310);
    expect(ids.every((id) => sampled('heatmap', id, 0.25) === a.includes(id))).toBe(true);
    const both = a.filter((id) => b.includes(id)).length;
    expect(Math.abs(both - 1250)).toBeLessThan(200);
    expect(ids.some((id) => sampled('x', id, 0))).toBe(false);
    expect(ids.every((id) => sampled('x', id, 1))).toBe(true);
  });
});
