import { z } from 'zod';
import { PROP_KEY_PATTERN } from './rules';
import { badRequest } from './errors';
import { canonicalEventSchema } from './event';
import { timeseriesAnnotationSchema } from './annotations';

/**
 * The stats Query (DESIGN §5): what the dashboard, the public API (`POST /v1/query`), shared links,
 * reports and alerts ask the stats engine. Names listed here are the whole vocabulary; the server's
 * registry maps each one to SQL exactly once (its table is typed by these names, so they cannot drift).
 */

export const METRICS = [
  'visitors',
  'pageviews',
  'sessions',
  'bounce_rate',
  'avg_duration',
  'views_per_visit',
  'events',
  'new_visitors',
  'returning_visitors',
  'avg_time',
  'scroll_depth',
  'conversions',
  'converting_visitors',
  'conversion_rate',
  'rage_clicks',
  'dead_clicks',
  'error_clicks',
  'lcp_p50',
  'lcp_p75',
  'lcp_p95',
  'inp_p50',
  'inp_p75',
  'inp_p95',
  'cls_p50',
  'cls_p75',
  'cls_p95',
  'fcp_p50',
  'fcp_p75',
  'fcp_p95',
  'ttfb_p50',
  'ttfb_p75',
  'ttfb_p95',
  'total_revenue',
  'transactions',
  'paying_visitors',
  'revenue_per_visitor',
  'average_order_value',
] as const;
export type Metric = (typeof METRICS)[number];

/**
 * Accepted spellings that mean a canonical metric (InsightHub §7.2.3 asks for `duration`). Results
 * always use the canonical name, as the PRD's own response does (`metrics=…,duration` → `avg_duration`).
 */
export const METRIC_ALIASES: Readonly<Record<string, Metric>> = { visit_duration: 'avg_duration', duration: 'avg_duration' };

/** Attribution models of revenue (docs/revenue.md): the revenue page and the revenue metrics. */
export const ATTRIBUTION_MODEL_NAMES = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based'] as const;
export type AttributionModelName = (typeof ATTRIBUTION_MODEL_NAMES)[number];

export const DIMENSIONS = [
  'page',
  'entry_page',
  'exit_page',
  'hostname',
  'source',
  'referrer',
  'referrer_domain',
  'medium',
  'campaign',
  'term',
  'content',
  'channel',
  'country',
  'region',
  'city',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device',
  'screen',
  'language',
  'event_name',
  'goal',
  'user_id',
  'segment',
  'score',
] as const;
export type BuiltinDimension = (typeof DIMENSIONS)[number];

