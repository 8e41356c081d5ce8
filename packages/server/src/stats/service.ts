import type {
  Cohorts,
  Dimension,
  JourneySegments,
  Profile,
  ProfileList,
  ProfileTimeline,
  Funnel,
  FunnelStats,
  GoalDefinition,
  Metric,
  PageNeighbours,
  Paths,
  Query,
  QueryInterval,
} from '@tidemark/core';
import { parseFunnelParams, runFunnel, runFunnelDropOffSessions } from './funnels';
import { parseCohortParams, runCohorts } from './cohorts';
import { runExperimentCounts, type ExperimentCountsQuery, type ExperimentVariantCounts } from './experiments';
import {
  runAudienceRows,
  runPeopleFeatures,
  runExistingPeople,
  runVisitorIdsOfUser,
  runLeadExamples,
  runProfile,
  runProfileList,
  runProfileScores,
  runProfileTimeline,
  type AudienceRows,
  type AudienceRowsRequest,
  type LeadExample,
  type PersonFeatureRow,
  type ProfileScorer,
  type ProfileScoreRow,
} from './profiles';
import { runJourneys } from './journeys';
import { runLifetimeDays, type LifetimeDays } from './lifetime';
import { parseNeighboursParams, parsePathsParams, runNeighbours, runPaths } from './paths';
import type { EventStore } from '../store';
import { SharedQueries } from './cache';
import type { CompiledQuery } from './compile';
import { breakdownKey, defaultInterval, parseDashboardParams, valueKey, type DashboardStats, type MetricValue } from './dashboard';
import type { Dialect } from './dialect';
import { dialectFor } from './dialects';
import { tracePlan, withSharedSource, type AvailableRollups, type Plan, type PlanTrace } from './optimize';
import { resolvePeriod } from './period';
import { compileRawEvents, parseRawEventsParams, shapeRawEvents, type RawEventsPage } from './raw-events';
import type { RealtimeSnapshot } from './realtime';
import { StoreRealtimeSource, type RealtimeSource } from './realtime-source';
import { canShareSessionRows } from './batch';
import {
  bucketOfDay,
  IMPORTED_DIMENSIONS,
  importedBreakdown,
  importedTotalsByDay,
  MERGE_DEPTH,
  mergeBreakdown,
  planImported,
  sumAggs,
  withImported,
  type ImportedPlan,
} from './imported';
import { REVENUE_METRICS, type Aggs } from './registry';
import { compilePlan, percentChange, planQuery, resultOf, runBatch, runPlan, runRange, type QueryResult } from './run';

/** What the engine needs to know about a site. */
export interface StatsSite {
  id: string;
  timezone: string;
  /** The site's goals (metadata): goal filters, the goal dimension and conversion metrics use them. */
  goals?: readonly GoalDefinition[];
}

export interface StatsServiceOptions {
  /** Defaults to the dialect of the store's engine. */
  dialect?: Dialect;
  /** Clock for relative periods and realtime (tests pin it). */
  now?: () => number;
  /** How long a realtime snapshot is shared between viewers of the same site. */
  realtimeCacheMs?: number;
  /** Where realtime snapshots come from; defaults to the event store (scale-out passes the Redis one). */
  realtime?: RealtimeSource;
  /** How long results of an identical statement are shared (in-flight ones always are). */
  sharedResultsMs?: number;
  /** The session-parts rollup of a DuckDB store (rollups/job.ts): read it once it is built. */
  sessionParts?: { ready(): boolean };
  /** The path-sessions rollup of a DuckDB store (rollups/path-sessions.ts): paths read it once it is built. */
  pathSessions?: { ready(): boolean };
  /** The visitor-hours rollup of a DuckDB store (rollups/visitor-hours.ts): cohorts read it once it is built. */
  visitorHours?: { ready(): boolean };
  /** Count from the rollup's marks where they serve (rollups/session-marks.ts). Default true; tests compare both. */
  sessionMarks?: boolean;
  /** Brings the site's revenue credits up to date (revenue/credits.ts) before a query with revenue metrics. */
  revenueCredits?: (siteId: string) => Promise<unknown>;
}

/** Per call: `debug` adds the plans (their row sources) to the result, for tests and operators. */
export interface StatsCallOptions {
  debug?: boolean;
}

