import { badRequest, type Dimension, type Query, type QueryInterval } from '@tidemark/core';
import { bucketKeys, defaultInterval, localDate, resolvePeriod, type ResultRow, type StatsService, type StatsSite } from '../stats';
import {
  mapDateRange,
  mapDimension,
  mapFilter,
  mapMetric,
  PLAUSIBLE_METRICS,
  plausibleQuerySchema,
  timeDimension,
  type PlausibleQuery,
} from './plausible-request';

/** The site a query runs on: what the stats engine needs (goals included), and its creation for `date_range: "all"`. */
export type PlausibleSite = StatsSite & { created_at: number };

export interface PlausibleResponse {
  results: Array<{ metrics: Array<number | null>; dimensions: string[] }>;
  meta: { imports_included?: boolean; time_labels?: string[]; total_rows?: number };
  query: Record<string, unknown>;
}

const ENGINE_PAGE = 1000; // our Query's largest page

/** Validates a Plausible Stats API v2 body (400 with the offending part). */
export function parsePlausibleQuery(body: unknown): PlausibleQuery {
  const r = plausibleQuerySchema.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw badRequest('invalid_query', `${where}${first?.message ?? 'invalid query'}`);
  }
  return r.data;
}

/** "+02:00" for the zone at that instant. */
function offsetOf(ms: number, tz: string): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(ms).find((p) => p.type === 'timeZoneName')
      ?.value ?? '';
  const m = /GMT([+-]\d{2}:\d{2})/.exec(name);
  return m ? m[1]! : '+00:00';
}

/**
 * Runs a Plausible v2 query on our stats engine: metrics and dimensions renamed, filters translated,
 * a time dimension becomes the interval (buckets without data are left out, as Plausible does),
 * pagination walks our pages of at most 1,000 rows.
 */