export { PROP_KEY_PATTERN };
export const PROP_DIMENSION_PATTERN = /^props:[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;
export type PropDimension = `props:${string}`;
/** A trait of the event's person (docs/people.md): the latest value its identify events gave the key. */
export const TRAIT_DIMENSION_PATTERN = /^trait:[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;
export type TraitDimension = `trait:${string}`;
export type Dimension = BuiltinDimension | PropDimension | TraitDimension;

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type QueryInterval = (typeof INTERVALS)[number];

export const PERIODS = ['today', 'yesterday', 'last_7_days', 'last_30_days', 'month', 'last_month', 'last_12_months'] as const;
export type Period = (typeof PERIODS)[number];

export const FILTER_OPS = ['is', 'is_not', 'contains', 'matches'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_DEPTH = 6;
export const MAX_FILTER_LEAVES = 30;
export const MAX_DATE_RANGE_DAYS = 3700;

export type FilterLeaf = [FilterOp, Dimension, string[]];
export type FilterNode = FilterLeaf | ['and', ...FilterNode[]] | ['or', ...FilterNode[]] | ['not', FilterNode];

/** Calendar date YYYY-MM-DD that actually exists (2024-02-30 is refused). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');

/** An IANA timezone name that this runtime's Intl knows (offset forms like "+05:30" are refused). */
export function isValidTimezone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z
  .string()
  .refine(isValidTimezone, 'not a known IANA timezone')
  .meta({ description: 'IANA timezone, e.g. Europe/Berlin', example: 'America/New_York' });

export const metricSchema = z
  .enum([...METRICS, 'visit_duration', 'duration'])
  .transform((s): Metric => METRIC_ALIASES[s] ?? (s as Metric))
  .meta({
    description:
      'visit_duration and duration are accepted spellings of avg_duration (answered as avg_duration). new_visitors/returning_visitors split visitors by whether ' +
      'the visitor id was seen before the period; avg_time is the mean time on page in seconds (engaged time reported by the tracker, else the gap to the next ' +
      'page view), scroll_depth the mean deepest scroll per page view in %; ' +
      "conversions = sessions that completed a goal (of the goal filter or dimension, else any of the site's goals), converting_visitors = their distinct " +
      'visitors, conversion_rate = converting_visitors / visitors of the same query without its goal conditions × 100; ' +
      'total_revenue (payments less refunds, major units of the reporting currency), transactions (payments), paying_visitors, ' +
      'revenue_per_visitor (total_revenue / visitors) and average_order_value (payments / transactions) credit each payment of the ' +
      'period to its touchpoint sessions under `attribution_model` (docs/revenue.md); payments without a touchpoint count under ' +
      'the value "(unattributed)" of every session-level dimension',
  });

export const dimensionSchema = z
  .string()
  .refine((s) => (DIMENSIONS as readonly string[]).includes(s) || PROP_DIMENSION_PATTERN.test(s) || TRAIT_DIMENSION_PATTERN.test(s), {
    message: `unknown dimension; known: ${DIMENSIONS.join(', ')}, props:<key> or trait:<key> (key: letters, digits, _ . : - space)`,
  })
  .transform((s) => s as Dimension)
  .meta({ description: `One of ${DIMENSIONS.join(', ')}, props:<key> (an event property) or trait:<key> (a trait of the event's person)` });

const filterValuesSchema = z.array(z.string().max(500)).min(1).max(MAX_FILTER_VALUES);
const filterLeafSchema = z.tuple([z.enum(FILTER_OPS), dimensionSchema, filterValuesSchema]);

export const filterSchema: z.ZodType<FilterNode> = z
  .lazy(() =>
    z.union([
      filterLeafSchema,
      z.tuple([z.literal('and'), filterSchema], filterSchema),
      z.tuple([z.literal('or'), filterSchema], filterSchema),
      z.tuple([z.literal('not'), filterSchema]),
    ]),
  )
  .meta({
    id: 'Filter',
    description: 'A condition [op, dimension, values] (any value matches), or ["and"|"or", ...filters], or ["not", filter]',
  }) as unknown as z.ZodType<FilterNode>;

/** Depth and size limits keep hostile filter trees from turning into giant statements. */
export function filterTreeStats(node: FilterNode, depth = 1): { depth: number; leaves: number } {
  if (node[0] === 'and' || node[0] === 'or' || node[0] === 'not') {
    let d = depth;
    let leaves = 0;
    for (const child of node.slice(1) as FilterNode[]) {
      const s = filterTreeStats(child, depth + 1);
      d = Math.max(d, s.depth);
      leaves += s.leaves;
    }
    return { depth: d, leaves };
  }
  return { depth, leaves: 1 };
}

/** True when `value` nests arrays/objects deeper than `limit`; looks no deeper than that, so any input is safe. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit <= 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (nestsDeeperThan(child, limit - 1)) return true;
  return false;
}

/**
 * Refuses filter input nested too deep for any valid tree, before a schema parses it (the recursive
 * schema would exhaust the stack on trees thousands deep). A leaf [op, dim, [values]] nests 2 arrays,
 * a tree of depth d nests d + 1, and a list of trees one more.
 */
export function assertFilterNesting(filters: unknown): void {
  if (nestsDeeperThan(filters, MAX_FILTER_DEPTH + 2)) throw badRequest('invalid_filter', `filters: nested deeper than ${MAX_FILTER_DEPTH}`);
}

/** The exact depth and size limits of parsed filter trees (every endpoint that takes filters applies them). */
export function checkFilterLimits(trees: FilterNode[]): void {
  let leaves = 0;
  for (const t of trees) {
    const s = filterTreeStats(t);
    if (s.depth > MAX_FILTER_DEPTH) throw badRequest('invalid_filter', `filters: nested deeper than ${MAX_FILTER_DEPTH}`);
    leaves += s.leaves;
  }
  if (leaves > MAX_FILTER_LEAVES) throw badRequest('invalid_filter', `filters: more than ${MAX_FILTER_LEAVES} conditions`);
}

export const dateRangeSchema = z
  .union([z.enum(PERIODS), z.object({ start: isoDateSchema, end: isoDateSchema }).strict()])
  .meta({ description: 'A named period relative to today in the timezone, or inclusive local dates {start, end}' });

export const orderBySchema = z.array(z.tuple([z.string().max(80), z.enum(['asc', 'desc'])])).max(5);

export const querySchema = z
  .object({
    site_id: z.string().min(1).max(64),
    date_range: dateRangeSchema,
    /** Defaults to the site's timezone. */
    timezone: timezoneSchema.optional(),
    metrics: z
      .array(metricSchema)
      .min(1)
      .max(METRICS.length + Object.keys(METRIC_ALIASES).length),
    dimensions: z.array(dimensionSchema).max(3).default([]),
    /** A filter tree, or a list of them meaning "all of". */
    filters: z.union([filterSchema, z.array(filterSchema).max(MAX_FILTER_LEAVES)]).optional(),
    order_by: orderBySchema.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).max(100_000).default(0),
    interval: z.enum(INTERVALS).optional(),
    /** Also compute the previous period of equal length. */
    compare: z.union([z.literal('previous_period'), z.boolean()]).optional(),
    attribution_model: z
      .enum(ATTRIBUTION_MODEL_NAMES)
      .optional()
      .meta({ description: 'How revenue metrics credit a payment to the sessions before it (default last_touch)' }),
    unit: z.enum(['visitors', 'people']).optional().meta({
      description:
        'What visitor-counting metrics count (default visitors): people joins visitor ids by the user id they identified as (docs/people.md)',
    }),
    imported: z.boolean().optional().meta({
      description: "Add imported data (another tool's export) for days without native data (default true); see `imported` in the result",
    }),
  })
  .strict()
  .meta({ id: 'Query', description: 'A stats query: metrics over a date range, optionally broken down by dimensions and time' });

export type QueryInput = z.input<typeof querySchema>;
export type Query = z.output<typeof querySchema>;

const CODE_BY_FIELD: Record<string, string> = {
  metrics: 'invalid_metric',
  dimensions: 'invalid_dimension',
  filters: 'invalid_filter',
  timezone: 'invalid_timezone',
  date_range: 'invalid_date_range',
  order_by: 'invalid_order_by',
  interval: 'invalid_interval',
  limit: 'invalid_limit',
  offset: 'invalid_limit',
  compare: 'invalid_compare',
  imported: 'invalid_imported',
  unit: 'invalid_unit',
  site_id: 'invalid_site',
};

/** Validates a Query; every failure is a 400 whose code names the offending part. */
export function parseQuery(input: unknown): Query {
  if (input !== null && typeof input === 'object') assertFilterNesting((input as { filters?: unknown }).filters);
  const r = querySchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0];
    const field = String(first?.path[0] ?? '');
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw badRequest(CODE_BY_FIELD[field] ?? 'invalid_query', `${where}${first?.message ?? 'invalid query'}`);
  }
  const q = r.data;
  if (q.filters !== undefined) checkFilterLimits(isFilterList(q.filters) ? q.filters : [q.filters]);
  return q;
}

