import { z } from 'zod';
import { badRequest, type Dimension, type FilterNode, type Metric, type QueryInterval } from '@tidemark/core';

/**
 * Plausible's Stats API v2 request (`POST /api/v2/query`), as its documentation describes it, and its
 * translation onto our Query. What has no counterpart here is refused with a 400 naming it; nothing is
 * silently approximated.
 */
const pluck = z.string().min(1).max(200);
export const plausibleQuerySchema = z
  .object({
    site_id: z.string().min(1).max(253),
    metrics: z.array(pluck).min(1).max(20),
    date_range: z.union([z.string().max(20), z.tuple([z.string().max(40), z.string().max(40)])]),
    dimensions: z.array(pluck).max(10).optional(),
    filters: z.array(z.unknown()).max(30).optional(),
    order_by: z
      .array(z.tuple([pluck, z.enum(['asc', 'desc'])]))
      .max(5)
      .optional(),
    include: z
      .object({ imports: z.boolean().optional(), time_labels: z.boolean().optional(), total_rows: z.boolean().optional() })
      .strict()
      .optional(),
    pagination: z
      .object({ limit: z.number().int().min(1).max(10_000).optional(), offset: z.number().int().min(0).max(100_000).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type PlausibleQuery = z.infer<typeof plausibleQuerySchema>;

/** Plausible metric → ours. */
export const PLAUSIBLE_METRICS: Readonly<Record<string, Metric>> = {
  visitors: 'visitors',
  visits: 'sessions',
  pageviews: 'pageviews',
  views_per_visit: 'views_per_visit',
  bounce_rate: 'bounce_rate',
  visit_duration: 'avg_duration',
  events: 'events',
  scroll_depth: 'scroll_depth',
  time_on_page: 'avg_time',
  conversion_rate: 'conversion_rate',
};

/** Plausible dimension → ours (`event:props:<key>` → `props:<key>` besides these). */
export const PLAUSIBLE_DIMENSIONS: Readonly<Record<string, Dimension>> = {
  'event:page': 'page',
  'event:hostname': 'hostname',
  'event:name': 'event_name',
  'event:goal': 'goal',
  'visit:entry_page': 'entry_page',
  'visit:exit_page': 'exit_page',
  'visit:source': 'source',
  'visit:referrer': 'referrer',
  'visit:channel': 'channel',
  'visit:utm_medium': 'medium',
  'visit:utm_campaign': 'campaign',
  'visit:utm_term': 'term',
  'visit:utm_content': 'content',
  'visit:device': 'device',
  'visit:browser': 'browser',
  'visit:browser_version': 'browser_version',
  'visit:os': 'os',
  'visit:os_version': 'os_version',
  'visit:country': 'country',
  'visit:region': 'region',
  'visit:city_name': 'city',
};

const TIME_DIMENSIONS: Readonly<Record<string, QueryInterval | 'auto'>> = {
  time: 'auto',
  'time:hour': 'hour',
  'time:day': 'day',
  'time:week': 'week',
  'time:month': 'month',
};

const unsupported = (what: string, detail = '') =>
  badRequest('unsupported', `${what} is not supported by this server${detail ? `: ${detail}` : ''}`);

export function mapMetric(m: string): Metric {
  const ours = PLAUSIBLE_METRICS[m];
  if (!ours) throw unsupported(`Metric \`${m}\``, `supported are ${Object.keys(PLAUSIBLE_METRICS).join(', ')}, percentage`);
  return ours;
}

export function mapDimension(d: string): Dimension {
  if (d.startsWith('event:props:')) {
    const key = d.slice('event:props:'.length);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/.test(key)) throw badRequest('invalid_dimension', `Invalid custom property \`${key}\``);
    return `props:${key}`;
  }
  const ours = PLAUSIBLE_DIMENSIONS[d];
  if (!ours) throw unsupported(`Dimension \`${d}\``);
  return ours;
}

export function timeDimension(d: string): QueryInterval | 'auto' | null {
  return Object.hasOwn(TIME_DIMENSIONS, d) ? TIME_DIMENSIONS[d]! : null;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/** Goal names (Plausible's goal values) → our goal ids; a name the site has no goal for is a 400. */
export type GoalIds = (names: string[]) => string[];
const noGoals: GoalIds = (names) => {
  throw badRequest('invalid_goal', `The goal \`${names[0]}\` is not configured for this site`);
};

/** One Plausible filter (`[op, dimension, clauses, modifiers?]`, `["and"|"or", [filters]]`, `["not", filter]`) → ours. */
export function mapFilter(f: unknown, depth = 0, goalIds: GoalIds = noGoals): FilterNode {
  if (depth > 6) throw badRequest('invalid_filter', 'Filters are nested too deep');
  if (!isList(f) || typeof f[0] !== 'string') throw badRequest('invalid_filter', `Invalid filter ${JSON.stringify(f)?.slice(0, 200)}`);
  const op = f[0];
  if (op === 'and' || op === 'or') {
    if (f.length !== 2 || !isList(f[1]) || f[1].length === 0)
      throw badRequest('invalid_filter', `\`${op}\` takes a non-empty list of filters`);
    return [op, ...f[1].map((c) => mapFilter(c, depth + 1, goalIds))] as FilterNode;
  }
  if (op === 'not') {
    if (f.length !== 2) throw badRequest('invalid_filter', '`not` takes one filter');
    return ['not', mapFilter(f[1], depth + 1, goalIds)];
  }
  if (op === 'has_done' || op === 'has_not_done') throw unsupported(`Filter operator \`${op}\``);
  const [, dim, clauses, modifiers] = f;
  if (typeof dim !== 'string') throw badRequest('invalid_filter', 'A filter names its dimension as a string');
  if (dim === 'segment') throw unsupported(`Filtering by \`${dim}\``);
  if (timeDimension(dim)) throw unsupported('Filtering by time dimensions', 'use date_range');
  if (
    !isList(clauses) ||
    clauses.length === 0 ||
    clauses.length > 100 ||
    !clauses.every((c) => typeof c === 'string' || typeof c === 'number')
  )
    throw badRequest('invalid_filter', `Filter on \`${dim}\` needs a list of values`);
  if (modifiers !== undefined) {
    const m = modifiers as { case_sensitive?: unknown } | null;
    if (!m || typeof m !== 'object' || Object.keys(m).some((k) => k !== 'case_sensitive') || m.case_sensitive === false)
      throw unsupported('Filter modifiers other than case_sensitive: true');
  }
  const d = mapDimension(dim);
  const values = d === 'goal' ? goalIds(clauses.map(String)) : clauses.map(String);
  switch (op) {
    case 'is':
    case 'is_not':
    case 'contains':
    case 'matches':
      return [op, d, values];
    case 'contains_not':
      return ['not', ['contains', d, values]];
    case 'matches_not':
      return ['not', ['matches', d, values]];
    default:
      throw badRequest('invalid_filter', `Unknown filter operator \`${op}\``);
  }
}

const DAY = 86_400_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const monthStart = (date: string, back: number) => {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 10);
};
const monthEnd = (date: string) => addDays(monthStart(addDays(monthStart(date, 0), 32), 0), -1);

/**
 * Plausible's named ranges over local dates, `today` being today in the site's time zone: `day`; `7d`
 * (today and the 6 days before); `28d`, `30d`, `91d` (today and that many days before, as Plausible
 * counts them); `month`, `6mo`, `12mo` (whole calendar months up to this one's end); `year` (this
 * calendar year); `all` (from the site's creation). `[start, end]` dates are taken as they are.
 */
export function mapDateRange(r: PlausibleQuery['date_range'], today: string, siteCreated: string): { start: string; end: string } {
  if (Array.isArray(r)) {
    const [a, b] = r;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(a) || !/^\d{4}-\d{2}-\d{2}$/.test(b))
      throw unsupported('A date_range of date-times', 'give dates [YYYY-MM-DD, YYYY-MM-DD]');
    return { start: a, end: b };
  }
  switch (r) {
    case 'day':
      return { start: today, end: today };
    case '7d':
      return { start: addDays(today, -6), end: today };
    case '28d':
      return { start: addDays(today, -28), end: today };
    case '30d':
      return { start: addDays(today, -30), end: today };
    case '91d':
      return { start: addDays(today, -91), end: today };
    case 'month':
      return { start: monthStart(today, 0), end: monthEnd(today) };
    case '6mo':
      return { start: monthStart(today, 5), end: monthEnd(today) };
    case '12mo':
      return { start: monthStart(today, 11), end: monthEnd(today) };
    case 'year':
      return { start: `${today.slice(0, 4)}-01-01`, end: `${today.slice(0, 4)}-12-31` };
    case 'all':
      return { start: siteCreated < today ? siteCreated : today, end: today };
    case 'realtime':
    case '30m':
    case '24h':
      throw unsupported(`date_range "${r}"`, 'use the realtime API');
    default:
      throw badRequest('invalid_date_range', `Invalid date_range "${r}"`);
  }
}

/** The response of `POST /api/v2/query` (Plausible's shape). */
export const plausibleResponseSchema = z
  .object({
    results: z.array(
      z.object({
        metrics: z.array(z.number()).meta({ description: 'The values of `metrics`, in their order' }),
        dimensions: z
          .array(z.string())
          .meta({ description: 'The values of `dimensions`, in their order (time buckets as YYYY-MM-DD or YYYY-MM-DD HH:00:00)' }),
      }),
    ),
    meta: z.object({
      imports_included: z.boolean().optional(),
      time_labels: z.array(z.string()).optional(),
      total_rows: z.number().int().optional(),
    }),
    query: z.record(z.string(), z.unknown()).meta({ description: 'The query as run: date_range as local date-times, defaults filled in' }),
  })
  .meta({ id: 'PlausibleQueryResponse' });