/** A plan as the dashboard ran it: `batched` when it shared one statement over session rows with others. */
export interface DashboardPlanTrace extends PlanTrace {
  batched: boolean;
}

export interface DashboardDebug {
  plans: { kpis: DashboardPlanTrace; timeseries: DashboardPlanTrace; breakdowns: Record<string, DashboardPlanTrace> };
}

/**
 * The stats engine's public face: Query → result, the dashboard's stats response, realtime and raw
 * events. Stateless apart from a short realtime cache; every call goes to the event store.
 */
export class StatsService {
  readonly dialect: Dialect;
  readonly now: () => number;
  private readonly realtimeCacheMs: number;
  private readonly realtimeCache = new Map<string, { at: number; snapshot: Promise<RealtimeSnapshot> }>();
  private readonly reader: SharedQueries;
  private readonly realtimeSource: RealtimeSource;
  private readonly sessionParts: StatsServiceOptions['sessionParts'];
  private readonly sessionMarks: boolean;
  private readonly pathSessions: StatsServiceOptions['pathSessions'];
  private readonly visitorHours: StatsServiceOptions['visitorHours'];
  private readonly revenueCredits: StatsServiceOptions['revenueCredits'];

  constructor(
    private readonly events: EventStore,
    opts: StatsServiceOptions = {},
  ) {
    this.dialect = opts.dialect ?? dialectFor(events.dialect);
    this.now = opts.now ?? Date.now;
    this.realtimeCacheMs = opts.realtimeCacheMs ?? 1000;
    this.realtimeSource = opts.realtime ?? new StoreRealtimeSource(events, this.dialect);
    this.reader = new SharedQueries(events, opts.sharedResultsMs ?? 1000, () => Date.now());
    this.sessionParts = opts.sessionParts;
    this.sessionMarks = opts.sessionMarks ?? true;
    this.pathSessions = opts.pathSessions;
    this.visitorHours = opts.visitorHours;
    this.revenueCredits = opts.revenueCredits;
  }

  /** Revenue metrics read credits: they are brought up to date first. */
  private async prepareRevenue(siteId: string, metrics: readonly Metric[]): Promise<void> {
    if (this.revenueCredits && metrics.some((m) => REVENUE_METRICS.includes(m))) await this.revenueCredits(siteId);
  }

  private readonly dayZones = new Map<string, { tz: string | null; at: number }>();

  /** The rollups built for the site now (each plan then chooses among them, optimize.ts). */
  private async rollups(siteId: string): Promise<AvailableRollups> {
    const fragments = this.dialect.name === 'duckdb' && (this.sessionParts?.ready() ?? false);
    const marks = fragments && this.sessionMarks;
    return { fragments, marks, dayZone: marks ? await this.dayZone(siteId) : null };
  }

  /**
   * The zone the site's daily marks cube is complete for (rollups/mark-cube-day.ts), remembered for 2 s. A
   * zone's rows stay complete until the marks pass after the one that replaced them (minutes apart).
   */
  private async dayZone(siteId: string): Promise<string | null> {
    const now = Date.now();
    const hit = this.dayZones.get(siteId);
    if (hit && now - hit.at < 2000) return hit.tz;
    const [state] = await this.events.query<{ tz: string }>('SELECT tz FROM mark_cube_day_state WHERE site_id = ?', [siteId]);
    if (this.dayZones.size > 10_000) this.dayZones.clear();
    this.dayZones.set(siteId, { tz: state?.tz ?? null, at: now });
    return state?.tz ?? null;
  }

  /**
   * Stages 1-2: validate and plan. The query must be for `site` (callers check access first). Without
   * `rollups` the plan reads raw events.
   */
  plan(query: Query, site: StatsSite, rollups?: AvailableRollups): Plan {
    if (query.site_id !== site.id) throw new Error('stats: query.site_id does not match the site');
    return planQuery(query, { defaultTimezone: site.timezone, nowMs: this.now(), goals: site.goals }, rollups);
  }

  /** Stages 1-3 without running: the SQL and its bound params. */
  compile(query: Query, site: StatsSite): CompiledQuery {
    return compilePlan(this.plan(query, site), this.dialect);
  }

  async query(query: Query, site: StatsSite, opts: StatsCallOptions = {}): Promise<QueryResult & { debug?: { plan: PlanTrace } }> {
    const [rollups] = await Promise.all([this.rollups(site.id), this.prepareRevenue(site.id, query.metrics)]);
    let plan = this.plan(query, site, rollups);
    const dims = query.dimensions;
    // Imported rows join a total, a timeseries or one breakdown by a dimension they have, in the default order.
    // Imports count visitors of another tool: never people.
    const fits =
      query.unit !== 'people' &&
      !query.order_by?.length &&
      ((dims.length === 0 && !(query.interval && plan.compareRange)) ||
        (dims.length === 1 && !query.interval && !plan.compareRange && IMPORTED_DIMENSIONS.has(dims[0]!)));
    const imported = await planImported(
      this.reader,
      site.id,
      plan.range,
      plan.compareRange ?? undefined,
      { include: query.imported !== false, filtered: hasFilters(query), unsupported: !fits },
      (from, to) => this.nativeDays(site, from, to),
    );
    const merging = !!imported && (imported.days.length > 0 || imported.compareDays.length > 0);
    if (merging && dims.length) plan = this.plan({ ...query, limit: MERGE_DEPTH, offset: 0 }, site, rollups);
    let result: QueryResult = await runPlan(plan, this.dialect, this.reader);
    if (merging) {
      const merged = await this.mergeImported(
        site.id,
        imported,
        { k: result, ts: result, bs: dims.length ? [result] : [] },
        query.metrics,
        dims,
        query.interval ?? 'day',
        query.offset + query.limit,
      );
      if (dims.length) result = { ...result, rows: merged.bs[0]!.rows.slice(query.offset) };
      else result = query.interval ? merged.ts : merged.k;
    }
    if (imported) result = { ...result, imported: imported.marker };
    return opts.debug ? { ...result, debug: { plan: tracePlan(plan) } } : result;
  }

