import { z } from 'zod';
import {
  ATTRIBUTION_MODEL_NAMES,
  type AttributionModelName,
  assertFilterNesting,
  badRequest,
  checkFilterLimits,
  DIMENSIONS,
  dimensionSchema,
  filterSchema,
  INTERVALS,
  isoDateSchema,
  METRIC_ALIASES,
  metricSchema,
  METRICS,
  PERIODS,
  type Dimension,
  type FilterNode,
  type Metric,
  type Query,
  type QueryInterval,
} from '@tidemark/core';

export type { DashboardStats, MetricValue } from '@tidemark/core';
import { daysBetween, type DateRange } from './period';
import { DIMENSION_DEFS, dimensionDef } from './registry';

/**
 * `GET /api/sites/{id}/stats` and `GET /v1/sites/{id}/stats` (InsightHub PRD §7.2.3): query-string
 * parameters → several Queries (KPIs with comparison, timeseries, one breakdown per dimension) →
 * one response. Every parameter is validated; anything unknown or malformed is a coded 400.
 */

export const DEFAULT_DASHBOARD_METRICS: Metric[] = ['visitors', 'pageviews', 'sessions', 'bounce_rate', 'avg_duration'];

const csv = <T extends z.ZodType>(item: T, code: string, max: number) =>
  z
    .string()
    .max(2000)
    .transform((s, ctx) => {
      const parts = s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (parts.length > max) {
        ctx.addIssue({ code: 'custom', message: `${code}: at most ${max} values` });
        return z.NEVER;
      }
      const out: z.output<T>[] = [];
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `unknown value "${p.slice(0, 60)}"` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    });

export const dashboardParamsSchema = z
  .object({
    period: z
      .enum([...PERIODS, 'custom'])
      .default('last_30_days')
      .meta({ description: 'Whole local days in the site timezone, today included; custom: start_date … end_date' }),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    metrics: csv(metricSchema, 'metrics', 32)
      .optional()
      .meta({
        description: `Comma-separated, of ${METRICS.join(', ')}; also ${Object.entries(METRIC_ALIASES)
          .map(([a, m]) => `${a} (= ${m}, answered as ${m})`)
          .join(', ')}. Default ${DEFAULT_DASHBOARD_METRICS.join(',')}.`,
      }),
    dimensions: csv(dimensionSchema, 'dimensions', 12)
      .optional()
      .meta({ description: `Comma-separated breakdowns, of ${DIMENSIONS.join(', ')}, props:<key>, trait:<key>` }),
    /** JSON: a filter tree, a list of trees, or an object {dimension: value | [values]} meaning "is". */
    filters: z.string().max(8000).optional(),
    interval: z
      .enum(INTERVALS)
      .optional()
      .meta({ description: 'Timeseries bucket; default hour for a one-day period, day up to 93 days, week up to 190, month beyond' }),
    limit: z.coerce.number().int().min(1).max(1000).default(10),
    compare: z.enum(['true', 'false', '1', '0']).default('true'),
    imported: z.enum(['true', 'false', '1', '0']).default('true').meta({
      description:
        "Add imported data (another tool's export) for days without native data; false leaves it out (see `imported` in the answer)",
    }),
    attribution_model: z
      .enum(ATTRIBUTION_MODEL_NAMES)
      .optional()
      .meta({ description: 'How the revenue metrics credit payments to sessions (default last_touch)' }),
    unit: z
      .enum(['visitors', 'people'])
      .optional()
      .meta({ description: 'people: visitor-counting metrics count people, visitor ids joined by user id (docs/people.md)' }),
  })
  .strict();

export type DashboardParams = z.input<typeof dashboardParamsSchema>;

const PARAM_CODES: Record<string, string> = {
  period: 'invalid_period',
  start_date: 'invalid_date_range',
  end_date: 'invalid_date_range',
  metrics: 'invalid_metric',
  dimensions: 'invalid_dimension',
  filters: 'invalid_filter',
  interval: 'invalid_interval',
  limit: 'invalid_limit',
  compare: 'invalid_compare',
  imported: 'invalid_imported',
  attribution_model: 'invalid_attribution_model',
  unit: 'invalid_unit',
};

