import type { Dimension, ImportedMarker, Metric, QueryInterval } from '@tidemark/core';
import type { Reader } from './cache';
import type { DateRange } from './period';
import { AGG_ORDER, type Aggs } from './registry';
import { aggsOf, metricRow, type ResultRow } from './run';

/**
 * Imported aggregates (imports/, table `imported_stats`) in the dashboard's answer. The rule: a local
 * day of the site takes its numbers either from native events or from imports, never both — imports
 * count only on days with no native event (any event, of any name). Over a period the two kinds of day
 * add up: sums (pageviews, events, sessions, bounces, durations) add, so bounce rate, visit duration and
 * views per visit are the ratios of the summed parts; visitors add too (an imported day's unique
 * visitors plus the native days' distinct visitors: the other tool's visitors cannot be matched to
 * ours, so someone seen on an imported and on a native day counts twice, as they do across imported
 * days). Imports have no hours, filters or new/returning split: with filters nothing imported is added
 * (the marker says why), the hourly timeseries shows native data only, and imported visitors count as
 * new visitors. Breakdowns add the imported rows of the same value to the native ones, for the
 * dimensions the import has (DIMENSIONS below), then sort and cut again.
 */

/** Dimensions imported rows break down (the rest get native rows only). */
export const IMPORTED_DIMENSIONS: ReadonlySet<string> = new Set([
  'source',
  'referrer',
  'medium',
  'campaign',
  'term',
  'content',
  'page',
  'hostname',
  'entry_page',
  'exit_page',
  'event_name',
  'country',
  'device',
  'browser',
  'browser_version',
  'os',
  'os_version',
]);

/** A native breakdown is read this deep when imported rows are merged into it, so ranks stay right. */
export const MERGE_DEPTH = 1000;

const num = (v: unknown) => (v == null ? 0 : Number(v)) || 0;
const SUMS =
  'sum(visitors) AS visitors, sum(pageviews) AS pageviews, sum(events) AS events, sum(visits) AS visits, sum(bounces) AS bounces, sum(visit_duration) AS visit_duration';

