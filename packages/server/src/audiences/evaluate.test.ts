import { describe, expect, it } from 'vitest';
import type { AudienceRow } from '../stats';
import { changesWithTime, diffMembership, emailOf, joinsWithoutEvents, satisfies } from './evaluate';

const DAY = 86_400_000;
const row = (o: Partial<AudienceRow>): AudienceRow => ({
  pid: 'u1',
  user_id: '1',
  last_seen: 0,
  revenue: 0,
  score: 50,
  segment: null,
  traits: {},
  ...o,
});

describe('audience predicates', () => {
  it('hold at their edges', () => {
    expect(satisfies([{ type: 'score', op: 'gte', value: 50 }], row({ score: 50 }), 0)).toBe(true);
    expect(satisfies([{ type: 'score', op: 'gte', value: 51 }], row({ score: 50 }), 0)).toBe(false);
    expect(satisfies([{ type: 'score', op: 'lte', value: 50 }], row({ score: 50 }), 0)).toBe(true);
    expect(satisfies([{ type: 'last_seen_within', days: 2 }], row({ last_seen: 0 }), 2 * DAY)).toBe(true);
    expect(satisfies([{ type: 'last_seen_within', days: 2 }], row({ last_seen: 0 }), 2 * DAY + 1)).toBe(false);
    expect(satisfies([{ type: 'identified', value: false }], row({ pid: 'vx', user_id: null }), 0)).toBe(true);
    expect(satisfies([{ type: 'trait', key: 'plan', value: 'pro' }], row({ traits: { plan: 'pro' } }), 0)).toBe(true);
    expect(satisfies([{ type: 'trait', key: 'plan', value: 'pro' }], row({ traits: {} }), 0)).toBe(false);
    expect(satisfies([{ type: 'revenue', op: 'gte', value: 10 }], row({ revenue: 9.99 }), 0)).toBe(false);
    expect(satisfies([{ type: 'segment', value: 's2' }], row({ segment: 's2' }), 0)).toBe(true);
    expect(satisfies([], row({}), 0)).toBe(true);
  });

  it('say when a pass must look at members or at everyone', () => {
    const base = { filters: [], period: 'last_30_days' as const, predicates: [] };
    expect(changesWithTime(base)).toBe(false);
    expect(changesWithTime({ ...base, predicates: [{ type: 'identified', value: true }] })).toBe(false);
    expect(changesWithTime({ ...base, filters: [['is', 'page', ['/']]] })).toBe(true);
    expect(joinsWithoutEvents({ ...base, predicates: [{ type: 'score', op: 'gte', value: 1 }] })).toBe(false);
    expect(joinsWithoutEvents({ ...base, predicates: [{ type: 'score', op: 'lte', value: 1 }] })).toBe(true);
  });

  it('diffs only the people looked at', () => {
    const d = diffMembership(new Set(['a', 'b', 'c']), ['b', 'c', 'd'], [row({ pid: 'c' }), row({ pid: 'd' })]);
    expect([d.joins.map((r) => r.pid), d.stays.map((r) => r.pid), d.leaves]).toEqual([['d'], ['c'], ['b']]);
    const all = diffMembership(new Set(['a', 'b']), null, [row({ pid: 'b' })]);
    expect(all.leaves).toEqual(['a']);
  });

  it('keeps only plain e-mail addresses', () => {
    expect(emailOf({ email: 'a@b.c' })).toBe('a@b.c');
    expect(emailOf({ email: 'hmac:abcdef' })).toBeNull();
    expect(emailOf({ email: 'not an address' })).toBeNull();
    expect(emailOf({ email: `${'x'.repeat(320)}@b.c` })).toBeNull();
  });
});
