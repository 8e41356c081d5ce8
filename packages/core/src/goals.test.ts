import { describe, expect, it } from 'vitest';
import { goalInputSchema, goalPatchSchema } from './goals';

describe('goal bodies', () => {
  it('accepts each type with its own match only', () => {
    for (const body of [
      { name: 'Thanks', type: 'destination', match: { path: '/thank-you*' }, value: 9.5 },
      { name: 'Docs', type: 'destination', match: { path_regex: '^/docs/' } },
      { name: 'Signup', type: 'event', match: { event_name: 'signup_completed', event_properties: { plan: 'pro' } } },
      { name: 'Long', type: 'duration', match: { min_duration_s: 300 } },
      { name: 'Deep', type: 'pages_per_session', match: { min_pages: 4 }, value: null },
    ])
      expect(goalInputSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
    for (const body of [
      { name: 'x', type: 'destination', match: { min_pages: 3 } },
      { name: 'x', type: 'destination', match: {} },
      { name: 'x', type: 'event', match: { event_name: 'a', event_properties: { 'bad"key': 'v' } } },
      { name: 'x', type: 'duration', match: { min_duration_s: 1.5 } },
      { name: '', type: 'duration', match: { min_duration_s: 5 } },
      { name: 'x', type: 'pages_per_session', match: { min_pages: 2 }, value: -1 },
      { name: 'x', type: 'visits', match: {} },
    ])
      expect(goalInputSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    expect(goalInputSchema.parse({ name: '  Trimmed  ', type: 'duration', match: { min_duration_s: 5 } }).name).toBe('Trimmed');
  });

  it('changes type and match together in a patch', () => {
    expect(goalPatchSchema.safeParse({ name: 'New' }).success).toBe(true);
    expect(goalPatchSchema.safeParse({ type: 'duration' }).success).toBe(false);
    expect(goalPatchSchema.safeParse({ type: 'duration', match: { min_duration_s: 5 } }).success).toBe(true);
  });
});