/** Days (YYYY-MM-DD) between `from` and `to` that some import of the site has totals for. */
export async function importedDaysBetween(reader: Reader, siteId: string, from: string, to: string): Promise<string[]> {
  const rows = await reader.query<{ day: string }>(
    "SELECT DISTINCT day FROM imported_stats WHERE site_id = ? AND dimension = '' AND day >= ? AND day <= ? ORDER BY day",
    [siteId, from, to],
  );
  return rows.map((r) => String(r.day));
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function toAggs(r: Record<string, unknown>, events: number, sessionPageviews: number): Aggs {
  const a = Object.fromEntries(AGG_ORDER.map((k) => [k, 0])) as Aggs;
  a.visitors = num(r.visitors);
  a.new_visitors = a.visitors;
  a.pageviews = num(r.pageviews);
  a.events = events;
  a.sessions = num(r.visits);
  a.bounces = num(r.bounces);
  a.duration_ms = num(r.visit_duration) * 1000;
  a.session_pageviews = sessionPageviews;
  return a;
}

/** Per-day totals of the imports on `days`: visits, bounces … from the totals rows, events from the events breakdown. */
export async function importedTotalsByDay(reader: Reader, siteId: string, days: string[]): Promise<Map<string, Aggs>> {
  const out = new Map<string, Aggs>();
  if (!days.length) return out;
  const rows = await reader.query<Record<string, unknown>>(
    `SELECT day, dimension, ${SUMS} FROM imported_stats WHERE site_id = ? AND dimension IN ('', 'event_name') AND day IN (${placeholders(days.length)}) GROUP BY day, dimension`,
    [siteId, ...days],
  );
  const events = new Map<string, number>();
  for (const r of rows) if (r.dimension === 'event_name') events.set(String(r.day), num(r.events));
  for (const r of rows) {
    if (r.dimension !== '') continue;
    const day = String(r.day);
    out.set(day, toAggs(r, events.get(day) ?? num(r.pageviews), num(r.pageviews)));
  }
  return out;
}

/** Imported rows of one dimension over `days`, by value. */
export async function importedBreakdown(reader: Reader, siteId: string, dimension: string, days: string[]): Promise<Map<string, Aggs>> {
  const out = new Map<string, Aggs>();
  if (!days.length || !IMPORTED_DIMENSIONS.has(dimension)) return out;
  const rows = await reader.query<Record<string, unknown>>(
    `SELECT value, ${SUMS} FROM imported_stats WHERE site_id = ? AND dimension = ? AND day IN (${placeholders(days.length)}) GROUP BY value`,
    [siteId, dimension, ...days],
  );
  for (const r of rows)
    out.set(String(r.value), toAggs(r, num(r.events) + num(r.pageviews) * (dimension === 'event_name' ? 0 : 1), num(r.pageviews)));
  return out;
}

export function addAggs(a: Aggs, b: Aggs): Aggs {
  const out = { ...a };
  for (const k of AGG_ORDER) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

export function sumAggs(list: Iterable<Aggs>): Aggs {
  let acc = Object.fromEntries(AGG_ORDER.map((k) => [k, 0])) as Aggs;
  for (const a of list) acc = addAggs(acc, a);
  return acc;
}

/** The row with the imported aggregates added (same keys, metrics recomputed). */
export function withImported(row: ResultRow, metrics: Metric[], extra: Aggs | undefined): ResultRow {
  const own = aggsOf(row);
  if (!extra || !own) return row;
  const keys: ResultRow = {};
  for (const [k, v] of Object.entries(row)) if (!(metrics as string[]).includes(k)) keys[k] = v;
  return metricRow(metrics, addAggs(own, extra), keys);
}

/** The timeseries bucket a local day falls in (the keys period.ts `bucketKeys` makes), or null for hours. */
export function bucketOfDay(day: string, interval: QueryInterval): string | null {
  if (interval === 'hour') return null;
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 8)}01`;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** A breakdown with imported values merged in, sorted again (first metric descending, then value by bytes) and cut. */
export function mergeBreakdown(
  rows: ResultRow[],
  dim: Dimension,
  metrics: Metric[],
  imported: Map<string, Aggs>,
  limit: number,
): ResultRow[] {
  const seen = new Set<string>();
  const merged = rows.map((r) => {
    const value = String(r[dim] ?? '');
    seen.add(value);
    return withImported(r, metrics, imported.get(value));
  });
  for (const [value, aggs] of imported) if (!seen.has(value)) merged.push(metricRow(metrics, aggs, { [dim]: value }));
  const first = metrics[0]!;
  merged.sort((a, b) => Number(b[first]) - Number(a[first]) || Buffer.compare(Buffer.from(String(a[dim])), Buffer.from(String(b[dim]))));
  return merged.slice(0, limit);
}

export interface ImportedPlan {
  marker: ImportedMarker;
  /** Days of the period / of the comparison period whose numbers come from imports. */
  days: string[];
  compareDays: string[];
}

const within = (days: string[], r: DateRange | undefined) => (r ? days.filter((d) => d >= r.startDate && d <= r.endDate) : []);

/**
 * Which days of the period (and comparison) take imported numbers: days with imported totals and no
 * native event. `nativeDays` lists the days with native events between two dates (the caller runs it
 * through the stats engine).
 */
export async function planImported(
  reader: Reader,
  siteId: string,
  range: DateRange,
  compare: DateRange | undefined,
  opts: { include: boolean; filtered: boolean; unsupported?: boolean },
  nativeDays: (from: string, to: string) => Promise<Set<string>>,
): Promise<ImportedPlan | null> {
  const from = compare && compare.startDate < range.startDate ? compare.startDate : range.startDate;
  const to = compare && compare.endDate > range.endDate ? compare.endDate : range.endDate;
  const candidates = await importedDaysBetween(reader, siteId, from, to);
  if (!candidates.length) return null;
  const native = await nativeDays(candidates[0]!, candidates[candidates.length - 1]!);
  const open = candidates.filter((d) => !native.has(d));
  const days = within(open, range);
  const compareDays = within(open, compare);
  if (!days.length && !compareDays.length) return null;
  const reason = !opts.include ? 'excluded' : opts.filtered ? 'filters' : opts.unsupported ? 'unsupported' : null;
  if (reason) return { marker: { available: true, included: false, days: 0, reason }, days: [], compareDays: [] };
  return { marker: { available: true, included: true, days: days.length }, days, compareDays };
}
