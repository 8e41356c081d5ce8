import { describe, expect, it } from 'vitest';
import { parsePeopleView, peopleFilters, profileLabel, serializePeopleView } from './people-view';

describe('people view in the URL', () => {
  it('round-trips every field and drops defaults', () => {
    for (const sort of ['events', 'revenue', 'score'] as const) {
      const v = { sort, page: 2, trait: 'plan', visited: '/pricing', source: 'Google', segment: 's3', score: '60-79', timelinePage: 3 };
      expect(parsePeopleView(serializePeopleView(v))).toEqual(v);
    }
    expect(
      serializePeopleView({ sort: 'last_seen', page: 0, trait: '', visited: '', source: '', segment: '', score: '', timelinePage: 0 }),
    ).toBe('');
    // A search (perhaps a trait value) never enters the URL.
    expect(parsePeopleView('?q=jane@example.com')).toEqual({
      sort: 'last_seen',
      page: 0,
      trait: '',
      visited: '',
      source: '',
      segment: '',
      score: '',
      timelinePage: 0,
    });
  });

  it('falls back to defaults on nonsense', () => {
    expect(parsePeopleView('?sort=bogus&page=-1&tl=x&score=50-60')).toEqual({
      sort: 'last_seen',
      page: 0,
      trait: '',
      visited: '',
      source: '',
      segment: '',
      score: '',
      timelinePage: 0,
    });
  });

  it('turns the list filters into stats filters', () => {
    const v = parsePeopleView('?visited=/pricing&source=Google&segment=s2&score=80-100');
    expect(JSON.parse(peopleFilters(v)!)).toEqual({ page: '/pricing', source: 'Google', segment: 's2', score: '80-100' });
    expect(peopleFilters(parsePeopleView(''))).toBeUndefined();
  });

  it('names profiles by user id, anonymous ones by their visitor id', () => {
    expect(profileLabel('ualice@x.test')).toBe('alice@x.test');
    expect(profileLabel('v0123456789abcdef')).toBe('Anonymous 01234567');
  });
});
