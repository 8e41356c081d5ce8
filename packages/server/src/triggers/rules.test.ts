import { describe, expect, it } from 'vitest';
import { afterQuietHours, eventMatches, inQuietHours, periodSpan } from './rules';
import { wallClock } from '../../test/helpers/wall-clock';

const MIN = 60_000;

describe('trigger rules', () => {
  it('matches name, path pattern and property values', () => {
    const m = { name: 'signup', path: '/pricing*', props: { plan: 'pro' } };
    expect(eventMatches(m, { name: 'signup', path: '/pricing/team', props: { plan: 'pro', x: '1' } })).toBe(true);
    expect(eventMatches(m, { name: 'signup', path: '/about', props: { plan: 'pro' } })).toBe(false);
    expect(eventMatches(m, { name: 'signup', path: '/pricing', props: { plan: 'free' } })).toBe(false);
    expect(eventMatches(m, { name: 'login', path: '/pricing', props: { plan: 'pro' } })).toBe(false);
    expect(eventMatches({ name: 'signup' }, { name: 'signup', path: '', props: {} })).toBe(true);
  });

  it('spans local calendar periods, 23- and 25-hour days included', () => {
    const tz = 'Europe/Berlin';
    for (const [at, per, from, to] of [
      ['2026-03-29T12:00:00Z', 'day', '2026-03-29 00:00', '2026-03-30 00:00'],
      ['2026-10-25T12:00:00Z', 'day', '2026-10-25 00:00', '2026-10-26 00:00'],
      ['2026-10-25T12:00:00Z', 'week', '2026-10-19 00:00', '2026-10-26 00:00'],
      ['2026-02-14T12:00:00Z', 'month', '2026-02-01 00:00', '2026-03-01 00:00'],
      ['2026-05-14T12:00:00Z', 'quarter', '2026-04-01 00:00', '2026-07-01 00:00'],
      ['2026-12-31T23:30:00Z', 'quarter', '2027-01-01 00:00', '2027-04-01 00:00'],
    ] as const) {
      const s = periodSpan(Date.parse(at), per, tz);
      expect([wallClock(s.fromMs, tz), wallClock(s.toMs, tz)], `${at} ${per}`).toEqual([from, to]);
      // The instant before each bound is in another local day.
      expect(wallClock(s.fromMs - MIN, tz).slice(0, 10)).not.toBe(from.slice(0, 10));
    }
    const spring = periodSpan(Date.parse('2026-03-29T12:00:00Z'), 'day', tz);
    expect((spring.toMs - spring.fromMs) / 3_600_000).toBe(23);
  });

  it('moves a due time inside quiet hours to the first minute showing their end, against a minute-by-minute scan', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC']) {
      for (const q of [
        { start: '22:00', end: '07:00' },
        { start: '01:30', end: '02:30' }, // the hour a spring-forward skips in Europe
        { start: '12:00', end: '13:00' },
      ]) {
        const [sh, sm] = q.start.split(':').map(Number) as [number, number];
        const [eh, em] = q.end.split(':').map(Number) as [number, number];
        const quiet = (ms: number) => {
          const [h, m] = wallClock(ms, tz).slice(11).split(':').map(Number) as [number, number];
          const x = h * 60 + m;
          const s = sh * 60 + sm;
          const e = eh * 60 + em;
          return s < e ? x >= s && x < e : x >= s || x < e;
        };
        // Around both 2026 DST changes of each hemisphere, every 53 minutes.
        for (const start of [Date.parse('2026-03-28T12:00:00Z'), Date.parse('2026-10-24T12:00:00Z'), Date.parse('2026-04-04T12:00:00Z')]) {
          for (let t = start; t < start + 2 * 86_400_000; t += 53 * MIN) {
            expect(inQuietHours(t, q, tz)).toBe(quiet(t));
            let want = t;
            while (quiet(want)) want += MIN;
            // The scan stops at the first whole minute that is not quiet; due times keep their seconds.
            expect(afterQuietHours(t, q, tz), `${tz} ${q.start}-${q.end} ${new Date(t).toISOString()}`).toBe(
              quiet(t) ? want - (want % MIN) : t,
            );
          }
        }
      }
    }
  });
});
