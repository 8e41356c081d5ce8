import type { CohortRequest } from './params';

const DAY = 86_400_000;

/** Periods from bucket `a` to bucket `b` (both 'YYYY-MM-DD', the first local day of their period). */
export function periodsBetween(a: string, b: string, interval: CohortRequest['interval']): number {
  const [ay, am] = a.split('-').map(Number);
  const [by, bm] = b.split('-').map(Number);
  if (interval === 'month') return (by! - ay!) * 12 + (bm! - am!);
  const days = Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
  return interval === 'week' ? Math.floor(days / 7) : days;
}

/** The bucket (first local day of the period) of local date `date`. */
export function bucketOf(date: string, interval: CohortRequest['interval']): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  const ms = Date.parse(`${date}T00:00:00Z`);
  const monday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - monday * DAY).toISOString().slice(0, 10);
}
