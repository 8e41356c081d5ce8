import type { LifetimeDay } from '../stats';
import type { RepeatSummary } from './bgnbd';
import type { SpendSummary } from './gamma-gamma';

export const DAY_MS = 86_400_000;

/** One person's transaction days, oldest first, with the value of each (0 for activity). */
export interface PersonDays {
  pid: string;
  days: number[];
  values: number[];
}

export function groupByPerson(rows: readonly LifetimeDay[]): PersonDays[] {
  const out = new Map<string, PersonDays>();
  for (const r of rows) {
    const p = out.get(r.pid) ?? { pid: r.pid, days: [], values: [] };
    p.days.push(r.day);
    p.values.push(r.value);
    out.set(r.pid, p);
  }
  for (const p of out.values()) {
    const order = p.days.map((_, i) => i).sort((a, b) => p.days[a]! - p.days[b]!);
    p.days = order.map((i) => p.days[i]!);
    p.values = order.map((i) => p.values[i]!);
  }
  return [...out.values()];
}

/** What the models know of a person at `asOfMs`: the days that began before it. */
export interface PersonSummary extends RepeatSummary {
  pid: string;
  /** The last transaction day (days since 1970-01-01). */
  lastDay: number;
  spend: SpendSummary;
}

/**
 * The BG/NBD summary in days: the first transaction day is time 0, x the later transaction days, tx the
 * last one's day, T the time from the first day's start to `asOfMs`. Spend: the valued days (the first one
 * too) and their mean. Null when the person had no transaction day before `asOfMs`.
 */
export function summarize(p: PersonDays, asOfMs: number): PersonSummary | null {
  let n = 0;
  while (n < p.days.length && p.days[n]! * DAY_MS < asOfMs) n++;
  if (n === 0) return null;
  const first = p.days[0]!;
  const last = p.days[n - 1]!;
  let valued = 0;
  let total = 0;
  for (let i = 0; i < n; i++)
    if (p.values[i]! > 0) {
      valued += 1;
      total += p.values[i]!;
    }
  return {
    pid: p.pid,
    x: n - 1,
    tx: last - first,
    T: (asOfMs - first * DAY_MS) / DAY_MS,
    lastDay: last,
    spend: { n: valued, mean: valued ? total / valued : 0 },
  };
}