export async function runPlausibleQuery(
  stats: StatsService,
  site: PlausibleSite,
  q: PlausibleQuery,
  now: number,
): Promise<PlausibleResponse> {
  // `percentage`: a row's share of all visitors, from the same query without dimensions.
  const wantsShare = q.metrics.includes('percentage');
  const asked = q.metrics.map((m) => (m === 'percentage' ? null : mapMetric(m)));
  const metrics = [...new Set([...asked.filter((m) => m !== null), ...(wantsShare ? (['visitors'] as const) : [])])];
  const dims = q.dimensions ?? [];
  if (wantsShare && dims.length === 0) throw badRequest('invalid_metric', 'Metric `percentage` can only be queried with a dimension');
  if (new Set(dims).size !== dims.length) throw badRequest('invalid_dimension', 'A dimension is listed twice');
  const timeDims = dims.filter((d) => timeDimension(d));
  if (timeDims.length > 1) throw badRequest('invalid_dimension', 'At most one time dimension');
  const plain = dims.filter((d) => !timeDimension(d));
  if (plain.length > 3) throw badRequest('unsupported', 'At most 3 dimensions besides time are supported by this server');
  const ours: Dimension[] = plain.map(mapDimension);
  const tz = site.timezone;
  const dateRange = mapDateRange(q.date_range, localDate(now, tz), localDate(site.created_at, tz));
  const range = resolvePeriod(dateRange, tz, now);
  const time = timeDims[0] ? timeDimension(timeDims[0]) : null;
  const interval: QueryInterval | undefined = time === 'auto' ? defaultInterval(range) : (time ?? undefined);
  // Plausible names goals; our engine takes their ids (and answers ids under the goal dimension).
  const goals = site.goals ?? [];
  const goalIds = (names: string[]) =>
    names.map((n) => {
      const g = goals.find((x) => x.name === n);
      if (!g) throw badRequest('invalid_goal', `The goal \`${n}\` is not configured for this site`);
      return g.id;
    });
  const goalName = (id: string) => goals.find((g) => g.id === id)?.name ?? id;
  const filters = (q.filters ?? []).map((f) => mapFilter(f, 0, goalIds));
  const orderBy = (q.order_by ?? (interval ? [[timeDims[0]!, 'asc'] as [string, 'asc']] : [])).map(
    ([name, dir]): [string, 'asc' | 'desc'] => {
      if (!q.metrics.includes(name) && !dims.includes(name))
        throw badRequest('invalid_order_by', `Invalid order_by entry \`${name}\`: not a queried metric or dimension`);
      if (timeDimension(name)) return ['date', dir];
      if (name === 'percentage') return ['visitors', dir];
      return [Object.hasOwn(PLAUSIBLE_METRICS, name) ? mapMetric(name) : mapDimension(name), dir];
    },
  );
  const limit = q.pagination?.limit ?? 10_000;
  const offset = q.pagination?.offset ?? 0;
  const base = {
    site_id: site.id,
    // Plausible's API leaves imported data out unless `include.imports` asks for it.
    imported: q.include?.imports === true,
    date_range: dateRange,
    metrics,
    dimensions: ours,
    ...(filters.length ? { filters } : {}),
    ...(orderBy.length ? { order_by: orderBy } : {}),
    ...(interval ? { interval } : {}),
  };
  let importsIncluded = false;
  const page = async (lim: number, off: number): Promise<ResultRow[]> => {
    const result = await stats.query({ ...base, limit: lim, offset: off } as Query, site);
    importsIncluded ||= result.imported?.included === true;
    return result.rows;
  };

  // A time series alone is zero-filled by the engine: read it whole, drop empty buckets, page here.
  const zeroFilled = interval !== undefined && ours.length === 0;
  let rows: ResultRow[];
  let total: number | undefined;
  if (zeroFilled) {
    const all = (await page(ENGINE_PAGE, 0)).filter((r) => metrics.some((m) => Number(r[m]) !== 0));
    rows = all.slice(offset, offset + limit);
    total = all.length;
  } else {
    rows = await pages(page, offset, limit);
    if (q.include?.total_rows)
      total = offset + rows.length + (rows.length === limit ? (await pages(page, offset + limit, 100_000)).length : 0);
  }
  let allVisitors = 0;
  if (wantsShare) {
    const { dimensions: _d, order_by: _o, interval: _i, ...whole } = base as typeof base & { order_by?: unknown; interval?: unknown };
    allVisitors = Number(
      (await stats.query({ ...whole, dimensions: [], metrics: ['visitors'], limit: 1, offset: 0 } as Query, site)).rows[0]?.visitors ?? 0,
    );
  }
  const share = (r: ResultRow) => (allVisitors ? Math.round((Number(r.visitors) / allVisitors) * 1000) / 10 : 0);
  const results = rows.map((r) => ({
    metrics: asked.map((m) => (m === null ? share(r) : typeof r[m] === 'number' ? (r[m] as number) : Number(r[m] ?? 0))),
    dimensions: dims.map((d) => {
      if (timeDimension(d)) return String(r.date);
      const ourDim = ours[plain.indexOf(d)]!;
      const v = String(r[ourDim] ?? '');
      return ourDim === 'goal' ? goalName(v) : v;
    }),
  }));
  const meta: PlausibleResponse['meta'] = {};
  if (q.include?.imports) meta.imports_included = importsIncluded;
  if (q.include?.time_labels) {
    if (!interval) throw badRequest('invalid_include', 'include.time_labels requires a time dimension');
    meta.time_labels = bucketKeys(range, interval, tz);
  }
  if (q.include?.total_rows) meta.total_rows = total ?? rows.length;
  return {
    results,
    meta,
    query: {
      site_id: q.site_id,
      metrics: q.metrics,
      date_range: [
        `${range.startDate}T00:00:00${offsetOf(range.startMs, tz)}`,
        `${range.endDate}T23:59:59${offsetOf(range.endMs - 1, tz)}`,
      ],
      filters: q.filters ?? [],
      dimensions: dims,
      order_by: q.order_by ?? (interval ? [[timeDims[0], 'asc']] : []),
      include: { imports: false, time_labels: false, total_rows: false, ...q.include },
      pagination: { limit, offset },
    },
  };
}

/** Rows [offset, offset + limit) read in engine pages. */
async function pages(page: (lim: number, off: number) => Promise<ResultRow[]>, offset: number, limit: number): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  while (out.length < limit) {
    const want = Math.min(ENGINE_PAGE, limit - out.length);
    if (offset + out.length > 100_000) break; // our deepest offset
    const got = await page(want, offset + out.length);
    out.push(...got);
    if (got.length < want) break;
  }
  return out;
}
