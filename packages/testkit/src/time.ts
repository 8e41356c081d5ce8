/** Local-time helpers for seasonality: which local hour and weekday a UTC instant falls on. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (e.g. +3_600_000 for CET in winter). */
export function tzOffsetMs(timeZone: string, ms: number): number {
  if (timeZone === 'UTC') return 0;
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (ms - (ms % 1000));
}

/** Relative traffic by local hour (mean 1): quiet nights, a working-day plateau and an evening bump. */
export const HOUR_WEIGHTS: readonly number[] = (() => {
  const raw = [
    0.25, 0.18, 0.14, 0.12, 0.12, 0.18, 0.35, 0.65, 1.05, 1.4, 1.6, 1.65, 1.55, 1.6, 1.62, 1.55, 1.45, 1.3, 1.15, 1.15, 1.2, 1.1, 0.8, 0.45,
  ];
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
})();

/** Relative traffic by local weekday, Sunday first (mean 1): a B2B-ish site, quieter weekends. */
export const WEEKDAY_WEIGHTS: readonly number[] = (() => {
  const raw = [0.62, 1.12, 1.18, 1.15, 1.12, 0.98, 0.58];
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
})();

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
