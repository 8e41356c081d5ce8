import { describe, expect, it } from 'vitest';
import { parsePeopleView, profileLabel, serializePeopleView } from './people-view';

describe('people view in the URL', () => {
  it('round-trips every field and drops defaults', () => {
    const v = { search: 'acme co', sort: 'events' as const, page: 2, timelinePage: 3 };
    expect(parsePeopleView(serializePeopleView(v))).toEqual(v);
    expect(serializePeopleView({ search: '', sort: 'last_seen', page: 0, timelinePage: 0 })).toBe('');
    expect(parsePeopleView('?sort=score')).toMatchObject({ sort: 'score' });
  });

  it('falls back to defaults on nonsense', () => {
    expect(parsePeopleView('?sort=revenue&page=-1&tl=x')).toEqual({ search: '', sort: 'last_seen', page: 0, timelinePage: 0 });
  });

  it('names profiles by user id, anonymous ones by their visitor id', () => {
    expect(profileLabel('ualice@x.test')).toBe('alice@x.test');
    expect(profileLabel('v0123456789abcdef')).toBe('Anonymous 01234567');
  });
});
