import { duckdbDialect } from '../../packages/server/src/stats/dialects/duckdb';
import { compileCohorts, StatsService, type SessionPartsRollup } from '../../packages/server/src/stats';
import { resolvePeriod } from '../../packages/server/src/stats/period';
import type { EventStore } from '../../packages/server/src/store';
import { fmt, timeAlternating } from '../lib/machine';
import { MAIN_SITE } from './dataset';

/**
 * The cohort grid's statement as the API runs it (per member by bits, stats/cohorts/served.ts) against
 * the statement before it (per (member, period) with a window) on the same rollup rows and connection,
 * timed alternately. The first is checked to be the very statement `StatsService.cohorts` sends, and
 * both must return the same rows for the offsets a grid shows.
 */
const DAY = 86_400_000;
const PERIODS = 12;
const REQUEST = { period: 'custom', start_date: '2026-03-09', end_date: '2026-05-31', interval: 'week', periods: String(PERIODS) };

export async function timeCohortForms(store: EventStore, hours: SessionPartsRollup, nowMs: number, runs: number) {
  // The statement the service sends: seen through a store that records what it is asked.
  const sent: Array<{ sql: string; params: unknown[] }> = [];
  const recording = new Proxy(store, {
    get(target, key) {
      if (key === 'query')
        return (sql: string, params: unknown[] = []) => {
          sent.push({ sql, params });
          return target.query(sql, params);
        };
      const v = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  await new StatsService(recording, { now: () => nowMs, sharedResultsMs: 0, visitorHours: hours }).cohorts(MAIN_SITE, REQUEST);
  const grid = sent.find((s) => s.sql.includes('FROM visitor_hours '));
  const range = resolvePeriod({ start: REQUEST.start_date, end: REQUEST.end_date }, MAIN_SITE.timezone, nowMs);
  const [wm] = await store.query<{ ms: number }>('SELECT epoch_ms(max(watermark)) AS ms FROM visitor_hours_state', []);
  const q = {
    siteId: MAIN_SITE.id,
    timezone: MAIN_SITE.timezone,
    interval: 'week' as const,
    by: 'first_visit' as const,
    // The default unit on this data (the service's answer says basis people).
    people: true,
    goal: null,
    startMs: range.startMs,
    endMs: range.endMs,
    periods: PERIODS,
    readStartMs: range.startMs - 180 * DAY,
    readEndMs: Math.min(nowMs, range.endMs + PERIODS * 7 * DAY),
    rollup: { watermarkMs: Number(wm?.ms) },
  };
  const bits = compileCohorts(duckdbDialect, q);
  const window = compileCohorts(duckdbDialect, q, { window: true });
  if (!grid || grid.sql !== bits.sql || JSON.stringify(grid.params) !== JSON.stringify(bits.params))
    throw new Error('cohort forms: the statement timed is not the one the service sends');
  const shown = (rows: Array<Record<string, unknown>>) =>
    rows
      .filter((r) => (Date.parse(String(r.b)) - Date.parse(String(r.fb))) / (7 * DAY) < PERIODS)
      .map((r) => `${r.fb} ${r.b} ${r.n}`)
      .sort()
      .join('\n');
  const t = await timeAlternating(
    () => store.query<Record<string, unknown>>(bits.sql, bits.params),
    () => store.query<Record<string, unknown>>(window.sql, window.params),
    runs,
    180_000,
  );
  const same = shown(t.lastA) === shown(t.lastB);
  if (!same) throw new Error('cohort forms: the two statements disagree');
  return [
    `| per member by bits (current) | ${fmt(t.a.p50, 1)} | ${fmt(t.a.p95, 1)} | ${t.a.runs} | ${(t.a.p50 / t.b.p50).toFixed(2)}x |`,
    `| per (member, period) with a window (before) | ${fmt(t.b.p50, 1)} | ${fmt(t.b.p95, 1)} | ${t.b.runs} | 1.00x |`,
  ];
}