/** A filter list ([[...], [...]]) as opposed to a single tree (['and', ...] or [op, dim, values]). */
export function isFilterList(f: FilterNode | FilterNode[]): f is FilterNode[] {
  return Array.isArray(f) && (f.length === 0 || Array.isArray(f[0]));
}

// --- responses (documented in the OpenAPI document; the HTTP tests validate real answers against them)

const localDateRangeSchema = z.object({ start: z.string(), end: z.string() }).meta({ description: 'Inclusive local dates YYYY-MM-DD' });
const resultRowSchema = z.record(z.string(), z.union([z.string(), z.number()])).meta({
  id: 'ResultRow',
  description: 'Dimension values by dimension name, `date` (bucket key) with an interval, metric values by metric name',
});

/**
 * Whether imported aggregates (another tool's export) were added to the answer: only for local days of the
 * period without native data, only without filters (and, in a Query, for at most one dimension that imports
 * break down, in the default order); `imported=false` leaves them out.
 */
export const importedMarkerSchema = z
  .object({
    available: z.boolean().meta({ description: 'Imported data exists for days of the period (or its comparison) without native data' }),
    included: z.boolean().meta({ description: 'It was added to the numbers ("includes imported data")' }),
    days: z.number().int().meta({ description: 'Days of the period whose numbers come from imports' }),
    reason: z.enum(['excluded', 'filters', 'unsupported']).optional().meta({
      description:
        'Why available data was not added: excluded by imported=false, the request has filters, or (a Query) its dimensions, order or comparison cannot take imported rows',
    }),
  })
  .meta({ id: 'ImportedMarker' });
