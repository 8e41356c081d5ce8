import type { Dimension, ImportedMarker, Metric, Query } from '@tidemark/core';
import type { Reader } from './cache';
import { build, type BuildContext } from './build';
import { compileBatch } from './batch';
import { compile, type CompiledQuery } from './compile';
import type { Dialect } from './dialect';
import { optimize, type AvailableRollups, type Plan } from './optimize';
import { bucketKeys, type DateRange } from './period';
import { AGG_ORDER, METRIC_DEFS, type AggName, type Aggs } from './registry';

/** One result row: dimension values by dimension name, `date` (bucket key) with an interval, metric values by name. */
export type ResultRow = Record<string, string | number>;

export interface RangeResult {
  date_range: { start: string; end: string };
  rows: ResultRow[];
}

export interface QueryResult extends RangeResult {
  site_id: string;
  timezone: string;
  metrics: Metric[];
  dimensions: Dimension[];
  interval: Plan['interval'];
  /** The previous period of equal length, when `compare` was asked for. */
  comparison?: RangeResult;
  /** Whether imported data was added (StatsService.query, imported.ts); absent when there is none. */
  imported?: ImportedMarker;
}

/** Stages 1-3 for a query, for running or inspecting (EXPLAIN-style tests). */
export function planQuery(query: Query, ctx: BuildContext, rollups?: AvailableRollups): Plan {
  return optimize(build(query, ctx), rollups);
}

export function compilePlan(plan: Plan, dialect: Dialect, range?: DateRange): CompiledQuery {
  return compile(plan, dialect, range);
}

/** Runs a plan for its period (and the comparison period), concurrently. */
export async function runPlan(plan: Plan, dialect: Dialect, store: Reader): Promise<QueryResult> {
  const current = runRange(plan, dialect, store, plan.range);
  const previous = plan.compareRange ? runRange(plan, dialect, store, plan.compareRange) : null;
  const [rows, prevRows] = await Promise.all([current, previous]);
  return resultOf(plan, rows, prevRows ?? undefined);
}

export async function runRange(plan: Plan, dialect: Dialect, store: Reader, range: DateRange): Promise<ResultRow[]> {
  const compiled = compile(plan, dialect, range);
  // conversion_rate's denominator, when it is not in the statement: the same query without its goal conditions.
  const [raw, base] = await Promise.all([
    store.query<Record<string, unknown>>(compiled.sql, compiled.params),
    plan.ratePlan ? runRange(plan.ratePlan, dialect, store, range) : null,
  ]);
  const denominators = base ? rateDenominators(plan.ratePlan!, base) : undefined;
  const rows = raw.map((r) => decodeRow(plan, compiled, r, denominators));
  if (!plan.zeroFill || !plan.interval) return rows;
  const byDate = new Map(rows.map((r) => [String(r.date), r]));
  const empty = Object.fromEntries(AGG_ORDER.map((a) => [a, 0])) as Aggs;
  return bucketKeys(range, plan.interval, plan.timezone).map((date) => byDate.get(date) ?? metricRow(plan.metrics, empty, { date }));
}

/** Runs plans that share one session subquery (see batch.ts) as one statement; rows per plan, in order. */
export async function runBatch(plans: Plan[], dialect: Dialect, store: Reader): Promise<ResultRow[][]> {
  const compiled = compileBatch(plans, dialect);
  const raw = await store.query<Record<string, unknown>>(compiled.sql, compiled.params);
  const out: ResultRow[][] = plans.map(() => []);
  for (const r of raw) {
    const i = Number(r.qid);
    const p = plans[i];
    out[i].push(decodeRow(p, { sql: '', params: [], dimensions: p.dimensions, hasBucket: false, aggs: p.aggs }, r));
  }
  return out;
}

/** The result of a plan whose rows were computed elsewhere (e.g. in a batch). */
export function resultOf(plan: Plan, rows: ResultRow[], previous?: ResultRow[]): QueryResult {
  const result: QueryResult = {
    site_id: plan.siteId,
    timezone: plan.timezone,
    date_range: { start: plan.range.startDate, end: plan.range.endDate },
    metrics: plan.metrics,
    dimensions: plan.dimensions,
    interval: plan.interval,
    rows,
  };
  if (plan.compareRange && previous)
    result.comparison = { date_range: { start: plan.compareRange.startDate, end: plan.compareRange.endDate }, rows: previous };
  return result;
}

/** Visitors by the key of the denominator query's rows (its dimensions and date). */
interface Denominators {
  ratePlan: Plan;
  visitors: Map<string, number>;
}

const baseKey = (ratePlan: Plan, row: ResultRow) => JSON.stringify([...ratePlan.dimensions.map((d) => row[d]), row.date ?? '']);

function rateDenominators(ratePlan: Plan, rows: ResultRow[]): Denominators {
  return { ratePlan, visitors: new Map(rows.map((r) => [baseKey(ratePlan, r), Number(r.visitors)])) };
}

function decodeRow(plan: Plan, compiled: CompiledQuery, r: Record<string, unknown>, denominators?: Denominators): ResultRow {
  const keys: ResultRow = {};
  compiled.dimensions.forEach((dim, i) => {
    keys[dim] = r[`d_${i}`] == null ? '' : String(r[`d_${i}`]);
  });
  if (compiled.hasBucket) keys.date = String(r.bucket);
  const aggs = {} as Aggs;
  for (const a of AGG_ORDER) aggs[a] = compiled.aggs.includes(a) ? toNumber(r[`a_${a}`]) : 0;
  if (denominators) aggs.rate_visitors = denominators.visitors.get(baseKey(denominators.ratePlan, keys)) ?? 0;
  return metricRow(plan.metrics, aggs, keys);
}

/** The aggregates each row's metrics were computed from (imported.ts adds imported ones to them). */
const rowAggs = new WeakMap<ResultRow, Aggs>();

export function metricRow(metrics: Metric[], aggs: Aggs, keys: ResultRow): ResultRow {
  const row: ResultRow = { ...keys };
  for (const m of metrics) row[m] = METRIC_DEFS[m].value(aggs);
  rowAggs.set(row, aggs);
  return row;
}

export function aggsOf(row: ResultRow): Aggs | undefined {
  return rowAggs.get(row);
}

function toNumber(v: unknown): number {
  if (v == null) return 0;
  if (typeof v === 'bigint') return Number(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** % change from `previous` to `current`, one decimal; null when there is nothing to compare with. */
export function percentChange(current: number, previous: number): number | null {
  if (!previous) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

export type { AggName };
