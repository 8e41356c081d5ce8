import { describe, expect, it } from 'vitest';
import type { Annotation } from '@tidemark/core';
import { dailyMarkers, localDay } from './annotation-markers';

const ann = (id: string, date: string): Annotation => ({
  id,
  site_id: 's',
  date,
  title: id,
  description: null,
  category: 'release',
  created_at: date,
  updated_at: date,
});

describe('daily chart markers', () => {
  it('places an instant on the day it falls on in the site’s zone', () => {
    expect(localDay('2026-03-01T03:00:00.000Z', 'America/New_York')).toBe('2026-02-28');
    expect(localDay('2026-03-01T03:00:00.000Z', 'Asia/Tokyo')).toBe('2026-03-01');
  });

  it('marks the days shown and leaves out the rest', () => {
    const days = ['2026-02-27', '2026-02-28', '2026-03-01'];
    const markers = dailyMarkers(days, [ann('a', '2026-03-01T03:00:00.000Z'), ann('b', '2026-03-05T12:00:00.000Z')], 'America/New_York');
    expect(markers.map((m) => [m.key, m.index])).toEqual([['a', 1]]);
  });
});
