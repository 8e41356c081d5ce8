import { badRequest, isValidTimezone, MAX_DATE_RANGE_DAYS, type Period, type QueryInterval } from '@tidemark/core';

/**
 * Local calendar arithmetic in IANA timezones with nothing but Intl: periods are whole local days,
 * turned into a half-open UTC range [startMs, endMs) so the engines compare plain instants and
 * never need the timezone except for bucketing.
 */

export interface DateRange {
  /** Inclusive local dates, YYYY-MM-DD. */
  startDate: string;
  endDate: string;
  /** UTC instants of local midnight at startDate and at the day after endDate. */
  startMs: number;
  endMs: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallClock {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** Local wall-clock time of a UTC instant. */
export function wallClock(ms: number, tz: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year, m: parts.month, d: parts.day, h: parts.hour % 24, mi: parts.minute, s: parts.second };
}

/** Offset of the zone from UTC at an instant, in ms (local = utc + offset). */
export function offsetAt(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

export interface OffsetSegment {
  /** First instant (ms) of the segment; the first segment starts at the span's start. */
  fromMs: number;
  /** Local time minus UTC, in ms, throughout the segment. */
  offsetMs: number;
}

const SAMPLE_MS = 6 * 3_600_000;
const segmentCache = new Map<string, OffsetSegment[]>();

/**
 * The UTC offsets of `tz` over [startMs, endMs): one segment per offset change (DST). Offsets are
 * sampled every 6 hours (time zones never change offset twice within 6 hours) and each change is
 * located to the second. Lets engines bucket by local time with plain arithmetic.
 */
export function offsetSegments(startMs: number, endMs: number, tz: string): OffsetSegment[] {
  const key = `${tz}\u0000${startMs}\u0000${endMs}`;
  const hit = segmentCache.get(key);
  if (hit) return hit;
  const segments: OffsetSegment[] = [{ fromMs: startMs, offsetMs: offsetAt(startMs, tz) }];
  let prev = startMs;
  for (let t = Math.min(startMs + SAMPLE_MS, endMs); ; t = Math.min(t + SAMPLE_MS, endMs)) {
    const last = segments[segments.length - 1].offsetMs;
    const offset = offsetAt(t, tz);
    if (offset !== last) {
      // First whole second in (prev, t] with the new offset.
      let lo = Math.floor(prev / 1000);
      let hi = Math.ceil(t / 1000);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid * 1000, tz) === last) lo = mid;
        else hi = mid;
      }
      segments.push({ fromMs: hi * 1000, offsetMs: offset });
    }
    prev = t;
    if (t >= endMs) break;
  }
  if (segmentCache.size > 1000) segmentCache.clear();
  segmentCache.set(key, segments);
  return segments;
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function localDate(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
}

/** The UTC instant at which local date `date` begins (its midnight, or the first instant after a DST gap). */
export function startOfLocalDay(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const local = Date.UTC(y, m - 1, d);
  const before = local - offsetAt(local - DAY_MS, tz);
  const after = local - offsetAt(local + DAY_MS, tz);
  const valid = [before, after].filter((t) => localDate(t, tz) === date && wallClock(t, tz).h === 0 && wallClock(t, tz).mi === 0);
  if (valid.length) return Math.min(...valid);
  return before; // local midnight does not exist: the day starts when the clocks jump
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

function firstOfMonth(date: string, monthsBack = 0): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 - monthsBack, 1)).toISOString().slice(0, 10);
}

export function assertTimezone(tz: string): void {
  if (!isValidTimezone(tz)) throw badRequest('invalid_timezone', 'timezone: not a known IANA timezone');
}

/**
 * Dates a query may name: within what both engines can bucket (ClickHouse's DateTime ends in 2106) and
 * what JavaScript dates print as YYYY-MM-DD; year 9999 made the day after the range unreadable.
 */
export const MIN_QUERY_DATE = '1970-01-01';
export const MAX_QUERY_DATE = '2099-12-31';

function assertQueryDate(date: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < MIN_QUERY_DATE || date > MAX_QUERY_DATE) {
    throw badRequest('invalid_date_range', `date_range: dates must be between ${MIN_QUERY_DATE} and ${MAX_QUERY_DATE}`);
  }
}

export function rangeOfDates(startDate: string, endDate: string, tz: string): DateRange {
  if (endDate < startDate) throw badRequest('invalid_date_range', 'date_range: end is before start');
  if (daysBetween(startDate, endDate) + 1 > MAX_DATE_RANGE_DAYS)
    throw badRequest('invalid_date_range', `date_range: longer than ${MAX_DATE_RANGE_DAYS} days`);
  return { startDate, endDate, startMs: startOfLocalDay(startDate, tz), endMs: startOfLocalDay(addDays(endDate, 1), tz) };
}

