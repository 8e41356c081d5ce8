import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidV7Time } from '../store';
import { parseTime } from './event-csv';
import { deterministicUuidV7, toCanonicalEvents, type ImportedEventRow } from './events';

const row = (ts: number, visitor: string, session = ''): ImportedEventRow => ({
  ts,
  name: '',
  url: 'https://ex.example/a/b?x=1',
  title: '',
  referrer: 'https://www.google.com/search?q=secret',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_term: '',
  utm_content: '',
  country: 'de',
  device: 'Laptop',
  browser: 'Chrome',
  os: 'Linux',
  language: '',
  visitor,
  session,
});

describe('imported events', () => {
  it('get a UUIDv7 of their time that is the same for the same row', () => {
    const id = deterministicUuidV7(Date.UTC(2024, 0, 1), 'ab'.repeat(16));
    expect(isUuidV7(id)).toBe(true);
    expect(uuidV7Time(id)).toBe(Date.UTC(2024, 0, 1));
    expect(deterministicUuidV7(Date.UTC(2024, 0, 1), 'ab'.repeat(16))).toBe(id);
  });

  it('derive page, referrer, source and channel, and cut sessions at 30-minute gaps', () => {
    const t = Date.UTC(2024, 0, 1, 10);
    const importId = 'c'.repeat(32);
    const events = toCanonicalEvents(
      'site',
      importId,
      [row(t, 'u1'), row(t + 10 * 60_000, 'u1'), row(t + 50 * 60_000, 'u1'), row(t, 'u2', 's9')],
      t,
    );
    expect(events[0]).toMatchObject({
      name: 'page_view',
      host: 'ex.example',
      path: '/a/b',
      referrer: 'https://www.google.com/search',
      referrer_domain: 'google.com',
      source: 'Google',
      channel: 'Organic Search',
      country: 'DE',
      device_type: 'desktop',
    });
    expect(events.every((e) => e.visitor_id.startsWith('imp-cccccccccccccccc-') && e.session_id.startsWith('imp-'))).toBe(true);
    expect(events[0]!.session_id).toBe(events[1]!.session_id);
    expect(events[2]!.session_id).not.toBe(events[1]!.session_id);
    expect(events[3]!.visitor_id).not.toBe(events[0]!.visitor_id);
    expect(toCanonicalEvents('site', importId, [row(t, 'u1')], t + 5)[0]!.event_id).toBe(events[0]!.event_id);
  });

  it('reads times in seconds, milliseconds and ISO forms', () => {
    expect(parseTime('1704103200')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseTime('1704103200000')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseTime('2024-01-01 10:00:00')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseTime('2024-01-01T12:00:00+02:00')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseTime('yesterday')).toBeNaN();
  });
});