export interface DashboardRequest {
  dateRange: Query['date_range'];
  metrics: Metric[];
  dimensions: Dimension[];
  filters: FilterNode[];
  interval: QueryInterval | undefined;
  limit: number;
  compare: boolean;
  /** Add imported aggregates for days without native data (stats/imported.ts). */
  imported: boolean;
  attributionModel: AttributionModelName | undefined;
  unit: 'visitors' | 'people' | undefined;
}

export function parseDashboardParams(raw: unknown): DashboardRequest {
  const r = dashboardParamsSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const code = issue?.code === 'unrecognized_keys' ? 'unknown_parameter' : (PARAM_CODES[field] ?? 'invalid_parameter');
    throw badRequest(code, `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid parameter'}`);
  }
  const p = r.data;
  let dateRange: Query['date_range'];
  if (p.period === 'custom') {
    if (!p.start_date || !p.end_date) throw badRequest('invalid_date_range', 'period=custom needs start_date and end_date');
    dateRange = { start: p.start_date, end: p.end_date };
  } else {
    if (p.start_date || p.end_date) throw badRequest('invalid_date_range', 'start_date/end_date are only for period=custom');
    dateRange = p.period;
  }
  const dimensions = p.dimensions ?? [];
  if (new Set(dimensions).size !== dimensions.length) throw badRequest('invalid_dimension', 'dimensions: listed twice');
  return {
    dateRange,
    metrics: p.metrics?.length ? [...new Set(p.metrics)] : DEFAULT_DASHBOARD_METRICS,
    dimensions,
    filters: p.filters === undefined ? [] : parseFilterParam(p.filters),
    interval: p.interval,
    limit: p.limit,
    compare: p.compare === 'true' || p.compare === '1',
    imported: p.imported === 'true' || p.imported === '1',
    attributionModel: p.attribution_model,
    unit: p.unit,
  };
}

const filterListSchema = z.array(filterSchema).max(30);
const filterObjectSchema = z.record(dimensionSchema, z.union([z.string().max(500), z.array(z.string().max(500)).min(1).max(100)]));

/** The `filters` query parameter: JSON in one of three shapes, all validated. */
export function parseFilterParam(text: string): FilterNode[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('invalid_filter', 'filters: not valid JSON');
  }
  // The same limits as POST /v1/query: nesting bounded before the schema parses, then exact.
  assertFilterNesting(json);
  if (Array.isArray(json)) {
    const single = filterSchema.safeParse(json);
    if (single.success) return checkedTrees([single.data]);
    const list = filterListSchema.safeParse(json);
    if (list.success) return checkedTrees(list.data);
    throw badRequest('invalid_filter', 'filters: expected [op, dimension, [values]], ["and"|"or", ...], ["not", filter] or a list of them');
  }
  const obj = filterObjectSchema.safeParse(json);
  if (!obj.success) throw badRequest('invalid_filter', 'filters: expected a filter tree or an object {dimension: value(s)}');
  return Object.entries(obj.data).map(([dim, v]) => ['is', dim as Dimension, Array.isArray(v) ? v : [v]]);
}

function checkedTrees(trees: FilterNode[]): FilterNode[] {
  checkFilterLimits(trees);
  return trees;
}

/** hour for a day (today, yesterday), day up to ~3 months, week up to ~6 months, month beyond (last_12_months). */
export function defaultInterval(range: DateRange): QueryInterval {
  const days = daysBetween(range.startDate, range.endDate) + 1;
  if (days <= 1) return 'hour';
  if (days <= 93) return 'day';
  if (days <= 190) return 'week';
  return 'month';
}

/** Name of a breakdown in the response (plural, as in the PRD: pages, sources, countries…). */
export function breakdownKey(dim: Dimension): string {
  return dim.startsWith('props:') || dim.startsWith('trait:') ? dim : dimensionDef(dim).plural;
}

export function valueKey(dim: Dimension): 'path' | 'name' {
  return dimensionDef(dim).valueKey;
}

/** The value column (`path` or `name`) of a breakdown named as in the response (see `breakdownKey`). */
export function breakdownValueKey(key: string): 'path' | 'name' {
  if (key.startsWith('props:') || key.startsWith('trait:')) return 'name';
  return Object.values(DIMENSION_DEFS).find((d) => d.plural === key)?.valueKey ?? 'name';
}