/** Named periods relative to "today" in the timezone; `last_N_days` include today. */
export function resolvePeriod(period: Period | { start: string; end: string }, tz: string, nowMs: number): DateRange {
  assertTimezone(tz);
  if (typeof period === 'object') {
    assertQueryDate(period.start);
    assertQueryDate(period.end);
    return rangeOfDates(period.start, period.end, tz);
  }
  const today = localDate(nowMs, tz);
  switch (period) {
    case 'today':
      return rangeOfDates(today, today, tz);
    case 'yesterday':
      return rangeOfDates(addDays(today, -1), addDays(today, -1), tz);
    case 'last_7_days':
      return rangeOfDates(addDays(today, -6), today, tz);
    case 'last_30_days':
      return rangeOfDates(addDays(today, -29), today, tz);
    case 'month':
      return rangeOfDates(firstOfMonth(today), today, tz);
    case 'last_month': {
      const first = firstOfMonth(today, 1);
      return rangeOfDates(first, addDays(firstOfMonth(today), -1), tz);
    }
    case 'last_12_months':
      return rangeOfDates(firstOfMonth(today, 11), today, tz);
    default: {
      const never: never = period;
      throw badRequest('invalid_date_range', `unknown period ${String(never)}`);
    }
  }
}

/** The period of equal length (in local days) that ends the day before `range` starts. */
export function previousRange(range: DateRange, tz: string): DateRange {
  const days = daysBetween(range.startDate, range.endDate) + 1;
  return rangeOfDates(addDays(range.startDate, -days), addDays(range.startDate, -1), tz);
}

export const MAX_BUCKETS = 10_000;

/**
 * Every bucket key of the range, in order, in the format the dialects produce
 * ('YYYY-MM-DD HH:00:00' for hours, the bucket's first local day otherwise). Used to zero-fill.
 */
export function bucketKeys(range: DateRange, interval: QueryInterval, tz: string): string[] {
  const keys: string[] = [];
  const push = (k: string) => {
    if (keys[keys.length - 1] !== k) keys.push(k);
    if (keys.length > MAX_BUCKETS)
      throw badRequest('too_many_buckets', `interval ${interval} gives more than ${MAX_BUCKETS} buckets for this range`);
  };
  if (interval === 'hour') {
    // Days without an offset change have exactly the hours 00-23; only DST days are walked hour by hour.
    let day = range.startDate;
    let dayStart = range.startMs;
    while (day <= range.endDate) {
      const next = addDays(day, 1);
      const plain = offsetAt(dayStart, tz) === offsetAt(dayStart + DAY_MS, tz) && localDate(dayStart + DAY_MS, tz) === next;
      const nextStart = plain ? dayStart + DAY_MS : startOfLocalDay(next, tz);
      if (plain) for (let h = 0; h < 24; h++) push(`${day} ${pad(h)}:00:00`);
      else {
        for (let t = dayStart; t < nextStart; t += 3_600_000) {
          const w = wallClock(t, tz);
          push(`${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)} ${pad(w.h)}:00:00`);
        }
      }
      day = next;
      dayStart = nextStart;
    }
    return keys;
  }
  let cursor = range.startDate;
  if (interval === 'week') {
    const dow = new Date(`${cursor}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    cursor = addDays(cursor, -((dow + 6) % 7));
  } else if (interval === 'month') {
    cursor = firstOfMonth(cursor);
  }
  while (cursor <= range.endDate) {
    push(cursor);
    if (interval === 'day') cursor = addDays(cursor, 1);
    else if (interval === 'week') cursor = addDays(cursor, 7);
    else {
      const [y, m] = cursor.split('-').map(Number);
      cursor = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    }
  }
  return keys;
}

/**
 * Whether [start, end) is whole local days of `tz` whose boundaries are plain: both edges local
 * midnights, and no offset change inside it at or next to a local midnight (where "the day's start" is
 * ambiguous). The daily marks cube (rollups/mark-cube-day.ts) may then serve it.
 */
export function wholeLocalDays(range: DateRange, tz: string): boolean {
  const isMidnight = (ms: number) => startOfLocalDay(localDate(ms, tz), tz) === ms;
  if (range.endMs <= range.startMs || !isMidnight(range.startMs) || !isMidnight(range.endMs)) return false;
  const hourOfDay = (wallMs: number) => Math.floor((((wallMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
  const segments = offsetSegments(range.startMs, range.endMs, tz);
  for (let i = 1; i < segments.length; i++) {
    const at = segments[i]!.fromMs;
    const before = hourOfDay(at - 1 + segments[i - 1]!.offsetMs);
    const after = hourOfDay(at + segments[i]!.offsetMs);
    if (before === 23 || before === 0 || after === 23 || after === 0) return false;
  }
  return true;
}
