import { describe, expect, it } from 'vitest';
import { anchorValid, parsePathsView, serializePathsView } from './paths-view';

describe('paths view in the URL', () => {
  it('round-trips the anchor, depth, events and page', () => {
    const s = parsePathsView('?to=signup_completed&kind=event&depth=3&events=1&page=%2Fpricing&period=last_7_days');
    expect(s).toMatchObject({ position: 'end', kind: 'event', anchor: 'signup_completed', depth: 3, events: true, page: '/pricing' });
    expect(parsePathsView(serializePathsView(s))).toEqual(s);
  });

  it('falls back to the entry page and depth 5 for anything else', () => {
    const s = parsePathsView('?depth=99');
    expect(s).toMatchObject({ position: 'start', kind: 'page', anchor: '', depth: 5, events: false, page: null });
    expect(serializePathsView(s)).toBe('');
    expect(anchorValid({ ...s, anchor: 'pricing' })).toBe(false);
    // Choosing "ending at" before typing the anchor is kept.
    expect(parsePathsView(serializePathsView({ ...s, position: 'end' })).position).toBe('end');
    expect(anchorValid({ ...s, anchor: '/pricing' })).toBe(true);
  });
});
