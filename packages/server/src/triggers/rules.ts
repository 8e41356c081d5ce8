import type { FrequencyPeriod, QuietHours, TriggerEventMatch } from '@tidemark/core';
import { addDays, compilePathPattern, localDate, pathMatches, startOfLocalDay, wallClock, type PathPattern } from '../stats';

/** Pure rules of triggers: which events match, calendar periods of caps and quiet hours in a site's zone. */

export interface EventFacts {
  name: string;
  path: string;
  props: Record<string, unknown>;
}

const patterns = new Map<string, PathPattern>();
function patternOf(path: string): PathPattern {
  let p = patterns.get(path);
  if (!p) {
    p = compilePathPattern({ path }, 'path');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(path, p);
  }
  return p;
}

/** The event has the name, a path matching the pattern (`*` any run of characters) and every property value. */
export function eventMatches(m: TriggerEventMatch, e: EventFacts): boolean {
  if (m.name !== e.name) return false;
  if (m.path !== undefined && !pathMatches(patternOf(m.path), e.path)) return false;
  for (const [k, v] of Object.entries(m.props ?? {})) if (String(e.props[k] ?? '') !== v) return false;
  return true;
}

/** The calendar period (day, week from Monday, month, quarter) of the site's zone containing `ms`, as a UTC span. */
export function periodSpan(ms: number, per: FrequencyPeriod, tz: string): { fromMs: number; toMs: number } {
  const date = localDate(ms, tz);
  const [y, m] = date.split('-').map(Number) as [number, number];
  let first: string;
  let next: string;
  if (per === 'day') {
    first = date;
    next = addDays(date, 1);
  } else if (per === 'week') {
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    first = addDays(date, -weekday);
    next = addDays(first, 7);
  } else {
    const months = per === 'month' ? 1 : 3;
    const startMonth = per === 'month' ? m : Math.floor((m - 1) / 3) * 3 + 1;
    first = monthStart(y, startMonth);
    next = monthStart(y, startMonth + months);
  }
  return { fromMs: startOfLocalDay(first, tz), toMs: startOfLocalDay(next, tz) };
}

const monthStart = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the local time of `ms` in `tz` is inside the quiet hours (start inclusive, end exclusive). */
export function inQuietHours(ms: number, q: QuietHours, tz: string): boolean {
  const w = wallClock(ms, tz);
  const now = w.h * 60 + w.mi;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * When an action due at `ms` may go: `ms` itself outside quiet hours, else the first instant the local
 * clock shows `end` (or later, when a DST gap skips that time) after `ms`.
 */
export function afterQuietHours(ms: number, q: QuietHours, tz: string): number {
  if (!inQuietHours(ms, q, tz)) return ms;
  const end = minutesOf(q.end);
  const w = wallClock(ms, tz);
  const today = localDate(ms, tz);
  const date = w.h * 60 + w.mi < end ? today : addDays(today, 1);
  const at = localInstant(date, end, tz);
  if (at > ms) return at;
  // A fold (clocks set back) repeats the quiet hours after `ms`: their end is the next minute outside them.
  let t = ms - (ms % 60_000) + 60_000;
  while (inQuietHours(t, q, tz)) t += 60_000;
  return t;
}

/** The first UTC instant at or after which the local clock of `date` shows `minutes` past midnight. */
export function localInstant(date: string, minutes: number, tz: string): number {
  const dayStart = startOfLocalDay(date, tz);
  const shown = (t: number) => {
    const w = wallClock(t, tz);
    const at = localDate(t, tz);
    return at === date ? w.h * 60 + w.mi : at < date ? -1 : 24 * 60;
  };
  // Most days: the naive instant corrected by how far its clock is off (a DST change in between).
  const naive = dayStart + minutes * 60_000;
  const off = shown(naive);
  const guess = off >= 0 && off < 24 * 60 ? naive - (off - minutes) * 60_000 : naive;
  if (shown(guess) === minutes && shown(guess - 60_000) < minutes) return guess;
  // A DST gap (or fold) around the time: walk to the first minute that shows it or later.
  let t = dayStart + minutes * 60_000 - 3 * 3_600_000;
  if (t < dayStart) t = dayStart;
  for (let i = 0; i < 8 * 60; i++, t += 60_000) {
    const w = wallClock(t, tz);
    const at = localDate(t, tz);
    if (at > date || (at === date && w.h * 60 + w.mi >= minutes)) return t;
  }
  return t;
}