  /**
   * InsightHub §7.2.3 response: KPIs with change vs the previous period, a zero-filled timeseries
   * (interval: hour for a day, day, week or month for longer periods, see defaultInterval), and one
   * breakdown per requested dimension — all issued at once.
   */
  async dashboard(site: StatsSite, params: unknown, opts: StatsCallOptions = {}): Promise<DashboardStats & { debug?: DashboardDebug }> {
    const req = parseDashboardParams(params);
    const range = resolvePeriod(req.dateRange, site.timezone, this.now());
    const interval = req.interval ?? defaultInterval(range);
    const base = {
      site_id: site.id,
      date_range: req.dateRange,
      metrics: req.metrics,
      filters: req.filters,
      ...(req.attributionModel ? { attribution_model: req.attributionModel } : {}),
      ...(req.unit ? { unit: req.unit } : {}),
    } satisfies Partial<Query>;
    const q = (extra: Partial<Query>): Query => ({ dimensions: [], limit: 100, offset: 0, ...base, ...extra }) as Query;

    const [rollups] = await Promise.all([this.rollups(site.id), this.prepareRevenue(site.id, req.metrics)]);
    const kpiPlan = this.plan(q({ compare: req.compare }), site, rollups);
    const imported = await planImported(
      this.reader,
      site.id,
      kpiPlan.range,
      kpiPlan.compareRange ?? undefined,
      { include: req.imported, filtered: req.filters.length > 0, unsupported: req.unit === 'people' },
      (from, to) => this.nativeDays(site, from, to),
    );
    const merging = !!imported && (imported.days.length > 0 || imported.compareDays.length > 0);
    // Imported rows may lift a value past native ones: the native breakdown is read deeper, then cut after merging.
    const depth = merging ? Math.max(req.limit, MERGE_DEPTH) : req.limit;
    const breakdownPlans = req.dimensions.map((dim) => this.plan(q({ dimensions: [dim], limit: depth }), site, rollups));
    // The timeseries is always part of the answer (InsightHub §7.2.3 shows it beside the breakdowns).
    const timeseriesPlan = this.plan(q({ interval }), site, rollups);
    // The KPIs and the session-level breakdowns share one pass over sessions; the rest run beside it.
    const shareable = [kpiPlan, ...breakdownPlans].filter((p) => canShareSessionRows(p, kpiPlan, this.dialect));
    const shared = shareable.length > 1 ? withSharedSource(shareable) : [];
    const batch = shared.length ? runBatch(shared, this.dialect, this.reader) : null;
    const rowsOf = (p: Plan) => {
      const i = shareable.indexOf(p);
      return batch && i >= 0 ? batch.then((all) => all[i]) : runRange(p, this.dialect, this.reader, p.range);
    };
    const kpis = Promise.all([
      rowsOf(kpiPlan),
      kpiPlan.compareRange ? runRange(kpiPlan, this.dialect, this.reader, kpiPlan.compareRange) : null,
    ]).then(([rows, prev]) => resultOf(kpiPlan, rows, prev ?? undefined));
    const timeseries = runPlan(timeseriesPlan, this.dialect, this.reader);
    const breakdowns = breakdownPlans.map((p) => rowsOf(p).then((rows) => resultOf(p, rows)));
    const [k0, ts0, ...bs0] = await Promise.all([kpis, timeseries, ...breakdowns]);
    const { k, ts, bs } = merging
      ? await this.mergeImported(site.id, imported, { k: k0, ts: ts0, bs: bs0 }, req.metrics, req.dimensions, interval, req.limit)
      : { k: k0, ts: ts0, bs: bs0 };

    const current = k.rows[0] ?? {};
    const previous = k.comparison?.rows[0];
    const metrics: Record<string, MetricValue> = {};
    for (const m of req.metrics) {
      const value = Number(current[m] ?? 0);
      metrics[m] = { value, change: previous ? percentChange(value, Number(previous[m] ?? 0)) : null };
    }
    const dimensions: DashboardStats['dimensions'] = {};
    req.dimensions.forEach((dim, i) => {
      dimensions[breakdownKey(dim)] = bs[i].rows.map((row) => renameDimension(row, dim));
    });
    const out: DashboardStats = {
      site_id: site.id,
      timezone: site.timezone,
      period: { start: range.startDate, end: range.endDate },
      comparison_period: k.comparison ? { start: k.comparison.date_range.start, end: k.comparison.date_range.end } : null,
      interval,
      metrics,
      timeseries: ts.rows,
      dimensions,
      ...(imported ? { imported: imported.marker } : {}),
    };
    if (!opts.debug) return out;
    const trace = (p: Plan): DashboardPlanTrace => {
      const i = shareable.indexOf(p);
      return batch && i >= 0
        ? { ...tracePlan(shared[i]), compare_source: p.compareSource, batched: true }
        : { ...tracePlan(p), batched: false };
    };
    const breakdownTraces = Object.fromEntries(req.dimensions.map((dim, i) => [breakdownKey(dim), trace(breakdownPlans[i])]));
    return { ...out, debug: { plans: { kpis: trace(kpiPlan), timeseries: trace(timeseriesPlan), breakdowns: breakdownTraces } } };
  }

  /** Local days between `from` and `to` with any native event (the days imports do not count on). */
  private async nativeDays(site: StatsSite, from: string, to: string): Promise<Set<string>> {
    const query = {
      site_id: site.id,
      date_range: { start: from, end: to },
      metrics: ['events'],
      dimensions: [],
      interval: 'day',
      limit: 1,
      offset: 0,
    };
    const plan = this.plan(query as Query, site, await this.rollups(site.id));
    const rows = await runRange(plan, this.dialect, this.reader, plan.range);
    return new Set(rows.filter((r) => Number(r.events) > 0).map((r) => String(r.date)));
  }

  /** The dashboard's results with the imported days added (imported.ts says how they combine). */
  private async mergeImported(
    siteId: string,
    plan: ImportedPlan,
    native: { k: QueryResult; ts: QueryResult; bs: QueryResult[] },
    metrics: Metric[],
    dimensions: Dimension[],
    interval: QueryInterval,
    limit: number,
  ): Promise<{ k: QueryResult; ts: QueryResult; bs: QueryResult[] }> {
    const [byDay, byDayPrev, ...breakdowns] = await Promise.all([
      importedTotalsByDay(this.reader, siteId, plan.days),
      importedTotalsByDay(this.reader, siteId, plan.compareDays),
      ...dimensions.map((d) => importedBreakdown(this.reader, siteId, d, plan.days)),
    ]);
    const total = sumAggs(byDay.values());
    const k: QueryResult = { ...native.k, rows: native.k.rows.map((r) => withImported(r, metrics, total)) };
    if (native.k.comparison)
      k.comparison = {
        ...native.k.comparison,
        rows: native.k.comparison.rows.map((r) => withImported(r, metrics, sumAggs(byDayPrev.values()))),
      };
    const byBucket = new Map<string, Aggs[]>();
    for (const [day, aggs] of byDay) {
      const bucket = bucketOfDay(day, interval);
      if (bucket !== null) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), aggs]);
    }
    const ts: QueryResult = {
      ...native.ts,
      rows: native.ts.rows.map((r) => {
        const extra = byBucket.get(String(r.date));
        return extra ? withImported(r, metrics, sumAggs(extra)) : r;
      }),
    };
    const bs = native.bs.map((b, i) => ({ ...b, rows: mergeBreakdown(b.rows, dimensions[i]!, metrics, breakdowns[i]!, limit) }));
    return { k, ts, bs };
  }

  /** Active visitors now; concurrent callers for the same site share one query per `realtimeCacheMs`. */
  realtime(site: StatsSite): Promise<RealtimeSnapshot> {
    const now = this.now();
    const cached = this.realtimeCache.get(site.id);
    if (cached && now - cached.at < this.realtimeCacheMs) return cached.snapshot;
    const snapshot = this.realtimeSource.snapshot(site.id, now);
    this.realtimeCache.set(site.id, { at: now, snapshot });
    snapshot.catch(() => this.realtimeCache.delete(site.id));
    if (this.realtimeCache.size > 10_000) this.realtimeCache.clear();
    return snapshot;
  }

  /** A funnel's steps, drop-offs and breakdown (funnels/) for the stats parameters `params`. */
  async funnel(site: StatsSite, funnel: Funnel, params: unknown): Promise<FunnelStats> {
    return runFunnel(this.reader, this.dialect, site, funnel, parseFunnelParams(params), this.now());
  }

  /** The sessions that reached step `afterStep` of a funnel and not the next (its drop-off there), latest first. */
  async funnelDropOffSessions(site: StatsSite, funnel: Funnel, params: unknown, afterStep: number, limit: number): Promise<string[]> {
    return runFunnelDropOffSessions(this.reader, this.dialect, site, funnel, parseFunnelParams(params), afterStep, limit, this.now());
  }

  private pathSessionsReady(): boolean {
    return this.dialect.name === 'duckdb' && (this.pathSessions?.ready() ?? false);
  }

  /** The site's common paths from or to an anchor, for a Sankey (paths/). */
  async paths(site: StatsSite, params: unknown): Promise<Paths> {
    return runPaths(this.reader, this.dialect, site, parsePathsParams(params), this.now(), this.pathSessionsReady());
  }

  /** What comes right before and after a page (paths/). */
  async pageNeighbours(site: StatsSite, params: unknown): Promise<PageNeighbours> {
    return runNeighbours(this.reader, this.dialect, site, parseNeighboursParams(params), this.now(), this.pathSessionsReady());
  }

  /** Retention (and goal completion) of cohorts by first visit, first source or landing page (cohorts/). */
  async cohorts(site: StatsSite, params: unknown): Promise<Cohorts> {
    const req = parseCohortParams(params);
    // Revenue per member reads the credits: brought up to date first.
    await this.revenueCredits?.(site.id);
    const rollupReady = this.dialect.name === 'duckdb' && (this.visitorHours?.ready() ?? false);
    return runCohorts(this.reader, this.dialect, site, req, this.now(), rollupReady);
  }

  /** An experiment's exposures and conversions per variant (experiments/). */
  async experimentCounts(q: ExperimentCountsQuery): Promise<ExperimentVariantCounts[]> {
    return runExperimentCounts(this.reader, this.dialect, q);
  }

  /** Journey segments over a goal: direct converters, researchers, browsers … (journeys/). */
  async journeys(site: StatsSite, params: unknown): Promise<JourneySegments> {
    return runJourneys(this.reader, this.dialect, site, params, this.now());
  }

  /** Profiles (profiles/): people of the site's events, searched, ordered and paged. */
  async profiles(site: StatsSite, params: unknown, scorer: ProfileScorer): Promise<ProfileList> {
    // Profiles carry their revenue (credits): brought up to date first.
    await this.revenueCredits?.(site.id);
    return runProfileList(this.reader, this.dialect, site, params, this.now(), scorer);
  }

  async profile(site: StatsSite, pid: unknown, scorer: ProfileScorer): Promise<Profile> {
    await this.revenueCredits?.(site.id);
    return runProfile(this.reader, this.dialect, site, pid, scorer);
  }

  /**
   * Score and segment of many people at once, each as `profile` gives it (triggers/ profile predicates).
   * The score reads no revenue, so the credits are not brought up to date.
   */
  async profileScores(site: StatsSite, pids: readonly string[], scorer: ProfileScorer): Promise<Map<string, ProfileScoreRow>> {
    return runProfileScores(this.reader, this.dialect, site.id, pids, scorer);
  }

  /** Identified people's transaction days for the lifetime models (lifetime/): purchases, else active days. */
  async lifetimeDays(site: StatsSite, opts: { beforeMs?: number | null; pids?: readonly string[] | null } = {}): Promise<LifetimeDays> {
    await this.revenueCredits?.(site.id);
    return runLifetimeDays(this.reader, this.dialect, site.id, opts);
  }

  /** The people an audience's definition looks at, with what its predicates need (audiences/). */
  async audienceRows(site: StatsSite, req: AudienceRowsRequest, scorer: ProfileScorer): Promise<AudienceRows> {
    await this.revenueCredits?.(site.id);
    return runAudienceRows(this.reader, this.dialect, site, req, this.now(), scorer);
  }

  /** Which of the profile ids still have events on the site. */
  async existingPeople(siteId: string, pids: readonly string[]): Promise<Set<string>> {
    return runExistingPeople(this.reader, this.dialect, siteId, pids);
  }

  /** The visitor ids seen with a user id on the site. */
  async visitorIdsOfUser(siteId: string, userId: string): Promise<string[]> {
    return runVisitorIdsOfUser(this.reader, this.dialect, siteId, userId);
  }

  /** Every person of the site with visitor ids, the scorer's features and revenue (segments/); `sinceMs`: only people active since. */
  async peopleFeatures(site: StatsSite, scorer: ProfileScorer, sinceMs: number | null = null): Promise<PersonFeatureRow[]> {
    await this.revenueCredits?.(site.id);
    return runPeopleFeatures(this.reader, this.dialect, site.id, scorer, sinceMs);
  }

  /** Lead-score training rows (profiles/training.ts): people at a cutoff, their features then, and the goal after. */
  async leadExamples(
    site: StatsSite,
    scorer: ProfileScorer,
    goal: GoalDefinition,
    cutoffMs: number,
    horizonMs: number,
  ): Promise<LeadExample[]> {
    return runLeadExamples(this.events, this.dialect, site.id, scorer, goal, cutoffMs, horizonMs);
  }

  async profileTimeline(site: StatsSite, pid: unknown, params: unknown): Promise<ProfileTimeline> {
    return runProfileTimeline(this.reader, this.dialect, site.id, pid, params);
  }

  async rawEvents(site: StatsSite, params: unknown): Promise<RawEventsPage> {
    const req = parseRawEventsParams(params, this.now());
    const compiled = compileRawEvents(this.dialect, site.id, req);
    const rows = await this.events.query<Record<string, unknown>>(compiled.sql, compiled.params);
    return shapeRawEvents(rows, req.limit);
  }
}

function hasFilters(query: Query): boolean {
  return query.filters !== undefined && !(Array.isArray(query.filters) && query.filters.length === 0);
}

/** Breakdown rows carry the value as `path` (page-like dimensions) or `name`, as in the PRD. */
function renameDimension(row: Record<string, string | number>, dim: Dimension): Record<string, string | number> {
  const { [dim]: value, ...rest } = row;
  return { [valueKey(dim)]: value, ...rest };
}
