import { describe, expect, it } from 'vitest';
import { addDays, bucketKeys, previousRange, rangeOfDates, resolvePeriod, startOfLocalDay, wholeLocalDays } from './period';

const iso = (ms: number) => new Date(ms).toISOString();

describe('local days as UTC instants', () => {
  it('New York midnight is 05:00Z in winter and 04:00Z in summer', () => {
    expect(iso(startOfLocalDay('2024-01-15', 'America/New_York'))).toBe('2024-01-15T05:00:00.000Z');
    expect(iso(startOfLocalDay('2024-07-01', 'America/New_York'))).toBe('2024-07-01T04:00:00.000Z');
  });

  it('Kolkata midnight is 18:30Z the day before', () => {
    expect(iso(startOfLocalDay('2024-01-15', 'Asia/Kolkata'))).toBe('2024-01-14T18:30:00.000Z');
  });

  it('a day whose midnight does not exist starts when the clocks jump (Santiago, 2022-09-11)', () => {
    // Chile moved from UTC−4 to UTC−3 at local midnight: 00:00 became 01:00, i.e. 04:00Z.
    expect(iso(startOfLocalDay('2022-09-11', 'America/Santiago'))).toBe('2022-09-11T04:00:00.000Z');
  });

  it('the DST day in New York is 23 hours long', () => {
    const r = rangeOfDates('2024-03-10', '2024-03-10', 'America/New_York');
    expect((r.endMs - r.startMs) / 3_600_000).toBe(23);
  });
});

describe('named periods', () => {
  const now = Date.parse('2024-01-17T03:00:00Z'); // 22:00 on Jan 16 in New York, 08:30 on Jan 17 in Kolkata
  const dates = (p: Parameters<typeof resolvePeriod>[0], tz: string) => {
    const r = resolvePeriod(p, tz, now);
    return [r.startDate, r.endDate];
  };
  it('are relative to today in the timezone', () => {
    expect(dates('today', 'America/New_York')).toEqual(['2024-01-16', '2024-01-16']);
    expect(dates('today', 'Asia/Kolkata')).toEqual(['2024-01-17', '2024-01-17']);
    expect(dates('yesterday', 'America/New_York')).toEqual(['2024-01-15', '2024-01-15']);
    expect(dates('last_7_days', 'America/New_York')).toEqual(['2024-01-10', '2024-01-16']);
    expect(dates('last_30_days', 'America/New_York')).toEqual(['2023-12-18', '2024-01-16']);
    expect(dates('month', 'America/New_York')).toEqual(['2024-01-01', '2024-01-16']);
    expect(dates('last_month', 'America/New_York')).toEqual(['2023-12-01', '2023-12-31']);
    expect(dates('last_12_months', 'America/New_York')).toEqual(['2023-02-01', '2024-01-16']);
    expect(dates({ start: '2024-02-28', end: '2024-03-01' }, 'UTC')).toEqual(['2024-02-28', '2024-03-01']);
  });

  it('previous period has equal length and ends the day before', () => {
    const r = resolvePeriod('last_month', 'UTC', now);
    const p = previousRange(r, 'UTC');
    expect([p.startDate, p.endDate]).toEqual(['2023-10-31', '2023-11-30']);
  });

  it('refuses bad ranges and timezones with coded errors', () => {
    expect(() => resolvePeriod({ start: '2024-02-02', end: '2024-02-01' }, 'UTC', now)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_date_range' }),
    );
    expect(() => resolvePeriod({ start: '1990-01-01', end: '2024-02-01' }, 'UTC', now)).toThrow(
      expect.objectContaining({ code: 'invalid_date_range' }),
    );
    for (const [start, end] of [
      ['9999-12-01', '9999-12-31'],
      ['2099-12-31', '2100-01-01'],
      ['1969-12-31', '1970-01-01'],
      ['0000-01-01', '0000-01-02'],
    ]) {
      expect(() => resolvePeriod({ start, end }, 'UTC', now), start).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid_date_range' }),
      );
    }
    expect(resolvePeriod({ start: '1970-01-01', end: '1970-01-31' }, 'Pacific/Kiritimati', now).startDate).toBe('1970-01-01');
    expect(resolvePeriod({ start: '2099-12-01', end: '2099-12-31' }, 'Pacific/Pago_Pago', now).endDate).toBe('2099-12-31');
    expect(() => resolvePeriod('today', "UTC') OR 1=1 --", now)).toThrow(expect.objectContaining({ code: 'invalid_timezone' }));
    expect(() => resolvePeriod('today', 'Mars/Olympus', now)).toThrow(expect.objectContaining({ code: 'invalid_timezone' }));
  });
});

describe('bucket keys', () => {
  it('hours skip the missing hour on the DST day', () => {
    const keys = bucketKeys(rangeOfDates('2024-03-10', '2024-03-10', 'America/New_York'), 'hour', 'America/New_York');
    expect(keys).toHaveLength(23);
    expect(keys.slice(0, 3)).toEqual(['2024-03-10 00:00:00', '2024-03-10 01:00:00', '2024-03-10 03:00:00']);
  });

  it('hours are not repeated on the fall-back day', () => {
    const keys = bucketKeys(rangeOfDates('2024-11-03', '2024-11-03', 'America/New_York'), 'hour', 'America/New_York');
    expect(keys).toHaveLength(24);
    expect(new Set(keys).size).toBe(24);
  });

  it('weeks start on Monday on or before the range; months on the first', () => {
    expect(bucketKeys(rangeOfDates('2024-01-13', '2024-01-22', 'UTC'), 'week', 'UTC')).toEqual(['2024-01-08', '2024-01-15', '2024-01-22']);
    expect(bucketKeys(rangeOfDates('2024-01-31', '2024-03-01', 'UTC'), 'month', 'UTC')).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
    expect(bucketKeys(rangeOfDates('2024-02-27', '2024-03-01', 'UTC'), 'day', 'UTC')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
  });

  it('refuses too many buckets', () => {
    const r = rangeOfDates('2020-01-01', addDays('2020-01-01', 800), 'UTC');
    expect(() => bucketKeys(r, 'hour', 'UTC')).toThrow(expect.objectContaining({ code: 'too_many_buckets' }));
  });
});

describe('wholeLocalDays', () => {
  it('accepts whole local days, across a DST change away from midnight', () => {
    expect(wholeLocalDays(rangeOfDates('2025-03-20', '2025-04-05', 'Europe/Berlin'), 'Europe/Berlin')).toBe(true);
    expect(wholeLocalDays(rangeOfDates('2025-03-20', '2025-03-20', 'UTC'), 'UTC')).toBe(true);
  });
  it('refuses edges that are not local midnights', () => {
    const r = rangeOfDates('2025-03-20', '2025-03-22', 'Europe/Berlin');
    expect(wholeLocalDays({ ...r, startMs: r.startMs + 3_600_000 }, 'Europe/Berlin')).toBe(false);
    expect(wholeLocalDays(r, 'UTC')).toBe(false);
  });
  it('refuses a span with an offset change at a local midnight', () => {
    // Havana moves its clocks from 00:00 to 01:00 (2025-03-09): that day's start is ambiguous.
    expect(wholeLocalDays(rangeOfDates('2025-03-01', '2025-03-20', 'America/Havana'), 'America/Havana')).toBe(false);
    expect(wholeLocalDays(rangeOfDates('2025-03-10', '2025-03-20', 'America/Havana'), 'America/Havana')).toBe(true);
  });
});