export type ImportedMarker = z.infer<typeof importedMarkerSchema>;

export const queryResultSchema = z
  .object({
    site_id: z.string(),
    timezone: z.string(),
    date_range: localDateRangeSchema,
    metrics: z.array(z.enum(METRICS)),
    dimensions: z.array(z.string()),
    interval: z.enum(INTERVALS).nullable(),
    rows: z.array(resultRowSchema),
    comparison: z.object({ date_range: localDateRangeSchema, rows: z.array(resultRowSchema) }).optional(),
    imported: importedMarkerSchema.optional(),
  })
  .meta({ id: 'QueryResult' });

export const metricValueSchema = z
  .object({
    value: z.number(),
    change: z
      .number()
      .nullable()
      .meta({ description: '% change vs the previous period of equal length; null when not compared or previous is 0' }),
  })
  .meta({ id: 'MetricValue' });

export const dashboardStatsSchema = z
  .object({
    site_id: z.string(),
    timezone: z.string(),
    period: localDateRangeSchema,
    comparison_period: localDateRangeSchema.nullable(),
    interval: z.enum(INTERVALS),
    metrics: z.record(z.string(), metricValueSchema),
    timeseries: z
      .array(resultRowSchema)
      .meta({ description: 'One row per bucket of `interval`, zero-filled, with `date` and every requested metric' }),
    dimensions: z
      .record(z.string(), z.array(resultRowSchema))
      .meta({ description: 'Breakdowns keyed by plural name (pages, sources, countries…); rows carry `path` or `name` and the metrics' }),
    imported: importedMarkerSchema.optional(),
    annotations: z
      .array(timeseriesAnnotationSchema)
      .optional()
      .meta({ description: "The site's annotations inside the period, each with the timeseries bucket it falls in" }),
  })
  .meta({ id: 'DashboardStats' });

export type MetricValue = z.infer<typeof metricValueSchema>;
/** A row of a result, a timeseries or a breakdown: dimension values (or `path`/`name`), `date`, metric values. */
export type ResultRow = Record<string, string | number>;
/** `GET /api/sites/{id}/stats` (InsightHub PRD §7.2.3), also `/v1/sites/{id}/stats` and shared links. */
export type DashboardStats = z.infer<typeof dashboardStatsSchema>;

export const realtimeSnapshotSchema = z
  .object({
    active_visitors: z.number().int(),
    visitors_list: z.array(
      z.object({
        visitor_id: z.string(),
        current_page: z.string(),
        country: z.string(),
        device: z.string(),
        source: z.string(),
        pages_viewed: z.number().int(),
        time_on_site: z.number().int(),
      }),
    ),
    top_pages: z.array(z.object({ path: z.string(), visitors: z.number().int() })),
    top_sources: z.array(z.object({ source: z.string(), visitors: z.number().int() })),
    at: z.string(),
  })
  .meta({ id: 'RealtimeSnapshot' });

export type RealtimeSnapshot = z.infer<typeof realtimeSnapshotSchema>;
export type ActiveVisitor = RealtimeSnapshot['visitors_list'][number];

export const rawEventsPageSchema = z
  .object({ events: z.array(canonicalEventSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'RawEventsPage' });

export const errorBodySchema = z
  .object({ success: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });
